import {
  createSegmenter,
  decodeUpright,
  openModelSession,
  toModelInput,
  type ModelSession,
  type ModelSessionConfig,
  type Segmenter,
  type SegmenterOptions,
} from '@poofbg/segmentation';

import type { BenchPhoto } from './photos';

/**
 * PoofBG as the worker builds it with its default settings, on CPU (the bench machine has
 * no GPU, and trying CUDA first would only add a warning).
 */
export const segmenterOptions: SegmenterOptions = {
  model: { kind: 'package', variant: 'medium' },
  executionProviders: ['cpu'],
  inferenceThreads: 0,
  maxInputPixels: 100_000_000,
};

export function startSegmenter(): Promise<Segmenter> {
  return createSegmenter(segmenterOptions);
}

/**
 * The floor: `session.run` alone, with the session the segmenter would open, on the exact
 * input the pipeline gives the model for each photo. No threads, no image stages.
 */
export interface RawModel {
  /** Milliseconds one `run` took on the photo's prepared input. */
  run(photo: string): Promise<number>;
  release(): Promise<void>;
}

export async function openRawModel(photos: BenchPhoto[]): Promise<RawModel> {
  const config: ModelSessionConfig = {
    model: segmenterOptions.model,
    executionProviders: segmenterOptions.executionProviders,
    inferenceThreads: segmenterOptions.inferenceThreads,
    widenHalfPrecision: segmenterOptions.widenHalfPrecision ?? true,
  };
  const session: ModelSession = await openModelSession(config);

  const inputs = new Map<string, Float32Array<ArrayBuffer>>();
  for (const photo of photos) {
    const upright = await decodeUpright(photo.bytes, segmenterOptions.maxInputPixels);
    inputs.set(photo.name, await toModelInput(upright));
  }

  return {
    async run(name) {
      const input = inputs.get(name);
      if (!input) throw new Error(`no prepared input for ${name}`);

      const started = performance.now();
      await session.run(input);
      return performance.now() - started;
    },
    release: () => session.release(),
  };
}
