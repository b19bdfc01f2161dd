import sharp from 'sharp';

import { modelSide } from './model-shape';

/**
 * Turns the model's 1024x1024 mask (floats in 0..1) into an 8-bit alpha channel of the
 * image's own size.
 */
export async function maskToAlpha(
  mask: Float32Array,
  width: number,
  height: number,
): Promise<Buffer> {
  // sharp picks the pixel depth by comparing the array's constructor with its own, and arrays
  // posted from a worker carry the main context's constructor; a host that loads this module
  // in another context (jest's sandbox) would be misread. A view of the same memory avoids it.
  const pixels = new Float32Array(mask.buffer, mask.byteOffset, mask.length);

  // sharp reads raw pixels deeper than 8 bits as 16-bit grey, so 0..1 is scaled to 0..65535;
  // converting to 8-bit grey then divides by 256, rounds and clamps.
  return sharp(pixels, { raw: { width: modelSide, height: modelSide, channels: 1 } })
    .linear(65535, 0)
    .resize(width, height, { fit: 'fill', kernel: 'mitchell' })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
}
