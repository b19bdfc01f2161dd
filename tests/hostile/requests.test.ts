import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

import {
  callApi,
  fixturePath,
  imageForm,
  startStack,
  type ApiResponse,
  type TestStack,
} from '@poofbg/testing';

import {
  balanceAndLedger,
  errorLines,
  filesUnder,
  isRunning,
  storedInputs,
} from './support/invariants';
import { requestHead, writeRaw } from './support/raw-socket';

/**
 * Malformed, abusive and unfinished requests to `POST /v1/remove-background`. Errors and
 * refusals already covered in tests/api/errors.test.ts are not repeated. No worker runs: none
 * of these requests may become a job, except the one named so.
 */
let stack: TestStack;
let account: { accountId: string; apiKey: string };
const jpeg = readFileSync(fixturePath('car-1.jpg'));

beforeAll(async () => {
  stack = await startStack({
    workerEnv: null,
    gatewayEnv: { RESULT_WAIT_SECONDS: '0', REQUEST_TIMEOUT_SECONDS: '60' },
  });
  account = await stack.createAccount('enterprise');
});

afterAll(() => stack.stop());

const endpoint = () => `${stack.url}/v1/remove-background`;

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  callApi(endpoint(), { method: 'POST', apiKey: account.apiKey, body, headers });

function expectError(response: ApiResponse, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.body).toEqual({ error: { code, message: expect.any(String) } });
}

/** A multipart body written by hand, for shapes FormData cannot produce. */
function multipart(boundary: string, parts: string[], end = `--${boundary}--\r\n`): string {
  return parts.map((part) => `--${boundary}\r\n${part}\r\n`).join('') + end;
}

const filePart = (field: string, bytes: Buffer | string) =>
  `Content-Disposition: form-data; name="${field}"; filename="a.jpg"\r\n` +
  `Content-Type: image/jpeg\r\n\r\n${typeof bytes === 'string' ? bytes : bytes.toString('latin1')}`;

describe('multipart bodies', () => {
  test.each([
    ['"File" (the wrong case)', 'File'],
    ['"file[]"', 'file[]'],
    ['"image_file"', 'image_file'],
    ['"file " (a trailing space)', 'file '],
  ])('the file in a field named %s is INVALID_REQUEST', async (_name, field) => {
    expectError(await post(imageForm(jpeg, 'a.jpg', field)), 400, 'INVALID_REQUEST');
  });

  test('a file in "file" and another in "image" is INVALID_REQUEST', async () => {
    const form = imageForm(jpeg);
    form.append('image', new Blob([jpeg]), 'b.jpg');
    expectError(await post(form), 400, 'INVALID_REQUEST');
  });

  test('thirty files at once are INVALID_REQUEST', async () => {
    const form = new FormData();
    for (let i = 0; i < 30; i += 1) form.append('file', new Blob([jpeg]), `${i}.jpg`);
    expectError(await post(form), 400, 'INVALID_REQUEST');
  });

  test('many text parts beside the file are INVALID_REQUEST', async () => {
    const form = imageForm(jpeg);
    for (let i = 0; i < 25; i += 1) form.append(`note${i}`, 'x');
    expectError(await post(form), 400, 'INVALID_REQUEST');
  });

  test('a 100 KB text field beside the file is INVALID_REQUEST', async () => {
    const form = imageForm(jpeg);
    form.append('note', 'x'.repeat(100 * 1024));
    expectError(await post(form), 400, 'INVALID_REQUEST');
  });

  test('image bytes sent as a text field, not a file, are INVALID_REQUEST', async () => {
    const form = new FormData();
    form.append('file', jpeg.toString('latin1'));
    expectError(await post(form), 400, 'INVALID_REQUEST');
  });

  test('an image_url field in a multipart body, without a file, is INVALID_REQUEST', async () => {
    const form = new FormData();
    form.append('image_url', 'https://example.com/a.jpg');
    expectError(await post(form), 400, 'INVALID_REQUEST');
  });

  test.each([
    ['no boundary parameter', 'multipart/form-data', multipart('b0', [filePart('file', 'x')])],
    ['an empty body', 'multipart/form-data; boundary=b1', ''],
    ['only the closing boundary', 'multipart/form-data; boundary=b2', '--b2--\r\n'],
    [
      'no closing boundary',
      'multipart/form-data; boundary=b3',
      multipart('b3', [filePart('file', jpeg)], ''),
    ],
    ['a body that does not use its boundary', 'multipart/form-data; boundary=b4', 'hello world'],
    [
      'a part without Content-Disposition',
      'multipart/form-data; boundary=b5',
      multipart('b5', ['Content-Type: image/jpeg\r\n\r\nxyz']),
    ],
    [
      'a JSON body',
      'multipart/form-data; boundary=b6',
      '{"image_url": "https://example.com/a.jpg"}',
    ],
    [
      'a 100 KB part header',
      'multipart/form-data; boundary=b7',
      multipart('b7', [`X-Pad: ${'p'.repeat(100 * 1024)}\r\n${filePart('file', 'x')}`]),
    ],
  ])('multipart with %s is INVALID_REQUEST', async (_name, contentType, body) => {
    const response = await post(Buffer.from(body, 'latin1'), { 'content-type': contentType });
    expectError(response, 400, 'INVALID_REQUEST');
  });
});

