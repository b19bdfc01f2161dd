import { createBlockingConnection, outcomeChannel } from '@poofbg/queue';
import {
  startRedisServer,
  startTcpProxy,
  type TcpProxy,
  type TestRedisServer,
} from '@poofbg/testing';

import { FaultScenario, loadPhotos } from './support/scenario';
import { sleep } from './support/traffic';

/**
 * Fault 7: the gateway stops hearing outcome messages. Its Redis traffic goes through a proxy
 * the test silences (a partition: nothing is closed, nothing arrives), while workers publish
 * straight to Redis; then its subscriber connection is killed outright. Waiting clients must
 * still get their outcome well inside the wait window, a new request must get a prompt 503
 * rather than hang on the silent Redis, and the subscription must come back.
 */
const scenario = new FaultScenario('pub/sub messages dropped');
const windowSeconds = 30;
let redis: TestRedisServer;
let proxy: TcpProxy;

beforeAll(async () => {
  redis = await startRedisServer();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: redis.port });
  await scenario.start({
    redisUrl: redis.url,
    gatewayEnv: {
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      RESULT_WAIT_SECONDS: String(windowSeconds),
      RESULT_RECHECK_MS: '500',
    },
  });
});

afterAll(async () => {
  await scenario.finish();
  await proxy.close();
  await redis.stop();
});

test('clients get outcomes the gateway never heard, and a new request a prompt 503', async () => {
  const { stack, traffic } = scenario;
  const photos = await loadPhotos();
  const client = await scenario.client('pro');

  const waiting = [photos.cloth, photos.car].map((image) =>
    traffic.submit(stack.url, client, image),
  );
  let queued = 0;
  await stack.gateway.waitForLog((line) => line.msg === 'job queued' && ++queued === 2);
  proxy.blackhole();

  const refused = await traffic.submit(stack.url, client, photos.car, {
    signal: AbortSignal.timeout(20_000),
  });
  expect(refused.status).toBe(503);
  expect(refused.body).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });

  for (const answer of await Promise.all(waiting)) {
    expect(answer.status).toBe(200);
    expect(answer.jobStatus).toBe('completed');
    const job = await stack.db.job.findUniqueOrThrow({ where: { id: answer.jobId! } });
    // Answered soon after the job finished, not when the window ran out.
    expect(Date.now() - job.completedAt!.getTime()).toBeLessThan((windowSeconds / 2) * 1000);
  }
  await proxy.restore();
});

test('a killed subscriber connection subscribes again', async () => {
  const { stack, traffic } = scenario;
  const client = await scenario.client('pro');
  const admin = createBlockingConnection(redis.url);
  const channel = outcomeChannel(stack.queuePrefix);

  try {
    await waitForSubscribers(admin, channel);
    await admin.client('KILL', 'TYPE', 'pubsub');
    expect(await waitForSubscribers(admin, channel)).toBe(1);
  } finally {
    admin.disconnect();
  }

  const answer = await traffic.submit(stack.url, client, (await loadPhotos()).car);
  expect(answer.status).toBe(200);
  expect(answer.jobStatus).toBe('completed');
});

test('invariants hold over the whole schema', async () => {
  expect(await scenario.checkInvariants()).toEqual([]);
});

async function waitForSubscribers(
  admin: ReturnType<typeof createBlockingConnection>,
  channel: string,
): Promise<number> {
  let count = 0;
  for (let i = 0; i < 40 && count === 0; i += 1) {
    const [, subscribers] = (await admin.pubsub('NUMSUB', channel)) as [string, number];
    count = Number(subscribers);
    if (count === 0) await sleep(250);
  }
  return count;
}
