import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { callApi, freePort, startStack, type ApiResponse, type TestStack } from '@poofbg/testing';
import sharp from 'sharp';

import { pngClaiming, smallPhoto, truncated } from './support/images';
import {
  balanceAndLedger,
  errorLines,
  filesUnder,
  isRunning,
  jobLedger,
  waitUntilFinished,
} from './support/invariants';

/**
 * Hostile `image_url`s, fetched by the real worker from a server this test runs on
 * 127.0.0.1. The worker runs with IMAGE_FETCH_ALLOW_LOOPBACK=true so it can reach that
 * server at all; the flag unlocks loopback and nothing else, so every redirect to a
 * private or metadata address must still fail. No traffic leaves the machine: such
 * targets are refused before a socket is opened. (Loopback refused without the flag is in
 * uploads.test.ts; a host name whose DNS answer is private is covered with an injected
 * resolver in packages/image-fetch/test, since these tests have no DNS to point.)
 */

const MiB = 1024 * 1024;

interface HostileUrl {
  name: string;
  /** The path on the test server, or a whole URL given the server's origin. */
  url: (origin: string) => string;
  expected: { status: 'completed' } | { status: 'failed'; error: RegExp };
}

const notPublic = (host: string) =>
  new RegExp(`^Could not fetch image_url: The image host ${escape(host)} is not on the public`);
const unsupported = /^Unsupported image format \(INVALID_IMAGE_TYPE\): image_url must point to/;

const hostileUrls: HostileUrl[] = [
  {
    name: 'a JPEG on loopback (the control)',
    url: (origin) => `${origin}/photo.jpg`,
    expected: { status: 'completed' },
  },
  {
    name: 'a redirect to another loopback URL, which the flag allows',
    url: (origin) => `${origin}/redirect?to=${encodeURIComponent(`${origin}/photo.jpg`)}`,
    expected: { status: 'completed' },
  },
  {
    name: 'a redirect to the cloud metadata address 169.254.169.254',
    url: (origin) => `${origin}/redirect?to=http://169.254.169.254/latest/meta-data/`,
    expected: { status: 'failed', error: notPublic('169.254.169.254') },
  },
  {
    name: 'a redirect to the private address 10.0.0.1',
    url: (origin) => `${origin}/redirect?to=http://10.0.0.1/photo.jpg`,
    expected: { status: 'failed', error: notPublic('10.0.0.1') },
  },
  {
    name: 'a redirect to the metadata address written as IPv4-mapped IPv6',
    url: (origin) => `${origin}/redirect?to=http://[::ffff:169.254.169.254]/`,
    expected: { status: 'failed', error: notPublic('[::ffff:a9fe:a9fe]') },
  },
  {
    name: 'a redirect to a file: URL',
    url: (origin) => `${origin}/redirect?to=file:///etc/passwd`,
    expected: { status: 'failed', error: /Only http and https image URLs are supported/ },
  },
  {
    name: 'a redirect that loops forever',
    url: (origin) => `${origin}/loop`,
    expected: { status: 'failed', error: /redirected more than 3 times/ },
  },
  {
    name: 'a 50 MB body with a Content-Length',
    url: (origin) => `${origin}/50mb?declared=1`,
    expected: { status: 'failed', error: /larger than the 10 MB limit/ },
  },
  {
    name: 'a 50 MB body streamed without a Content-Length',
    url: (origin) => `${origin}/50mb`,
    expected: { status: 'failed', error: /larger than the 10 MB limit/ },
  },
  {
    name: 'a WebP image',
    url: (origin) => `${origin}/photo.webp`,
    expected: { status: 'failed', error: unsupported },
  },
  {
    name: 'a GIF image',
    url: (origin) => `${origin}/photo.gif`,
    expected: { status: 'failed', error: unsupported },
  },
  {
    name: 'an HTML page',
    url: (origin) => `${origin}/page.html`,
    expected: { status: 'failed', error: unsupported },
  },
  {
    name: 'a JPEG cut off after half its bytes',
    url: (origin) => `${origin}/truncated.jpg`,
    expected: { status: 'failed', error: /^The image could not be processed: / },
  },
  {
    name: 'a 124-byte PNG claiming 100000x100000 pixels',
    url: (origin) => `${origin}/bomb.png`,
    expected: { status: 'failed', error: /image is 100000x100000, more than the limit/ },
  },
  {
    name: 'a 404',
    url: (origin) => `${origin}/missing.jpg`,
    expected: { status: 'failed', error: /failed with HTTP status 404/ },
  },
  {
    name: 'a body that promises more bytes than it sends, then hangs up',
    url: (origin) => `${origin}/cut`,
    expected: { status: 'failed', error: /closed before the image arrived/ },
  },
  {
    name: 'a server that accepts the connection and never answers',
    url: (origin) => `${origin}/hang`,
    expected: { status: 'failed', error: /^Could not fetch image_url: .* took longer than 20 s/ },
  },
  {
    name: 'a server that sends one byte a second, forever',
    url: (origin) => `${origin}/trickle`,
    expected: { status: 'failed', error: /^Could not fetch image_url: .* took longer than 20 s/ },
  },
  {
    name: 'an unreachable URL (nothing listens on the port)',
    url: () => `http://127.0.0.1:${closedPort}/photo.jpg`,
    expected: { status: 'failed', error: /^Could not fetch image_url: .* refused the connection/ },
  },
];

