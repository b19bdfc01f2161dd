import { ApiError } from '@poofbg/contract';
import { acceptJob, failJob, InsufficientCreditsError, newJobId, type JobRow } from '@poofbg/db';
import { enqueueRemoval, type RemovalPayload } from '@poofbg/queue';

import type { GatewayRuntime } from './runtime';

/** What the client asked to process: uploaded bytes or a URL for the worker to fetch. */
export type JobInput =
  | { kind: 'upload'; bytes: Buffer; contentType: string }
  | { kind: 'url'; url: string };

/**
 * Accepts a removal: takes the credit and records the job, stores the upload, and queues
 * it. The credit is taken first so that a refused request stores nothing; any later step
 * that fails ends the job as failed with its credit refunded, and answers 503.
 */
export async function submitJob(
  runtime: GatewayRuntime,
  accountId: string,
  input: JobInput,
): Promise<JobRow> {
  const jobId = newJobId();
  const inputKey = input.kind === 'upload' ? `inputs/${jobId}` : null;
  const log = runtime.logger.child({ jobId, accountId });

  const { job } = await accept(runtime, { id: jobId, accountId, inputKey, input });
  log.debug({ source: input.kind }, 'job accepted');

  await undoOnFailure(runtime, job, 'Could not store the uploaded image', async () => {
    if (input.kind === 'upload') {
      await runtime.storage.put(inputKey!, input.bytes, input.contentType);
    }
  });

  await undoOnFailure(runtime, job, 'Could not queue the job', async () => {
    await enqueueRemoval(runtime.queue, payloadFor(job, input));
  });
  log.info({ source: input.kind }, 'job queued');
  return job;
}

async function accept(
  runtime: GatewayRuntime,
  input: { id: string; accountId: string; inputKey: string | null; input: JobInput },
) {
  try {
    return await acceptJob(runtime.db, {
      id: input.id,
      accountId: input.accountId,
      inputKey: input.inputKey,
      inputUrl: input.input.kind === 'url' ? input.input.url : null,
    });
  } catch (error) {
    if (error instanceof InsufficientCreditsError) {
      throw new ApiError('INSUFFICIENT_CREDITS', 'Insufficient credits');
    }
    throw error;
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
 * stored upload removed, and the client told the service is unavailable.
 */
async function undoOnFailure(
  runtime: GatewayRuntime,
  job: JobRow,
  reason: string,
  step: () => Promise<void>,
): Promise<void> {
  try {
    await step();
  } catch (error) {
    const log = runtime.logger.child({ jobId: job.id, accountId: job.accountId });
    log.error({ err: error }, reason);

    await failJob(runtime.db, { id: job.id, error: `${reason}; no credit was charged` }).catch(
      (undoError: unknown) => log.error({ err: undoError }, 'could not fail job after error'),
    );
    if (job.inputKey) await runtime.storage.delete(job.inputKey).catch(() => undefined);
    throw new ApiError('SERVICE_UNAVAILABLE', `${reason}; please retry. No credit was charged.`);
  }
}
