import { summarise, type Summary } from '../stats';
import type { LoadRun } from './closed-loop';
import type { WorkerRemoval } from './stack-logs';

/** One load level's numbers, as the HTTP and queue tables show them. */
export interface LoadSummary {
  concurrency: number;
  requests: number;
  completed: number;
  /** Requests that did not end as a completed job, by what they ended as. */
  notCompleted: Record<string, number>;
  /** Completed jobs per second of wall time. */
  throughputPerSecond: number;
  latencyMs: Summary & { p95: number; p99: number };
  /** The gateway's own logged time per request. */
  gatewayMs: Summary;
  /** The worker's logged time per job: fetch the upload, remove, store the result. */
  workerMs: Summary;
  /** Client latency minus the worker's time: HTTP, upload, database, queue and wait. */
  addedMs: Summary;
}

export function summariseLoad(
  concurrency: number,
  run: LoadRun,
  gateway: Map<string, number>,
  worker: Map<string, WorkerRemoval>,
): LoadSummary {
  const completed = run.samples.filter((s) => s.jobStatus === 'completed');
  const notCompleted: Record<string, number> = {};
  for (const sample of run.samples) {
    if (sample.jobStatus !== 'completed') {
      notCompleted[sample.jobStatus] = (notCompleted[sample.jobStatus] ?? 0) + 1;
    }
  }

  const latencies = completed.map((s) => s.latencyMs).sort((a, b) => a - b);
  const workerTimes = completed.map((s) => worker.get(s.jobId ?? '')?.durationMs ?? Number.NaN);
  const added = completed.map((s, i) => s.latencyMs - workerTimes[i]!);

  return {
    concurrency,
    requests: run.samples.length,
    completed: completed.length,
    notCompleted,
    throughputPerSecond: completed.length / (run.wallMs / 1000),
    latencyMs: { ...summarise(latencies), p95: rank(latencies, 0.95), p99: rank(latencies, 0.99) },
    gatewayMs: summarise(
      completed.map((s) => gateway.get(s.requestId) ?? Number.NaN).filter(isFinite),
    ),
    workerMs: summarise(workerTimes.filter(isFinite)),
    addedMs: summarise(added.filter(isFinite)),
  };
}

/** Nearest-rank percentile: with few samples, a real request's latency, not a blend. */
function rank(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
