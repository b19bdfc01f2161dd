import { plans, type PlanId } from '@poofbg/contract';

import type { Database } from './client';
import { newAccountId } from './ids';
import { addMonths, isQuotaDue, renewQuotaIfDue } from './quota';

export interface AccountRecord {
  id: string;
  name: string;
  plan: PlanId;
  creditBalance: number;
  quotaAnchorAt: Date | null;
  quotaRenewsAt: Date | null;
  createdAt: Date;
}

/** Creates an account and grants its plan's starting credits as a ledger row. */
export async function createAccount(
  db: Database,
  input: { name: string; plan: PlanId },
): Promise<AccountRecord> {
  const id = newAccountId();
  const initial = plans[input.plan].initialCredits;
  const createdAt = new Date();
  const monthly = plans[input.plan].monthlyCredits !== null;

  return db.$transaction(async (tx) => {
    const account = await tx.account.create({
      data: {
        id,
        name: input.name,
        plan: input.plan,
        creditBalance: initial,
        createdAt,
        quotaAnchorAt: monthly ? createdAt : null,
        quotaRenewsAt: monthly ? addMonths(createdAt, 1) : null,
      },
    });
    if (initial > 0) {
      await tx.creditLedgerEntry.create({
        data: {
          accountId: id,
          reason: 'grant',
          delta: initial,
          balanceAfter: initial,
          note: `${input.plan} plan starting credits`,
        },
      });
    }
    return account;
  });
}

/**
 * The account as it stands now, with a monthly quota refilled first if it is due. Only a
 * due renewal takes the row lock; an ordinary read does not.
 */
export async function findAccount(db: Database, id: string): Promise<AccountRecord | null> {
  const account = await db.account.findUnique({ where: { id } });
  if (!account || !isQuotaDue(account)) return account;

  return db.$transaction(async (tx) => {
    await renewQuotaIfDue(tx, id);
    return tx.account.findUnique({ where: { id } });
  });
}

/**
 * Moves an account to another plan. A plan with a monthly quota starts a new cycle today
 * and fills the quota at once; the balance never goes down.
 */
export async function changePlan(
  db: Database,
  input: { accountId: string; plan: PlanId },
): Promise<AccountRecord> {
  const quota = plans[input.plan].monthlyCredits;
  const now = new Date();

  return db.$transaction(async (tx) => {
    const before = await tx.account.findUniqueOrThrow({ where: { id: input.accountId } });
    const balance = quota === null ? before.creditBalance : Math.max(before.creditBalance, quota);
    const account = await tx.account.update({
      where: { id: input.accountId },
      data: {
        plan: input.plan,
        creditBalance: balance,
        quotaAnchorAt: quota === null ? null : now,
        quotaRenewsAt: quota === null ? null : addMonths(now, 1),
      },
    });
    if (balance !== before.creditBalance) {
      await tx.creditLedgerEntry.create({
        data: {
          accountId: input.accountId,
          reason: 'grant',
          delta: balance - before.creditBalance,
          balanceAfter: balance,
          note: `${input.plan} plan quota`,
        },
      });
    }
    return account;
  });
}

/** The oldest account with this name, if any. Names are labels, not unique. */
export async function findAccountByName(db: Database, name: string): Promise<AccountRecord | null> {
  return db.account.findFirst({ where: { name }, orderBy: { createdAt: 'asc' } });
}

/** Adds credits to an account (a purchase or an operator's grant). Returns the new balance. */
export async function grantCredits(
  db: Database,
  input: { accountId: string; credits: number; note?: string },
): Promise<number> {
  if (!Number.isInteger(input.credits) || input.credits <= 0) {
    throw new RangeError('credits must be a positive integer');
  }

  return db.$transaction(async (tx) => {
    const account = await tx.account.update({
      where: { id: input.accountId },
      data: { creditBalance: { increment: input.credits } },
    });
    await tx.creditLedgerEntry.create({
      data: {
        accountId: input.accountId,
        reason: 'grant',
        delta: input.credits,
        balanceAfter: account.creditBalance,
        note: input.note ?? null,
      },
    });
    return account.creditBalance;
  });
}
