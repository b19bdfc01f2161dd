import { z } from 'zod';

/** The one queue PoofBG uses; its Redis keys live under the configured prefix. */
export const removalQueueName = 'remove-background';

/** The one job name on that queue. */
export const removalJobName = 'remove-background';

/**
 * What a queued removal carries: ids and object keys, never image bytes. The job row in
 * PostgreSQL is the record of truth; this only tells a worker where to look.
 */
export const removalPayloadSchema = z.object({
  jobId: z.string().min(1),
  accountId: z.string().min(1),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('upload'), key: z.string().min(1) }),
    z.object({ kind: z.literal('url'), url: z.url() }),
  ]),
});

export type RemovalPayload = z.infer<typeof removalPayloadSchema>;
