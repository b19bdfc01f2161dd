/**
 * Rewrites the frame size a baseline or progressive JPEG declares, leaving its pixel data as
 * it is: a small file that claims to be huge, like a decompression bomb's header.
 */
export function withDeclaredSize(jpeg: Buffer, width: number, height: number): Buffer {
  const patched = Buffer.from(jpeg);

  // Markers after SOI are FF xx followed by a two-byte length that counts itself.
  for (let offset = 2; offset + 9 < patched.length;) {
    const code = patched[offset + 1]!;
    if (code >= 0xc0 && code <= 0xc2) {
      patched.writeUInt16BE(height, offset + 5);
      patched.writeUInt16BE(width, offset + 7);
      return patched;
    }

    offset += 2 + patched.readUInt16BE(offset + 2);
  }

  throw new Error('no frame header found in JPEG');
}
