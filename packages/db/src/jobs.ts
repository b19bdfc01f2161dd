import { creditsPerRemoval, plans, type JobStatus } from '@poofbg/contract';

import type { Database } from './client';
import type { Prisma } from './generated/prisma/client';
import { findIdempotentJobId, type IdempotencyClaim } from './idempotency';
import { isQuotaDue, renewQuotaIfDue } from './quota';

export interface JobRow {
  id: string;
  accountId: string;
  status: JobStatus;
  error: string | null;
  creditsUsed: number;
  inputKey: string | null;
  inputUrl: string | null;
  resultKey: string | null;
  attempts: number;
  leaseToken: string | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

/** The account has no credit left for another removal. */
export class InsufficientCreditsError extends Error {
  constructor() {
    super('insufficient credits');
    this.name = 'InsufficientCreditsError';
  }
}

export interface AcceptedJob {
  job: JobRow;
  /** The balance after the debit; null for plans without a balance. */
  creditsRemaining: number | null;
  /** True when an earlier request with the same idempotency key created the job. */
  replayed: boolean;
}

export interface JobSubmission {
  id: string;
  accountId: string;
  inputKey: string | null;
  inputUrl: string | null;
  idempotency?: IdempotencyClaim;
}

/**
 * Records a new job and takes its credit in one transaction. The conditional decrement
 * locks the account row, so two requests can never both spend the last credit. With an
 * idempotency key, a request that repeats an earlier one gets the earlier job back and is
 * not charged; two such requests racing each other are settled by the key's primary key.
 * A retry that lost the race for the account's last credit to its own original is settled
 * the same way: it gets the original's job, not INSUFFICIENT_CREDITS.
 */
export async function acceptJob(db: Database, input: JobSubmission): Promise<AcceptedJob> {
  const replay = await findReplay(db, input);
  if (replay) return replay;

  try {
    return await db.$transaction((tx) => recordJob(tx, input));
  } catch (error) {
    const mayHaveRaced = isUniqueViolation(error) || error instanceof InsufficientCreditsError;
    const raced = mayHaveRaced ? await findReplay(db, input) : null;
    if (raced) return raced;
    throw error;
  }
}

async function recordJob(tx: Prisma.TransactionClient, input: JobSubmission): Promise<AcceptedJob> {
  const charge = await debit(tx, input.accountId);
  const job = await tx.job.create({
    data: {
      id: input.id,
      accountId: input.accountId,
      inputKey: input.inputKey,
      inputUrl: input.inputUrl,
      creditsUsed: creditsPerRemoval,
    },
  });
  await tx.creditLedgerEntry.create({
    data: {
      accountId: input.accountId,
      jobId: input.id,
      reason: 'debit',
      delta: -charge.taken,
      balanceAfter: charge.balanceAfter,
    },
  });
  if (input.idempotency) {
    await tx.idempotencyKey.create({
      data: {
        accountId: input.accountId,
        key: input.idempotency.key,
        requestHash: input.idempotency.requestHash,
        jobId: input.id,
      },
    });
  }
  const creditsRemaining = charge.unlimited ? null : charge.balanceAfter;
  return { job, creditsRemaining, replayed: false };
}

async function findReplay(db: Database, input: JobSubmission): Promise<AcceptedJob | null> {
  if (!input.idempotency) return null;

  const jobId = await findIdempotentJobId(db, input.accountId, input.idempotency);
  const job = jobId ? await findJob(db, jobId) : null;
  if (!job) return null;

  const account = await db.account.findUniqueOrThrow({ where: { id: input.accountId } });
  const creditsRemaining = plans[account.plan].unlimited ? null : account.creditBalance;
  return { job, creditsRemaining, replayed: true };
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'P2002';
}

/**
 * Takes one removal's credits from the balance. Unlimited plans are charged nothing, but
 * still get a ledger row so that every job's charge is on record.
 */
async function debit(
  tx: Prisma.TransactionClient,
  accountId: string,
): Promise<{ taken: number; balanceAfter: number; unlimited: boolean }> {
  let account = await tx.account.findUniqueOrThrow({ where: { id: accountId } });
  // Only a due renewal takes the row lock, so one account's charges do not queue on it.
  if (isQuotaDue(account)) {
    await renewQuotaIfDue(tx, accountId);
    account = await tx.account.findUniqueOrThrow({ where: { id: accountId } });
  }
  if (plans[account.plan].unlimited) {
    return { taken: 0, balanceAfter: account.creditBalance, unlimited: true };
  }

  // One statement checks, decrements and reports the balance, holding the row lock for
  // as short a time as possible.
  const [after] = await tx.$queryRaw<Array<{ credit_balance: number }>>`
    UPDATE accounts SET credit_balance = credit_balance - ${creditsPerRemoval}
     WHERE id = ${accountId} AND credit_balance >= ${creditsPerRemoval}
    RETURNING credit_balance`;
  if (!after) throw new InsufficientCreditsError();

  return { taken: creditsPerRemoval, balanceAfter: after.credit_balance, unlimited: false };
}

export async function findJob(db: Database, id: string): Promise<JobRow | null> {
  return db.job.findUnique({ where: { id } });
}

/** An account's jobs, newest first. */
export async function listJobs(
  db: Database,
  input: { accountId: string; limit: number; offset: number },
): Promise<JobRow[]> {
  return db.job.findMany({
    where: { accountId: input.accountId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: input.limit,
    skip: input.offset,
  });
}

/** Of the given jobs, those that have reached `completed` or `failed`. */
export async function findFinishedJobs(
  db: Database,
  ids: string[],
): Promise<Array<{ id: string; status: 'completed' | 'failed' }>> {
  if (ids.length === 0) return [];
  const rows = await db.job.findMany({
    where: { id: { in: ids }, status: { in: ['completed', 'failed'] } },
    select: { id: true, status: true },
  });
  return rows.map((row) => ({
    id: row.id,
    status: row.status === 'completed' ? 'completed' : 'failed',
  }));
}

/**
 * Takes a job for a worker run. Returns the job, or null when it has already finished (a
 * duplicate delivery). A job still `processing` is taken over: the queue only hands it out
 * again once the previous run lost its lock.
 */
export async function claimJob(
  db: Database,
  input: { id: string; leaseToken: string },
): Promise<JobRow | null> {
  const updated = await db.job.updateMany({
    where: { id: input.id, status: { in: ['pending', 'processing'] } },
    data: {
      status: 'processing',
      leaseToken: input.leaseToken,
      attempts: { increment: 1 },
      startedAt: new Date(),
    },
  });
  if (updated.count === 0) return null;
  return findJob(db, input.id);
}

/**
 * Records the result of the run holding `leaseToken`. Returns false when the job is no
 * longer that run's to finish (another run took it over, or it already ended).
 */
export async function completeJob(
  db: Database,
  input: { id: string; leaseToken: string; resultKey: string },
): Promise<boolean> {
  const updated = await db.job.updateMany({
    where: { id: input.id, status: 'processing', leaseToken: input.leaseToken },
    data: { status: 'completed', resultKey: input.resultKey, completedAt: new Date() },
  });
  return updated.count === 1;
}

/**
 * Ends a job as failed and gives its credit back, in one transaction. With a `leaseToken`
 * only that run may fail it; without one (the sweeper, a dead-lettered queue job) any job
 * not yet finished is failed. Returns false when the job had already ended. The ledger's
 * unique (job_id, reason) index makes a second refund impossible.
 */
export async function failJob(
  db: Database,
  input: { id: string; error: string; leaseToken?: string },
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const updated = await tx.job.updateMany({
      where: {
        id: input.id,
        status: { in: ['pending', 'processing'] },
        ...(input.leaseToken ? { leaseToken: input.leaseToken } : {}),
      },
      data: { status: 'failed', error: input.error, creditsUsed: 0, completedAt: new Date() },
    });
    if (updated.count === 0) return false;

    await refund(tx, input.id);
    return true;
  });
}

async function refund(tx: Prisma.TransactionClient, jobId: string): Promise<void> {
  const charge = await tx.creditLedgerEntry.findUnique({
    where: { jobId_reason: { jobId, reason: 'debit' } },
  });
  if (!charge) return;

  const account = await tx.account.update({
    where: { id: charge.accountId },
    data: { creditBalance: { increment: -charge.delta } },
  });
  await tx.creditLedgerEntry.create({
    data: {
      accountId: charge.accountId,
      jobId,
      reason: 'refund',
      delta: -charge.delta,
      balanceAfter: account.creditBalance,
    },
  });
}

/** Jobs not finished whose last start (or creation) is older than `olderThan`. */
export async function findStaleJobs(
  db: Database,
  input: { olderThan: Date; limit: number },
): Promise<JobRow[]> {
  return db.job.findMany({
    where: {
      status: { in: ['pending', 'processing'] },
      createdAt: { lt: input.olderThan },
    },
    orderBy: { createdAt: 'asc' },
    take: input.limit,
  });
}
