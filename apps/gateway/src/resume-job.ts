import type { Logger } from '@poofbg/config';
import { isTerminal } from '@poofbg/contract';
import { findJob, type JobRow } from '@poofbg/db';

import type { GatewayRuntime } from './runtime';

/** The two steps that follow recording a job; both are safe to repeat. */
export interface JobSteps {
  /** Stores the upload under the job's input key (nothing for image URLs). */
  store(): Promise<void>;
  /** Queues the job; the queue job id is the job id, so a job is queued at most once. */
  enqueue(): Promise<void>;
}

/**
 * A job still `pending` with nothing queued was recorded and charged by a request whose
 * gateway died before queueing it (or is still storing its upload). Left alone it would only
 * be failed by the stale-job sweep, many minutes later. A retry with the same
 * Idempotency-Key carries the same input, so it takes the remaining steps itself; if the
 * first request is in fact alive, both write the same object and queue the same job id.
 * The job is read again after storing: had it finished meanwhile, the upload just written
 * would outlive it, so it is deleted. A failure leaves the job to the sweep, as before.
 */
export async function resumeIfUnqueued(
  runtime: Pick<GatewayRuntime, 'db' | 'queue' | 'storage'>,
  job: JobRow,
  log: Logger,
  steps: JobSteps,
): Promise<void> {
  if (job.status !== 'pending') return;
  try {
    if ((await runtime.queue.getJobState(job.id)) !== 'unknown') return;
    await steps.store();

    const current = await findJob(runtime.db, job.id);
    if (current && isTerminal(current.status) && job.inputKey) {
      await runtime.storage.delete(job.inputKey);
    }
    if (current?.status !== 'pending') return;

    await steps.enqueue();
    log.warn('queued a job its first request had left unqueued');
  } catch (err) {
    log.warn({ err }, 'could not queue a job its first request had left unqueued');
  }
}
