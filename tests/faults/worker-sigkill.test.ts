import { hasLogged, jobsLogged } from './support/logs';
import { FaultScenario, loadPhotos } from './support/scenario';
import { sleep } from './support/traffic';

/**
 * Fault 1: a worker is killed with SIGKILL while the model runs. Its jobs must pass to
 * another worker once their locks lapse and be finished there exactly once: one result, one
 * debit, no refund, and the waiting clients get the outcome.
 */
const scenario = new FaultScenario('SIGKILL mid-inference');

beforeAll(async () => {
  await scenario.start({ workerEnv: null, gatewayEnv: { RESULT_WAIT_SECONDS: '90' } });
});

afterAll(() => scenario.finish());

test('jobs of a worker killed mid-inference are finished once by another worker', async () => {
  const { stack, traffic } = scenario;
  const photos = await loadPhotos();
  const client = await scenario.client('pro');
  const doomed = await scenario.addWorker({ WORKER_CONCURRENCY: '2' });

  const answers = [photos.cloth, photos.plants, photos.car].map((image) =>
    traffic.submit(stack.url, client, image),
  );
  const inHand = await jobsLogged(doomed, 'job started', 2);
  // Decoding takes a fraction of a second; the model then runs for seconds.
  await sleep(700);
  for (const jobId of inHand) {
    expect(hasLogged(doomed, 'background removed', jobId)).toBe(false);
  }
  await doomed.stop('SIGKILL');

  const rescuer = await scenario.addWorker();
  for (const answer of await Promise.all(answers)) {
    expect([200, 202]).toContain(answer.status);
    const done = await traffic.waitForJob(stack.url, client, answer.jobId!, 90_000);
    expect(done?.jobStatus).toBe('completed');
  }

  for (const jobId of inHand) {
    const job = await stack.db.job.findUniqueOrThrow({ where: { id: jobId } });
    const ledger = await stack.db.creditLedgerEntry.findMany({ where: { jobId } });
    expect(job).toMatchObject({ status: 'completed', attempts: 2, creditsUsed: 1 });
    expect(ledger.map((row) => row.reason)).toEqual(['debit']);
    expect(hasLogged(rescuer, 'background removed', jobId)).toBe(true);
  }
});

test('invariants hold over the whole schema', async () => {
  expect(await scenario.checkInvariants()).toEqual([]);
});
