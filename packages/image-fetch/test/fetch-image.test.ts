import { readFileSync } from 'node:fs';

import { fetchImage, ImageFetchError } from '@poofbg/image-fetch';
import { fixturePath } from '@poofbg/testing';

import { startLocalServer, type LocalServer } from './local-server';

const photo = readFileSync(fixturePath('car-1.jpg'));
const local = { allowLoopback: true };
let server: LocalServer;

beforeAll(async () => {
  server = await startLocalServer((request, response) => {
    const hop = /^\/hop\/(\d+)$/.exec(request.url ?? '');
    if (hop !== null && hop[1] !== '0') {
      response.writeHead(302, { location: `/hop/${Number(hop[1]) - 1}` }).end();
    } else if (hop !== null || request.url === '/car.jpg') {
      response.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo);
    } else if (request.url === '/untyped') {
      response.end(photo);
    } else {
      response.writeHead(404).end('not here');
    }
  });
});

afterAll(() => server.close());

test('downloads the body, its content type and the URL it came from', async () => {
  const image = await fetchImage(`${server.origin}/car.jpg`, local);

  expect(image.body.equals(photo)).toBe(true);
  expect(image.contentType).toBe('image/jpeg');
  expect(image.finalUrl).toBe(`${server.origin}/car.jpg`);
});

test('reports a missing Content-Type as null', async () => {
  const image = await fetchImage(`${server.origin}/untyped`, local);

  expect(image.contentType).toBeNull();
});

test('follows up to the default three redirects and reports the final URL', async () => {
  const image = await fetchImage(`${server.origin}/hop/3`, local);

  expect(image.body.equals(photo)).toBe(true);
  expect(image.finalUrl).toBe(`${server.origin}/hop/0`);
});

test('refuses a redirect chain longer than maxRedirects', async () => {
  await expect(fetchImage(`${server.origin}/hop/4`, local)).rejects.toMatchObject({
    reason: 'too_many_redirects',
  });
  await expect(
    fetchImage(`${server.origin}/hop/3`, { ...local, maxRedirects: 2 }),
  ).rejects.toMatchObject({ reason: 'too_many_redirects' });
  await expect(
    fetchImage(`${server.origin}/hop/1`, { ...local, maxRedirects: 0 }),
  ).rejects.toMatchObject({ reason: 'too_many_redirects' });
});

test('turns a 404 into an http_status error naming the status', async () => {
  const failure = fetchImage(`${server.origin}/missing.jpg`, local);

  await expect(failure).rejects.toBeInstanceOf(ImageFetchError);
  await expect(failure).rejects.toMatchObject({ reason: 'http_status' });
  await expect(failure).rejects.toThrow(/404/);
});

test('reports a refused connection as a network error', async () => {
  const gone = await startLocalServer(() => undefined);
  await gone.close();

  await expect(fetchImage(`${gone.origin}/car.jpg`, local)).rejects.toMatchObject({
    reason: 'network',
  });
});
