import { z } from 'zod';

export const jobStatuses = ['pending', 'processing', 'completed', 'failed'] as const;

export type JobStatus = (typeof jobStatuses)[number];

export const terminalStatuses: readonly JobStatus[] = ['completed', 'failed'];

export function isTerminal(status: JobStatus): boolean {
  return terminalStatuses.includes(status);
}

/** The job as `POST /v1/remove-background` and `GET /v1/jobs/:id` return it. */
export const jobResponseSchema = z.object({
  id: z.string(),
  status: z.enum(jobStatuses),
  error: z.string().nullable(),
  created_at: z.iso.datetime(),
  completed_at: z.iso.datetime().nullable(),
  credits_used: z.number().int(),
  credits_remaining: z.number().int().nullable(),
  result_url: z.url().nullable(),
});

export type JobResponse = z.infer<typeof jobResponseSchema>;

/** One row of `GET /v1/jobs`. */
export const jobSummarySchema = jobResponseSchema.pick({
  id: true,
  status: true,
  created_at: true,
  completed_at: true,
});

export const jobListResponseSchema = z.object({
  data: z.array(jobSummarySchema),
  limit: z.number().int(),
  offset: z.number().int(),
});

export type JobListResponse = z.infer<typeof jobListResponseSchema>;

/** What the gateway needs to know about a job to answer for it. */
export interface JobRecord {
  id: string;
  status: JobStatus;
  error: string | null;
  createdAt: Date;
  completedAt: Date | null;
  creditsUsed: number;
}

/**
 * Renders a job for the API. `resultUrl` is only shown for completed jobs, whatever the
 * caller passes.
 */
export function toJobResponse(
  job: JobRecord,
  creditsRemaining: number | null,
  resultUrl: string | null,
): JobResponse {
  return {
    id: job.id,
    status: job.status,
    error: job.error,
    created_at: job.createdAt.toISOString(),
    completed_at: job.completedAt?.toISOString() ?? null,
    credits_used: job.creditsUsed,
    credits_remaining: creditsRemaining,
    result_url: job.status === 'completed' ? resultUrl : null,
  };
}
