import os from 'node:os';

import sharp from 'sharp';

import { decodeUpright, type UprightImage } from './decode';
import { encodeRgba } from './encode';
import { Gate } from './gate';
import { InferenceThread, type ModelRun } from './inference-client';
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
 * Images admitted between decoding and the end of inference: one in the model and one
 * decoded and ready behind it, so the model never waits for a decode. Admitting more would
 * only hold more decoded images in memory and take cores from the running inference.
 */
const admittedImages = 2;

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
  private readonly admission = new Gate(admittedImages);

  constructor(
    private readonly thread: InferenceThread,
    private readonly maxInputPixels: number,
  ) {}

  get provider(): ExecutionProvider {
    return this.thread.provider;
  }

  async removeBackground(image: Buffer): Promise<RemovalResult> {
    const stopwatch = startStopwatch();
    const timings = { waitMs: 0, decodeMs: 0, preprocessMs: 0, inferenceMs: 0 };

    await this.admission.enter();
    let run: ModelRun;
    let upright: UprightImage;
    try {
      timings.waitMs = stopwatch.lap();
      upright = await decodeUpright(image, this.maxInputPixels);
      timings.decodeMs = stopwatch.lap();

      const input = await toModelInput(upright);
      timings.preprocessMs = stopwatch.lap();

      run = await this.thread.run(input);
      timings.inferenceMs = run.runMs;
      timings.waitMs += stopwatch.lap() - run.runMs;
    } finally {
      this.admission.leave();
    }

    const alpha = await maskToAlpha(run.mask, upright.width, upright.height);
    const postprocessMs = stopwatch.lap();

    const png = await encodeRgba(upright, alpha);
    const encodeMs = stopwatch.lap();

    const { width, height } = upright;
    return { png, width, height, timings: { ...timings, postprocessMs, encodeMs } };
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
