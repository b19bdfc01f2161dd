import type { Logger } from '@poofbg/config';
import { completeJob, failJob, forgetJobInput, type Database } from '@poofbg/db';
import { publishOutcome, type Redis } from '@poofbg/queue';
import type { ObjectStorage } from '@poofbg/storage';

import { retryWhileDatabaseAway } from './database-retry';

export interface OutcomeDeps {
  db: Database;
  redis: Redis;
  storage: ObjectStorage;
  queuePrefix: string;
}

/**
 * Records a result for the run holding `leaseToken`, then tells waiting gateways. Returns
 * false when the job was no longer this run's (another run took it over after a stall).
 */
export async function recordCompleted(
  deps: OutcomeDeps,
  log: Logger,
  job: { id: string; leaseToken: string; resultKey: string; inputKey: string | null },
): Promise<boolean> {
  const recorded = await retryWhileDatabaseAway(log, 'complete', () => completeJob(deps.db, job));
  if (!recorded) return false;

  await announce(deps, log, job.id, 'completed');
  await discardInput(deps, log, job.id, job.inputKey);
  return true;
}

/**
 * Fails a job and refunds its credit, then tells waiting gateways. Without a lease token
 * any unfinished job is failed (used when the queue itself gave up on the job).
 */
export async function recordFailed(
  deps: OutcomeDeps,
  log: Logger,
  job: { id: string; error: string; leaseToken?: string; inputKey: string | null },
): Promise<boolean> {
  const recorded = await retryWhileDatabaseAway(log, 'fail', () =>
    failJob(deps.db, {
      id: job.id,
      error: job.error,
      ...(job.leaseToken ? { leaseToken: job.leaseToken } : {}),
    }),
  );
  if (!recorded) return false;

  await announce(deps, log, job.id, 'failed');
  await discardInput(deps, log, job.id, job.inputKey);
  return true;
}

/**
 * A lost message is not fatal: gateways re-check job rows on a short interval, so a
 * publish failure is logged and the job stays recorded.
 */
async function announce(
  deps: OutcomeDeps,
  log: Logger,
  jobId: string,
  status: 'completed' | 'failed',
): Promise<void> {
  await publishOutcome(deps.redis, deps.queuePrefix, { jobId, status }).catch((err: unknown) =>
    log.warn({ err }, 'could not publish job outcome'),
  );
}

/**
 * Uploaded images are kept only while their job runs. One that cannot be deleted now stays
 * on the job's record, and the leftover-upload sweep deletes it later.
 */
async function discardInput(
  deps: OutcomeDeps,
  log: Logger,
  jobId: string,
  key: string | null,
): Promise<void> {
  if (!key) return;
  try {
    await deps.storage.delete(key);
    await forgetJobInput(deps.db, jobId);
  } catch (err) {
    log.warn({ err, key }, 'could not delete job input; a sweep will retry');
  }
}
