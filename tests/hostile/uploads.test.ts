import http from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  callApi,
  imageForm,
  removeBackground,
  startStack,
  type ApiResponse,
  type TestStack,
} from '@poofbg/testing';
import sharp from 'sharp';

import { alphaSeparation } from '../support/alpha';
import {
  animatedWebp,
  damaged,
  flatPng,
  jpegClaiming,
  meanDifference,
  pngClaiming,
  smallPhoto,
  truncated,
  uprightRgb,
  webpClaiming,
} from './support/images';
import {
  balanceAndLedger,
  errorLines,
  filesUnder,
  isRunning,
  jobLedger,
  storedInputs,
  waitUntilFinished,
} from './support/invariants';

/**
 * Hostile images uploaded through the real API and processed by the real worker, with the
 * production URL policy (no loopback). Every job is submitted at once and answered 202
 * (RESULT_WAIT_SECONDS=0); the outcomes are then checked one by one, and the whole batch
 * against the service's invariants: nothing stuck, no credit lost, nothing left behind.
 */

type Expected =
  | { status: 'failed'; error: RegExp }
  | {
      status: 'completed';
      size: [number, number];
      /** Extra checks on the result PNG, given the uploaded bytes. */
      check?: (png: Buffer, input: Buffer) => Promise<void>;
    };

interface HostileUpload {
  name: string;
  make(photo: Buffer): Promise<Buffer>;
  expected: Expected;
}

const undecodable = /^The image could not be processed: /;
const overLimit = (w: number, h: number) =>
  new RegExp(`^The image could not be processed: image is ${w}x${h}, more than the limit`);

const uploads: HostileUpload[] = [
  {
    name: 'a JPEG cut off after half its bytes',
    make: async (photo) => truncated(await sharp(photo).jpeg().toBuffer(), 0.5),
    expected: { status: 'failed', error: undecodable },
  },
  {
    name: 'a PNG cut off after half its bytes',
    make: async (photo) => truncated(await sharp(photo).png().toBuffer(), 0.5),
    expected: { status: 'failed', error: undecodable },
  },
  {
    name: 'a WebP cut off after half its bytes',
    make: async (photo) => truncated(await sharp(photo).webp().toBuffer(), 0.5),
    expected: { status: 'failed', error: undecodable },
  },
  {
    name: 'a JPEG with only its magic number',
    make: async () => Buffer.from([0xff, 0xd8, 0xff]),
    expected: { status: 'failed', error: undecodable },
  },
  {
    name: 'a JPEG with damaged tables and scan data',
    make: async (photo) => damaged(await sharp(photo).jpeg().toBuffer(), 200, 97),
    expected: { status: 'failed', error: undecodable },
  },
  {
    name: 'a PNG with damaged image data (bad CRCs)',
    make: async (photo) => damaged(await sharp(photo).png().toBuffer(), 200, 97),
    expected: { status: 'failed', error: undecodable },
  },
  {
    name: 'a WebP whose chunk header is damaged',
    make: async (photo) => damaged(await sharp(photo).webp().toBuffer(), 12, 1).subarray(0, 400),
    expected: { status: 'failed', error: undecodable },
  },
  {
    name: 'a 124-byte PNG claiming 100000x100000 pixels',
    make: async () => pngClaiming(100_000, 100_000),
    expected: { status: 'failed', error: overLimit(100_000, 100_000) },
  },
  {
    name: 'a JPEG whose frame header claims 65000x65000 pixels',
    make: async (photo) => jpegClaiming(await sharp(photo).jpeg().toBuffer(), 65_000, 65_000),
    expected: { status: 'failed', error: overLimit(65_000, 65_000) },
  },
  {
    name: 'a lossless WebP claiming 16383x16383 pixels',
    make: async (photo) =>
      webpClaiming(await sharp(photo).webp({ lossless: true }).toBuffer(), 16_383, 16_383),
    expected: { status: 'failed', error: overLimit(16_383, 16_383) },
  },
  {
    name: 'a real 10001x10000 one-colour PNG (~100 KB), one row over MAX_INPUT_PIXELS',
    make: () => flatPng(10_001, 10_000),
    expected: { status: 'failed', error: overLimit(10_001, 10_000) },
  },
  {
    name: 'a real 10000x10000 one-colour PNG (~100 KB), exactly MAX_INPUT_PIXELS',
    make: () => flatPng(10_000, 10_000),
    expected: { status: 'completed', size: [10_000, 10_000] },
  },
  {
    name: 'a 1x10000 PNG',
    make: () => flatPng(1, 10_000),
    expected: { status: 'completed', size: [1, 10_000] },
  },
  {
    name: 'a 10000x1 PNG',
    make: () => flatPng(10_000, 1),
    expected: { status: 'completed', size: [10_000, 1] },
  },
  {
    name: 'a 1x1 JPEG',
    make: () =>
      sharp({ create: { width: 1, height: 1, channels: 3, background: 'red' } })
        .jpeg()
        .toBuffer(),
    expected: { status: 'completed', size: [1, 1] },
  },
  {
    name: 'a 16-bit RGB PNG',
    make: (photo) => sharp(photo).toColourspace('rgb16').png().toBuffer(),
    expected: { status: 'completed', size: [320, 240], check: sameColours(0) },
  },
  {
    name: 'an 8-bit greyscale PNG',
    make: (photo) => sharp(photo).toColourspace('b-w').png().toBuffer(),
    expected: { status: 'completed', size: [320, 240], check: expectGrey },
  },
  {
    name: 'a CMYK JPEG',
    make: (photo) => sharp(photo).toColourspace('cmyk').jpeg().toBuffer(),
    expected: { status: 'completed', size: [320, 240], check: sameColours(0.5) },
  },
  {
    name: 'a 16-colour palette PNG with transparency',
    make: (photo) => sharp(photo).ensureAlpha(0.5).png({ palette: true, colours: 16 }).toBuffer(),
    expected: { status: 'completed', size: [320, 240], check: sameColours(0) },
  },
  {
    name: 'an RGBA PNG that is already fully transparent',
    make: (photo) => sharp(photo).ensureAlpha(0).png().toBuffer(),
    expected: { status: 'completed', size: [320, 240], check: expectSegmentedAnew },
  },
  {
    name: 'a JPEG stored sideways with EXIF orientation 6',
    make: (photo) => sharp(photo).jpeg().withMetadata({ orientation: 6 }).toBuffer(),
    expected: { status: 'completed', size: [240, 320], check: sameColours(0) },
  },
  {
    name: 'an animated WebP of three frames',
    make: async (photo) => animatedWebp([photo, await sharp(photo).negate().toBuffer(), photo]),
    expected: { status: 'completed', size: [320, 240], check: expectFirstFrame },
  },
];

