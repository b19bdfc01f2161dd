import { findJob } from '@poofbg/db';
import type { Job } from 'bullmq';

import { recordFailed } from './outcomes';
import type { RemovalDeps } from './process-removal';

/**
 * Called for BullMQ's `failed` event, which fires for every failed attempt, including the
 * ones it is about to retry. Only a job the queue has given up on (moved to `failed` for good,
 * so it has a finish time) is failed and refunded here: the handler records its last attempt
 * itself, and this catches what it could not (an unreadable payload, or the database still
 * away when it tried). When the handler did record it, this is a no-op.
 */
export async function onQueueFailure(
  deps: RemovalDeps,
  queued: Job | undefined,
  err: Error,
): Promise<void> {
  if (typeof queued?.finishedOn !== 'number') return;
  const jobId = (queued.data as { jobId?: unknown } | undefined)?.jobId;
  if (typeof jobId !== 'string') return;

  const log = deps.logger.child({ jobId });
  try {
    const job = await findJob(deps.db, jobId);
    if (!job) return;

    const recorded = await recordFailed(deps, log, {
      id: jobId,
      error: 'Processing failed; the credit was refunded',
      inputKey: job.inputKey,
    });
    if (recorded) log.warn({ reason: err.message }, 'queue gave up on job');
  } catch (error) {
    log.error({ err: error }, 'could not fail job after queue gave up');
  }
}
