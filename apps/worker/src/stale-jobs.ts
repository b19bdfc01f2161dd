import type { Logger } from '@poofbg/config';
import { findStaleJobs } from '@poofbg/db';
import type { RemovalQueue } from '@poofbg/queue';

import { recordFailed, type OutcomeDeps } from './outcomes';

/** BullMQ states in which a job will still be worked on. */
const liveStates = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Fails and refunds jobs that are unfinished long after they were accepted while the queue
 * holds nothing that would finish them (a gateway died between recording and queueing, or
 * Redis lost the queue). Safe to run in every worker at once: failing is conditional.
 */
export async function sweepStaleJobs(
  deps: OutcomeDeps & { queue: RemovalQueue; logger: Logger },
  staleAfterMs: number,
): Promise<number> {
  const stale = await findStaleJobs(deps.db, {
    olderThan: new Date(Date.now() - staleAfterMs),
    limit: 100,
  });

  let failed = 0;
  for (const job of stale) {
    const state = await deps.queue.getJobState(job.id);
    if (liveStates.has(state)) continue;

    const log = deps.logger.child({ jobId: job.id, accountId: job.accountId });
    const recorded = await recordFailed(deps, log, {
      id: job.id,
      error: 'Processing did not complete; the credit was refunded',
      inputKey: job.inputKey,
    });
    if (recorded) {
      failed += 1;
      log.warn({ queueState: state, status: job.status }, 'stale job failed and refunded');
    }
  }
  return failed;
}