/** Hosts that reach this machine in disguise; the production policy refuses every one. */
const loopbackHosts = [
  '127.0.0.1',
  '127.1',
  '2130706433',
  '0x7f000001',
  '0.0.0.0',
  'localhost',
  '[::1]',
  '[::ffff:127.0.0.1]',
];
const photoUrl = (host: string) =>
  `http://${host}:${(photoServer.address() as AddressInfo).port}/photo.jpg`;

let stack: TestStack;
let account: { accountId: string; apiKey: string };
let photoServer: http.Server;
let photoRequests = 0;
const submitted = new Map<string, { id: string; input: Buffer; accepted: ApiResponse }>();
let finished: Awaited<ReturnType<typeof waitUntilFinished>>;

beforeAll(async () => {
  stack = await startStack({
    gatewayEnv: { RESULT_WAIT_SECONDS: '0' },
  });
  account = await stack.createAccount('pro');
  const photo = await smallPhoto();
  photoServer = await serve(photo);

  const inputs = await Promise.all(uploads.map((upload) => upload.make(photo)));
  await Promise.all([
    ...uploads.map((upload, i) => submit(upload.name, inputs[i]!, imageForm(inputs[i]!))),
    ...loopbackHosts.map((host) => {
      const body = JSON.stringify({ image_url: photoUrl(host) });
      return submit(host, Buffer.alloc(0), body, { 'content-type': 'application/json' });
    }),
  ]);

  const ids = [...submitted.values()].map((job) => job.id);
  finished = await waitUntilFinished(stack, ids, 240_000);
}, 360_000);

afterAll(async () => {
  await stack.stop();
  await new Promise((resolve) => photoServer.close(resolve));
});

async function submit(
  name: string,
  input: Buffer,
  body: BodyInit,
  headers: Record<string, string> = {},
): Promise<void> {
  const accepted = await callApi(`${stack.url}/v1/remove-background`, {
    method: 'POST',
    apiKey: account.apiKey,
    body,
    headers,
  });
  submitted.set(name, { id: String(accepted.body.id), input, accepted });
}

/** The API's own answer for a finished job, checked against the contract by callApi. */
async function jobAnswer(name: string): Promise<Record<string, unknown>> {
  const job = submitted.get(name)!;
  expect(job.accepted.status).toBe(202);
  expect(finished.has(job.id)).toBe(true);
  const response = await callApi(`${stack.url}/v1/jobs/${job.id}`, { apiKey: account.apiKey });
  expect(response.status).toBe(200);
  return response.body;
}

