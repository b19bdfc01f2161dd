import { randomUUID } from 'node:crypto';

import type { Logger } from '@poofbg/config';
import { claimJob } from '@poofbg/db';
import { removalPayloadSchema, type RemovalPayload } from '@poofbg/queue';
import { ImageDecodeError, type Segmenter } from '@poofbg/segmentation';
import { UnrecoverableError, type Job } from 'bullmq';

import { retryWhileDatabaseAway } from './database-retry';
import { JobRejectedError } from './job-failure';
import { recordCompleted, recordFailed, type OutcomeDeps } from './outcomes';
import { readJobInput } from './read-input';

export interface RemovalDeps extends OutcomeDeps {
  segmenter: Segmenter;
  logger: Logger;
  allowLoopback: boolean;
}

/**
 * The one handler of the `remove-background` queue. Expected failures (a bad image, a
 * refused URL) end the job as failed at once; faults worth retrying (storage or database
 * away) throw, and BullMQ retries them until the last attempt, which fails the job.
 */
export async function processRemoval(deps: RemovalDeps, queued: Job): Promise<void> {
  const payload = parsePayload(queued);
  const log = deps.logger.child({ jobId: payload.jobId, accountId: payload.accountId });
  const leaseToken = randomUUID();

  const job = await retryWhileDatabaseAway(log, 'claim', () =>
    claimJob(deps.db, { id: payload.jobId, leaseToken }),
  );
  if (!job) {
    log.info('job already finished; skipping duplicate delivery');
    return;
  }
  log.debug({ attempt: job.attempts }, 'job started');

  try {
    const resultKey = await removeBackground(deps, log, payload);
    const recorded = await recordCompleted(deps, log, {
      id: job.id,
      leaseToken,
      resultKey,
      inputKey: job.inputKey,
    });
    if (!recorded) log.warn('job was taken over by another run; result not recorded');
  } catch (error) {
    await handleFailure(
      deps,
      log,
      queued,
      { id: job.id, leaseToken, inputKey: job.inputKey },
      error,
    );
  }
}

async function removeBackground(
  deps: RemovalDeps,
  log: Logger,
  payload: RemovalPayload,
): Promise<string> {
  const started = performance.now();
  const image = await readJobInput(deps, payload.source);

  const result = await deps.segmenter.removeBackground(image);
  const resultKey = `results/${payload.jobId}.png`;
  await deps.storage.put(resultKey, result.png, 'image/png');

  log.info(
    {
      width: result.width,
      height: result.height,
      ...result.timings,
      durationMs: Math.round(performance.now() - started),
    },
    'background removed',
  );
  return resultKey;
}

async function handleFailure(
  deps: RemovalDeps,
  log: Logger,
  queued: Job,
  job: { id: string; leaseToken: string; inputKey: string | null },
  error: unknown,
): Promise<void> {
  const rejection = asRejection(error);
  const lastAttempt = queued.attemptsMade + 1 >= (queued.opts.attempts ?? 1);

  if (rejection || lastAttempt) {
    const message = rejection?.message ?? 'Processing failed; the credit was refunded';
    const level = rejection ? 'info' : 'error';
    log[level]({ err: error, attempt: queued.attemptsMade + 1 }, 'job failed');
    await recordFailed(deps, log, { ...job, error: message });
    throw new UnrecoverableError(message);
  }

  log.warn({ err: error, attempt: queued.attemptsMade + 1 }, 'job attempt failed; will retry');
  throw error;
}

function asRejection(error: unknown): Error | null {
  if (error instanceof JobRejectedError) return error;
  if (error instanceof ImageDecodeError) {
    return new JobRejectedError(`The image could not be processed: ${error.message}`);
  }
  return null;
}

function parsePayload(queued: Job): RemovalPayload {
  const result = removalPayloadSchema.safeParse(queued.data);
  if (!result.success) {
    throw new UnrecoverableError(`malformed ${queued.name} payload: ${result.error.message}`);
  }
  return result.data;
}
