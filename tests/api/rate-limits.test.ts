import {
  callApi,
  startRedisServer,
  startStack,
  type TestRedisServer,
  type TestStack,
} from '@poofbg/testing';

/** A private Redis, so the last test can take it away without touching other files. */
let redis: TestRedisServer;
let stack: TestStack;

beforeAll(async () => {
  redis = await startRedisServer();
  stack = await startStack({ workerEnv: null, redisUrl: redis.url });
});

afterAll(async () => {
  await stack.stop();
  await redis.stop();
});

test('a Free account gets 10 requests a minute, then 429 with Retry-After', async () => {
  const account = await stack.createAccount('free');
  const remaining: string[] = [];

  for (let i = 0; i < 10; i += 1) {
    const response = await callApi(`${stack.url}/v1/account`, { apiKey: account.apiKey });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-limit')).toBe('10');
    remaining.push(response.headers.get('x-ratelimit-remaining')!);
  }
  expect(remaining).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);

  const limited = await callApi(`${stack.url}/v1/jobs`, { apiKey: account.apiKey });
  expect(limited.status).toBe(429);
  expect(limited.body).toEqual({
    error: { code: 'RATE_LIMITED', message: 'Too many requests, slow down' },
  });
  expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
  const retryAfter = Number(limited.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(55);
  expect(retryAfter).toBeLessThanOrEqual(60);
});

test('each plan has its own limit, and accounts do not share a window', async () => {
  for (const [plan, limit] of [
    ['payg', '30'],
    ['lite', '60'],
    ['pro', '120'],
    ['enterprise', '300'],
  ] as const) {
    const account = await stack.createAccount(plan);
    const response = await callApi(`${stack.url}/v1/account`, { apiKey: account.apiKey });
    expect(response.headers.get('x-ratelimit-limit')).toBe(limit);
    expect(response.headers.get('x-ratelimit-remaining')).toBe(String(Number(limit) - 1));
  }
});

test('error responses carry the headers too, and count against the limit', async () => {
  const account = await stack.createAccount('free');
  const notFound = await callApi(`${stack.url}/v1/jobs/job_missing`, { apiKey: account.apiKey });

  expect(notFound.status).toBe(404);
  expect(notFound.headers.get('x-ratelimit-limit')).toBe('10');
  expect(notFound.headers.get('x-ratelimit-remaining')).toBe('9');
});

test('requests without a valid key are limited per client address', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 21; i += 1) {
    const response = await callApi(`${stack.url}/v1/account`, {
      headers: { authorization: `Bearer pk_live_${String(i).padStart(40, 'x')}` },
    });
    statuses.push(response.status);
  }
  expect(statuses.slice(0, 20).every((status) => status === 401)).toBe(true);
  expect(statuses[20]).toBe(429);

  const account = await stack.createAccount('pro');
  expect((await callApi(`${stack.url}/v1/account`, { apiKey: account.apiKey })).status).toBe(200);
});

test('with Redis down the gateway answers 503 at once and recovers when it is back', async () => {
  const account = await stack.createAccount('pro');
  await redis.stop();

  const started = Date.now();
  const response = await callApi(`${stack.url}/v1/account`, { apiKey: account.apiKey });
  expect(response.status).toBe(503);
  expect(response.body).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
  expect(Date.now() - started).toBeLessThan(3_000);

  await redis.restart();
  let status = 0;
  for (let i = 0; i < 40 && status !== 200; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    status = (await callApi(`${stack.url}/v1/account`, { apiKey: account.apiKey })).status;
  }
  expect(status).toBe(200);
});
