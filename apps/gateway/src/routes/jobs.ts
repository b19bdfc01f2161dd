import { ApiError, listJobsQuerySchema } from '@poofbg/contract';
import { findJob, listJobs } from '@poofbg/db';
import { Router } from 'express';

import { route } from '../http/async-route';
import { renderJob } from '../job-view';
import type { GatewayRuntime } from '../runtime';

export function jobsRouter(runtime: GatewayRuntime): Router {
  const router = Router();

  router.get(
    '/jobs',
    route(async (req, res) => {
      const query = parseListQuery(req.query);
      const jobs = await listJobs(runtime.db, { accountId: req.accountId!, ...query });
      res.json({
        data: jobs.map((job) => ({
          id: job.id,
          status: job.status,
          created_at: job.createdAt.toISOString(),
          completed_at: job.completedAt?.toISOString() ?? null,
        })),
        limit: query.limit,
        offset: query.offset,
      });
    }),
  );

  router.get(
    '/jobs/:id',
    route(async (req, res) => {
      const job = await findJob(runtime.db, String(req.params.id));
      if (!job) throw new ApiError('NOT_FOUND', 'Job not found');
      if (job.accountId !== req.accountId) {
        throw new ApiError('FORBIDDEN', 'This job belongs to another account');
      }
      res.json(await renderJob(runtime, job));
    }),
  );

  return router;
}

function parseListQuery(query: unknown): { limit: number; offset: number } {
  const picked = pickSingle(query, ['limit', 'offset']);
  const result = listJobsQuerySchema.safeParse(picked);
  if (!result.success) {
    throw new ApiError('INVALID_REQUEST', result.error.issues[0]?.message ?? 'Bad query');
  }
  return result.data;
}

/** A repeated parameter (`?limit=1&limit=2`) is a malformed request, not an array. */
function pickSingle(query: unknown, names: string[]): Record<string, string | undefined> {
  const source = (query ?? {}) as Record<string, unknown>;
  const picked: Record<string, string | undefined> = {};
  for (const name of names) {
    const value = source[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      throw new ApiError('INVALID_REQUEST', `${name} must be given once, as a whole number`);
    }
    picked[name] = value;
  }
  return picked;
}
