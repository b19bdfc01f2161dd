import sharp from 'sharp';

import type { UprightImage } from './decode';
import { modelSide } from './model-shape';

/** Every byte value's normalised float, `(v - 128) / 256`, computed once. */
const normalised = Float32Array.from({ length: 256 }, (_, value) => (value - 128) / 256);

/**
 * Turns an upright image into the model's input: squeezed to 1024x1024, RGB planes one after
 * another (CHW), each value `(v - 128) / 256`.
 */
export async function toModelInput(image: UprightImage): Promise<Float32Array<ArrayBuffer>> {
  const { width, height } = image;
  const rgb = await sharp(image.rgb, { raw: { width, height, channels: 3 } })
    .resize(modelSide, modelSide, { fit: 'fill' })
    .raw()
    .toBuffer();

  return toPlanes(rgb);
}

/** The one pixel loop left in JavaScript: interleaved bytes to three float planes. */
function toPlanes(rgb: Buffer): Float32Array<ArrayBuffer> {
  const plane = modelSide * modelSide;
  const input = new Float32Array(3 * plane);
  const red = input.subarray(0, plane);
  const green = input.subarray(plane, 2 * plane);
  const blue = input.subarray(2 * plane);

  for (let pixel = 0, byte = 0; pixel < plane; pixel += 1, byte += 3) {
    red[pixel] = normalised[rgb[byte]!]!;
    green[pixel] = normalised[rgb[byte + 1]!]!;
    blue[pixel] = normalised[rgb[byte + 2]!]!;
  }

  return input;
}
