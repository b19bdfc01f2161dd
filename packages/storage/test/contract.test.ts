import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createStorage, ObjectNotFoundError, type StorageSetup } from '@poofbg/storage';
import { startS3Server, uniqueName, type TestS3Server } from '@poofbg/testing';

import { startGatewayStandIn, type GatewayStandIn } from './gateway-stand-in';

// The same behaviour is promised by both drivers, so both run the same checks.
interface Driver {
  name: string;
  start(): Promise<StorageSetup>;
  stop(): Promise<void>;
}

function s3Driver(): Driver {
  let server: TestS3Server | undefined;
  return {
    name: 's3',
    async start() {
      server = await startS3Server();
      return createStorage({
        driver: 's3',
        endpoint: `http://${server.endPoint}:${server.port}`,
        accessKey: server.accessKey,
        secretKey: server.secretKey,
        bucket: uniqueName('contract'),
      });
    },
    stop: async () => server?.stop(),
  };
}

function localDriver(): Driver {
  let root: string | undefined;
  let gateway: GatewayStandIn | undefined;
  return {
    name: 'local',
    async start() {
      root = await mkdtemp(path.join(tmpdir(), 'poofbg-storage-'));
      gateway = await startGatewayStandIn();
      const signingSecret = randomBytes(32).toString('hex');
      const setup = createStorage({
        driver: 'local',
        root: path.join(root, 'objects'),
        publicBaseUrl: gateway.baseUrl,
        signingSecret,
      });
      gateway.serve(setup.storage, signingSecret);
      return setup;
    },
    async stop() {
      await gateway?.close();
      if (root) await rm(root, { recursive: true, force: true });
    },
  };
}

describe.each([s3Driver(), localDriver()])('$name storage', (driver) => {
  let setup: StorageSetup;

  beforeAll(async () => {
    setup = await driver.start();
    await setup.ensureReady();
  });

  afterAll(() => driver.stop());

  const jobKey = (prefix: string) => `${prefix}/${uniqueName('job')}`;

  it('is ready once set up, and setting up again changes nothing', async () => {
    await setup.storage.put('inputs/kept', Buffer.from('kept'), 'text/plain');

    await setup.ensureReady();

    await expect(setup.storage.ping()).resolves.toBeUndefined();
    await expect(setup.storage.get('inputs/kept')).resolves.toEqual(Buffer.from('kept'));
  });

  it('returns exactly the bytes that were put', async () => {
    const key = `${jobKey('results')}.png`;
    const body = randomBytes(256 * 1024);

    await setup.storage.put(key, body, 'image/png');

    expect((await setup.storage.get(key)).equals(body)).toBe(true);
  });

  it('replaces an object that is put again', async () => {
    const key = jobKey('inputs');
    await setup.storage.put(key, Buffer.from('first'), 'application/octet-stream');

    await setup.storage.put(key, Buffer.from('second'), 'application/octet-stream');

    expect((await setup.storage.get(key)).toString()).toBe('second');
  });

  it('rejects a get of a missing key with ObjectNotFoundError', async () => {
    const key = jobKey('inputs');

    const error: unknown = await setup.storage.get(key).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect((error as ObjectNotFoundError).key).toBe(key);
  });

  it('tells which keys exist', async () => {
    const key = jobKey('inputs');
    await setup.storage.put(key, Buffer.from([1, 2, 3]), 'application/octet-stream');

    expect(await setup.storage.exists(key)).toBe(true);
    expect(await setup.storage.exists(jobKey('inputs'))).toBe(false);
  });

  it('deletes objects, and deleting a missing key is fine', async () => {
    const key = jobKey('inputs');
    await setup.storage.put(key, Buffer.from([1]), 'application/octet-stream');

    await setup.storage.delete(key);

    expect(await setup.storage.exists(key)).toBe(false);
    await expect(setup.storage.get(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(setup.storage.delete(key)).resolves.toBeUndefined();
  });

  it('signs a link that downloads the exact bytes with plain fetch', async () => {
    const key = `${jobKey('results')}.png`;
    const body = randomBytes(64 * 1024);
    await setup.storage.put(key, body, 'image/png');

    const response = await fetch(await setup.storage.signedUrl(key, 60));

    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(body)).toBe(true);
  });
});
