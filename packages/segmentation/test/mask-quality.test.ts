import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { createSegmenter, type Segmenter } from '@poofbg/segmentation';
import { fixturePath, fixturePhotos } from '@poofbg/testing';
import sharp from 'sharp';

import { readAlpha } from './alpha-stats';

/**
 * Holds every fixture photo's mask to the one the unoptimised pipeline produced (commit
 * e264e40, test/reference/*.alpha.png, full size), so that a speed-up cannot quietly
 * degrade results.
 *
 * Thresholds, from measurements on these photos:
 * - the optimised pipeline (fp16 model widened to fp32, 8-bit mask scaling) scores
 *   IoU >= 0.9988 and a mean alpha error <= 0.08 of 255; thread counts change nothing;
 * - the quantised 'small' model, a real loss of quality, scores IoU 0.983 and error 1.4 on
 *   cloth-1 and IoU 0.17 and error 96 on plants-1 (car-1 alone would not show it: 0.998,
 *   0.15).
 * IoU >= 0.995 and error <= 0.5 sit well clear of both: room for other CPUs' arithmetic
 * and a GPU's fp16, none for a different model or a broken stage.
 */
const minIoU = 0.995;
const maxMeanAlphaError = 0.5;

/** Where alpha counts as subject when the masks are compared as shapes. */
const subjectThreshold = 128;

let segmenter: Segmenter;
const alphas = new Map<string, Buffer>();

beforeAll(async () => {
  segmenter = await createSegmenter({
    model: { kind: 'package', variant: 'medium' },
    executionProviders: ['cuda', 'cpu'],
    inferenceThreads: 0,
    maxInputPixels: 40_000_000,
  });

  // All at once: the overlapping calls must each get their own photo's mask back.
  const photos = await Promise.all(fixturePhotos.map((name) => readFile(fixturePath(name))));
  const results = await Promise.all(photos.map((photo) => segmenter.removeBackground(photo)));
  for (const [index, result] of results.entries()) {
    alphas.set(fixturePhotos[index]!, (await readAlpha(result.png)).alpha);
  }
});

afterAll(() => segmenter?.close());

async function referenceAlpha(photo: string): Promise<Buffer> {
  const file = path.join(__dirname, 'reference', `${path.parse(photo).name}.alpha.png`);
  return sharp(file).extractChannel(0).raw().toBuffer();
}

function intersectionOverUnion(a: Buffer, b: Buffer): number {
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.length; i += 1) {
    const inA = a[i]! >= subjectThreshold;
    const inB = b[i]! >= subjectThreshold;
    if (inA && inB) both += 1;
    if (inA || inB) either += 1;
  }

  return either === 0 ? 1 : both / either;
}

function meanAbsoluteError(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs(a[i]! - b[i]!);

  return sum / a.length;
}

test.each(fixturePhotos)('the mask of %s matches the unoptimised pipeline', async (photo) => {
  const reference = await referenceAlpha(photo);
  const alpha = alphas.get(photo)!;
  expect(alpha.length).toBe(reference.length);

  expect(intersectionOverUnion(alpha, reference)).toBeGreaterThanOrEqual(minIoU);
  expect(meanAbsoluteError(alpha, reference)).toBeLessThanOrEqual(maxMeanAlphaError);
});
