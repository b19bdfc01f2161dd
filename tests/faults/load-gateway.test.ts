import { runLoad, type AccountMix } from './support/load';
import { FaultScenario, loadPhotos } from './support/scenario';
import { soak } from './support/soak';

/**
 * Load on the gateway, the queue and the database alone: two gateways and two workers that
 * run the tiny stand-in model, many accounts in parallel, some polling far past their rate
 * limit and some running out of credits. Short in CI; POOFBG_SOAK=1 runs it for minutes
 * (POOFBG_SOAK_TINY_SECONDS). Invariants are checked over everything it leaves behind.
 */
const scenario = new FaultScenario(soak.enabled ? 'soak: tiny model' : 'load: tiny model');

const mix: AccountMix[] = [
  { plan: 'enterprise', accounts: 2, clientsPerAccount: 3 },
  { plan: 'pro', accounts: 2, clientsPerAccount: 2 },
  { plan: 'lite', accounts: 2, clientsPerAccount: 1 },
  // One credit for two clients: one of them runs out at once, however slow the machine.
  { plan: 'payg', accounts: 1, clientsPerAccount: 2, grant: 1 },
  { plan: 'free', accounts: 2, clientsPerAccount: 1, pollers: 1 },
];

beforeAll(async () => {
  const tiny = await scenario.tinyModelEnv();
  await scenario.start({ workerEnv: { ...tiny, WORKER_CONCURRENCY: '2' } });
  await scenario.addWorker({ ...tiny, WORKER_CONCURRENCY: '2' });
}, 120_000);

afterAll(() => scenario.finish(), 120_000);

test(
  'sustained load leaves every job finished and every credit accounted for',
  async () => {
    const { car, cloth } = await loadPhotos();
    const second = await scenario.addGateway();

    const figures = await runLoad(scenario, {
      model: 'tiny',
      durationMs: soak.tinySeconds * 1000,
      mix,
      images: [car, car, car, cloth],
      urls: [scenario.stack.url, second.url],
    });
    scenario.recordLoad(figures);

    const answers = Object.keys(figures.answers);
    expect(figures.latencyMs.p50).toBeGreaterThan(0);
    expect(answers).toContain('submit 402 INSUFFICIENT_CREDITS');
    expect(answers).toContain('account 429 RATE_LIMITED');
    expect(answers.filter((key) => /\b5\d\d\b|NO_ANSWER|OFF_CONTRACT/.test(key))).toEqual([]);
    expect(await scenario.checkInvariants()).toEqual([]);
  },
  soak.tinySeconds * 1000 + 300_000,
);
