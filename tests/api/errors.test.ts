import { readFile } from 'node:fs/promises';

import { grantCredits, revokeApiKey } from '@poofbg/db';
import {
  callApi,
  fixturePath,
  imageForm,
  startStack,
  storedKeys,
  type ApiResponse,
  type TestStack,
} from '@poofbg/testing';

/** No worker runs here: accepted jobs stay pending, and the wait window is short. */
let stack: TestStack;
let account: { accountId: string; apiKey: string; keyId: string };
let jpeg: Buffer;

beforeAll(async () => {
  stack = await startStack({ workerEnv: null, gatewayEnv: { RESULT_WAIT_SECONDS: '0.2' } });
  account = await stack.createAccount('pro');
  jpeg = await readFile(fixturePath('car-1.jpg'));
});

afterAll(() => stack.stop());

const post = (body: BodyInit, init: RequestInit & { apiKey?: string } = {}) =>
  callApi(`${stack.url}/v1/remove-background`, {
    method: 'POST',
    apiKey: account.apiKey,
    body,
    ...init,
  });

function expectError(response: ApiResponse, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.body).toEqual({ error: { code, message: expect.any(String) } });
  expect(JSON.stringify(response.body)).not.toMatch(/\n\s+at /);
}

describe('UNAUTHORIZED', () => {
  test.each([
    ['no header', undefined],
    ['another scheme', 'Basic cGs6bGl2ZQ=='],
    ['a malformed key', 'Bearer pk_live_short'],
    ['an unknown key', `Bearer pk_live_${'A'.repeat(40)}`],
    ['a bare key without Bearer', `pk_live_${'A'.repeat(40)}`],
  ])('%s', async (_name, header) => {
    const headers: Record<string, string> = header ? { authorization: header } : {};
    expectError(await callApi(`${stack.url}/v1/account`, { headers }), 401, 'UNAUTHORIZED');
  });

  test('a revoked key stops working at once', async () => {
    const victim = await stack.createAccount('pro');
    expect((await callApi(`${stack.url}/v1/account`, { apiKey: victim.apiKey })).status).toBe(200);

    await revokeApiKey(stack.db, victim.keyId);
    const response = await callApi(`${stack.url}/v1/account`, { apiKey: victim.apiKey });
    expectError(response, 401, 'UNAUTHORIZED');
  });
});

describe('NOT_FOUND and FORBIDDEN', () => {
  test('an unknown job id is NOT_FOUND', async () => {
    const response = await callApi(`${stack.url}/v1/jobs/job_doesnotexist`, {
      apiKey: account.apiKey,
    });
    expectError(response, 404, 'NOT_FOUND');
  });

  test('an unknown route is NOT_FOUND in the error format', async () => {
    const offContract = true;
    const inApi = await callApi(`${stack.url}/v1/nothing-here`, {
      apiKey: account.apiKey,
      offContract,
    });
    expectError(inApi, 404, 'NOT_FOUND');
    expectError(await callApi(`${stack.url}/elsewhere`, { offContract }), 404, 'NOT_FOUND');
  });

  test("another account's job is FORBIDDEN", async () => {
    const owner = await stack.createAccount('pro');
    const accepted = await callApi(`${stack.url}/v1/remove-background`, {
      method: 'POST',
      apiKey: owner.apiKey,
      body: imageForm(jpeg),
    });
    expect(accepted.status).toBe(202);

    const response = await callApi(`${stack.url}/v1/jobs/${String(accepted.body.id)}`, {
      apiKey: account.apiKey,
    });
    expectError(response, 403, 'FORBIDDEN');
  });
});

