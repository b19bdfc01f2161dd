import { callApi } from '@poofbg/testing';

import { hasLogged, jobsLogged } from './support/logs';
import { FaultScenario, loadPhotos } from './support/scenario';
import { sleep } from './support/traffic';

/**
 * Fault 4: PostgreSQL goes away for a few seconds (a proxy in front of it refuses and drops
 * connections; the shared server itself stays up for everyone else). The gateway must answer
 * 503 in the API's error format and fail /readyz, then serve again; a worker whose model
 * finished during the outage must record that result once the database is back, not redo
 * the work or lose it.
 */
const scenario = new FaultScenario('PostgreSQL unavailable');

beforeAll(async () => {
  await scenario.start({ proxies: true, gatewayEnv: { RESULT_WAIT_SECONDS: '60' } });
});

afterAll(() => scenario.finish());

test('503s and a failing /readyz while it is away; no finished or queued job is lost', async () => {
  const { stack, traffic } = scenario;
  const photos = await loadPhotos();
  const client = await scenario.client('pro');
  const [busy] = stack.workers;

  const waiting = [photos.plants, photos.car].map((image) =>
    traffic.submit(stack.url, client, image),
  );
  const [inference] = await jobsLogged(busy!, 'job started', 1);
  await stack.proxies!.database.cut();

  const refused = await traffic.submit(stack.url, client, photos.car);
  expect(refused.status).toBe(503);
  expect(refused.body).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
  expect((await traffic.poll(stack.url, client, inference!)).status).toBe(503);
  const ready = await callApi(`${stack.url}/readyz`);
  expect(ready.status).toBe(503);
  expect(ready.body).toMatchObject({ checks: { database: 'failing', redis: 'ok' } });

  // A worker that starts now finds the queued job but cannot claim it yet; the busy one's
  // model finishes while the database is still away, and the outage goes on for a while.
  const idle = await scenario.addWorker();
  const [queued] = await jobsLogged(idle, 'database unavailable; will retry', 1);
  await jobsLogged(busy!, 'background removed', 1, 60_000);
  await sleep(8_000);
  await stack.proxies!.database.restore();

  for (const answer of await Promise.all(waiting)) {
    const done =
      answer.jobStatus === 'completed'
        ? answer
        : await traffic.waitForJob(stack.url, client, answer.jobId!, 60_000);
    expect(done?.jobStatus).toBe('completed');
  }
  for (const jobId of [inference!, queued!]) {
    const job = await stack.db.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.attempts).toBe(1);
  }
  expect(busy!.logs.filter((l) => l.msg === 'background removed')).toHaveLength(1);
  expect(hasLogged(idle, 'background removed', queued!)).toBe(true);
});

test('once it is back, everything serves again', async () => {
  const { stack, traffic } = scenario;
  const client = await scenario.client('pro');

  expect((await callApi(`${stack.url}/readyz`)).status).toBe(200);
  const answer = await traffic.submit(stack.url, client, (await loadPhotos()).car);
  expect(answer.status).toBe(200);
  expect(answer.jobStatus).toBe('completed');
});

test('invariants hold over the whole schema', async () => {
  expect(await scenario.checkInvariants()).toEqual([]);
});
