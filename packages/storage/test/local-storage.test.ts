import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createLocalStorage, type LocalStorage } from '@poofbg/storage';

describe('local storage', () => {
  let parent: string;
  let root: string;
  let storage: LocalStorage;

  beforeAll(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'poofbg-local-'));
    root = path.join(parent, 'objects');
    storage = createLocalStorage({
      root,
      publicBaseUrl: 'http://localhost:8080',
      signingSecret: randomBytes(32).toString('hex'),
    });
  });

  afterAll(() => rm(parent, { recursive: true, force: true }));

  it('is not ready until its folder exists', async () => {
    await expect(storage.ping()).rejects.toThrow();

    await storage.ensureRoot();
    await storage.ensureRoot();

    await expect(storage.ping()).resolves.toBeUndefined();
  });

  it.each([
    '../escape',
    'inputs/../../escape',
    'inputs/..',
    '/etc/passwd',
    'inputs\\..\\escape',
    'inputs/a\0b',
    'inputs//a',
    './inputs/a',
    '',
  ])('refuses the key %j for every operation', async (key) => {
    const body = Buffer.from('x');

    await expect(storage.put(key, body, 'text/plain')).rejects.toThrow(/invalid storage key/);
    await expect(storage.get(key)).rejects.toThrow(/invalid storage key/);
    await expect(storage.exists(key)).rejects.toThrow(/invalid storage key/);
    await expect(storage.delete(key)).rejects.toThrow(/invalid storage key/);
    await expect(storage.signedUrl(key, 60)).rejects.toThrow(/invalid storage key/);
  });

  it('keeps nothing but the object after a write', async () => {
    await storage.put('results/clean.png', Buffer.from('png'), 'image/png');

    expect(await readdir(path.join(root, 'results'))).toEqual(['clean.png']);
  });

  it('removes its temporary file when a write fails', async () => {
    // A folder already sits where the object would go, so the final rename fails.
    await storage.put('blocked/inner', Buffer.from('inner'), 'text/plain');

    await expect(storage.put('blocked', Buffer.from('x'), 'text/plain')).rejects.toThrow();

    expect((await readdir(root)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(await storage.exists('blocked')).toBe(false);
  });

  it('never lets a reader see half of a file being replaced', async () => {
    const versions = [randomBytes(4 * 1024 * 1024), randomBytes(4 * 1024 * 1024)];
    await storage.put('inputs/churn', versions[0]!, 'application/octet-stream');

    const writes = (async () => {
      for (let i = 1; i <= 20; i++) {
        await storage.put('inputs/churn', versions[i % 2]!, 'application/octet-stream');
      }
    })();
    const reads = (async () => {
      const seen: boolean[] = [];
      for (let i = 0; i < 40; i++) {
        const body = await storage.get('inputs/churn');
        seen.push(versions.some((version) => version.equals(body)));
      }
      return seen;
    })();

    const [, seen] = await Promise.all([writes, reads]);
    expect(seen.every(Boolean)).toBe(true);
  });

  it('treats a key that names a folder of other keys as missing', async () => {
    await storage.put('nested/child', Buffer.from('c'), 'text/plain');

    expect(await storage.exists('nested')).toBe(false);
    await expect(storage.get('nested')).rejects.toThrow(/object not found/);
    await expect(storage.delete('nested')).resolves.toBeUndefined();
    expect(await storage.exists('nested/child')).toBe(true);
  });

  it('refuses settings that would fail later', () => {
    const options = { root, publicBaseUrl: 'http://localhost:8080', signingSecret: 's' };

    expect(() => createLocalStorage({ ...options, publicBaseUrl: 'localhost' })).toThrow();
    expect(() => createLocalStorage({ ...options, signingSecret: '' })).toThrow();
  });
});
