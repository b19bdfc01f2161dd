import type { Logger } from '@poofbg/config';
import { isDatabaseUnavailable } from '@poofbg/db';

/** How long a job step keeps trying while PostgreSQL is unreachable, in milliseconds. */
export const databaseWaitMs = 60_000;

/**
 * Runs `step`, and while it fails because PostgreSQL is unreachable, tries again with growing
 * pauses for up to `waitMs`. Failing at once would cost more than waiting: a result the model
 * has just produced would be thrown away and computed again, and a queue's few attempts would
 * be spent within seconds, failing the whole backlog over a database restart. The job's queue
 * lock is renewed through Redis meanwhile, so no other worker takes it.
 */
export async function retryWhileDatabaseAway<T>(
  log: Logger,
  step: string,
  run: () => Promise<T>,
  waitMs = databaseWaitMs,
): Promise<T> {
  const deadline = Date.now() + waitMs;

  for (let pauseMs = 250; ; pauseMs = Math.min(pauseMs * 2, 5_000)) {
    try {
      return await run();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() + pauseMs > deadline) throw error;
      log.warn({ err: error, step, retryInMs: pauseMs }, 'database unavailable; will retry');
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}
