import sharp from 'sharp';

import { errorMessage } from './error-message';
import { ImageDecodeError } from './types';

/** The formats the API accepts; anything else is refused before its decoder runs. */
const acceptedFormats = new Set(['jpeg', 'png', 'webp']);

/** Decoded pixels as the viewer sees them: EXIF orientation applied, 8-bit sRGB, no alpha. */
export interface UprightImage {
  /** Interleaved RGB, `width * height * 3` bytes. */
  rgb: Buffer;
  width: number;
  height: number;
}

/**
 * Decodes an encoded image to upright 8-bit RGB, whatever its colour space, bit depth,
 * palette or alpha.
 *
 * @throws ImageDecodeError when the bytes are not a JPEG, PNG or WebP that decodes cleanly,
 *   or when the header declares more than `maxInputPixels` pixels.
 */
export async function decodeUpright(image: Buffer, maxInputPixels: number): Promise<UprightImage> {
  await checkHeader(image, maxInputPixels);

  try {
    const { data, info } = await sharp(image, { limitInputPixels: maxInputPixels })
      .rotate()
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { rgb: data, width: info.width, height: info.height };
  } catch (err) {
    throw new ImageDecodeError(`image could not be decoded: ${errorMessage(err)}`, { cause: err });
  }
}

/** Reads only the header, so an oversized image is refused before any pixel is decoded. */
async function checkHeader(image: Buffer, maxInputPixels: number): Promise<void> {
  let metadata: sharp.Metadata;
  try {
    // Reading the header decodes no pixels; the limit is enforced below, with a clearer reason.
    metadata = await sharp(image, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new ImageDecodeError(`not a readable image: ${errorMessage(err)}`, { cause: err });
  }

  const { format, width, height } = metadata;
  if (!acceptedFormats.has(format)) {
    throw new ImageDecodeError(`unsupported image format ${format}; send JPEG, PNG or WebP`);
  }

  if (!width || !height) throw new ImageDecodeError('image header has no dimensions');
  if (width * height > maxInputPixels) {
    throw new ImageDecodeError(
      `image is ${width}x${height}, more than the limit of ${maxInputPixels} pixels`,
    );
  }
}
