import { readFile } from 'node:fs/promises';

import { createCommandConnection, type Redis } from '@poofbg/queue';
import {
  callApi,
  fixturePath,
  imageForm,
  startRedisServer,
  startStack,
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
    gatewayEnv: { RESULT_WAIT_SECONDS: '8', LOG_REQUESTS: 'false', LOG_LEVEL: 'info' },
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

  const waiting = Array.from({ length: 250 }, () =>
    callApi(`${stack.url}/v1/remove-background`, {
      method: 'POST',
      apiKey: account.apiKey,
      body: imageForm(jpeg),
    }),
  );
  for (let i = 0; i < 100; i += 1) {
    if ((await stack.db.job.count({ where: { accountId: account.accountId } })) === 250) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const during = await gatewayConnections();
  const responses = await Promise.all(waiting);

  expect(before).toBeGreaterThanOrEqual(2);
  expect(during).toBe(before);
  expect(responses.map((r) => r.status)).toEqual(Array(250).fill(202));
});
