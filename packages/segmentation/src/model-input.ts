import sharp from 'sharp';

import type { UprightImage } from './decode';
import { modelSide } from './model-shape';

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

  return normalise(rgb);
}

function normalise(rgb: Buffer): Float32Array<ArrayBuffer> {
  const plane = modelSide * modelSide;
  const input = new Float32Array(3 * plane);

  for (let pixel = 0, byte = 0; pixel < plane; pixel += 1, byte += 3) {
    input[pixel] = (rgb[byte]! - 128) / 256;
    input[plane + pixel] = (rgb[byte + 1]! - 128) / 256;
    input[2 * plane + pixel] = (rgb[byte + 2]! - 128) / 256;
  }

  return input;
}