describe('JSON bodies', () => {
  const json = { 'content-type': 'application/json' };

  test.each([
    ['an empty body', ''],
    ['null', 'null'],
    ['a string', '"https://example.com/a.jpg"'],
    ['a number for image_url', '{"image_url": 5}'],
    [
      'an image_url of 2049 characters',
      JSON.stringify({ image_url: `https://example.com/${'a'.repeat(2029)}` }),
    ],
    ['an image_url without a host', '{"image_url": "http://"}'],
    ['a javascript: URL', '{"image_url": "javascript:alert(1)"}'],
    [
      'a later duplicate key that is not http',
      '{"image_url": "https://example.com/a.jpg", "image_url": "file:///etc/passwd"}',
    ],
    ['a __proto__ key', '{"image_url": "https://example.com/a.jpg", "__proto__": {"admin": true}}'],
    ['image_url nested 3000 arrays deep', `{"image_url": ${'['.repeat(3000)}${']'.repeat(3000)}}`],
    [
      'a body over 16 KB',
      JSON.stringify({ image_url: 'https://example.com/a.jpg', pad: 'x'.repeat(20_000) }),
    ],
  ])('%s is INVALID_REQUEST', async (_name, body) => {
    expectError(await post(body, json), 400, 'INVALID_REQUEST');
  });

  test('a gzip bomb (20 MB of JSON in 20 KB) is INVALID_REQUEST', async () => {
    const pad = ' '.repeat(20_000_000);
    const inflated = `{"image_url": "https://example.com/a.jpg", "pad": "${pad}"}`;
    const bomb = gzipSync(inflated, { level: 9 });
    expect(bomb.length).toBeLessThan(64 * 1024);

    const response = await post(bomb, { ...json, 'content-encoding': 'gzip' });
    expectError(response, 400, 'INVALID_REQUEST');
  });

  test.each([
    ['gzip that is not gzip', { 'content-encoding': 'gzip' }],
    ['an unknown content encoding', { 'content-encoding': 'x-poof' }],
    ['a charset other than UTF', { 'content-type': 'application/json; charset=iso-8859-1' }],
  ])('%s is INVALID_REQUEST', async (_name, headers) => {
    const body = '{"image_url": "https://example.com/a.jpg"}';
    expectError(await post(body, { ...json, ...headers }), 400, 'INVALID_REQUEST');
  });
});

