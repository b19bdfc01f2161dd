import {
  addMonths,
  auditBalance,
  changePlan,
  createAccount,
  findAccount,
  grantCredits,
  nextRenewal,
  type Database,
} from '@poofbg/db';
import { openTestDatabase } from '@poofbg/testing';

let db: Database;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ db, close } = await openTestDatabase());
});

afterAll(() => close());

const utc = (iso: string) => new Date(`${iso}T12:00:00.000Z`);

describe('monthly cycle', () => {
  test('renewals keep the anchor day, clamped in short months', () => {
    const anchor = utc('2026-01-31');
    expect(addMonths(anchor, 1)).toEqual(utc('2026-02-28'));
    expect(addMonths(anchor, 2)).toEqual(utc('2026-03-31'));
    expect(addMonths(utc('2027-12-15'), 2)).toEqual(utc('2028-02-15'));
    expect(nextRenewal(anchor, utc('2026-03-01'))).toEqual(utc('2026-03-31'));
    expect(nextRenewal(anchor, utc('2026-03-31'))).toEqual(utc('2026-04-30'));
  });
});

describe('plans', () => {
  test.each([
    ['free', 3, null],
    ['payg', 0, null],
    ['lite', 100, 100],
    ['pro', 500, 500],
    ['enterprise', 0, null],
  ] as const)('%s starts with %i credits', async (plan, credits) => {
    const account = await createAccount(db, { name: plan, plan });
    expect(account.creditBalance).toBe(credits);
    expect(account.quotaRenewsAt !== null).toBe(plan === 'lite' || plan === 'pro');
    expect(await auditBalance(db, account.id)).toEqual({ balance: credits, ledgerSum: credits });
  });

  test('a due quota refills, keeps bought credits, and moves the renewal on', async () => {
    const spent = await createAccount(db, { name: 'spent', plan: 'lite' });
    const rich = await createAccount(db, { name: 'rich', plan: 'lite' });
    await grantCredits(db, { accountId: rich.id, credits: 50 });
    const due = new Date(Date.now() - 1_000);
    for (const id of [spent.id, rich.id]) {
      await db.account.update({ where: { id }, data: { quotaRenewsAt: due } });
    }
    await db.account.update({ where: { id: spent.id }, data: { creditBalance: 7 } });
    await db.creditLedgerEntry.create({
      data: {
        accountId: spent.id,
        reason: 'grant',
        delta: -93,
        balanceAfter: 7,
        note: 'test spend',
      },
    });

    const refilled = await findAccount(db, spent.id);
    const kept = await findAccount(db, rich.id);

    expect(refilled?.creditBalance).toBe(100);
    expect(kept?.creditBalance).toBe(150);
    expect(refilled!.quotaRenewsAt!.getTime()).toBeGreaterThan(Date.now());
    expect(await auditBalance(db, spent.id)).toEqual({ balance: 100, ledgerSum: 100 });
    const resets = await db.creditLedgerEntry.findMany({
      where: { accountId: spent.id, reason: 'monthly_reset' },
    });
    expect(resets.map((r) => r.delta)).toEqual([93]);

    expect((await findAccount(db, spent.id))?.creditBalance).toBe(100);
    expect(
      await db.creditLedgerEntry.count({ where: { accountId: spent.id, reason: 'monthly_reset' } }),
    ).toBe(1);
  });

  test('moving to Pro fills its quota; moving to Pay-as-you-go keeps the balance', async () => {
    const account = await createAccount(db, { name: 'mover', plan: 'free' });

    const pro = await changePlan(db, { accountId: account.id, plan: 'pro' });
    expect([pro.plan, pro.creditBalance]).toEqual(['pro', 500]);
    expect(pro.quotaRenewsAt).not.toBeNull();

    const payg = await changePlan(db, { accountId: account.id, plan: 'payg' });
    expect([payg.plan, payg.creditBalance, payg.quotaRenewsAt]).toEqual(['payg', 500, null]);
    expect(await auditBalance(db, account.id)).toEqual({ balance: 500, ledgerSum: 500 });
  });
});
