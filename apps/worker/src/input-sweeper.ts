import type { Logger } from '@poofbg/config';
import { findLeftoverInputs, forgetJobInput } from '@poofbg/db';

import type { OutcomeDeps } from './outcomes';

/** Time a finished job's own deletion of its upload gets before a sweep does it instead. */
const settleMs = 10_000;

/**
 * Deletes uploads that outlived their job because storage was away when the job ended, and
 * forgets them. Safe to run in every worker at once: deleting a missing object is no error.
 * Stops at the first storage failure; the next sweep picks up where this one stopped.
 */
export async function sweepLeftoverInputs(deps: OutcomeDeps & { logger: Logger }): Promise<number> {
  const leftovers = await findLeftoverInputs(deps.db, {
    finishedBefore: new Date(Date.now() - settleMs),
    limit: 100,
  });

  for (const job of leftovers) {
    await deps.storage.delete(job.inputKey);
    await forgetJobInput(deps.db, job.id);
  }
  if (leftovers.length > 0) {
    deps.logger.info({ deleted: leftovers.length }, 'leftover uploads deleted');
  }
  return leftovers.length;
}
