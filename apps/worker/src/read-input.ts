import { maxImageBytes } from '@poofbg/contract';
import { fetchImage, ImageFetchError, sniffImageType } from '@poofbg/image-fetch';
import type { RemovalPayload } from '@poofbg/queue';
import { ObjectNotFoundError, type ObjectStorage } from '@poofbg/storage';

import { JobRejectedError } from './job-failure';

export interface InputDeps {
  storage: ObjectStorage;
  allowLoopback: boolean;
}

/**
 * The bytes of the image a job should process: the upload from storage, or the image at
 * the job's URL, fetched with the SSRF guard. URL images must be JPEG or PNG.
 */
export async function readJobInput(
  deps: InputDeps,
  source: RemovalPayload['source'],
): Promise<Buffer> {
  if (source.kind === 'upload') return readUpload(deps.storage, source.key);
  return readUrl(deps, source.url);
}

async function readUpload(storage: ObjectStorage, key: string): Promise<Buffer> {
  try {
    return await storage.get(key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      throw new JobRejectedError('The uploaded image is no longer available', { cause: error });
    }
    throw error;
  }
}

async function readUrl(deps: InputDeps, url: string): Promise<Buffer> {
  let body: Buffer;
  try {
    ({ body } = await fetchImage(url, {
      maxBytes: maxImageBytes,
      allowLoopback: deps.allowLoopback,
    }));
  } catch (error) {
    if (error instanceof ImageFetchError) {
      throw new JobRejectedError(`Could not fetch image_url: ${error.message}`, { cause: error });
    }
    throw error;
  }

  const type = sniffImageType(body);
  if (type !== 'jpeg' && type !== 'png') {
    throw new JobRejectedError(
      'Unsupported image format (INVALID_IMAGE_TYPE): image_url must point to a JPEG or PNG',
    );
  }
  return body;
}
