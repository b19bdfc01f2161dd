import { createCommandConnection, type Redis } from '@poofbg/queue';
import { testRedisUrl, uniqueRedisPrefix } from '@poofbg/testing';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

import { slidingWindowScript } from '../dist/rate-limit/sliding-window';

let redis: Redis;

beforeAll(async () => {
  redis = createCommandConnection(testRedisUrl, { lazyConnect: true });
  await redis.connect();
});

afterAll(() => redis.quit());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function limiter(points: number, seconds: number): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: redis,
    points,
    duration: seconds,
    keyPrefix: uniqueRedisPrefix(),
    customIncrTtlLuaScript: slidingWindowScript,
  });
}

async function attempt(rl: RateLimiterRedis): Promise<RateLimiterRes & { allowed: boolean }> {
  try {
    return Object.assign(await rl.consume('k'), { allowed: true });
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    return Object.assign(refusal, { allowed: false });
  }
}

test('the window slides: old requests leave it one by one, not all at once', async () => {
  const rl = limiter(3, 2);

  expect((await attempt(rl)).remainingPoints).toBe(2);
  await sleep(1_200);
  expect((await attempt(rl)).allowed).toBe(true);
  expect((await attempt(rl)).remainingPoints).toBe(0);

  const refused = await attempt(rl);
  expect(refused.allowed).toBe(false);
  expect(refused.msBeforeNext).toBeGreaterThan(500);
  expect(refused.msBeforeNext).toBeLessThanOrEqual(800);

  // At 2.1 s only the first request has left the window: a fixed window that began at the
  // first request would now allow three more; the sliding one allows exactly one.
  await sleep(900);
  expect((await attempt(rl)).allowed).toBe(true);
  expect((await attempt(rl)).allowed).toBe(false);
});

test('refused requests are not counted, so a waiting client is let in on time', async () => {
  const rl = limiter(1, 1);
  expect((await attempt(rl)).allowed).toBe(true);

  for (let i = 0; i < 5; i += 1) expect((await attempt(rl)).allowed).toBe(false);
  await sleep(1_050);
  expect((await attempt(rl)).allowed).toBe(true);
});
