import type { Redis } from 'ioredis';
import { z } from 'zod';

/** A job reached `completed` or `failed`. Published after the job row says so. */
export const jobOutcomeSchema = z.object({
  jobId: z.string(),
  status: z.enum(['completed', 'failed']),
});

export type JobOutcome = z.infer<typeof jobOutcomeSchema>;

/** One channel for all outcomes: each gateway subscribes once, not once per request. */
export function outcomeChannel(prefix: string): string {
  return `${prefix}:job-outcomes`;
}

export async function publishOutcome(
  redis: Redis,
  prefix: string,
  outcome: JobOutcome,
): Promise<void> {
  await redis.publish(outcomeChannel(prefix), JSON.stringify(outcome));
}
