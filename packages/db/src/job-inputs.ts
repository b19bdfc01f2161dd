import type { Database } from './client';

/**
 * Uploaded images are kept only while their job runs. A job's `input_key` is cleared once its
 * upload is deleted, so a finished job that still has one names an upload whose deletion
 * failed (storage was away at the time) and that a sweep must remove.
 */
export async function forgetJobInput(db: Database, jobId: string): Promise<void> {
  await db.job.updateMany({ where: { id: jobId }, data: { inputKey: null } });
}

/** Finished jobs whose upload is still on record, oldest first. */
export async function findLeftoverInputs(
  db: Database,
  input: { finishedBefore: Date; limit: number },
): Promise<Array<{ id: string; inputKey: string }>> {
  const rows = await db.job.findMany({
    where: {
      inputKey: { not: null },
      status: { in: ['completed', 'failed'] },
      completedAt: { lt: input.finishedBefore },
    },
    select: { id: true, inputKey: true },
    orderBy: { completedAt: 'asc' },
    take: input.limit,
  });
  return rows.map((row) => ({ id: row.id, inputKey: row.inputKey! }));
}
