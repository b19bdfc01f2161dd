import { readFile } from 'node:fs/promises';

import { callApi, fixturePath, imageForm, startStack, type TestStack } from '@poofbg/testing';

/**
 * No worker here: the test plays the worker by writing the job row itself, without
 * publishing, as if the pub/sub message had been lost.
 */
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({
    workerEnv: null,
    gatewayEnv: { RESULT_WAIT_SECONDS: '20', RESULT_RECHECK_MS: '300' },
  });
});

afterAll(() => stack.stop());

test('a lost outcome message does not keep the client waiting the whole window', async () => {
  const account = await stack.createAccount('pro');
  const jpeg = await readFile(fixturePath('car-1.jpg'));
  const started = Date.now();

  const pending = callApi(`${stack.url}/v1/remove-background`, {
    method: 'POST',
    apiKey: account.apiKey,
    body: imageForm(jpeg),
  });
  const job = await waitForJobRow(account.accountId);
  await stack.db.job.update({
    where: { id: job.id },
    data: { status: 'failed', error: 'written by the test', completedAt: new Date() },
  });

  const response = await pending;
  expect(response.status).toBe(200);
  expect(response.body).toMatchObject({ id: job.id, status: 'failed' });
  expect(Date.now() - started).toBeLessThan(5_000);
});

async function waitForJobRow(accountId: string): Promise<{ id: string }> {
  for (let i = 0; i < 100; i += 1) {
    const job = await stack.db.job.findFirst({ where: { accountId } });
    if (job) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('job row never appeared');
}

test('on SIGTERM the gateway answers waiting requests with 202 and exits cleanly', async () => {
  const account = await stack.createAccount('pro');
  const jpeg = await readFile(fixturePath('cloth-1.jpg'));

  const pending = callApi(`${stack.url}/v1/remove-background`, {
    method: 'POST',
    apiKey: account.apiKey,
    body: imageForm(jpeg),
  });
  await waitForJobRow(account.accountId);
  const started = Date.now();
  const exitCode = stack.gateway.stop('SIGTERM');

  const response = await pending;
  expect(response.status).toBe(202);
  expect(response.body).toMatchObject({ status: 'pending', result_url: null });
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(await exitCode).toBe(0);
});
