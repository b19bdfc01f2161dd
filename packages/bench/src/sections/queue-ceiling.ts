import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import sharp from 'sharp';

import { createApiKeys, startBenchStack } from '../load/bench-stack';
import { runClosedLoop } from '../load/closed-loop';
import { summariseLoad, type LoadSummary } from '../load/load-summary';
import { gatewayDurations, workerRemovals } from '../load/stack-logs';
import type { BenchPhoto } from '../photos';
import { note } from '../progress';
import { tinyModelLabel, writeTinyModel } from '../tiny-model';
import { workerSettings } from './http';

export interface QueueResult {
  /** Always the tiny stand-in model: these numbers are the system's, not IS-Net's. */
  model: string;
  image: string;
  runs: Array<{ workerConcurrency: number; worker: Record<string, string>; load: LoadSummary }>;
}

/**
 * Jobs per second through gateway, Postgres, Redis queue, worker and S3 when the model
 * costs almost nothing, for one worker at a few concurrency settings.
 */
export async function measureQueueCeiling(
  photos: BenchPhoto[],
  options: { requests: number; workerConcurrencies: number[] },
): Promise<QueueResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'poofbg-bench-tiny-'));
  const modelPath = path.join(dir, 'tiny.onnx');
  await writeTinyModel(modelPath);

  // A small photo keeps decode and encode small too; the 1024x1024 resizes remain.
  const image = await sharp(photos[0]!.bytes).resize(320).jpeg().toBuffer();

  try {
    const runs = [];
    for (const workerConcurrency of options.workerConcurrencies) {
      runs.push(await measureOne(modelPath, image, workerConcurrency, options.requests));
    }
    return { model: tinyModelLabel, image: `${photos[0]!.name} scaled to 320 px wide`, runs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function measureOne(
  modelPath: string,
  image: Buffer,
  workerConcurrency: number,
  requests: number,
) {
  const stack = await startBenchStack({
    MODEL_PATH: modelPath,
    WORKER_CONCURRENCY: String(workerConcurrency),
  });

  try {
    const apiKeys = await createApiKeys(stack, 20);
    const concurrency = Math.max(8, workerConcurrency * 2);
    const images = [image];
    await runClosedLoop({ url: stack.url, apiKeys, images, concurrency: 1, requests: 2 });

    const run = await runClosedLoop({ url: stack.url, apiKeys, images, concurrency, requests });
    const gateway = gatewayDurations(stack.gateway.logs);
    const worker = workerRemovals(stack.workers[0]!.logs);
    const seconds = (run.wallMs / 1000).toFixed(1);
    note(`queue: worker concurrency ${workerConcurrency}, ${requests} jobs in ${seconds} s`);

    const load = summariseLoad(concurrency, run, gateway, worker);
    return { workerConcurrency, worker: workerSettings(stack.workers[0]!.logs), load };
  } finally {
    await stack.stop();
  }
}