describe('uploads that are accepted', () => {
  test('a file name that climbs out of a folder only names the upload, never a path', async () => {
    const response = await post(imageForm(jpeg, '../../../../etc/passwd'));
    expect(response.status).toBe(202);

    const id = String(response.body.id);
    expect(await storedInputs(stack)).toEqual([`inputs/${id}`]);
  });
});

describe('connections that never finish', () => {
  test('stalled bodies and headers are answered 408 and closed, without leaks', async () => {
    const before = await openDescriptors();
    const boundary = 'stall';
    const partial = `--${boundary}\r\n${filePart('file', jpeg.subarray(0, 4096))}`;
    const stalls = await Promise.all([
      writeRaw(
        stack.url,
        requestHead(account.apiKey, {
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': String(jpeg.length + 1000),
        }) + partial,
      ),
      writeRaw(
        stack.url,
        requestHead(account.apiKey, {
          'Content-Type': 'application/json',
          'Content-Length': '200',
        }) + '{"image_url": "https://exa',
      ),
      writeRaw(stack.url, 'POST /v1/remove-background HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '),
    ]);

    // While they hang, the gateway serves everyone else.
    expect((await callApi(`${stack.url}/v1/account`, { apiKey: account.apiKey })).status).toBe(200);

    // REQUEST_TIMEOUT_SECONDS is 60 here; headersTimeout is 30 s. Node checks both every
    // 30 s, so a stalled connection is cut between its timeout and 30 s later.
    const closedAfterMs = await Promise.all(stalls.map((stall) => stall.closed));
    for (const stall of stalls) {
      expect(stall.received()).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    }
    expect(closedAfterMs[2]).toBeGreaterThanOrEqual(29_000);
    expect(Math.min(closedAfterMs[0]!, closedAfterMs[1]!)).toBeGreaterThanOrEqual(59_000);
    expect(Math.max(...closedAfterMs)).toBeLessThan(95_000);

    expect(await openDescriptors()).toBeLessThanOrEqual(before);
  }, 150_000);
});

describe('broken HTTP', () => {
  test('Content-Length with chunked (request smuggling) is refused and closed', async () => {
    const smuggle = await writeRaw(
      stack.url,
      requestHead(account.apiKey, {
        'Content-Type': 'application/json',
        'Content-Length': '4',
        'Transfer-Encoding': 'chunked',
      }) + '0\r\n\r\nGET /v1/account HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    await smuggle.closed;
    expect(smuggle.received()).toMatch(/^HTTP\/1\.1 400 /);
    expect(smuggle.received()).not.toContain('credits_remaining');
  });

  test('a 20 KB header block is refused 431 and closed', async () => {
    const huge = await writeRaw(
      stack.url,
      requestHead(account.apiKey, { 'Content-Length': '0', 'X-Pad': 'p'.repeat(20 * 1024) }),
    );
    await huge.closed;
    expect(huge.received()).toMatch(/^HTTP\/1\.1 431 /);
  });
});

describe('afterwards', () => {
  test('only the one accepted upload was charged or stored', async () => {
    const { balance, ledgerSum } = await balanceAndLedger(stack, account.accountId);
    const jobs = await stack.db.job.findMany({ where: { accountId: account.accountId } });

    expect(jobs).toHaveLength(1);
    expect(balance).toBe(ledgerSum);
    expect(await storedInputs(stack)).toEqual([`inputs/${jobs[0]!.id}`]);
  });

  test('the gateway is alive, logged no internal error, and left no temporary file', async () => {
    expect(isRunning(stack.gateway)).toBe(true);
    expect((await callApi(`${stack.url}/v1/account`, { apiKey: account.apiKey })).status).toBe(200);
    expect(errorLines(stack.gateway)).toEqual([]);
    expect(await filesUnder(stack.tempDir)).toEqual([]);
  });
});

/** Open file descriptors of the gateway process (Linux). */
async function openDescriptors(): Promise<number> {
  return (await readdir(`/proc/${stack.gateway.child.pid}/fd`)).length;
}
