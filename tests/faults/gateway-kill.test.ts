import { callApi } from '@poofbg/testing';

import { FaultScenario, loadPhotos } from './support/scenario';

/**
 * Fault 6: the gateway is killed (SIGKILL) while clients wait for their jobs. Their
 * connections drop without an answer, but the jobs were queued, so workers finish them. A
 * replacement gateway shows them: a retry with the same Idempotency-Key gets the same job,
 * charged once, and `GET /v1/jobs/:id` shows it completed. A gateway killed after recording
 * a job but before queueing it (here: while storage hangs) leaves the job to the retry,
 * which must get it done rather than leave it to the stale-job sweep.
 */
const scenario = new FaultScenario('gateway killed while clients wait');

beforeAll(async () => {
  await scenario.start({ proxies: true, gatewayEnv: { RESULT_WAIT_SECONDS: '60' } });
});

afterAll(() => scenario.finish());

test('jobs of a killed gateway complete and a new gateway shows them', async () => {
  const { stack, traffic } = scenario;
  const photos = await loadPhotos();
  const client = await scenario.client('lite');
  const images = [photos.plants, photos.cloth, photos.car];
  const keys = images.map((_, i) => `gateway-kill-${i}`);

  const waiting = images.map((image, i) =>
    traffic.submit(stack.url, client, image, { idempotencyKey: keys[i]! }),
  );
  let queued = 0;
  await stack.gateway.waitForLog((line) => line.msg === 'job queued' && ++queued === 3);
  await stack.gateway.stop('SIGKILL');
  for (const answer of await Promise.all(waiting)) expect(answer.status).toBe(0);

  const { url } = await scenario.addGateway();
  const retries = await Promise.all(
    images.map((image, i) => traffic.submit(url, client, image, { idempotencyKey: keys[i]! })),
  );
  const rows = await stack.db.job.findMany({ where: { accountId: client.accountId } });
  expect(rows).toHaveLength(3);
  expect(new Set(retries.map((r) => r.jobId))).toEqual(new Set(rows.map((row) => row.id)));

  for (const retry of retries) {
    const done = await traffic.waitForJob(url, client, retry.jobId!, 90_000);
    expect(done?.jobStatus).toBe('completed');
    expect(done?.body.result_url).toEqual(expect.any(String));
  }
  const account = await callApi(`${url}/v1/account`, { apiKey: client.apiKey });
  expect(account.body.credits_remaining).toBe(97);
});

test('a job whose gateway died before queueing it is finished by an idempotent retry', async () => {
  const { stack, traffic } = scenario;
  const client = await scenario.client('lite');
  const { car } = await loadPhotos();
  const doomed = await scenario.addGateway();

  stack.proxies!.storage.blackhole();
  const lost = traffic.submit(doomed.url, client, car, { idempotencyKey: 'half-done' });
  await doomed.gateway.waitForLog((line) => line.msg === 'job accepted');
  await doomed.gateway.stop('SIGKILL');
  expect((await lost).status).toBe(0);
  await stack.proxies!.storage.restore();

  const { url } = await scenario.addGateway();
  const retry = await traffic.submit(url, client, car, { idempotencyKey: 'half-done' });
  expect([200, 202]).toContain(retry.status);
  const done = await traffic.waitForJob(url, client, retry.jobId!, 25_000);
  expect(done?.jobStatus).toBe('completed');
  expect(await stack.db.job.count({ where: { accountId: client.accountId } })).toBe(1);
});

test('invariants hold over the whole schema', async () => {
  expect(await scenario.checkInvariants()).toEqual([]);
});
