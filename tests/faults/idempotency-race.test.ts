import { FaultScenario, loadPhotos } from './support/scenario';
import type { Client } from './support/traffic';

/**
 * Fault 8: a client retries with the same Idempotency-Key while its first request is still
 * in flight, through two gateways at once. Every request that is accepted must get the same
 * job, charged once, even when that charge takes the account's last credit; the same key
 * with other input gets INVALID_REQUEST and costs nothing. The tiny model stands in for
 * IS-Net: this is about the gateway and the database.
 */
const scenario = new FaultScenario('Idempotency-Key retry racing the original');
let second: string;

beforeAll(async () => {
  await scenario.start({ workerEnv: await scenario.tinyModelEnv() });
  second = (await scenario.addGateway()).url;
});

afterAll(() => scenario.finish());

/** Sends `count` copies of one request at once, alternating between the two gateways. */
function race(client: Client, image: Buffer, key: string, count: number) {
  const urls = [scenario.stack.url, second];
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      scenario.traffic.submit(urls[i % 2]!, client, image, { idempotencyKey: key }),
    ),
  );
}

async function debits(accountId: string): Promise<number> {
  return scenario.stack.db.creditLedgerEntry.count({ where: { accountId, reason: 'debit' } });
}

test('racing retries through two gateways all get one job, charged once', async () => {
  const client = await scenario.client('pro');
  const answers = await race(client, (await loadPhotos()).car, 'race-1', 8);

  expect(answers.map((a) => a.status).every((s) => s === 200 || s === 202)).toBe(true);
  expect(new Set(answers.map((a) => a.jobId)).size).toBe(1);
  expect(await debits(client.accountId)).toBe(1);
});

test('racing retries for the last credit all get the job, not INSUFFICIENT_CREDITS', async () => {
  const client = await scenario.client('free');
  const { car, cloth } = await loadPhotos();
  for (const key of ['spend-1', 'spend-2']) {
    expect(
      (await scenario.traffic.submit(scenario.stack.url, client, cloth, { idempotencyKey: key }))
        .status,
    ).toBe(200);
  }

  const answers = await race(client, car, 'last-credit', 6);
  expect(answers.map((a) => a.status).every((s) => s === 200 || s === 202)).toBe(true);
  expect(new Set(answers.map((a) => a.jobId)).size).toBe(1);
  expect(await debits(client.accountId)).toBe(3);
});

test('the same key with other input racing the original costs nothing', async () => {
  const client = await scenario.client('lite');
  const { car, cloth } = await loadPhotos();
  const answers = await Promise.all([
    scenario.traffic.submit(scenario.stack.url, client, car, { idempotencyKey: 'mixed' }),
    scenario.traffic.submit(second, client, cloth, { idempotencyKey: 'mixed' }),
  ]);

  const statuses = answers.map((a) => a.status).sort();
  expect(statuses[0]).toBe(200);
  expect(statuses[1]).toBe(400);
  expect(answers.find((a) => a.status === 400)?.code).toBe('INVALID_REQUEST');
  expect(await debits(client.accountId)).toBe(1);
});

test('invariants hold over the whole schema', async () => {
  expect(await scenario.checkInvariants()).toEqual([]);
});
