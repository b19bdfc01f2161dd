import { startStack, removeBackground, type AppProcess, type TestStack } from '@poofbg/testing';

/**
 * Workers here hold job locks for 4 s, so a job whose worker dies is handed to another
 * one within seconds instead of a minute.
 */
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ workerEnv: null, gatewayEnv: { RESULT_WAIT_SECONDS: '0' } });
});

afterAll(() => stack.stop());

const shortLock = { JOB_LOCK_SECONDS: '4' };

function jobStarted(worker: AppProcess, jobId: string) {
  return worker.waitForLog((line) => line.msg === 'job started' && line.jobId === jobId, 30_000);
}

async function waitForStatus(jobId: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await stack.db.job.findUniqueOrThrow({ where: { id: jobId } });
    if (job.status === 'completed' || job.status === 'failed' || Date.now() > deadline) {
      return job.status;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('a worker killed mid-job loses it to another, which completes it exactly once', async () => {
  const account = await stack.createAccount('pro');
  const doomed = await stack.addWorker(shortLock);

  const accepted = await removeBackground(stack.url, account.apiKey, 'plants-1.jpg');
  const jobId = String(accepted.body.id);
  await jobStarted(doomed, jobId);
  await doomed.stop('SIGKILL');

  const rescuer = await stack.addWorker(shortLock);
  expect(await waitForStatus(jobId, 60_000)).toBe('completed');
  await rescuer.waitForLog((line) => line.msg === 'background removed' && line.jobId === jobId);

  const job = await stack.db.job.findUniqueOrThrow({ where: { id: jobId } });
  const ledger = await stack.db.creditLedgerEntry.findMany({ where: { jobId } });
  expect(job.attempts).toBe(2);
  expect(job.creditsUsed).toBe(1);
  expect(ledger.map((row) => row.reason)).toEqual(['debit']);

  const result = await fetch(`http://127.0.0.1:${stack.s3.port}/poofbg-test/results/${jobId}.png`);
  expect(result.status).toBe(200);
  await rescuer.stop();
});

test('SIGTERM lets the job in hand finish, then the worker exits cleanly', async () => {
  const account = await stack.createAccount('pro');
  const worker = await stack.addWorker(shortLock);

  const accepted = await removeBackground(stack.url, account.apiKey, 'car-1.jpg');
  const jobId = String(accepted.body.id);
  await jobStarted(worker, jobId);

  const exitCode = await worker.stop('SIGTERM');
  expect(exitCode).toBe(0);
  expect(worker.logs.some((l) => l.msg === 'background removed' && l.jobId === jobId)).toBe(true);
  expect(await waitForStatus(jobId, 1_000)).toBe('completed');
});
