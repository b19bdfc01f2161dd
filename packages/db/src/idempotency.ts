import type { Database } from './client';

/** How long an `Idempotency-Key` is honoured, in milliseconds. */
export const idempotencyWindowMs = 24 * 60 * 60 * 1000;

export interface IdempotencyClaim {
  key: string;
  /** SHA-256 (hex) of the request's input, so a reused key with other input is caught. */
  requestHash: string;
}

/** The key was already used, within its window, for a request with different input. */
export class IdempotencyConflictError extends Error {
  constructor() {
    super('idempotency key reused with different input');
    this.name = 'IdempotencyConflictError';
  }
}

/**
 * The job an earlier request with this key created, or null when the key is new (or its
 * window has passed, in which case the stale record is removed).
 */
export async function findIdempotentJobId(
  db: Database,
  accountId: string,
  claim: IdempotencyClaim,
  now = new Date(),
): Promise<string | null> {
  const record = await db.idempotencyKey.findUnique({
    where: { accountId_key: { accountId, key: claim.key } },
  });
  if (!record) return null;

  if (record.createdAt.getTime() <= now.getTime() - idempotencyWindowMs) {
    await db.idempotencyKey.deleteMany({
      where: { accountId, key: claim.key, createdAt: record.createdAt },
    });
    return null;
  }
  if (record.requestHash !== claim.requestHash) throw new IdempotencyConflictError();
  return record.jobId;
}

/** Lets a key be used afresh: the request that claimed it could not be accepted after all. */
export async function releaseIdempotencyKey(
  db: Database,
  accountId: string,
  key: string,
): Promise<void> {
  await db.idempotencyKey.deleteMany({ where: { accountId, key } });
}

/** Removes records past their window; returns how many. */
export async function purgeIdempotencyKeys(db: Database, now = new Date()): Promise<number> {
  const result = await db.idempotencyKey.deleteMany({
    where: { createdAt: { lte: new Date(now.getTime() - idempotencyWindowMs) } },
  });
  return result.count;
}
