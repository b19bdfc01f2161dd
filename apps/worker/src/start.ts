import { createLogger } from '@poofbg/config';
import { createDatabase, purgeIdempotencyKeys } from '@poofbg/db';
import {
  createBlockingConnection,
  createCommandConnection,
  createRemovalQueue,
  removalJobName,
  removalQueueName,
} from '@poofbg/queue';
import { createSegmenter } from '@poofbg/segmentation';
import { createStorage } from '@poofbg/storage';
import { Worker } from 'bullmq';

import type { WorkerConfig } from './config';
import { startHealthServer } from './health-server';
import { sweepLeftoverInputs } from './input-sweeper';
import { processRemoval, type RemovalDeps } from './process-removal';
import { onQueueFailure } from './queue-failure';
import { sweepStaleJobs } from './stale-jobs';

export interface RunningWorker {
  deps: RemovalDeps;
  /**
   * Stops taking jobs and waits up to the grace period for jobs in hand; any still running
   * then are left to their lock, which expires and hands them to another worker (the
   * process is expected to exit right after).
   */
  stop(): Promise<void>;
}

/** Loads the model, connects, and starts taking jobs. */
export async function startWorker(config: WorkerConfig): Promise<RunningWorker> {
  const { env } = config;
  const logger = createLogger('worker', env.LOG_LEVEL);
  let ready = false;
  let provider: string | undefined;

  const health =
    env.HEALTH_PORT > 0
      ? await startHealthServer(env.HEALTH_PORT, () => ({ ready, detail: { provider } }))
      : undefined;

  const segmenter = await createSegmenter(
    {
      model: config.model,
      executionProviders: config.executionProviders,
      inferenceThreads: env.INFERENCE_THREADS,
      maxInputPixels: env.MAX_INPUT_PIXELS,
      widenHalfPrecision: env.MODEL_WIDEN_FP16_ON_CPU,
      imageThreads: env.IMAGE_THREADS,
    },
    logger,
  );
  provider = segmenter.provider;

  const db = createDatabase(env.DATABASE_URL, { poolSize: env.WORKER_CONCURRENCY + 2 });
  const redis = createCommandConnection(env.REDIS_URL, { connectionName: 'poofbg-worker' });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const { storage, ensureReady } = createStorage(config.storage);
  await ensureReady();

  const deps: RemovalDeps = {
    db,
    redis,
    storage,
    segmenter,
    logger,
    queuePrefix: env.QUEUE_PREFIX,
    allowLoopback: env.IMAGE_FETCH_ALLOW_LOOPBACK,
  };

  const worker = createQueueWorker(config, deps);
  const queue = createRemovalQueue(redis, env.QUEUE_PREFIX);
  const sweeper = startSweeper({ ...deps, queue }, env.STALE_JOB_SECONDS * 1000);

  await worker.waitUntilReady();
  ready = true;
  logger.info(
    { provider, concurrency: env.WORKER_CONCURRENCY, lockSeconds: env.JOB_LOCK_SECONDS },
    'worker ready',
  );

  return {
    deps,
    async stop() {
      ready = false;
      clearInterval(sweeper);
      const finished = await closeWithin(worker, env.SHUTDOWN_GRACE_SECONDS * 1000, logger);
      await queue.close();
      // A job still running keeps the inference thread busy; closing the segmenter would
      // wait for it. The job's lock expires instead and another worker takes it over.
      if (finished) await segmenter.close();
      redis.disconnect();
      await db.$disconnect();
      await new Promise<void>((resolve) => (health ? health.close(() => resolve()) : resolve()));
      logger.info('worker stopped');
    },
  };
}

function createQueueWorker(config: WorkerConfig, deps: RemovalDeps): Worker {
  const { env } = config;
  const lockMs = env.JOB_LOCK_SECONDS * 1000;

  const worker = new Worker(
    removalQueueName,
    async (job) => {
      if (job.name !== removalJobName) throw new Error(`no handler for job name ${job.name}`);
      await processRemoval(deps, job);
    },
    {
      connection: createBlockingConnection(env.REDIS_URL, {
        connectionName: 'poofbg-worker-queue',
      }),
      prefix: env.QUEUE_PREFIX,
      concurrency: env.WORKER_CONCURRENCY,
      lockDuration: lockMs,
      // Inference runs off the main thread, so locks renew on time; a job is declared
      // stalled only when its worker is gone. Two stalls in a row fail it for good.
      stalledInterval: Math.max(1_000, Math.floor(lockMs / 2)),
      maxStalledCount: 2,
      autorun: true,
    },
  );

  worker.on('failed', (job, err) => void onQueueFailure(deps, job, err));
  worker.on('error', (err) => deps.logger.warn({ err }, 'queue worker error'));
  return worker;
}

function startSweeper(
  deps: Parameters<typeof sweepStaleJobs>[0],
  staleAfterMs: number,
): NodeJS.Timeout {
  const everyMs = Math.min(60_000, Math.max(5_000, staleAfterMs / 4));
  const timer = setInterval(() => {
    sweepStaleJobs(deps, staleAfterMs).catch((err: unknown) =>
      deps.logger.warn({ err }, 'stale job sweep failed'),
    );
    purgeIdempotencyKeys(deps.db).catch((err: unknown) =>
      deps.logger.warn({ err }, 'idempotency key purge failed'),
    );
    sweepLeftoverInputs(deps).catch((err: unknown) =>
      deps.logger.warn({ err }, 'leftover upload sweep failed'),
    );
  }, everyMs);
  timer.unref();
  return timer;
}

async function closeWithin(
  worker: Worker,
  graceMs: number,
  logger: RunningWorker['deps']['logger'],
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const graceful = worker.close().then(() => 'finished' as const);
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), graceMs);
  });

  const outcome = await Promise.race([graceful, deadline]);
  clearTimeout(timer);
  if (outcome === 'deadline') {
    logger.warn({ graceMs }, 'jobs still running at shutdown; leaving them to their locks');
    return false;
  }
  return true;
}
