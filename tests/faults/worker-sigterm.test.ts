import { hasLogged, jobsLogged } from './support/logs';
import { FaultScenario, loadPhotos } from './support/scenario';

/**
 * Fault 2: a busy worker gets SIGTERM. Within its grace period it finishes the jobs in hand
 * and takes no new ones; past it, it hands them back. Either way it exits 0 and every job
 * is finished exactly once.
 */
const scenario = new FaultScenario('SIGTERM while busy');

beforeAll(async () => {
  await scenario.start({ workerEnv: null, gatewayEnv: { RESULT_WAIT_SECONDS: '0' } });
});

afterAll(() => scenario.finish());

async function jobRow(jobId: string) {
  return scenario.stack.db.job.findUniqueOrThrow({ where: { id: jobId } });
}

test('within the grace period the jobs in hand finish and the worker exits 0', async () => {
  const { stack, traffic } = scenario;
  const photos = await loadPhotos();
  const client = await scenario.client('pro');
  const worker = await scenario.addWorker({ WORKER_CONCURRENCY: '2' });

  const queued = [];
  for (const image of [photos.cloth, photos.plants, photos.car]) {
    queued.push((await traffic.submit(stack.url, client, image)).jobId!);
  }
  const inHand = await jobsLogged(worker, 'job started', 2);

  expect(await worker.stop('SIGTERM')).toBe(0);
  for (const jobId of inHand) {
    expect(await jobRow(jobId)).toMatchObject({ status: 'completed', attempts: 1 });
  }
  const left = queued.filter((id) => !inHand.includes(id));
  expect(left).toHaveLength(1);
  expect(hasLogged(worker, 'job started', left[0]!)).toBe(false);

  await scenario.addWorker();
  const done = await traffic.waitForJob(stack.url, client, left[0]!, 60_000);
  expect(done?.jobStatus).toBe('completed');
  await Promise.all(stack.workers.map((w) => w.stop()));
});

test('past the grace period it hands its job back, exits 0, and another finishes it', async () => {
  const { stack, traffic } = scenario;
  const photos = await loadPhotos();
  const client = await scenario.client('pro');
  const worker = await scenario.addWorker({ SHUTDOWN_GRACE_SECONDS: '0' });

  const jobId = (await traffic.submit(stack.url, client, photos.plants)).jobId!;
  await jobsLogged(worker, 'job started', 1);

  // With no grace at all it must exit before the model has finished.
  expect(await worker.stop('SIGTERM')).toBe(0);
  expect(hasLogged(worker, 'background removed', jobId)).toBe(false);

  const rescuer = await scenario.addWorker();
  const done = await traffic.waitForJob(stack.url, client, jobId, 60_000);
  expect(done?.jobStatus).toBe('completed');
  expect(await jobRow(jobId)).toMatchObject({ attempts: 2, creditsUsed: 1 });
  expect(hasLogged(rescuer, 'background removed', jobId)).toBe(true);
});

test('invariants hold over the whole schema', async () => {
  expect(await scenario.checkInvariants()).toEqual([]);
});
