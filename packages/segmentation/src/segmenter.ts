import os from 'node:os';

import sharp from 'sharp';

import { decodeUpright } from './decode';
import { encodeRgba } from './encode';
import { InferenceThread } from './inference-client';
import { maskToAlpha } from './mask';
import { toModelInput } from './model-input';
import { describeModelSource } from './model-source';
import { startStopwatch } from './stopwatch';
import type {
  ExecutionProvider,
  RemovalResult,
  Segmenter,
  SegmenterLogger,
  SegmenterOptions,
} from './types';

/**
 * Loads the model in its own worker thread and resolves once it is ready to serve.
 * Logs the execution provider in use, any provider that failed before it (as a warning),
 * and the load time.
 *
 * @throws ModelLoadError when the model is missing, damaged, or loads on no provider.
 */
export async function createSegmenter(
  options: SegmenterOptions,
  logger?: SegmenterLogger,
): Promise<Segmenter> {
  const imageThreads = options.imageThreads || os.availableParallelism();
  sharp.concurrency(imageThreads);

  const { thread, provider, loadMs, failures, widened } = await InferenceThread.start({
    model: options.model,
    executionProviders: options.executionProviders,
    inferenceThreads: options.inferenceThreads,
    widenHalfPrecision: options.widenHalfPrecision ?? true,
  });

  for (const failure of failures) {
    logger?.warn({ provider: failure.provider, err: failure.message }, 'provider unavailable');
  }
  const model = describeModelSource(options.model);
  const durationMs = Math.round(loadMs);
  logger?.info({ provider, model, widened, imageThreads, durationMs }, 'segmentation model loaded');

  return new ThreadedSegmenter(thread, options.maxInputPixels);
}

class ThreadedSegmenter implements Segmenter {
  constructor(
    private readonly thread: InferenceThread,
    private readonly maxInputPixels: number,
  ) {}

  get provider(): ExecutionProvider {
    return this.thread.provider;
  }

  async removeBackground(image: Buffer): Promise<RemovalResult> {
    const stopwatch = startStopwatch();

    const upright = await decodeUpright(image, this.maxInputPixels);
    const decodeMs = stopwatch.lap();

    const input = await toModelInput(upright);
    const preprocessMs = stopwatch.lap();

    const mask = await this.thread.run(input);
    const inferenceMs = stopwatch.lap();

    const alpha = await maskToAlpha(mask, upright.width, upright.height);
    const postprocessMs = stopwatch.lap();

    const png = await encodeRgba(upright, alpha);
    const encodeMs = stopwatch.lap();

    const timings = { decodeMs, preprocessMs, inferenceMs, postprocessMs, encodeMs };
    return { png, width: upright.width, height: upright.height, timings };
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
