import { ApiError, maxImageBytes } from '@poofbg/contract';
import { sniffImageType } from '@poofbg/image-fetch';
import type { RequestHandler } from 'express';
import multer, { MulterError } from 'multer';

const parseUpload: RequestHandler = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: maxImageBytes, files: 1, fields: 10, fieldSize: 64 * 1024, parts: 20 },
}).single('file');

/**
 * Multipart parsing for `POST /v1/remove-background`: one `file` field, at most 10 MiB,
 * held in memory (no temporary files to leak) and dropped once it is in storage.
 *
 * The parser reads nothing but the client's bytes, so whatever it fails on is the client's
 * error: a missing boundary, a body cut short, a malformed part header, a request aborted
 * mid-body. Those come out of busboy as plain errors and would otherwise answer 500.
 */
export const imageUpload: RequestHandler = (req, res, next) => {
  parseUpload(req, res, (error?: unknown) => next(error ? asClientError(error) : undefined));
};

function asClientError(error: unknown): unknown {
  if (error instanceof MulterError || error instanceof ApiError) return error;

  const reason = error instanceof Error ? error.message : String(error);
  return new ApiError('INVALID_REQUEST', `Malformed multipart body: ${reason}`);
}

export type UploadImageType = 'jpeg' | 'png' | 'webp';

export const uploadContentTypes: Record<UploadImageType, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

/** Decides the image type from its bytes; names and declared types are not trusted. */
export function uploadedImageType(bytes: Buffer): UploadImageType {
  if (bytes.length === 0) throw new ApiError('INVALID_REQUEST', 'The uploaded file is empty');

  const type = sniffImageType(bytes);
  if (!type) {
    throw new ApiError(
      'INVALID_IMAGE_TYPE',
      'Unsupported image format; send a JPEG, PNG or WebP image',
    );
  }
  return type;
}
