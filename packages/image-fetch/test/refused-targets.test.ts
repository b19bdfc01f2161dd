import type { LookupAddress } from 'node:dns';

import { fetchImage, type HostResolver } from '@poofbg/image-fetch';

import { startLocalServer, timed, type LocalServer } from './local-server';

// Each of these must be refused before any packet is sent, so none of them is ever contacted.
const BLOCKED_LITERALS = [
  '127.0.0.1',
  '[::1]',
  '169.254.169.254',
  '10.0.0.1',
  '172.16.0.1',
  '192.168.1.1',
  '100.64.0.1',
  '0.0.0.0',
  '255.255.255.255',
  '224.0.0.1',
  '198.18.0.1',
  '192.0.2.1',
  '240.0.0.1',
  '[::]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[::ffff:a9fe:a9fe]',
  '[fe80::1]',
  '[fd00::1]',
  '[ff02::1]',
  '[2001:db8::1]',
  '[64:ff9b::a00:1]',
  '[64:ff9b:1::1]',
  '[2002:a00:1::1]',
  // Teredo: the client address 127.0.0.1 is stored inverted, as 80ff:fffe.
  '[2001:0:4136:e378:8000:63bf:80ff:fffe]',
  '[::7f00:1]',
];

let server: LocalServer;
const requestsSeen: string[] = [];

beforeAll(async () => {
  server = await startLocalServer((request, response) => {
    requestsSeen.push(request.url ?? '');
    if (request.url === '/to-metadata') {
      response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    } else if (request.url === '/to-internal-name') {
      response.writeHead(301, { location: 'http://internal.example/' }).end();
    } else if (request.url === '/to-file') {
      response.writeHead(302, { location: 'file:///etc/passwd' }).end();
    } else {
      response.end('ok');
    }
  });
});

afterAll(() => server.close());

function resolverReturning(...addresses: LookupAddress[]): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    return addresses;
  };

  return Object.assign(resolve, { calls });
}

test('refuses loopback unless allowLoopback is set', async () => {
  requestsSeen.length = 0;

  await expect(fetchImage(`${server.origin}/`)).rejects.toMatchObject({
    reason: 'blocked_address',
  });
  expect(requestsSeen).toEqual([]);
});

test.each(BLOCKED_LITERALS)('refuses the literal %s before connecting', async (host) => {
  const lookup = resolverReturning();

  const { error, ms } = await timed(fetchImage(`http://${host}/image.png`, { lookup }));

  expect(error).toMatchObject({ reason: 'blocked_address' });
  expect(ms).toBeLessThan(100);
  expect(lookup.calls).toEqual([]);
});

test('allowLoopback does not unlock other private addresses', async () => {
  for (const host of ['10.0.0.1', '169.254.169.254', '[::ffff:127.0.0.1]', '[fd00::1]']) {
    await expect(
      fetchImage(`http://${host}/image.png`, { allowLoopback: true }),
    ).rejects.toMatchObject({ reason: 'blocked_address' });
  }
});

test('refuses localhost by its resolved address', async () => {
  const port = new URL(server.origin).port;
  requestsSeen.length = 0;

  await expect(fetchImage(`http://localhost:${port}/`)).rejects.toMatchObject({
    reason: 'blocked_address',
  });
  expect(requestsSeen).toEqual([]);
});

test('refuses a host name that resolves to a private address', async () => {
  const lookup = resolverReturning({ address: '10.0.0.5', family: 4 });

  const { error, ms } = await timed(fetchImage('http://images.example/cat.png', { lookup }));

  expect(error).toMatchObject({ reason: 'blocked_address' });
  expect((error as Error).message).toContain('images.example');
  expect(ms).toBeLessThan(100);
  expect(lookup.calls).toEqual(['images.example']);
});

test('refuses a host name whose answers mix an allowed and a private address', async () => {
  const port = new URL(server.origin).port;
  const lookup = resolverReturning(
    { address: '127.0.0.1', family: 4 },
    { address: '10.0.0.5', family: 4 },
  );
  requestsSeen.length = 0;

  await expect(
    fetchImage(`http://mixed.example:${port}/`, { allowLoopback: true, lookup }),
  ).rejects.toMatchObject({ reason: 'blocked_address' });
  expect(requestsSeen).toEqual([]);
});

test('refuses a redirect to the cloud metadata address', async () => {
  await expect(
    fetchImage(`${server.origin}/to-metadata`, { allowLoopback: true }),
  ).rejects.toMatchObject({ reason: 'blocked_address' });
});

test('checks the DNS answer of a redirect target too', async () => {
  const lookup = resolverReturning({ address: '192.168.0.10', family: 4 });

  await expect(
    fetchImage(`${server.origin}/to-internal-name`, { allowLoopback: true, lookup }),
  ).rejects.toMatchObject({ reason: 'blocked_address' });
  expect(lookup.calls).toEqual(['internal.example']);
});

test('refuses a redirect to a non-http scheme', async () => {
  await expect(
    fetchImage(`${server.origin}/to-file`, { allowLoopback: true }),
  ).rejects.toMatchObject({ reason: 'invalid_url' });
});

test.each([
  'ftp://example.com/cat.jpg',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'data:image/png;base64,iVBORw0KGgo=',
  'not a url',
  '/relative/cat.jpg',
  'http://user:secret@example.com/cat.jpg',
  'https://user@example.com/cat.jpg',
])('refuses %s as an invalid URL', async (url) => {
  const lookup = resolverReturning();

  await expect(fetchImage(url, { lookup })).rejects.toMatchObject({ reason: 'invalid_url' });
  expect(lookup.calls).toEqual([]);
});
