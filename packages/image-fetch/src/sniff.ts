/** An image format PoofBG can decode. */
export type ImageType = 'jpeg' | 'png' | 'webp';

const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const RIFF = [0x52, 0x49, 0x46, 0x46];
const WEBP = [0x57, 0x45, 0x42, 0x50];

/**
 * The image format of `bytes`, judged only by their magic numbers, never by a file name or a
 * Content-Type header (both are whatever the sender chose). `null` for anything else,
 * including GIF, BMP, PDF and SVG. A WebP is a RIFF container whose form type is `WEBP`.
 */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (startsWith(bytes, JPEG_MAGIC)) return 'jpeg';
  if (startsWith(bytes, PNG_MAGIC)) return 'png';
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return 'webp';

  return null;
}

function startsWith(bytes: Uint8Array, magic: number[], offset = 0): boolean {
  if (bytes.length < offset + magic.length) return false;

  return magic.every((byte, index) => bytes[offset + index] === byte);
}
