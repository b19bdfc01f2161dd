import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createLocalStorage } from '@poofbg/storage';
import { callApi, freePort, removeBackground, startStack, type TestStack } from '@poofbg/testing';
import sharp from 'sharp';

/** The zero-setup driver: a folder shared by gateway and worker, links served by the gateway. */
let stack: TestStack;
let folder: string;
let baseUrl: string;
const secret = 'local-test-secret-that-is-long-enough-0123456789';

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'poofbg-local-'));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const local = {
    STORAGE_DRIVER: 'local',
    STORAGE_LOCAL_DIR: folder,
    STORAGE_SIGNING_SECRET: secret,
    PUBLIC_BASE_URL: baseUrl,
  };
  stack = await startStack({ gatewayEnv: { ...local, PORT: String(port) }, workerEnv: local });
});

afterAll(async () => {
  await stack.stop();
  await rm(folder, { recursive: true, force: true });
});

test('result_url is a gateway link that downloads the PNG', async () => {
  const account = await stack.createAccount('pro');
  const response = await removeBackground(stack.url, account.apiKey, 'cloth-1.jpg');
  const link = new URL(String(response.body.result_url));

  expect(link.origin).toBe(baseUrl);
  expect(link.pathname).toBe(`/v1/files/results/${String(response.body.id)}.png`);
  const download = await fetch(link);
  expect(download.status).toBe(200);
  expect(download.headers.get('content-type')).toBe('image/png');
  expect((await sharp(Buffer.from(await download.arrayBuffer())).metadata()).channels).toBe(4);

  const tampered = new URL(link);
  const signature = tampered.searchParams.get('signature')!;
  tampered.searchParams.set(
    'signature',
    `${signature[0] === 'a' ? 'b' : 'a'}${signature.slice(1)}`,
  );
  const refused = await callApi(tampered.toString());
  expect(refused.status).toBe(403);
  expect(refused.body).toMatchObject({ error: { code: 'FORBIDDEN' } });

  const otherKey = new URL(link.toString().replace('/results/', '/inputs/').replace('.png', ''));
  expect((await callApi(otherKey.toString())).status).toBe(403);
});

test('an expired link is refused', async () => {
  const storage = createLocalStorage({
    root: folder,
    publicBaseUrl: baseUrl,
    signingSecret: secret,
  });
  await storage.put('results/expiring.png', Buffer.from('png'), 'image/png');
  const link = await storage.signedUrl('results/expiring.png', 1);

  expect((await fetch(link)).status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 2_100));
  const expired = await callApi(link);
  expect(expired.status).toBe(403);
  expect(expired.body).toEqual({ error: { code: 'FORBIDDEN', message: 'This link has expired' } });
});
