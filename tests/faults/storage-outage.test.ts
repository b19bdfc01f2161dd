import { removalAttempts } from '@poofbg/queue';
import { callApi } from '@poofbg/testing';

import { jobsLogged } from './support/logs';
import { FaultScenario, loadPhotos } from './support/scenario';

/**
 * Fault 5: the S3 server becomes unreachable (a proxy in front of it refuses connections).
 * A short outage costs jobs one retry. A long one refuses new uploads with 503 at no charge,
 * and fails queued jobs after exactly the bounded number of attempts, refunded; their uploads,
 * which could not be deleted then, are swept once storage is back; new jobs complete again.
 */
const scenario = new FaultScenario('object storage unavailable');

beforeAll(async () => {
  await scenario.start({ proxies: true, gatewayEnv: { RESULT_WAIT_SECONDS: '0' } });
});

afterAll(() => scenario.finish());

test('jobs that meet a short outage complete on their next attempt', async () => {
  const { stack, traffic } = scenario;
  const photos = await loadPhotos();
  const client = await scenario.client('pro');
  const [worker] = stack.workers;

  const jobIds = [];
  for (const image of [photos.cloth, photos.car]) {
    jobIds.push((await traffic.submit(stack.url, client, image)).jobId!);
  }
  await jobsLogged(worker!, 'job started', 1);
  await stack.proxies!.storage.cut();
  // The first job's result and the second job's upload cannot be reached; both will retry.
  await jobsLogged(worker!, 'job attempt failed; will retry', 2, 60_000);
  await stack.proxies!.storage.restore();

  for (const jobId of jobIds) {
    const done = await traffic.waitForJob(stack.url, client, jobId, 60_000);
    expect(done?.jobStatus).toBe('completed');
    const job = await stack.db.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.attempts).toBe(2);
  }
});

test('uploads get 503, queued jobs fail after bounded retries and are refunded', async () => {
  const { stack, traffic } = scenario;
  const photos = await loadPhotos();
  const client = await scenario.client('lite');

  const queued = [];
  for (const image of [photos.plants, photos.cloth, photos.car]) {
    queued.push((await traffic.submit(stack.url, client, image)).jobId!);
  }
  await stack.proxies!.storage.cut();

  const refused = await traffic.submit(stack.url, client, photos.car);
  expect(refused.status).toBe(503);
  expect(refused.body).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
  const ready = await callApi(`${stack.url}/readyz`);
  expect(ready.status).toBe(503);
  expect(ready.body).toMatchObject({ checks: { storage: 'failing', database: 'ok' } });

  for (const jobId of queued) {
    const done = await traffic.waitForJob(stack.url, client, jobId, 60_000);
    expect(done?.jobStatus).toBe('failed');
    expect(done?.body.credits_used).toBe(0);
    const job = await stack.db.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.attempts).toBe(removalAttempts);
  }
  const account = await callApi(`${stack.url}/v1/account`, { apiKey: client.apiKey });
  expect(account.body.credits_remaining).toBe(100);
});

test('once storage is back, new jobs complete and no upload is left behind', async () => {
  const { stack, traffic } = scenario;
  await stack.proxies!.storage.restore();
  const client = await scenario.client('pro');

  const answer = await traffic.submit(stack.url, client, (await loadPhotos()).car);
  const done = await traffic.waitForJob(stack.url, client, answer.jobId!, 60_000);
  expect(done?.jobStatus).toBe('completed');
  expect((await callApi(`${stack.url}/readyz`)).status).toBe(200);

  // The failed jobs' uploads could not be deleted while storage was away; the sweep does it.
  await stack.workers[0]!.waitForLog((l) => l.msg === 'leftover uploads deleted', 60_000);
});

test('invariants hold over the whole schema', async () => {
  expect(await scenario.checkInvariants()).toEqual([]);
});
