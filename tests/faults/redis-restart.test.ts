import { startRedisServer, type TestRedisServer } from '@poofbg/testing';

import { jobsLogged } from './support/logs';
import { FaultScenario, loadPhotos } from './support/scenario';
import { sleep, type Client } from './support/traffic';

/**
 * Fault 3: Redis restarts, empty (the worst case: no append-only file), while clients wait
 * for their jobs. Each waiting client gets its outcome or a 202, never a 500 or a hang; the
 * job that was running still completes; the jobs Redis forgot are failed and refunded by the
 * workers' stale-job sweep; new jobs are queued and completed as before.
 */
const scenario = new FaultScenario('Redis restart while requests wait');
let redis: TestRedisServer;
let firstClient: Client;
let firstJobs: string[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  await scenario.start({ redisUrl: redis.url, gatewayEnv: { RESULT_WAIT_SECONDS: '15' } });
});

afterAll(async () => {
  await scenario.finish();
  await redis.stop();
});

test('waiting clients get an outcome or a 202 across the restart', async () => {
  const { stack, traffic } = scenario;
  const photos = await loadPhotos();
  const client = (firstClient = await scenario.client('pro'));
  const [worker] = stack.workers;

  const waiting = [photos.plants, photos.cloth, photos.car].map((image) =>
    traffic.submit(stack.url, client, image),
  );
  const [running] = await jobsLogged(worker!, 'job started', 1);
  await redis.stop();
  await sleep(1_000);
  await redis.restart();

  const answers = await Promise.all(waiting);
  for (const answer of answers) expect([200, 202]).toContain(answer.status);
  firstJobs = answers.map((answer) => answer.jobId!);

  const done = await traffic.waitForJob(stack.url, client, running!, 60_000);
  expect(done?.jobStatus).toBe('completed');
});

test('the queue works again, and the forgotten jobs end refunded', async () => {
  const { stack, traffic } = scenario;
  const client = await scenario.client('pro');

  let answer = await traffic.submit(stack.url, client, (await loadPhotos()).car);
  // The gateway's connections may still be reconnecting for a moment after the restart.
  for (let i = 0; i < 20 && answer.status === 503; i += 1) {
    await sleep(500);
    answer = await traffic.submit(stack.url, client, (await loadPhotos()).car);
  }
  expect(answer.status).toBe(200);
  expect(answer.jobStatus).toBe('completed');

  for (const jobId of firstJobs) {
    const result = await traffic.waitForJob(stack.url, firstClient, jobId, 75_000);
    expect(['completed', 'failed']).toContain(result?.jobStatus);
    if (result?.jobStatus === 'failed') expect(result.body.credits_used).toBe(0);
  }
});

test('invariants hold over the whole schema', async () => {
  expect(await scenario.checkInvariants()).toEqual([]);
});
