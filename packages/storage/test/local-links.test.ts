import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  createLocalStorage,
  localLinkPath,
  verifyLocalLink,
  type LocalStorage,
} from '@poofbg/storage';

const secret = randomBytes(32).toString('hex');

/** The parts of a link as a gateway would read them from the request. */
function partsOf(link: string) {
  const url = new URL(link);
  return {
    key: decodeURIComponent(url.pathname.replace(/^\/v1\/files\//, '')),
    expires: url.searchParams.get('expires') ?? undefined,
    signature: url.searchParams.get('signature') ?? undefined,
    secret,
  };
}

describe('local storage links', () => {
  let root: string;
  let storage: LocalStorage;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'poofbg-links-'));
    storage = createLocalStorage({
      root,
      publicBaseUrl: 'http://localhost:8080/',
      signingSecret: secret,
    });
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  it('points at the gateway route with expiry and signature', async () => {
    const before = Math.floor(Date.now() / 1000);

    const url = new URL(await storage.signedUrl('results/job-1.png', 300));

    expect(`${url.origin}${url.pathname}`).toBe('http://localhost:8080/v1/files/results/job-1.png');
    expect(Number(url.searchParams.get('expires')) - before).toBeGreaterThanOrEqual(300);
    expect(Number(url.searchParams.get('expires')) - before).toBeLessThanOrEqual(301);
    expect(url.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts a fresh link', async () => {
    const parts = partsOf(await storage.signedUrl('results/job-1.png', 60));

    expect(verifyLocalLink(parts)).toEqual({ ok: true });
  });

  it('refuses a link whose signature was changed', async () => {
    const parts = partsOf(await storage.signedUrl('results/job-1.png', 60));
    const flipped = (parts.signature![0] === 'a' ? 'b' : 'a') + parts.signature!.slice(1);

    expect(verifyLocalLink({ ...parts, signature: flipped })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyLocalLink({ ...parts, signature: parts.signature!.slice(2) })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a link moved to another key', async () => {
    const parts = partsOf(await storage.signedUrl('results/job-1.png', 60));

    expect(verifyLocalLink({ ...parts, key: 'results/job-2.png' })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a link whose expiry was pushed back', async () => {
    const parts = partsOf(await storage.signedUrl('results/job-1.png', 60));

    expect(verifyLocalLink({ ...parts, expires: String(Number(parts.expires) + 3600) })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a link signed with another secret', async () => {
    const parts = partsOf(await storage.signedUrl('results/job-1.png', 60));

    expect(verifyLocalLink({ ...parts, secret: 'another secret' })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a genuine link once it has expired', async () => {
    const parts = partsOf(await storage.signedUrl('results/job-1.png', 1));
    const later = new Date((Number(parts.expires) + 1) * 1000);

    expect(verifyLocalLink({ ...parts, now: later })).toEqual({ ok: false, reason: 'expired' });
  });

  it('expires a 1 s link in real time', async () => {
    const parts = partsOf(await storage.signedUrl('results/job-1.png', 1));

    await new Promise((resolve) => setTimeout(resolve, 2_100));

    expect(verifyLocalLink(parts)).toEqual({ ok: false, reason: 'expired' });
  });

  it.each([
    ['no signature', { signature: undefined }],
    ['a signature that is not hex', { signature: 'not-hex!' }],
    ['a repeated query value', { signature: ['ab', 'cd'] }],
    ['no expiry', { expires: undefined }],
    ['an expiry that is not a number', { expires: 'tomorrow' }],
    ['a fractional expiry', { expires: '1.5' }],
    ['a key that climbs out of the root', { key: '../secret' }],
  ])('calls a link with %s malformed', async (_label, change) => {
    const parts = partsOf(await storage.signedUrl('results/job-1.png', 60));

    expect(verifyLocalLink({ ...parts, ...change })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('encodes each key segment in the link path', () => {
    expect(localLinkPath('results/a b#c.png')).toBe('/v1/files/results/a%20b%23c.png');
  });

  it('round-trips a key that needs encoding', async () => {
    const parts = partsOf(await storage.signedUrl('results/a b#c?.png', 60));

    expect(parts.key).toBe('results/a b#c?.png');
    expect(verifyLocalLink(parts)).toEqual({ ok: true });
  });
});
