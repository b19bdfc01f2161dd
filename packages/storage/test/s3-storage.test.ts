import { createServer, type Server, type Socket } from 'node:net';

import { createS3Storage, type S3StorageOptions } from '@poofbg/storage';
import { startS3Server, uniqueName, type TestS3Server } from '@poofbg/testing';

describe('S3 storage', () => {
  let server: TestS3Server;
  let options: S3StorageOptions;

  beforeAll(async () => {
    server = await startS3Server();
    options = {
      endpoint: `http://${server.endPoint}:${server.port}`,
      accessKey: server.accessKey,
      secretKey: server.secretKey,
      bucket: uniqueName('s3-storage'),
    };
    await createS3Storage(options).ensureBucket();
  });

  afterAll(() => server.stop());

  it('creates a missing bucket once and leaves an existing one alone', async () => {
    const storage = createS3Storage({ ...options, bucket: uniqueName('fresh') });
    await expect(storage.ping()).rejects.toThrow(/bucket does not exist/);

    await storage.ensureBucket();
    await storage.put('inputs/a', Buffer.from('a'), 'application/octet-stream');
    await storage.ensureBucket();

    await expect(storage.ping()).resolves.toBeUndefined();
    expect((await storage.get('inputs/a')).toString()).toBe('a');
  });

  it('survives replicas creating the bucket at the same time', async () => {
    const storage = createS3Storage({ ...options, bucket: uniqueName('race') });

    await Promise.all([storage.ensureBucket(), storage.ensureBucket(), storage.ensureBucket()]);

    await expect(storage.ping()).resolves.toBeUndefined();
  });

  it('signs links for the public endpoint, never the internal one', async () => {
    const publicEndpoint = `http://localhost:${server.port}`;
    const storage = createS3Storage({ ...options, publicEndpoint });
    const body = Buffer.from('served through the public address');
    await storage.put('results/public.png', body, 'image/png');

    const link = new URL(await storage.signedUrl('results/public.png', 60));
    const response = await fetch(link);

    expect(link.host).toBe(`localhost:${server.port}`);
    expect(link.pathname).toBe(`/${options.bucket}/results/public.png`);
    expect(Buffer.from(await response.arrayBuffer()).equals(body)).toBe(true);
  });

  it('signs links for a public https address without contacting it', async () => {
    const storage = createS3Storage({ ...options, publicEndpoint: 'https://files.example.test' });

    const link = new URL(await storage.signedUrl('results/x.png', 60));

    expect(link.origin).toBe('https://files.example.test');
    expect(link.searchParams.get('X-Amz-Expires')).toBe('60');
  });

  it('has links refused by the server once they expire', async () => {
    const storage = createS3Storage(options);
    await storage.put('results/short.png', Buffer.from('short-lived'), 'image/png');
    const link = await storage.signedUrl('results/short.png', 1);

    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const response = await fetch(link);

    expect(response.status).toBe(403);
  });

  it('refuses endpoints the client cannot address', () => {
    expect(() => createS3Storage({ ...options, endpoint: 'http://minio:9000/prefix' })).toThrow();
    expect(() => createS3Storage({ ...options, endpoint: 'ftp://minio' })).toThrow();
    expect(() => createS3Storage({ ...options, publicEndpoint: 'not a url' })).toThrow();
  });
});

describe('S3 storage when the server is gone', () => {
  it('fails ping quickly once the server has stopped', async () => {
    const server = await startS3Server();
    const storage = createS3Storage({
      endpoint: `http://${server.endPoint}:${server.port}`,
      accessKey: server.accessKey,
      secretKey: server.secretKey,
      bucket: uniqueName('stopped'),
    });
    await storage.ensureBucket();
    await storage.ping();

    await server.stop();
    const started = Date.now();

    await expect(storage.ping()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('fails calls in bounded time when the server accepts but never answers', async () => {
    const silent = await startSilentServer();
    const storage = createS3Storage({
      endpoint: `http://127.0.0.1:${silent.port}`,
      accessKey: 'unused',
      secretKey: 'unused',
      bucket: uniqueName('silent'),
      requestTimeoutMs: 500,
    });
    const started = Date.now();

    await expect(storage.ping()).rejects.toThrow(/idle/);
    await expect(storage.get('inputs/x')).rejects.toThrow(/idle/);
    expect(Date.now() - started).toBeLessThan(3_000);

    await silent.close();
  });
});

/** A TCP server that takes connections and never says a word. */
async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const { port } = server.address() as { port: number };
  return {
    port,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
