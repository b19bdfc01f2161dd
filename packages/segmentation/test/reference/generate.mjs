// Writes the reference alpha masks the quality test compares against. They were made once,
// with the unoptimised pipeline at commit e264e40 (fp16 'medium' model, onnxruntime's default
// session options); regenerate them only when a change to the results is intended.
//
//   pnpm build && node packages/segmentation/test/reference/generate.mjs
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

import segmentation from '../../dist/index.js';
import { fixturePath, fixturePhotos } from '@poofbg/testing';
import sharp from 'sharp';

const { createSegmenter } = segmentation;
const here = path.dirname(fileURLToPath(import.meta.url));

const segmenter = await createSegmenter({
  model: { kind: 'package', variant: 'medium' },
  executionProviders: ['cpu'],
  inferenceThreads: 0,
  maxInputPixels: 40_000_000,
});

for (const name of fixturePhotos) {
  const result = await segmenter.removeBackground(await readFile(fixturePath(name)));
  const target = path.join(here, `${path.parse(name).name}.alpha.png`);

  // Full size, one 8-bit grey channel: exactly the alpha the API returned, losslessly.
  await sharp(result.png).extractChannel(3).png({ compressionLevel: 9 }).toFile(target);
  process.stdout.write(`${target} ${result.width}x${result.height}\n`);
}

await segmenter.close();
