import { createHash } from 'node:crypto';

import type { Logger } from '@poofbg/config';
import { ApiError } from '@poofbg/contract';
import {
  acceptJob,
  failJob,
  IdempotencyConflictError,
  InsufficientCreditsError,
  newJobId,
  releaseIdempotencyKey,
  type IdempotencyClaim,
  type JobRow,
} from '@poofbg/db';
import { enqueueRemoval, type RemovalPayload } from '@poofbg/queue';

import { resumeIfUnqueued } from './resume-job';
import type { GatewayRuntime } from './runtime';

/** What the client asked to process: uploaded bytes or a URL for the worker to fetch. */
export type JobInput =
  { kind: 'upload'; bytes: Buffer; contentType: string } | { kind: 'url'; url: string };

/**
 * Accepts a removal: takes the credit and records the job, stores the upload, and queues
 * it. The credit is taken first so that a refused request stores nothing; any later step
 * that fails ends the job as failed with its credit refunded, and answers 503.
 */
export async function submitJob(
  runtime: GatewayRuntime,
  request: { accountId: string; log: Logger; idempotencyKey: string | undefined },
  input: JobInput,
): Promise<JobRow> {
  const { accountId, idempotencyKey } = request;
  const jobId = newJobId();
  const inputKey = input.kind === 'upload' ? `inputs/${jobId}` : null;
  const idempotency = idempotencyKey
    ? { key: idempotencyKey, requestHash: hashInput(input) }
    : undefined;

  const { job, replayed } = await accept(runtime, {
    id: jobId,
    accountId,
    inputKey,
    input,
    idempotency,
  });
  const log = request.log.child({ jobId: job.id });
  const steps = {
    store: () => storeUpload(runtime, job, input),
    enqueue: () => enqueueRemoval(runtime.queue, payloadFor(job, input)),
  };
  if (replayed) {
    log.info('idempotent retry; returning the earlier job');
    await resumeIfUnqueued(runtime, job, log, steps);
    return job;
  }
  log.debug({ source: input.kind }, 'job accepted');

  const undo = { runtime, job, idempotency, log };
  await undoOnFailure(undo, 'Could not store the uploaded image', steps.store);
  await undoOnFailure(undo, 'Could not queue the job', steps.enqueue);
  log.info({ source: input.kind }, 'job queued');
  return job;
}

/** What an idempotency key vouches for: the same kind of input with the same content. */
function hashInput(input: JobInput): string {
  const hash = createHash('sha256').update(input.kind).update('\n');
  return (input.kind === 'upload' ? hash.update(input.bytes) : hash.update(input.url)).digest(
    'hex',
  );
}

async function accept(
  runtime: GatewayRuntime,
  input: {
    id: string;
    accountId: string;
    inputKey: string | null;
    input: JobInput;
    idempotency: IdempotencyClaim | undefined;
  },
) {
  try {
    return await acceptJob(runtime.db, {
      id: input.id,
      accountId: input.accountId,
      inputKey: input.inputKey,
      inputUrl: input.input.kind === 'url' ? input.input.url : null,
      ...(input.idempotency ? { idempotency: input.idempotency } : {}),
    });
  } catch (error) {
    if (error instanceof InsufficientCreditsError) {
      throw new ApiError('INSUFFICIENT_CREDITS', 'Insufficient credits');
    }
    if (error instanceof IdempotencyConflictError) {
      throw new ApiError(
        'INVALID_REQUEST',
        'This Idempotency-Key was already used for a request with different input',
      );
    }
    throw error;
  }
}

async function storeUpload(runtime: GatewayRuntime, job: JobRow, input: JobInput) {
  if (input.kind === 'upload') {
    await runtime.storage.put(job.inputKey!, input.bytes, input.contentType);
  }
}

function payloadFor(job: JobRow, input: JobInput): RemovalPayload {
  const source =
    input.kind === 'upload'
      ? { kind: 'upload' as const, key: job.inputKey! }
      : { kind: 'url' as const, url: input.url };
  return { jobId: job.id, accountId: job.accountId, source };
}

/**
 * Runs one step of accepting a job; if it throws, the job is failed and refunded, the
 * stored upload removed, its idempotency key released, and the client told the service is
 * unavailable.
 */
async function undoOnFailure(
  context: {
    runtime: GatewayRuntime;
    job: JobRow;
    idempotency: IdempotencyClaim | undefined;
    log: Logger;
  },
  reason: string,
  step: () => Promise<void>,
): Promise<void> {
  const { runtime, job, idempotency, log } = context;
  try {
    await step();
  } catch (error) {
    log.error({ err: error }, reason);

    await failJob(runtime.db, { id: job.id, error: `${reason}; no credit was charged` }).catch(
      (undoError: unknown) => log.error({ err: undoError }, 'could not fail job after error'),
    );
    if (job.inputKey) await runtime.storage.delete(job.inputKey).catch(() => undefined);
    // A retry with the same key should try again, not get this failed job back.
    if (idempotency) {
      await releaseIdempotencyKey(runtime.db, job.accountId, idempotency.key).catch(
        () => undefined,
      );
    }
    throw new ApiError('SERVICE_UNAVAILABLE', `${reason}; please retry. No credit was charged.`);
  }
}