let stack: TestStack;
let account: { accountId: string; apiKey: string };
let server: TestServer;
let closedPort: number;
const accepted = new Map<string, ApiResponse>();
let finished: Awaited<ReturnType<typeof waitUntilFinished>>;

beforeAll(async () => {
  stack = await startStack({
    gatewayEnv: { RESULT_WAIT_SECONDS: '0' },
    // Three at once, so the two 20 s timeouts run beside the rest.
    workerEnv: { IMAGE_FETCH_ALLOW_LOOPBACK: 'true', WORKER_CONCURRENCY: '3' },
  });
  account = await stack.createAccount('pro');
  server = await startTestServer(await smallPhoto());
  closedPort = await freePort();

  for (const { name, url } of hostileUrls) {
    const response = await callApi(`${stack.url}/v1/remove-background`, {
      method: 'POST',
      apiKey: account.apiKey,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ image_url: url(server.origin) }),
    });
    accepted.set(name, response);
  }

  const ids = [...accepted.values()].map((response) => String(response.body.id));
  finished = await waitUntilFinished(stack, ids, 120_000);
}, 240_000);

afterAll(async () => {
  await stack.stop();
  await server.close();
});

describe.each(hostileUrls)('an image_url to $name', ({ name, expected }) => {
  test(`is accepted, then ends ${expected.status}`, async () => {
    const first = accepted.get(name)!;
    expect(first.status).toBe(202);
    const id = String(first.body.id);
    expect(finished.has(id)).toBe(true);

    const answer = await callApi(`${stack.url}/v1/jobs/${id}`, { apiKey: account.apiKey });
    expect(answer.status).toBe(200);
    if (expected.status === 'completed') {
      expect(answer.body).toMatchObject({ status: 'completed', error: null, credits_used: 1 });
      const png = Buffer.from(await (await fetch(String(answer.body.result_url))).arrayBuffer());
      const meta = await sharp(png).metadata();
      expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', 320, 240, 4]);
      return;
    }

    expect(answer.body).toMatchObject({ status: 'failed', credits_used: 0, result_url: null });
    expect(String(answer.body.error)).toMatch(expected.error);
    expect(await jobLedger(stack, id)).toEqual([
      ['debit', -1],
      ['refund', 1],
    ]);
  });
});

describe('what the test server saw', () => {
  test('redirects were followed only to loopback, and each at most 3 times', () => {
    const redirected = server.requests.filter((path) => path.startsWith('/redirect'));
    expect(server.requests.filter((path) => path === '/loop')).toHaveLength(4);
    expect(server.requests.filter((path) => path === '/photo.jpg')).toHaveLength(2);
    expect(redirected).toHaveLength(5);
  });

  test('the worker stopped reading the 50 MB bodies long before their end', () => {
    // What the server wrote includes what socket buffers held when the worker hung up.
    expect(server.bodyBytesSent.get('/50mb?declared=1')).toBeLessThan(30 * MiB);
    expect(server.bodyBytesSent.get('/50mb')).toBeLessThan(30 * MiB);
    expect(server.bodyBytesSent.get('/50mb')).toBeGreaterThan(10 * MiB);
  });

  test('the worker hung up on the silent and the trickling server', () => {
    expect(server.openSockets()).toBe(0);
  });
});

