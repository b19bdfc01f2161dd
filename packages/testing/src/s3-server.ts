import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

// s3rver ships no types; only its constructor, run and close are used.
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
};

export interface TestS3Server {
  endPoint: string;
  port: number;
  accessKey: string;
  secretKey: string;
  directory: string;
  /** Stops the server and deletes everything it stored. */
  stop(): Promise<void>;
}

/**
 * Starts an S3-protocol server on a free loopback port, backed by a fresh temporary folder.
 * It speaks the same protocol MinIO does for put, get, delete and presigned GET; it does not
 * check presigned signatures, so it proves nothing about link security.
 */
export async function startS3Server(): Promise<TestS3Server> {
  const directory = await mkdtemp(path.join(tmpdir(), 'poofbg-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const address = await server.run();

  return {
    endPoint: '127.0.0.1',
    port: address.port,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    directory,
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
