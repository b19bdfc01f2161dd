import type { Segmenter } from '@poofbg/segmentation';

import type { BenchPhoto } from '../photos';
import { openRawModel, startSegmenter } from '../pipelines';
import { note } from '../progress';
import { summarise, type Summary } from '../stats';

export interface ThroughputResult {
  /** Calls to `removeBackground` kept in flight at once, as a worker's concurrency would. */
  inFlight: number;
  /** Wall time per image over a block of images. */
  msPerImage: Summary;
  /** msPerImage ÷ the mean raw `session.run` of the same photos in the same round. */
  vsRawInference: Summary;
}

const levels = [1, 2, 3];

/**
 * Steady-state cost per image when several removals overlap: decode and encode of one
 * image run beside the model's work on another. Blocks of each level take turns.
 */
export async function measureThroughput(
  photos: BenchPhoto[],
  options: { rounds: number; imagesPerBlock: number },
): Promise<ThroughputResult[]> {
  const small = photos.filter((p) => p.width * p.height < 4_000_000);
  const segmenter = await startSegmenter();
  const raw = await openRawModel(small);

  try {
    const perImage = new Map(levels.map((level) => [level, [] as number[]]));
    const ratios = new Map(levels.map((level) => [level, [] as number[]]));
    for (let round = 0; round <= options.rounds; round += 1) {
      let rawSum = 0;
      for (const photo of small) rawSum += await raw.run(photo.name);
      const rawMean = rawSum / small.length;

      for (let turn = 0; turn < levels.length; turn += 1) {
        const level = levels[(turn + round) % levels.length]!;
        const ms = await runBlock(segmenter, small, level, options.imagesPerBlock);
        if (round === 0) continue;
        perImage.get(level)!.push(ms);
        ratios.get(level)!.push(ms / rawMean);
      }
      note(`throughput: round ${round}/${options.rounds}`);
    }

    return levels.map((inFlight) => ({
      inFlight,
      msPerImage: summarise(perImage.get(inFlight)!),
      vsRawInference: summarise(ratios.get(inFlight)!),
    }));
  } finally {
    await segmenter.close();
    await raw.release();
  }
}

async function runBlock(
  segmenter: Segmenter,
  photos: BenchPhoto[],
  inFlight: number,
  images: number,
): Promise<number> {
  let next = 0;
  const loop = async () => {
    while (next < images) {
      const photo = photos[next % photos.length]!;
      next += 1;
      await segmenter.removeBackground(photo.bytes);
    }
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, loop));
  return (performance.now() - started) / images;
}
