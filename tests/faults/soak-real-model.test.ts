import { runLoad, type AccountMix } from './support/load';
import { FaultScenario, loadPhotos } from './support/scenario';
import { soak } from './support/soak';

/**
 * The soak with the real model, as fast as this machine runs it: one worker on every core,
 * working on two jobs at once so decoding and encoding overlap inference, kept busy by more
 * clients than it can serve. Runs only with POOFBG_SOAK=1, for POOFBG_SOAK_REAL_SECONDS.
 */
const scenario = new FaultScenario('soak: real model');

const mix: AccountMix[] = [
  { plan: 'pro', accounts: 2, clientsPerAccount: 2 },
  { plan: 'lite', accounts: 1, clientsPerAccount: 1 },
  { plan: 'payg', accounts: 1, clientsPerAccount: 1, grant: 3 },
  { plan: 'free', accounts: 1, clientsPerAccount: 1, pollers: 1 },
];

describe('soak with the real model', () => {
  beforeAll(async () => {
    await scenario.start({ workerEnv: { WORKER_CONCURRENCY: '2' } });
  }, 120_000);

  afterAll(() => scenario.finish(), 120_000);

  test(
    'minutes of real work leave every job finished, every result a PNG, every credit kept',
    async () => {
      const { car, cloth, plants } = await loadPhotos();
      const figures = await runLoad(scenario, {
        model: 'IS-Net medium',
        durationMs: soak.realSeconds * 1000,
        mix,
        images: [car, cloth, plants, car],
        urls: [scenario.stack.url],
      });
      scenario.recordLoad(figures);

      expect(Object.keys(figures.answers)).toContain('submit 200');
      expect(await scenario.checkInvariants()).toEqual([]);
    },
    soak.realSeconds * 1000 + 400_000,
  );
});
