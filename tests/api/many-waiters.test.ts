import { readFile } from 'node:fs/promises';

import { createCommandConnection, type Redis } from '@poofbg/queue';
import {
  callApi,
  fixturePath,
  imageForm,
  startRedisServer,
  startStack,
  type ApiResponse,
  type TestRedisServer,
  type TestStack,
} from '@poofbg/testing';

/**
 * A gateway holding hundreds of waiting requests must do it over the connections it
 * started with. A private Redis makes the count exact; no worker runs, so requests wait.
 */
let redisServer: TestRedisServer;
let stack: TestStack;
let redis: Redis;

beforeAll(async () => {
  redisServer = await startRedisServer();
  stack = await startStack({
    workerEnv: null,
    redisUrl: redisServer.url,
    gatewayEnv: { RESULT_WAIT_SECONDS: '20', LOG_REQUESTS: 'false', LOG_LEVEL: 'info' },
  });
  redis = createCommandConnection(redisServer.url);
});

afterAll(async () => {
  redis.disconnect();
  await stack.stop();
  await redisServer.stop();
});

async function gatewayConnections(): Promise<number> {
  const clients = String(await redis.client('LIST'));
  return clients.split('\n').filter((line) => /name=poofbg-gateway/.test(line)).length;
}

test("hundreds of waiting requests share the gateway's connections; all are answered", async () => {
  const account = await stack.createAccount('enterprise');
  const jpeg = await readFile(fixturePath('car-1.jpg'));
  const before = await gatewayConnections();

  // Submitted a few at a time (a burst of simultaneous uploads is another matter: it may
  // be answered 503 on a starved machine); what matters is that all of them then wait.
  const waiting: Array<Promise<ApiResponse>> = [];
  for (let i = 0; i < 250; i += 1) {
    waiting.push(
      callApi(`${stack.url}/v1/remove-background`, {
        method: 'POST',
        apiKey: account.apiKey,
        body: imageForm(jpeg),
      }),
    );
    if (i % 10 === 9) await jobsAccepted(account.accountId, i + 1);
  }
  const during = await gatewayConnections();
  const responses = await Promise.all(waiting);

  expect(before).toBeGreaterThanOrEqual(2);
  expect(during).toBe(before);
  expect(responses.map((r) => r.status)).toEqual(Array(250).fill(202));
});

async function jobsAccepted(accountId: string, count: number): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    if ((await stack.db.job.count({ where: { accountId } })) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`fewer than ${count} jobs were accepted`);
}
