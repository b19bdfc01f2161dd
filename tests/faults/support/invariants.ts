import { createCommandConnection, createRemovalQueue, queueDepth } from '@poofbg/queue';
import type { TestStack } from '@poofbg/testing';

import { auditCredits } from './ledger-audit';
import { auditStorage, leftoverTempFiles } from './storage-audit';
import { sleep, type Traffic } from './traffic';

export interface InvariantReport {
  violations: string[];
  jobs: number;
  completed: number;
  failed: number;
}

interface JobRow {
  id: string;
  accountId: string;
  status: string;
  resultKey: string | null;
  creditsUsed: number;
}

/**
 * Checks the whole schema of `stack` against what clients were told (`traffic`), after
 * waiting up to `terminalWithinMs` for unfinished jobs to end and leftover uploads to go:
 * - every job ends `completed` or `failed` within the bound;
 * - every accepted request has its job row, on its account; requests without a shared
 *   Idempotency-Key got distinct jobs, requests sharing one got the same job;
 * - a job no client was told about (a 503, or an answer that never arrived) cost nothing,
 *   except at most one per request that got no answer at all;
 * - credits (see ledger-audit), storage and temporary files (see storage-audit);
 * - the queue holds nothing once every job has ended.
 */
export async function checkInvariants(
  stack: TestStack,
  traffic: Traffic,
  terminalWithinMs: number,
): Promise<InvariantReport> {
  const deadline = Date.now() + terminalWithinMs;
  const jobs = await waitForTerminalJobs(stack, deadline);
  const violations = [
    ...traffic.contractErrors.map((error) => `answer outside the API contract: ${error}`),
    ...jobs.filter(isUnfinished).map((job) => `job ${job.id} still ${job.status}`),
    ...checkAccepted(traffic, jobs),
    ...(await auditCredits(stack.db)),
    ...(await waitForCleanStorage(stack, jobs, deadline)),
    ...(await leftoverTempFiles(stack.tempDir)),
    ...(await checkQueueDrained(stack)),
  ];

  return {
    violations,
    jobs: jobs.length,
    completed: jobs.filter((job) => job.status === 'completed').length,
    failed: jobs.filter((job) => job.status === 'failed').length,
  };
}

function isUnfinished(job: { status: string }): boolean {
  return job.status === 'pending' || job.status === 'processing';
}

async function waitForTerminalJobs(stack: TestStack, deadline: number): Promise<JobRow[]> {
  for (;;) {
    const jobs: JobRow[] = await stack.db.job.findMany({
      select: { id: true, accountId: true, status: true, resultKey: true, creditsUsed: true },
    });
    if (!jobs.some(isUnfinished) || Date.now() > deadline) return jobs;
    await sleep(500);
  }
}

/**
 * Storage is allowed until the same deadline to become clean: an upload whose job ended while
 * storage was away is removed by the workers' sweep, not at once.
 */
async function waitForCleanStorage(
  stack: TestStack,
  jobs: JobRow[],
  deadline: number,
): Promise<string[]> {
  for (;;) {
    const violations = await auditStorage(stack, jobs);
    if (violations.length === 0 || Date.now() > deadline) return violations;
    await sleep(1_000);
  }
}

function checkAccepted(traffic: Traffic, jobs: JobRow[]): string[] {
  const violations: string[] = [];
  const rows = new Map(jobs.map((job) => [job.id, job]));
  const owners = new Map<string, string>();

  for (const [index, request] of traffic.submits.entries()) {
    if (request.status !== 200 && request.status !== 202) continue;
    const row = request.jobId ? rows.get(request.jobId) : undefined;
    if (!row) {
      violations.push(`accepted request for job ${request.jobId} has no job row`);
      continue;
    }
    if (row.accountId !== request.accountId) violations.push(`job ${row.id}: wrong account`);

    // The same job may be answered twice only to requests that share an Idempotency-Key.
    const owner = request.idempotencyKey
      ? `${request.accountId}/${request.idempotencyKey}`
      : `request ${index}`;
    const earlier = owners.get(row.id);
    if (earlier !== undefined && earlier !== owner) {
      violations.push(`job ${row.id} was answered to two different requests`);
    }
    owners.set(row.id, owner);
  }
  violations.push(...checkSharedKeys(traffic));
  violations.push(...checkUnacknowledged(traffic, jobs));
  return violations;
}

/** Accepted requests that shared an account and Idempotency-Key must share their job. */
function checkSharedKeys(traffic: Traffic): string[] {
  const jobsByKey = new Map<string, Set<string>>();
  for (const request of traffic.submits) {
    if (!request.idempotencyKey || !request.jobId) continue;
    if (request.status !== 200 && request.status !== 202) continue;
    const key = `${request.accountId}/${request.idempotencyKey}`;
    jobsByKey.set(key, (jobsByKey.get(key) ?? new Set()).add(request.jobId));
  }
  return [...jobsByKey]
    .filter(([, ids]) => ids.size > 1)
    .map(([key, ids]) => `Idempotency-Key ${key} produced ${ids.size} jobs`);
}

function checkUnacknowledged(traffic: Traffic, jobs: JobRow[]): string[] {
  const accepted = traffic.acceptedJobIds();
  const unanswered = traffic.submits.filter((request) => request.status === 0).length;
  const charged = jobs.filter((job) => !accepted.has(job.id) && job.status !== 'failed');

  if (charged.length <= unanswered) return [];
  return [
    `${charged.length} jobs no client was told about kept their charge ` +
      `(${unanswered} requests got no answer): ${charged
        .slice(0, 5)
        .map((j) => j.id)
        .join(', ')}`,
  ];
}

async function checkQueueDrained(stack: TestStack): Promise<string[]> {
  const redis = createCommandConnection(stack.env.REDIS_URL!);
  const queue = createRemovalQueue(redis, stack.queuePrefix);
  try {
    const depth = await queueDepth(queue);
    const left = depth.backlog + depth.active;
    return left === 0 ? [] : [`queue still holds ${left} jobs: ${JSON.stringify(depth)}`];
  } finally {
    await queue.close();
    redis.disconnect();
  }
}
