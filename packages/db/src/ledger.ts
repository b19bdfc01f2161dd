import type { Database } from './client';

/** An account's balance next to what its ledger adds up to; they must always agree. */
export async function auditBalance(
  db: Database,
  accountId: string,
): Promise<{ balance: number; ledgerSum: number }> {
  const [account, sum] = await Promise.all([
    db.account.findUniqueOrThrow({ where: { id: accountId } }),
    db.creditLedgerEntry.aggregate({ where: { accountId }, _sum: { delta: true } }),
  ]);
  return { balance: account.creditBalance, ledgerSum: sum._sum.delta ?? 0 };
}