describe('afterwards', () => {
  test('no credit is lost, nothing is left behind, and both processes still serve', async () => {
    const completed = hostileUrls.filter((url) => url.expected.status === 'completed').length;
    const { balance, ledgerSum } = await balanceAndLedger(stack, account.accountId);
    expect(balance).toBe(ledgerSum);
    expect(balance).toBe(500 - completed);

    expect(await filesUnder(stack.tempDir)).toEqual([]);
    expect(isRunning(stack.gateway)).toBe(true);
    expect(isRunning(stack.workers[0]!)).toBe(true);
    expect(errorLines(stack.gateway)).toEqual([]);
    expect(errorLines(stack.workers[0]!)).toEqual([]);
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
  });
});

interface TestServer {
  origin: string;
  /** Every request's path and query, in order of arrival. */
  requests: string[];
  /** For the 50 MB routes: body bytes the socket took before the client hung up. */
  bodyBytesSent: Map<string, number>;
  openSockets(): number;
  close(): Promise<void>;
}

async function startTestServer(photo: Buffer): Promise<TestServer> {
  const jpeg = await sharp(photo).jpeg().toBuffer();
  const files: Record<string, [string, Buffer]> = {
    '/photo.jpg': ['image/jpeg', jpeg],
    '/photo.webp': ['image/webp', await sharp(photo).webp().toBuffer()],
    '/photo.gif': ['image/gif', await sharp(photo).gif().toBuffer()],
    '/page.html': ['text/html', Buffer.from('<!doctype html><title>not an image</title>')],
    '/truncated.jpg': ['image/jpeg', truncated(jpeg, 0.5)],
    '/bomb.png': ['image/png', pngClaiming(100_000, 100_000)],
  };
  const requests: string[] = [];
  const bodyBytesSent = new Map<string, number>();

  const server = http.createServer((request, response) => {
    const path = request.url ?? '';
    requests.push(path);
    const url = new URL(path, 'http://test');
    const file = files[url.pathname];

    if (file) {
      response.writeHead(200, { 'content-type': file[0] }).end(file[1]);
    } else if (url.pathname === '/redirect') {
      response.writeHead(302, { location: url.searchParams.get('to')! }).end();
    } else if (url.pathname === '/loop') {
      response.writeHead(302, { location: '/loop' }).end();
    } else if (url.pathname === '/50mb') {
      void streamFiftyMegabytes(response, url.searchParams.has('declared'), (sent) =>
        bodyBytesSent.set(path, sent),
      );
    } else if (url.pathname === '/cut') {
      response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': '100000' });
      response.write(jpeg.subarray(0, 1000), () => response.destroy());
    } else if (url.pathname === '/hang') {
      // Say nothing; the worker must give up on its own.
    } else if (url.pathname === '/trickle') {
      response.writeHead(200, { 'content-type': 'image/jpeg' });
      const timer = setInterval(() => response.write(Buffer.from([0xff])), 1000);
      response.on('close', () => clearInterval(timer));
    } else {
      response.writeHead(404).end();
    }
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    bodyBytesSent,
    openSockets: () => sockets.size,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes 50 MB (a JPEG signature, then zeros) as fast as the reader takes it. */
async function streamFiftyMegabytes(
  response: http.ServerResponse,
  declareLength: boolean,
  report: (sent: number) => void,
): Promise<void> {
  const total = 50 * MiB;
  const chunk = Buffer.alloc(64 * 1024);
  chunk.set([0xff, 0xd8, 0xff, 0xe0]);
  response.writeHead(200, {
    'content-type': 'image/jpeg',
    ...(declareLength ? { 'content-length': String(total) } : {}),
  });

  let sent = 0;
  while (sent < total && !response.destroyed) {
    const flowing = response.write(chunk);
    sent += chunk.length;
    if (!flowing) {
      await new Promise<void>((resolve) => {
        const done = () => {
          response.off('drain', done).off('close', done);
          resolve();
        };
        response.once('drain', done).once('close', done);
      });
    }
  }
  report(sent);
  if (!response.destroyed) response.end();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
