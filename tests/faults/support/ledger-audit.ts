import type { Database } from '@poofbg/db';

interface JobCharge {
  id: string;
  status: string;
  creditsUsed: number;
}

/**
 * The credit invariants, over every account and job in the schema:
 * - each account's balance equals the sum of its ledger, never goes below zero, and every
 *   ledger row's `balance_after` is the running sum up to it (no lost or interleaved update);
 * - each job has exactly one debit and at most one refund; a refund exactly when it failed,
 *   for the amount debited; `credits_used` is 0 once refunded.
 */
export async function auditCredits(db: Database): Promise<string[]> {
  const violations: string[] = [];
  const accounts = await db.account.findMany();
  const ledger = await db.creditLedgerEntry.findMany({ orderBy: { id: 'asc' } });
  const jobs: JobCharge[] = await db.job.findMany({
    select: { id: true, status: true, creditsUsed: true },
  });

  const byAccount = groupBy(ledger, (row) => row.accountId);
  const byJob = groupBy(ledger, (row) => row.jobId);
  for (const account of accounts) {
    violations.push(...auditAccount(account, byAccount.get(account.id) ?? []));
  }
  for (const job of jobs) violations.push(...auditJobCharge(job, byJob.get(job.id) ?? []));
  return violations;
}

function groupBy<T>(items: T[], key: (item: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function auditAccount(
  account: { id: string; creditBalance: number },
  rows: Array<{ id: bigint; delta: number; balanceAfter: number }>,
): string[] {
  const violations: string[] = [];
  let running = 0;
  for (const row of rows) {
    running += row.delta;
    if (row.balanceAfter !== running) {
      violations.push(
        `account ${account.id}: ledger row ${row.id} says balance ${row.balanceAfter}, ` +
          `running sum is ${running}`,
      );
    }
  }

  if (account.creditBalance !== running) {
    violations.push(`account ${account.id}: balance ${account.creditBalance} != ledger ${running}`);
  }
  if (account.creditBalance < 0) {
    violations.push(`account ${account.id}: negative balance ${account.creditBalance}`);
  }
  return violations;
}

function auditJobCharge(job: JobCharge, rows: Array<{ reason: string; delta: number }>): string[] {
  const violations: string[] = [];
  const debits = rows.filter((row) => row.reason === 'debit');
  const refunds = rows.filter((row) => row.reason === 'refund');

  if (debits.length !== 1) violations.push(`job ${job.id}: ${debits.length} debits`);
  if (refunds.length > 1) violations.push(`job ${job.id}: ${refunds.length} refunds`);

  const refunded = refunds.length === 1;
  if (job.status === 'failed' && !refunded) violations.push(`job ${job.id}: failed, not refunded`);
  if (job.status !== 'failed' && refunded)
    violations.push(`job ${job.id}: ${job.status}, refunded`);

  const debit = debits[0];
  const refund = refunds[0];
  if (debit && refund && refund.delta !== -debit.delta) {
    violations.push(`job ${job.id}: refund ${refund.delta} does not undo debit ${debit.delta}`);
  }
  if (job.status === 'failed' && job.creditsUsed !== 0) {
    violations.push(`job ${job.id}: failed but credits_used ${job.creditsUsed}`);
  }
  return violations;
}
