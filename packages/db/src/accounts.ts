import { plans, type PlanId } from '@poofbg/contract';

import type { Database } from './client';
import { newAccountId } from './ids';

export interface AccountRecord {
  id: string;
  name: string;
  plan: PlanId;
  creditBalance: number;
  createdAt: Date;
}

/** Creates an account and grants its plan's starting credits as a ledger row. */
export async function createAccount(
  db: Database,
  input: { name: string; plan: PlanId },
): Promise<AccountRecord> {
  const id = newAccountId();
  const initial = plans[input.plan].initialCredits;

  return db.$transaction(async (tx) => {
    const account = await tx.account.create({
      data: { id, name: input.name, plan: input.plan, creditBalance: initial },
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

export async function findAccount(db: Database, id: string): Promise<AccountRecord | null> {
  return db.account.findUnique({ where: { id } });
}

/** The oldest account with this name, if any. Names are labels, not unique. */
export async function findAccountByName(
  db: Database,
  name: string,
): Promise<AccountRecord | null> {
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
