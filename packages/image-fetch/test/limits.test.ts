import type { ServerResponse } from 'node:http';

import { fetchImage, type HostResolver } from '@poofbg/image-fetch';

import { closed, startLocalServer, timed, type LocalServer } from './local-server';

const FIFTY_MB = 50 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0xab);
const local = { allowLoopback: true };

let server: LocalServer;
let bytesSent = 0;
let streamFinished = false;
const dribbles = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  server = await startLocalServer((request, response) => {
    if (request.url === '/endless') streamFiftyMegabytes(response);
    if (request.url === '/declared-huge') {
      response.writeHead(200, { 'content-length': String(FIFTY_MB) }).write(CHUNK);
    }
    if (request.url === '/dribble') dribble(response);
    // '/silent' is never answered.
  });
});

afterAll(async () => {
  dribbles.forEach(clearInterval);
  await server.close();
});

// Writes with backpressure and without Content-Length, as a hostile server streaming junk.
function streamFiftyMegabytes(response: ServerResponse): void {
  bytesSent = 0;
  streamFinished = false;
  response.writeHead(200, { 'content-type': 'image/jpeg' });

  const pump = (): void => {
    while (bytesSent < FIFTY_MB) {
      bytesSent += CHUNK.length;
      if (!response.write(CHUNK)) {
        response.once('drain', pump);
        return;
      }
    }
    streamFinished = true;
    response.end();
  };
  pump();
}

function dribble(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'image/png' });
  const timer = setInterval(() => response.write('x'), 50);
  dribbles.add(timer);
  response.once('close', () => clearInterval(timer));
}

test('cuts off an endless body at the byte limit', async () => {
  const accepted = server.sockets.length;

  const { error } = await timed(fetchImage(`${server.origin}/endless`, local));
  const sentWhenRefused = bytesSent;

  expect(error).toMatchObject({ reason: 'too_large' });
  expect((error as Error).message).toContain('10 MB');
  expect(sentWhenRefused).toBeLessThan(FIFTY_MB);
  await closed(server.sockets[accepted]);
  expect(streamFinished).toBe(false);
});

test('honours a smaller maxBytes', async () => {
  const { error } = await timed(
    fetchImage(`${server.origin}/endless`, { ...local, maxBytes: 100_000 }),
  );

  expect(error).toMatchObject({ reason: 'too_large' });
  expect(bytesSent).toBeLessThan(FIFTY_MB);
});

test('refuses a Content-Length over the limit without reading the body', async () => {
  const accepted = server.sockets.length;

  const { error, ms } = await timed(fetchImage(`${server.origin}/declared-huge`, local));

  expect(error).toMatchObject({ reason: 'too_large' });
  expect(ms).toBeLessThan(1_000);
  await closed(server.sockets[accepted]);
});

test('times out a server that never answers, and hangs up on it', async () => {
  const accepted = server.sockets.length;

  const { error, ms } = await timed(
    fetchImage(`${server.origin}/silent`, { ...local, totalTimeoutMs: 300 }),
  );

  expect(error).toMatchObject({ reason: 'timeout' });
  expect(ms).toBeGreaterThanOrEqual(250);
  expect(ms).toBeLessThan(1_500);
  await closed(server.sockets[accepted]);
});

test('counts the body against the total timeout', async () => {
  const { error, ms } = await timed(
    fetchImage(`${server.origin}/dribble`, { ...local, totalTimeoutMs: 400 }),
  );

  expect(error).toMatchObject({ reason: 'timeout' });
  expect(ms).toBeLessThan(1_500);
});

test('applies the connect timeout to a host that never resolves', async () => {
  const stalled: HostResolver = () => new Promise(() => undefined);
  const port = new URL(server.origin).port;

  const { error, ms } = await timed(
    fetchImage(`http://stalled.example:${port}/`, {
      ...local,
      lookup: stalled,
      connectTimeoutMs: 200,
      totalTimeoutMs: 5_000,
    }),
  );

  expect(error).toMatchObject({ reason: 'timeout' });
  expect((error as Error).message).toMatch(/connecting/i);
  expect(ms).toBeLessThan(1_000);
});
