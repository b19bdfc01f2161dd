import { readFile } from 'node:fs/promises';

import { callApi, fixturePath, imageForm, startStack, type TestStack } from '@poofbg/testing';

/** No worker: jobs stay pending, which is all idempotency needs. */
let stack: TestStack;
let car: Buffer;
let cloth: Buffer;

beforeAll(async () => {
  stack = await startStack({ workerEnv: null, gatewayEnv: { RESULT_WAIT_SECONDS: '0' } });
  car = await readFile(fixturePath('car-1.jpg'));
  cloth = await readFile(fixturePath('cloth-1.jpg'));
});

afterAll(() => stack.stop());

const submit = (apiKey: string, bytes: Buffer, key?: string) =>
  callApi(`${stack.url}/v1/remove-background`, {
    method: 'POST',
    apiKey,
    body: imageForm(bytes),
    headers: key ? { 'idempotency-key': key } : {},
  });

const submitUrl = (apiKey: string, url: string, key: string) =>
  callApi(`${stack.url}/v1/remove-background`, {
    method: 'POST',
    apiKey,
    body: JSON.stringify({ image_url: url }),
    headers: { 'idempotency-key': key, 'content-type': 'application/json' },
  });

async function charges(accountId: string): Promise<number> {
  return stack.db.creditLedgerEntry.count({ where: { accountId, reason: 'debit' } });
}

test('a retry with the same key and input returns the same job, charged once', async () => {
  const account = await stack.createAccount('lite');

  const first = await submit(account.apiKey, car, 'order-42');
  const retry = await submit(account.apiKey, car, 'order-42');

  expect(first.status).toBe(202);
  expect(retry.status).toBe(202);
  expect(retry.body.id).toBe(first.body.id);
  expect(retry.body.credits_remaining).toBe(99);
  expect(await charges(account.accountId)).toBe(1);
  expect(await stack.db.job.count({ where: { accountId: account.accountId } })).toBe(1);
});

test('the same key with different input is INVALID_REQUEST and costs nothing', async () => {
  const account = await stack.createAccount('lite');
  await submit(account.apiKey, car, 'reused');

  const conflict = await submit(account.apiKey, cloth, 'reused');
  expect(conflict.status).toBe(400);
  expect(conflict.body).toMatchObject({ error: { code: 'INVALID_REQUEST' } });

  const asUrl = await submitUrl(account.apiKey, 'https://example.com/a.jpg', 'reused');
  expect(asUrl.status).toBe(400);
  expect(await charges(account.accountId)).toBe(1);
});

test('requests racing with one key create one job and one charge', async () => {
  const account = await stack.createAccount('lite');

  const responses = await Promise.all(
    Array.from({ length: 6 }, () => submit(account.apiKey, car, 'racing')),
  );
  const ids = new Set(responses.map((r) => r.body.id));

  expect(responses.map((r) => r.status)).toEqual([202, 202, 202, 202, 202, 202]);
  expect(ids.size).toBe(1);
  expect(await charges(account.accountId)).toBe(1);
});

test('keys belong to one account; without a key every request is a new job', async () => {
  const a = await stack.createAccount('lite');
  const b = await stack.createAccount('lite');

  const fromA = await submit(a.apiKey, car, 'shared-name');
  const fromB = await submit(b.apiKey, car, 'shared-name');
  expect(fromA.body.id).not.toBe(fromB.body.id);

  const plain1 = await submit(a.apiKey, car);
  const plain2 = await submit(a.apiKey, car);
  expect(plain1.body.id).not.toBe(plain2.body.id);
  expect(await charges(a.accountId)).toBe(3);
});

test('a key older than 24 hours no longer replays', async () => {
  const account = await stack.createAccount('lite');
  const first = await submit(account.apiKey, car, 'yesterday');
  await stack.db.idempotencyKey.updateMany({
    where: { accountId: account.accountId },
    data: { createdAt: new Date(Date.now() - 24 * 3600 * 1000 - 1000) },
  });

  const later = await submit(account.apiKey, car, 'yesterday');
  expect(later.body.id).not.toBe(first.body.id);
  expect(await charges(account.accountId)).toBe(2);
});

test.each([[''], ['x'.repeat(256)], ['has space'], ['naïve']])(
  'a malformed key %j is INVALID_REQUEST',
  async (key) => {
    const account = await stack.createAccount('lite');
    const response = await callApi(`${stack.url}/v1/remove-background`, {
      method: 'POST',
      apiKey: account.apiKey,
      body: imageForm(car),
      headers: { 'idempotency-key': key },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    expect(await charges(account.accountId)).toBe(0);
  },
);
