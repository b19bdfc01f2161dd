import {
  acceptJob,
  auditBalance,
  authenticateApiKey,
  claimJob,
  completeJob,
  createAccount,
  failJob,
  InsufficientCreditsError,
  issueApiKey,
  newJobId,
  revokeApiKey,
  type Database,
} from '@poofbg/db';
import { openTestDatabase } from '@poofbg/testing';

let db: Database;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ db, close } = await openTestDatabase());
});

afterAll(() => close());

const accept = (accountId: string) =>
  acceptJob(db, { id: newJobId(), accountId, inputKey: 'inputs/x', inputUrl: null });

describe('API keys', () => {
  test('a key authenticates until revoked; lookalikes never do', async () => {
    const account = await createAccount(db, { name: 'keys', plan: 'free' });
    const issued = await issueApiKey(db, account.id);

    expect(issued.key).toMatch(/^pk_live_[0-9A-Za-z]{40}$/);
    expect(await authenticateApiKey(db, issued.key)).toEqual({
      keyId: issued.id,
      accountId: account.id,
      plan: 'free',
    });

    const lastChar = issued.key.at(-1) === 'a' ? 'b' : 'a';
    expect(await authenticateApiKey(db, issued.key.slice(0, -1) + lastChar)).toBeNull();
    expect(await authenticateApiKey(db, issued.key.slice(0, -1))).toBeNull();

    const stored = await db.apiKey.findUniqueOrThrow({ where: { id: issued.id } });
    expect(JSON.stringify(stored)).not.toContain(issued.key.slice('pk_live_'.length + 12));

    expect(await revokeApiKey(db, issued.id)).toBe(true);
    expect(await authenticateApiKey(db, issued.key)).toBeNull();
    expect(await revokeApiKey(db, 'key_missing')).toBe(false);
  });
});

describe('leases', () => {
  test('a run that lost its lease can neither complete nor fail the job', async () => {
    const account = await createAccount(db, { name: 'lease', plan: 'pro' });
    const { job } = await accept(account.id);

    expect(await claimJob(db, { id: job.id, leaseToken: 'first' })).not.toBeNull();
    expect(await claimJob(db, { id: job.id, leaseToken: 'second' })).not.toBeNull();

    expect(await completeJob(db, { id: job.id, leaseToken: 'first', resultKey: 'r' })).toBe(false);
    expect(await failJob(db, { id: job.id, leaseToken: 'first', error: 'x' })).toBe(false);
    expect(await completeJob(db, { id: job.id, leaseToken: 'second', resultKey: 'r' })).toBe(true);

    expect(await claimJob(db, { id: job.id, leaseToken: 'third' })).toBeNull();
    expect(await failJob(db, { id: job.id, error: 'late' })).toBe(false);
    const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect([row.status, row.attempts, row.creditsUsed]).toEqual(['completed', 2, 1]);
  });
});

describe('credits', () => {
  test('a failed job is refunded exactly once, however often it is failed', async () => {
    const account = await createAccount(db, { name: 'refund', plan: 'lite' });
    const { job, creditsRemaining } = await accept(account.id);
    expect(creditsRemaining).toBe(99);

    const attempts = await Promise.all(
      Array.from({ length: 5 }, () => failJob(db, { id: job.id, error: 'broken' })),
    );
    expect(attempts.filter(Boolean)).toHaveLength(1);
    expect(await auditBalance(db, account.id)).toEqual({ balance: 100, ledgerSum: 100 });
  });

  test('after concurrent accepts and failures, balance equals the ledger', async () => {
    const account = await createAccount(db, { name: 'mix', plan: 'free' });

    const results = await Promise.allSettled(Array.from({ length: 6 }, () => accept(account.id)));
    const accepted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.job] : []));
    const refused = results.filter((r) => r.status === 'rejected');
    expect(accepted).toHaveLength(3);
    for (const r of refused) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(InsufficientCreditsError);
    }

    await Promise.all(accepted.slice(0, 2).map((job) => failJob(db, { id: job.id, error: 'x' })));
    await Promise.all(
      accepted.map(async (job) => {
        await claimJob(db, { id: job.id, leaseToken: job.id });
        await completeJob(db, { id: job.id, leaseToken: job.id, resultKey: 'r' });
      }),
    );

    expect(await auditBalance(db, account.id)).toEqual({ balance: 2, ledgerSum: 2 });
  });

  test('an enterprise account is never refused and its balance never moves', async () => {
    const account = await createAccount(db, { name: 'ent', plan: 'enterprise' });
    const jobs = await Promise.all(Array.from({ length: 3 }, () => accept(account.id)));

    expect(jobs.map((j) => j.creditsRemaining)).toEqual([null, null, null]);
    expect(
      await db.creditLedgerEntry.count({ where: { accountId: account.id, reason: 'debit' } }),
    ).toBe(3);
    expect(await auditBalance(db, account.id)).toEqual({ balance: 0, ledgerSum: 0 });
  });
});
