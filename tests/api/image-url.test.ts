import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { callApi, fixturePath, startStack, type TestStack } from '@poofbg/testing';
import sharp from 'sharp';

/**
 * `image_url` jobs against a local HTTP server. The worker may reach loopback here only
 * because IMAGE_FETCH_ALLOW_LOOPBACK is set; every other private range stays refused.
 */
let stack: TestStack;
let server: http.Server;
let origin: string;
const files = new Map<string, { type: string; body: Buffer }>();

beforeAll(async () => {
  files.set('/car.jpg', { type: 'image/jpeg', body: await readFile(fixturePath('car-1.jpg')) });
  files.set('/plants.png', {
    type: 'image/png',
    body: await readFile(fixturePath('plants-1.jpg')),
  });
  files.set('/car.webp', {
    type: 'image/webp',
    body: await sharp(await readFile(fixturePath('car-1.jpg')))
      .webp()
      .toBuffer(),
  });

  server = http.createServer((req, res) => {
    const file = files.get(req.url ?? '');
    if (req.url === '/to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      return;
    }
    if (!file) return void res.writeHead(404).end('not here');
    res.writeHead(200, { 'content-type': file.type }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  stack = await startStack({ workerEnv: { IMAGE_FETCH_ALLOW_LOOPBACK: 'true' } });
});

afterAll(async () => {
  await stack.stop();
  await new Promise((resolve) => server.close(resolve));
});

const submit = (apiKey: string, url: string) =>
  callApi(`${stack.url}/v1/remove-background`, {
    method: 'POST',
    apiKey,
    body: JSON.stringify({ image_url: url }),
    headers: { 'content-type': 'application/json' },
  });

test.each([
  ['/car.jpg', 480, 360],
  ['/plants.png', 987, 1481],
])('a %s URL completes with a PNG of the original size', async (path, width, height) => {
  const account = await stack.createAccount('pro');
  const response = await submit(account.apiKey, `${origin}${path}`);

  expect(response.status).toBe(200);
  expect(response.body).toMatchObject({ status: 'completed', credits_used: 1 });
  const png = Buffer.from(await (await fetch(String(response.body.result_url))).arrayBuffer());
  expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width, height, channels: 4 });
});

test.each([
  ['a WebP image', '/car.webp', /JPEG or PNG/],
  ['a missing file', '/missing.jpg', /404/],
  [
    'a redirect to the cloud metadata address',
    '/to-metadata',
    /169.254.169.254 is not on the public/,
  ],
])('%s fails the job with a reason and refunds it', async (_name, path, reason) => {
  const account = await stack.createAccount('lite');
  const response = await submit(account.apiKey, `${origin}${path}`);

  expect(response.status).toBe(200);
  expect(response.body).toMatchObject({
    status: 'failed',
    credits_used: 0,
    credits_remaining: 100,
    result_url: null,
  });
  expect(String(response.body.error)).toMatch(reason);
});
