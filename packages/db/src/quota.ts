import { plans, type PlanId } from '@poofbg/contract';

import type { Prisma } from './generated/prisma/client';

/**
 * The renewal after `now` on an account's monthly cycle: the anchor's day of the month,
 * moved to the last day in shorter months (an account opened on 31 January renews on
 * 28 or 29 February, then 31 March).
 */
export function nextRenewal(anchor: Date, now: Date): Date {
  for (let months = 1; ; months += 1) {
    const candidate = addMonths(anchor, months);
    if (candidate > now) return candidate;
  }
}

export function addMonths(date: Date, months: number): Date {
  const target = new Date(date);
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return target;
}

interface LockedAccount {
  plan: PlanId;
  credit_balance: number;
  quota_renews_at: Date | null;
  quota_anchor_at: Date | null;
}

/** Whether an account's monthly quota is due to refill; checked before taking any lock. */
export function isQuotaDue(account: { quotaRenewsAt: Date | null }, now = new Date()): boolean {
  return account.quotaRenewsAt !== null && account.quotaRenewsAt <= now;
}

/**
 * Refills a Lite or Pro account's monthly quota if its renewal date has passed. Callers
 * check `isQuotaDue` first, so only a due renewal takes the lock; the check is repeated
 * under it because another request may have renewed in between. Unused
 * quota does not roll over, but credits above the quota (bought or granted) are kept:
 * the balance becomes the larger of the two. Locks the account row for the transaction.
 */
export async function renewQuotaIfDue(
  tx: Prisma.TransactionClient,
  accountId: string,
  now = new Date(),
): Promise<void> {
  const [account] = await tx.$queryRaw<LockedAccount[]>`
    SELECT plan::text AS plan, credit_balance, quota_renews_at, quota_anchor_at
      FROM accounts WHERE id = ${accountId} FOR UPDATE`;
  const quota = account ? plans[account.plan].monthlyCredits : null;
  if (!account || quota === null || !account.quota_renews_at || account.quota_renews_at > now) {
    return;
  }
  const anchor = account.quota_anchor_at ?? account.quota_renews_at;

  const balance = Math.max(account.credit_balance, quota);
  await tx.account.update({
    where: { id: accountId },
    data: { creditBalance: balance, quotaRenewsAt: nextRenewal(anchor, now) },
  });
  if (balance === account.credit_balance) return;

  await tx.creditLedgerEntry.create({
    data: {
      accountId,
      reason: 'monthly_reset',
      delta: balance - account.credit_balance,
      balanceAfter: balance,
      note: `${account.plan} monthly quota renewed`,
    },
  });
}
