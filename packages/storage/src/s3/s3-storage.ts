import type { Readable } from 'node:stream';

import { Client } from 'minio';

import { ObjectNotFoundError, type ObjectStorage } from '../types';
import { parseEndpoint } from './endpoint';
import { isMissingObject } from './errors';
import { createIdleTimeoutAgent } from './idle-timeout-agent';

/** How to reach an S3-protocol server (MinIO in PoofBG's deployments). */
export interface S3StorageOptions {
  /** Address the services use, e.g. `http://minio:9000`: scheme, host and port only. */
  endpoint: string;
  /**
   * Address clients reach, e.g. `https://files.example.com`, used only to sign download
   * links; no request is ever sent there. Defaults to `endpoint`.
   */
  publicEndpoint?: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  /**
   * Region the links are signed for. Always set, so that signing never asks the server.
   * @defaultValue `'us-east-1'`
   */
  region?: string;
  /**
   * Address buckets as `host/bucket/key`. Only path style is supported: MinIO and in-cluster
   * host names do not resolve `bucket.host`.
   * @defaultValue `true`
   */
  pathStyle?: true;
  /**
   * Milliseconds a request may go without any traffic (connecting or waiting for an answer)
   * before it fails, so an unreachable server cannot hang a caller.
   * @defaultValue `10_000`
   */
  requestTimeoutMs?: number;
}

/** Object storage on an S3-protocol server. */
export interface S3Storage extends ObjectStorage {
  /** Creates the bucket if it does not exist yet; safe to call on every start-up. */
  ensureBucket(): Promise<void>;
}

const defaultRegion = 'us-east-1';
const defaultRequestTimeoutMs = 10_000;

/**
 * Object storage backed by an S3-protocol server through the `minio` client. Requests go to
 * `endpoint`; signed links name `publicEndpoint`, so they work from outside the cluster.
 * `ping` fails when the bucket is missing as well as when the server does not answer.
 */
export function createS3Storage(options: S3StorageOptions): S3Storage {
  const { bucket } = options;
  const client = createClient(options, options.endpoint);
  const linkClient = options.publicEndpoint
    ? createClient(options, options.publicEndpoint)
    : client;

  return {
    async put(key, body, contentType) {
      await client.putObject(bucket, key, body, body.length, { 'Content-Type': contentType });
    },

    async get(key) {
      try {
        return await readAll(await client.getObject(bucket, key));
      } catch (error) {
        if (isMissingObject(error)) throw new ObjectNotFoundError(key);
        throw error;
      }
    },

    async delete(key) {
      await client.removeObject(bucket, key);
    },

    async exists(key) {
      try {
        await client.statObject(bucket, key);
        return true;
      } catch (error) {
        if (isMissingObject(error)) return false;
        throw error;
      }
    },

    signedUrl(key, expiresInSeconds) {
      return linkClient.presignedGetObject(bucket, key, expiresInSeconds);
    },

    async ping() {
      // A missing bucket fails readiness too: every later call would fail.
      if (!(await client.bucketExists(bucket))) {
        throw new Error(`storage bucket does not exist: ${bucket}`);
      }
    },

    ensureBucket: () => ensureBucket(client, bucket, options.region ?? defaultRegion),
  };
}

function createClient(options: S3StorageOptions, endpoint: string): Client {
  const { endPoint, port, useSSL } = parseEndpoint(endpoint);
  const timeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;

  return new Client({
    endPoint,
    port,
    useSSL,
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    region: options.region ?? defaultRegion,
    pathStyle: true,
    transportAgent: createIdleTimeoutAgent(useSSL, timeoutMs),
  });
}

async function ensureBucket(client: Client, bucket: string, region: string): Promise<void> {
  if (await client.bucketExists(bucket)) return;

  try {
    await client.makeBucket(bucket, region);
  } catch (error) {
    // Another replica starting at the same time may have created it first.
    if (!(await client.bucketExists(bucket))) throw error;
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
