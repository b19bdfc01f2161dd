import { readdir } from 'node:fs/promises';
import path from 'node:path';

import type { TestStack } from '@poofbg/testing';
import { Client } from 'minio';
import sharp from 'sharp';

interface JobObjects {
  id: string;
  status: string;
  resultKey: string | null;
}

/**
 * The storage invariants, read over the S3 protocol straight from the server (never through
 * a fault proxy): every completed job's result exists and decodes as an RGBA PNG; no upload
 * outlives its job; no result belongs to a job that did not complete; nothing else is stored.
 */
export async function auditStorage(stack: TestStack, jobs: JobObjects[]): Promise<string[]> {
  const client = new Client({
    endPoint: stack.s3.endPoint,
    port: stack.s3.port,
    useSSL: false,
    accessKey: stack.s3.accessKey,
    secretKey: stack.s3.secretKey,
    region: 'us-east-1',
    pathStyle: true,
  });
  const bucket = stack.env.S3_BUCKET!;
  const keys = new Set(await listKeys(client, bucket));
  const byId = new Map(jobs.map((job) => [job.id, job]));
  const violations: string[] = [];

  for (const job of jobs.filter((j) => j.status === 'completed')) {
    violations.push(...(await auditResult(client, bucket, job, keys)));
  }
  for (const key of keys) {
    const problem = orphanProblem(key, byId);
    if (problem) violations.push(problem);
  }
  return violations;
}

async function auditResult(
  client: Client,
  bucket: string,
  job: JobObjects,
  keys: Set<string>,
): Promise<string[]> {
  if (!job.resultKey) return [`job ${job.id}: completed without a result key`];
  if (!keys.has(job.resultKey)) return [`job ${job.id}: result ${job.resultKey} is missing`];

  try {
    const png = await readAll(await client.getObject(bucket, job.resultKey));
    const { format, channels } = await sharp(png).metadata();
    if (format !== 'png' || channels !== 4) {
      return [`job ${job.id}: result is ${format} with ${channels} channels, not an RGBA PNG`];
    }
    // Decoding every pixel catches a truncated or corrupt file that its header hides.
    await sharp(png).raw().toBuffer();
    return [];
  } catch (error) {
    return [`job ${job.id}: result does not decode: ${String(error)}`];
  }
}

/** What is wrong with an object that no finished state accounts for, if anything. */
function orphanProblem(key: string, jobs: Map<string, JobObjects>): string | null {
  const upload = /^inputs\/(.+)$/.exec(key);
  if (upload) {
    const job = jobs.get(upload[1]!);
    if (!job) return `upload ${key} has no job`;
    if (job.status === 'completed' || job.status === 'failed') {
      return `upload ${key} outlived its ${job.status} job`;
    }
    return null;
  }

  const result = /^results\/(.+)\.png$/.exec(key);
  if (result) {
    const job = jobs.get(result[1]!);
    return job?.status === 'completed' ? null : `result ${key} belongs to no completed job`;
  }
  return `unexpected object ${key}`;
}

/** Lists with ListObjects (v1): s3rver answers 500 to ListObjectsV2 past its first page. */
async function listKeys(client: Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of client.listObjects(bucket, '', true)) {
    if (item.name) keys.push(item.name);
  }
  return keys;
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Files the apps left in their TMPDIR (they should leave none). */
export async function leftoverTempFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => `temporary file left behind: ${path.join(entry.parentPath, entry.name)}`);
}
