import { z } from 'zod';

export const jobStatuses = ['pending', 'processing', 'completed', 'failed'] as const;

export type JobStatus = (typeof jobStatuses)[number];

export const terminalStatuses: readonly JobStatus[] = ['completed', 'failed'];

export function isTerminal(status: JobStatus): boolean {
  return terminalStatuses.includes(status);
}

/** The job as `POST /v1/remove-background` and `GET /v1/jobs/:id` return it. */
export const jobResponseSchema = z
  .object({
    id: z.string().meta({ example: 'job_4fJ2kQ9xZpL0aB7cD1eF3gH5' }),
    status: z.enum(jobStatuses),
    error: z.string().nullable().meta({ description: 'Why the job failed; null otherwise.' }),
    created_at: z.iso.datetime(),
    completed_at: z.iso.datetime().nullable(),
    credits_used: z
      .number()
      .int()
      .meta({ description: '1 while the job is charged; 0 once a failed job is refunded.' }),
    credits_remaining: z
      .number()
      .int()
      .nullable()
      .meta({ description: "The account's balance now; null on Enterprise (unlimited)." }),
    result_url: z
      .url()
      .nullable()
      .meta({ description: 'Signed link to the transparent PNG, valid 1 hour; completed only.' }),
  })
  .strict()
  .meta({ id: 'Job' });

export type JobResponse = z.infer<typeof jobResponseSchema>;

/** One row of `GET /v1/jobs`. */
export const jobSummarySchema = jobResponseSchema
  .pick({ id: true, status: true, created_at: true, completed_at: true })
  .strict()
  .meta({ id: 'JobSummary' });

export const jobListResponseSchema = z
  .object({
    data: z.array(jobSummarySchema),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .strict()
  .meta({ id: 'JobList' });

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
