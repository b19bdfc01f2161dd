import {
  fixturePhotos,
  removeBackground,
  callApi,
  startStack,
  type TestStack,
} from '@poofbg/testing';
import sharp from 'sharp';

import { alphaSeparation } from '../support/alpha';

let stack: TestStack;
let account: { accountId: string; apiKey: string };

beforeAll(async () => {
  stack = await startStack();
  account = await stack.createAccount('pro');
});

afterAll(() => stack.stop());

describe('POST /v1/remove-background with a file', () => {
  test.each(fixturePhotos)(
    '%s completes with a transparent PNG of the original size',
    async (photo) => {
      const { readFile } = await import('node:fs/promises');
      const { fixturePath } = await import('@poofbg/testing');
      const original = await sharp(await readFile(fixturePath(photo))).metadata();

      const response = await removeBackground(stack.url, account.apiKey, photo);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        status: 'completed',
        error: null,
        credits_used: 1,
      });
      expect(String(response.body.id)).toMatch(/^job_[0-9A-Za-z]{24}$/);
      expect(Date.parse(String(response.body.completed_at))).toBeGreaterThanOrEqual(
        Date.parse(String(response.body.created_at)),
      );

      const download = await fetch(String(response.body.result_url));
      expect(download.status).toBe(200);
      const png = Buffer.from(await download.arrayBuffer());
      const meta = await sharp(png).metadata();
      expect(meta.format).toBe('png');
      expect(meta.channels).toBe(4);
      expect([meta.width, meta.height]).toEqual([original.width, original.height]);

      const separation = await alphaSeparation(png);
      // plants-1 is a small subject on a wide background: about 4% of its pixels are opaque.
      expect(separation.opaqueShare).toBeGreaterThan(0.02);
      expect(separation.transparentShare).toBeGreaterThan(0.2);
    },
  );

  test('result_url is signed for the public S3 address and expires in an hour', async () => {
    const response = await removeBackground(stack.url, account.apiKey, 'car-1.jpg');
    const link = new URL(String(response.body.result_url));

    expect(link.host).toBe(`${stack.s3.endPoint}:${stack.s3.port}`);
    expect(link.searchParams.get('X-Amz-Expires')).toBe('3600');
    expect(link.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the upload is deleted from storage once the job has finished', async () => {
    const response = await removeBackground(stack.url, account.apiKey, 'cloth-1.jpg');
    const id = String(response.body.id);

    // The worker deletes the upload right after recording the result, then forgets its key.
    let inputKey: string | null = `inputs/${id}`;
    for (let i = 0; i < 100 && inputKey !== null; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      inputKey = (await stack.db.job.findUniqueOrThrow({ where: { id } })).inputKey;
    }
    const probe = await fetch(
      `http://${stack.s3.endPoint}:${stack.s3.port}/poofbg-test/inputs/${id}`,
    );

    expect(response.body.status).toBe('completed');
    expect(inputKey).toBeNull();
    expect(probe.status).toBe(404);
  });

  test('each removal takes one credit, and the ledger explains the balance', async () => {
    const before = await callApi(`${stack.url}/v1/account`, { apiKey: account.apiKey });
    const response = await removeBackground(stack.url, account.apiKey, 'plants-1.jpg');
    const after = await callApi(`${stack.url}/v1/account`, { apiKey: account.apiKey });

    expect(response.body.credits_remaining).toBe(Number(before.body.credits_remaining) - 1);
    expect(after.body.credits_remaining).toBe(response.body.credits_remaining);

    const sum = await stack.db.creditLedgerEntry.aggregate({
      where: { accountId: account.accountId },
      _sum: { delta: true },
    });
    expect(sum._sum.delta).toBe(after.body.credits_remaining);
  });
});

describe('GET /v1/jobs', () => {
  test("lists newest first with the spec's defaults and paging", async () => {
    const other = await stack.createAccount('pro');
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      await stack.db.job.create({
        data: {
          id: `job_list${i}`,
          accountId: other.accountId,
          createdAt: new Date(Date.UTC(2026, 0, i + 1)),
        },
      });
      ids.unshift(`job_list${i}`);
    }

    const all = await callApi<{ data: Array<{ id: string }>; limit: number; offset: number }>(
      `${stack.url}/v1/jobs`,
      { apiKey: other.apiKey },
    );
    expect(all.status).toBe(200);
    expect(all.body.limit).toBe(20);
    expect(all.body.offset).toBe(0);
    expect(all.body.data.map((job) => job.id)).toEqual(ids);
    expect(Object.keys(all.body.data[0]!).sort()).toEqual([
      'completed_at',
      'created_at',
      'id',
      'status',
    ]);

    const page = await callApi<{ data: Array<{ id: string }> }>(
      `${stack.url}/v1/jobs?limit=1&offset=1`,
      { apiKey: other.apiKey },
    );
    expect(page.body.data.map((job) => job.id)).toEqual([ids[1]]);
  });

  test.each([
    ['limit=0'],
    ['limit=101'],
    ['limit=abc'],
    ['limit=1.5'],
    ['offset=-1'],
    ['limit=5&limit=6'],
  ])('?%s is INVALID_REQUEST', async (query) => {
    const response = await callApi(`${stack.url}/v1/jobs?${query}`, { apiKey: account.apiKey });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
  });

  test('limit=100 is the maximum accepted', async () => {
    const response = await callApi(`${stack.url}/v1/jobs?limit=100`, { apiKey: account.apiKey });
    expect(response.status).toBe(200);
    expect(response.body.limit).toBe(100);
  });
});

describe('GET /v1/account', () => {
  test('reports plan, balance, quota and rate limit', async () => {
    const fresh = await stack.createAccount('lite');
    const response = await callApi(`${stack.url}/v1/account`, { apiKey: fresh.apiKey });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      plan: 'lite',
      credits_remaining: 100,
      credits_monthly_quota: 100,
      rate_limit: { requests_per_minute: 60 },
    });
  });
});
