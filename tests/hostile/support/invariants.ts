import { readdir } from 'node:fs/promises';

import { storedKeys, type AppProcess, type TestStack } from '@poofbg/testing';

type JobRow = Awaited<ReturnType<TestStack['db']['job']['findUniqueOrThrow']>>;

/** Everything under `dir`, as relative paths. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

/**
 * Waits until every job in `ids` is `completed` or `failed`, reading the rows directly so
 * polling does not spend the account's rate limit. Fails naming the jobs still unfinished.
 */
export async function waitUntilFinished(
  stack: TestStack,
  ids: string[],
  timeoutMs: number,
): Promise<Map<string, JobRow>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await stack.db.job.findMany({ where: { id: { in: ids } } });
    const unfinished = rows.filter((row) => row.status !== 'completed' && row.status !== 'failed');
    if (rows.length === ids.length && unfinished.length === 0) {
      return new Map(rows.map((row) => [row.id, row]));
    }
    if (Date.now() > deadline) {
      const states = unfinished.map((row) => `${row.id}: ${row.status}`).join(', ');
      throw new Error(`jobs still unfinished after ${timeoutMs} ms: ${states}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The account's balance and the sum of its ledger; the two must always agree. */
export async function balanceAndLedger(
  stack: TestStack,
  accountId: string,
): Promise<{ balance: number; ledgerSum: number }> {
  const account = await stack.db.account.findUniqueOrThrow({ where: { id: accountId } });
  const ledger = await stack.db.creditLedgerEntry.aggregate({
    where: { accountId },
    _sum: { delta: true },
  });
  return { balance: account.creditBalance, ledgerSum: ledger._sum.delta ?? 0 };
}

/** The ledger rows of one job as `[reason, delta]`, oldest first. */
export async function jobLedger(stack: TestStack, jobId: string): Promise<Array<[string, number]>> {
  const rows = await stack.db.creditLedgerEntry.findMany({
    where: { jobId },
    orderBy: { id: 'asc' },
  });
  return rows.map((row) => [row.reason, row.delta]);
}

/** Object keys under `inputs/` in the stack's bucket. */
export function storedInputs(stack: TestStack): Promise<string[]> {
  return storedKeys(stack.s3, 'poofbg-test', 'inputs/');
}

/** Log lines at pino's `error` level or above: internal faults, never expected refusals. */
export function errorLines(app: AppProcess): Array<Record<string, unknown>> {
  return app.logs.filter((line) => Number(line.level) >= 50);
}

/** Whether the process is still running. */
export function isRunning(app: AppProcess): boolean {
  return app.child.exitCode === null && app.child.signalCode === null;
}
