import { runClosedLoop } from '../load/closed-loop';
import { summariseLoad, type LoadSummary } from '../load/load-summary';
import { createApiKeys, startBenchStack } from '../load/bench-stack';
import { gatewayDurations, workerRemovals } from '../load/stack-logs';
import type { BenchPhoto } from '../photos';
import { note } from '../progress';

export interface HttpRun {
  /** The worker's settings that matter here, as the stack started it. */
  worker: Record<string, string>;
  levels: LoadSummary[];
}

/**
 * The fixture photos through the real API (gateway, Postgres, Redis queue, S3, one worker
 * with the real model) at several numbers of requests in flight, for each worker
 * concurrency setting.
 */
export async function measureHttp(
  photos: BenchPhoto[],
  options: { runs: Array<{ workerConcurrency: number; inFlight: number[] }>; perSlot: number },
): Promise<HttpRun[]> {
  const images = photos.filter((p) => p.width * p.height < 4_000_000).map((p) => p.bytes);

  const runs: HttpRun[] = [];
  for (const run of options.runs) runs.push(await measureWorker(images, run, options.perSlot));
  return runs;
}

async function measureWorker(
  images: Buffer[],
  run: { workerConcurrency: number; inFlight: number[] },
  perSlot: number,
): Promise<HttpRun> {
  const stack = await startBenchStack({ WORKER_CONCURRENCY: String(run.workerConcurrency) });
  try {
    const apiKeys = await createApiKeys(stack, 4);
    const url = stack.url;

    // One untimed request warms the model's first run and the S3 bucket.
    await runClosedLoop({ url, apiKeys, images, concurrency: 1, requests: 1 });

    const levels: LoadSummary[] = [];
    for (const concurrency of run.inFlight) {
      const requests = concurrency * perSlot;
      const load = await runClosedLoop({ url, apiKeys, images, concurrency, requests });
      const gateway = gatewayDurations(stack.gateway.logs);
      const worker = workerRemovals(stack.workers[0]!.logs);
      levels.push(summariseLoad(concurrency, load, gateway, worker));

      const seconds = (load.wallMs / 1000).toFixed(1);
      note(
        `http: worker concurrency ${run.workerConcurrency}, ${concurrency} in flight, ` +
          `${requests} requests in ${seconds} s`,
      );
    }

    return { worker: workerSettings(stack.workers[0]!.logs), levels };
  } finally {
    await stack.stop();
  }
}

/** What the worker said about itself when it became ready. */
export function workerSettings(logs: Array<Record<string, unknown>>): Record<string, string> {
  const ready = logs.find((line) => line.msg === 'worker ready') ?? {};
  const loaded = logs.find((line) => line.msg === 'segmentation model loaded') ?? {};

  return {
    concurrency: String(ready.concurrency),
    provider: String(loaded.provider),
    model: String(loaded.model),
    widened: String(loaded.widened),
  };
}
