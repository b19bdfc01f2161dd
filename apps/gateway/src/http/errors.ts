import { ApiError } from '@poofbg/contract';
import { isDatabaseUnavailable } from '@poofbg/db';
import type { NextFunction, Request, Response } from 'express';
import { MulterError } from 'multer';

/** Unknown routes answer in the API's error format, not Express's HTML page. */
export function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(new ApiError('NOT_FOUND', `No route for ${req.method} ${req.path}`));
}

/**
 * The one place errors become responses. Client errors keep their code and message;
 * anything else is logged once with its stack and answered as a bare 500.
 */
export function errorHandler(
  error: unknown,
  req: Request,
  res: Response,
  _next: NextFunction,
): void {
  const apiError = toApiError(error);
  if (apiError.status >= 500) {
    req.log.error({ err: error, path: req.path }, 'request failed');
  }

  if (res.headersSent) {
    res.end();
    return;
  }
  res.set(apiError.headers).status(apiError.status).json(apiError.toBody());
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof MulterError) return fromMulter(error);
  if (isDatabaseUnavailable(error)) {
    return new ApiError('SERVICE_UNAVAILABLE', 'The service is busy or unavailable; please retry');
  }

  const status = statusOf(error);
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.parse.failed') {
    return new ApiError('INVALID_REQUEST', 'Request body is not valid JSON');
  }
  if (type === 'entity.too.large') {
    return new ApiError('INVALID_REQUEST', 'Request body is too large');
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new ApiError('INVALID_REQUEST', 'Request body encoding is not supported');
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new ApiError('INVALID_REQUEST', 'Malformed request');
  }
  return new ApiError('INTERNAL_ERROR', 'Internal server error');
}

function fromMulter(error: MulterError): ApiError {
  switch (error.code) {
    case 'LIMIT_FILE_SIZE':
      return new ApiError('FILE_TOO_LARGE', 'Image exceeds the 10 MB limit');
    case 'LIMIT_FILE_COUNT':
      return new ApiError('INVALID_REQUEST', 'Send exactly one file in the "file" field');
    case 'LIMIT_UNEXPECTED_FILE':
      return new ApiError(
        'INVALID_REQUEST',
        `Unexpected file field "${error.field ?? ''}"; send the image in the "file" field`,
      );
    default:
      return new ApiError('INVALID_REQUEST', `Malformed multipart body: ${error.message}`);
  }
}

function statusOf(error: unknown): number | undefined {
  const candidate = (error as { status?: unknown; statusCode?: unknown }) ?? {};
  const status = candidate.status ?? candidate.statusCode;
  return typeof status === 'number' ? status : undefined;
}
