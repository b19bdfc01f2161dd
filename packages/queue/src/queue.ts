import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

import { removalJobName, removalQueueName, type RemovalPayload } from './payload';

export type RemovalQueue = Queue<RemovalPayload>;

export interface QueueDepth {
  waiting: number;
  prioritized: number;
  delayed: number;
  active: number;
  /** Jobs no worker has started: waiting + prioritized + delayed (retries back off here). */
  backlog: number;
}

/**
 * Retry policy for faults worth retrying (storage or database briefly away). Images that
 * cannot be processed fail at once without using these attempts.
 */
export const removalAttempts = 3;

export function createRemovalQueue(connection: Redis, prefix: string): RemovalQueue {
  return new Queue<RemovalPayload>(removalQueueName, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: removalAttempts,
      backoff: { type: 'exponential', delay: 2_000 },
      // The job row in PostgreSQL keeps the history; Redis keeps only a short tail.
      removeOnComplete: { age: 3_600, count: 10_000 },
      removeOnFail: { age: 24 * 3_600, count: 10_000 },
    },
  });
}

/** Queues a removal. The BullMQ job id is the PoofBG job id, so a job is queued once. */
export async function enqueueRemoval(queue: RemovalQueue, payload: RemovalPayload): Promise<void> {
  await queue.add(removalJobName, payload, { jobId: payload.jobId });
}

export async function queueDepth(queue: RemovalQueue): Promise<QueueDepth> {
  const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
  const waiting = counts.waiting ?? 0;
  const prioritized = counts.prioritized ?? 0;
  const delayed = counts.delayed ?? 0;
  return {
    waiting,
    prioritized,
    delayed,
    active: counts.active ?? 0,
    backlog: waiting + prioritized + delayed,
  };
}