describe.each(uploads)('uploading $name', ({ name, expected }) => {
  test(`ends ${expected.status}`, async () => {
    const answer = await jobAnswer(name);
    const job = submitted.get(name)!;

    if (expected.status === 'failed') {
      expect(answer).toMatchObject({ status: 'failed', credits_used: 0, result_url: null });
      expect(String(answer.error)).toMatch(expected.error);
      expect(await jobLedger(stack, job.id)).toEqual([
        ['debit', -1],
        ['refund', 1],
      ]);
      return;
    }

    expect(answer).toMatchObject({ status: 'completed', error: null, credits_used: 1 });
    expect(await jobLedger(stack, job.id)).toEqual([['debit', -1]]);
    const png = Buffer.from(await (await fetch(String(answer.result_url))).arrayBuffer());
    const meta = await sharp(png, { limitInputPixels: false }).metadata();
    expect([meta.format, meta.channels]).toEqual(['png', 4]);
    expect([meta.width, meta.height]).toEqual(expected.size);
    await expected.check?.(png, job.input);
  });
});

describe('image URLs that lead back to this machine (production policy)', () => {
  test.each(loopbackHosts)(
    'http://%s:PORT/photo.jpg fails before any request is sent',
    async (host) => {
      const answer = await jobAnswer(host);

      expect(answer).toMatchObject({ status: 'failed', credits_used: 0, result_url: null });
      expect(String(answer.error)).toMatch(
        /^Could not fetch image_url: The image host .+ is not on the public internet/,
      );
    },
  );

  test('the photo server was never contacted', () => {
    expect(photoRequests).toBe(0);
  });
});

describe('afterwards', () => {
  test('no job is left unfinished and no credit is lost', async () => {
    const unfinished = await stack.db.job.count({
      where: { accountId: account.accountId, status: { in: ['pending', 'processing'] } },
    });
    const completed = uploads.filter((upload) => upload.expected.status === 'completed').length;
    const { balance, ledgerSum } = await balanceAndLedger(stack, account.accountId);

    expect(unfinished).toBe(0);
    expect(balance).toBe(ledgerSum);
    expect(balance).toBe(500 - completed);
  });

  test('no upload is left in storage and no temporary file on disk', async () => {
    expect(await storedInputs(stack)).toEqual([]);
    expect(await filesUnder(stack.tempDir)).toEqual([]);
  });

  test('gateway and worker are alive, logged no error, and still remove backgrounds', async () => {
    expect(isRunning(stack.gateway)).toBe(true);
    expect(isRunning(stack.workers[0]!)).toBe(true);
    expect(errorLines(stack.gateway)).toEqual([]);
    expect(errorLines(stack.workers[0]!)).toEqual([]);

    const control = await removeBackground(stack.url, account.apiKey, await smallPhoto());
    expect(control.status).toBe(202);
    const [row] = (await waitUntilFinished(stack, [String(control.body.id)], 60_000)).values();
    expect(row!.status).toBe('completed');
  });
});

/** The result's colours are the upright input's, within `tolerance` per byte on average. */
function sameColours(tolerance: number) {
  return async (png: Buffer, input: Buffer) => {
    const result = await sharp(png).removeAlpha().raw().toBuffer();
    expect(meanDifference(result, await uprightRgb(input))).toBeLessThanOrEqual(tolerance);
  };
}

async function expectGrey(png: Buffer): Promise<void> {
  const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  for (let i = 0; i < data.length; i += 3) {
    if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) throw new Error(`colour at ${i / 3}`);
  }
}

/** An input alpha of 0 everywhere is replaced by a real mask: the car is opaque again. */
async function expectSegmentedAnew(png: Buffer): Promise<void> {
  const separation = await alphaSeparation(png);
  expect(separation.opaqueShare).toBeGreaterThan(0.05);
  expect(separation.transparentShare).toBeGreaterThan(0.2);
}

/** The worker takes the first frame (the photo), not the second (its negative) or a strip. */
async function expectFirstFrame(png: Buffer, input: Buffer): Promise<void> {
  const result = await sharp(png).removeAlpha().raw().toBuffer();
  const second = await sharp(input, { page: 1 }).removeAlpha().raw().toBuffer();
  expect(meanDifference(result, await uprightRgb(input))).toBe(0);
  expect(meanDifference(result, second)).toBeGreaterThan(50);
}

/** A server on 127.0.0.1 with a photo, which no job of this stack may ever reach. */
async function serve(photo: Buffer): Promise<http.Server> {
  const server = http.createServer((_request, response) => {
    photoRequests += 1;
    response.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