describe('refused requests cost nothing and store nothing', () => {
  const gif = Buffer.from(
    'GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04',
    'latin1',
  );
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
  const bmp = Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)]);
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>');

  test.each([
    ['a GIF', gif, 'a.gif'],
    ['a PDF renamed .jpg', pdf, 'photo.jpg'],
    ['a BMP', bmp, 'a.bmp'],
    ['an SVG', svg, 'a.svg'],
  ])('%s is INVALID_IMAGE_TYPE', async (_name, bytes, name) => {
    expectError(await post(imageForm(bytes, name)), 400, 'INVALID_IMAGE_TYPE');
  });

  test('10 MiB + 1 byte is FILE_TOO_LARGE', async () => {
    const big = Buffer.concat([jpeg, Buffer.alloc(10 * 1024 * 1024 + 1 - jpeg.length)]);
    expectError(await post(imageForm(big)), 400, 'FILE_TOO_LARGE');
  });

  test.each([
    [
      'no file field',
      () => {
        const f = new FormData();
        f.append('note', 'x');
        return f;
      },
    ],
    ['the wrong field name', () => imageForm(jpeg, 'a.jpg', 'image')],
    [
      'two files',
      () => {
        const f = imageForm(jpeg);
        f.append('file', new Blob([jpeg]), 'b.jpg');
        return f;
      },
    ],
    [
      'a file and an image_url',
      () => {
        const f = imageForm(jpeg);
        f.append('image_url', 'https://example.com/a.jpg');
        return f;
      },
    ],
    ['an empty file', () => imageForm(Buffer.alloc(0))],
  ])('multipart with %s is INVALID_REQUEST', async (_name, form) => {
    expectError(await post(form()), 400, 'INVALID_REQUEST');
  });

  test.each([
    ['malformed JSON', '{"image_url": '],
    ['a wrong field name', '{"url": "https://example.com/a.jpg"}'],
    ['an extra field', '{"image_url": "https://example.com/a.jpg", "file": "x"}'],
    ['no fields', '{}'],
    ['a non-http URL', '{"image_url": "ftp://example.com/a.jpg"}'],
    ['credentials in the URL', '{"image_url": "https://user:pw@example.com/a.jpg"}'],
    ['a JSON array', '[]'],
  ])('JSON with %s is INVALID_REQUEST', async (_name, body) => {
    const response = await post(body, { headers: { 'content-type': 'application/json' } });
    expectError(response, 400, 'INVALID_REQUEST');
  });

  test('an empty body and a text body are INVALID_REQUEST', async () => {
    expectError(await post('', {}), 400, 'INVALID_REQUEST');
    expectError(
      await post('hello', { headers: { 'content-type': 'text/plain' } }),
      400,
      'INVALID_REQUEST',
    );
  });

  test('none of the refused requests left a job, a charge or an object', async () => {
    const jobs = await stack.db.job.count({ where: { accountId: account.accountId } });
    const balance = await callApi(`${stack.url}/v1/account`, { apiKey: account.apiKey });

    expect(jobs).toBe(0);
    expect(balance.body.credits_remaining).toBe(500);

    // Inputs in storage all belong to accepted jobs (the FORBIDDEN test's), none to refusals.
    const stored = await storedKeys(stack.s3, 'poofbg-test', 'inputs/');
    const known = await stack.db.job.findMany({ where: { inputKey: { in: stored } } });
    expect(stored.length).toBeGreaterThan(0);
    expect(known.map((job) => job.inputKey).sort()).toEqual(stored.sort());
  });

  test('exactly 10 MiB is accepted', async () => {
    const exact = Buffer.concat([jpeg, Buffer.alloc(10 * 1024 * 1024 - jpeg.length)]);
    const response = await post(imageForm(exact));

    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ status: 'pending', result_url: null, credits_used: 1 });
  });
});

describe('INSUFFICIENT_CREDITS', () => {
  test('a free account gets three removals, then 402', async () => {
    const free = await stack.createAccount('free');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const response = await post(imageForm(jpeg), { apiKey: free.apiKey });
      statuses.push(response.status);
      if (i === 3) expectError(response, 402, 'INSUFFICIENT_CREDITS');
    }
    expect(statuses).toEqual([202, 202, 202, 402]);
  });

  test('concurrent requests never spend the same last credit', async () => {
    const payg = await stack.createAccount('payg');
    await grantCredits(stack.db, { accountId: payg.accountId, credits: 1 });

    const responses = await Promise.all(
      Array.from({ length: 8 }, () => post(imageForm(jpeg), { apiKey: payg.apiKey })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 402, 402, 402, 402, 402, 402, 402]);

    const account = await stack.db.account.findUniqueOrThrow({ where: { id: payg.accountId } });
    const ledger = await stack.db.creditLedgerEntry.aggregate({
      where: { accountId: payg.accountId },
      _sum: { delta: true },
    });
    expect(account.creditBalance).toBe(0);
    expect(ledger._sum.delta).toBe(0);
  });
});
