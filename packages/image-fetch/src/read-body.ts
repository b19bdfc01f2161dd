import type { IncomingMessage } from 'node:http';

import { ImageFetchError } from './errors';
import { toFetchError, type FailureContext } from './failures';

/**
 * Reads the whole body of `response`, refusing it as soon as it is known to exceed `maxBytes`:
 * up front from Content-Length, otherwise the moment the running count passes the limit, so
 * an oversized body is never held in memory. Rejects only with `ImageFetchError`.
 */
export async function readBody(
  response: IncomingMessage,
  maxBytes: number,
  context: FailureContext,
): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooLarge(context.hostname, maxBytes);
  }

  try {
    return await collect(response, maxBytes, context.hostname);
  } catch (error) {
    throw toFetchError(error, context);
  }
}

function collect(response: IncomingMessage, maxBytes: number, hostname: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;

    response.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        response.destroy();
        reject(tooLarge(hostname, maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    response.once('end', () => resolve(Buffer.concat(chunks, received)));
    response.once('error', reject);
    response.once('close', () => {
      if (!response.complete) reject(Object.assign(new Error('closed'), { code: 'ECONNRESET' }));
    });
  });
}

function tooLarge(hostname: string, maxBytes: number): ImageFetchError {
  return new ImageFetchError(
    'too_large',
    `The image at ${hostname} is larger than the ${formatSize(maxBytes)} limit.`,
  );
}

function formatSize(bytes: number): string {
  const mebibytes = bytes / (1024 * 1024);
  if (mebibytes >= 1) return `${Number(mebibytes.toFixed(1))} MB`;

  return `${bytes} bytes`;
}
