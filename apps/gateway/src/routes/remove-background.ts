import { ApiError, idempotencyKeySchema, imageUrlBodySchema, isTerminal } from '@poofbg/contract';
import { findJob } from '@poofbg/db';
import express, { Router, type Request, type Response } from 'express';

import { route } from '../http/async-route';
import { imageUpload, uploadContentTypes, uploadedImageType } from '../http/upload';
import { renderJob } from '../job-view';
import type { GatewayRuntime } from '../runtime';
import { submitJob, type JobInput } from '../submit-job';

const jsonBody = express.json({ limit: '16kb', strict: true });

export function removeBackgroundRouter(runtime: GatewayRuntime): Router {
  const router = Router();

  router.post(
    '/remove-background',
    route(async (req, res) => {
      const idempotencyKey = readIdempotencyKey(req);
      const job = await submitJob(
        runtime,
        { accountId: req.accountId!, log: req.log, idempotencyKey },
        await readJobInput(req, res),
      );
      // The upload is in storage now. Dropping the request's copy means a request waiting
      // for its outcome holds a few kilobytes, not up to 10 MB.
      req.file = undefined;

      const outcome = await runtime.waiter.wait(job.id, runtime.resultWaitMs, closedSignal(res));
      const current = (await findJob(runtime.db, job.id)) ?? job;
      req.log.debug({ jobId: job.id, outcome, status: current.status }, 'wait ended');

      res.status(isTerminal(current.status) ? 200 : 202).json(await renderJob(runtime, current));
    }),
  );

  return router;
}

/** The optional `Idempotency-Key` header: 1 to 255 visible ASCII characters. */
function readIdempotencyKey(req: Request): string | undefined {
  const value = req.get('idempotency-key');
  if (value === undefined) return undefined;

  const result = idempotencyKeySchema.safeParse(value);
  if (!result.success) {
    throw new ApiError('INVALID_REQUEST', result.error.issues[0]?.message ?? 'Bad Idempotency-Key');
  }
  return result.data;
}

/** Reads either a multipart upload or a JSON `{ image_url }` body. */
async function readJobInput(req: Request, res: Response): Promise<JobInput> {
  if (req.is('multipart/form-data')) return readUpload(req, res);
  if (req.is('application/json')) return readImageUrl(req, res);

  throw new ApiError(
    'INVALID_REQUEST',
    'Send the image as multipart/form-data in a "file" field, or JSON with "image_url"',
  );
}

async function readUpload(req: Request, res: Response): Promise<JobInput> {
  await runMiddleware(imageUpload, req, res);

  const body = (req.body ?? {}) as Record<string, unknown>;
  if (req.file && 'image_url' in body) {
    throw new ApiError('INVALID_REQUEST', 'Send either a file or an image_url, not both');
  }
  if (!req.file) {
    throw new ApiError('INVALID_REQUEST', 'Missing image: send it in the "file" field');
  }

  const type = uploadedImageType(req.file.buffer);
  return { kind: 'upload', bytes: req.file.buffer, contentType: uploadContentTypes[type] };
}

async function readImageUrl(req: Request, res: Response): Promise<JobInput> {
  await runMiddleware(jsonBody, req, res);

  const result = imageUrlBodySchema.safeParse(req.body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const message =
      issue?.code === 'unrecognized_keys'
        ? `Unknown field(s): ${issue.keys.join(', ')}; send only "image_url"`
        : issue?.path[0] === 'image_url' && issue.code === 'invalid_type'
          ? 'Missing image: send "image_url" or upload a "file"'
          : (issue?.message ?? 'Malformed body');
    throw new ApiError('INVALID_REQUEST', message);
  }
  return { kind: 'url', url: result.data.image_url };
}

type Middleware = (req: Request, res: Response, next: (error?: unknown) => void) => void;

function runMiddleware(middleware: Middleware, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    middleware(req, res, (error?: unknown) => (error ? reject(error) : resolve()));
  });
}

/** Aborts when the client disconnects, so a waiting request stops holding resources. */
function closedSignal(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
