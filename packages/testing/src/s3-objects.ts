import { readdir } from 'node:fs/promises';
import path from 'node:path';

import type { TestS3Server } from './s3-server';

/**
 * Keys of the objects the S3 test server holds in `bucket` under `prefix`, sorted. s3rver
 * keeps each object as `<key>._S3rver_object` in its folder, so this reads the folder.
 */
export async function storedKeys(
  s3: TestS3Server,
  bucket: string,
  prefix: string,
): Promise<string[]> {
  const entries = await readdir(path.join(s3.directory, bucket), { recursive: true }).catch(
    () => [],
  );
  return entries
    .map(String)
    .filter((name) => name.endsWith('._S3rver_object'))
    .map((name) => name.replace(/\._S3rver_object$/, ''))
    .filter((key) => key.startsWith(prefix))
    .sort();
}
