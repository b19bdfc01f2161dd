import { readFile } from 'node:fs/promises';

import { fixturePath, fixturePhotos } from '@poofbg/testing';
import sharp from 'sharp';

/** One image the benchmark feeds to every pipeline. */
export interface BenchPhoto {
  name: string;
  bytes: Buffer;
  width: number;
  height: number;
  /** MIME type, for pipelines that want one (plants-1.jpg is really a PNG). */
  type: string;
}

/** 12 megapixels in the 2:3 shape of the plants photo the large image is made from. */
const largeSize = { width: 2832, height: 4248 };

/** The shared fixture photos, plus a 12 MP photo made from one of them unless `quick`. */
export async function loadPhotos(options: { large: boolean }): Promise<BenchPhoto[]> {
  const photos: BenchPhoto[] = [];
  for (const name of fixturePhotos) {
    photos.push(await describe(name, await readFile(fixturePath(name))));
  }

  if (options.large) photos.push(await describe('large-12mp.jpg', await makeLargePhoto()));
  return photos;
}

async function describe(name: string, bytes: Buffer): Promise<BenchPhoto> {
  const { width, height, format } = await sharp(bytes).metadata();

  return { name, bytes, width: width ?? 0, height: height ?? 0, type: `image/${format}` };
}

/**
 * Scales the plants photo up to 12 MP and adds sensor-like grain. Without the grain an
 * upscaled photo is unrealistically smooth and its PNG far cheaper to encode than a camera's.
 * The grain comes from a fixed seed, so every run encodes the same bytes.
 */
async function makeLargePhoto(): Promise<Buffer> {
  const { width, height } = largeSize;
  const rgb = await sharp(fixturePath('plants-1.jpg'))
    .removeAlpha()
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer();

  addGrain(rgb, 0x5eed);
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Adds grain (standard deviation about 7 levels) from a xorshift generator, clamped. */
function addGrain(rgb: Buffer, seed: number): void {
  let state = seed;
  for (let i = 0; i < rgb.length; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    // Sum of two uniform values: a cheap bell-shaped grain.
    const noise = ((state & 0xff) + ((state >>> 8) & 0xff) - 255) / 10;
    rgb[i] = Math.min(255, Math.max(0, rgb[i]! + noise));
  }
}
