import { readFile } from 'node:fs/promises';

import {
  callApi,
  fixturePath,
  imageForm,
  removeBackground,
  startStack,
  type TestStack,
} from '@poofbg/testing';

/** The wait window is forced to zero so every removal answers 202 and is polled. */
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ gatewayEnv: { RESULT_WAIT_SECONDS: '0' } });
});

afterAll(() => stack.stop());

async function pollUntilFinished(id: string, apiKey: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const response = await callApi(`${stack.url}/v1/jobs/${id}`, { apiKey });
    expect(response.status).toBe(200);
    if (response.body.status === 'completed' || response.body.status === 'failed') {
      return response.body;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`job ${id} did not finish`);
}

test('a job past the wait window answers 202, then polling shows it completed', async () => {
  const account = await stack.createAccount('pro');

  const accepted = await removeBackground(stack.url, account.apiKey, 'car-1.jpg');
  expect(accepted.status).toBe(202);
  expect(accepted.body).toMatchObject({
    status: expect.stringMatching(/^(pending|processing)$/),
    completed_at: null,
    result_url: null,
    credits_used: 1,
    credits_remaining: 499,
  });

  const finished = await pollUntilFinished(String(accepted.body.id), account.apiKey);
  expect(finished).toMatchObject({ status: 'completed', error: null, credits_used: 1 });
  expect((await fetch(String(finished.result_url))).status).toBe(200);
});

test('an undecodable image fails its job with a clear error and a refund', async () => {
  const account = await stack.createAccount('lite');
  const jpeg = await readFile(fixturePath('car-1.jpg'));
  const truncated = jpeg.subarray(0, 600);

  const accepted = await callApi(`${stack.url}/v1/remove-background`, {
    method: 'POST',
    apiKey: account.apiKey,
    body: imageForm(truncated),
  });
  expect(accepted.status).toBe(202);
  expect(accepted.body.credits_remaining).toBe(99);

  const finished = await pollUntilFinished(String(accepted.body.id), account.apiKey);
  expect(finished).toMatchObject({
    status: 'failed',
    credits_used: 0,
    credits_remaining: 100,
    result_url: null,
  });
  expect(String(finished.error)).toMatch(/could not be processed/i);

  const ledger = await stack.db.creditLedgerEntry.findMany({
    where: { jobId: String(accepted.body.id) },
    orderBy: { id: 'asc' },
  });
  expect(ledger.map((row) => [row.reason, row.delta])).toEqual([
    ['debit', -1],
    ['refund', 1],
  ]);
  expect(await stack.db.job.count({ where: { id: String(accepted.body.id), attempts: 1 } })).toBe(
    1,
  );
});

test('the worker keeps working after a bad image', async () => {
  const account = await stack.createAccount('pro');
  const garbage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2048, 7)]);

  const bad = await removeBackground(stack.url, account.apiKey, garbage);
  const good = await removeBackground(stack.url, account.apiKey, 'cloth-1.jpg');

  expect((await pollUntilFinished(String(bad.body.id), account.apiKey)).status).toBe('failed');
  expect((await pollUntilFinished(String(good.body.id), account.apiKey)).status).toBe('completed');
  expect(stack.workers[0]!.child.exitCode).toBeNull();
});
