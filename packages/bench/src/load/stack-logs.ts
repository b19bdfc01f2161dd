/** What the worker logged for one finished job ('background removed'). */
export interface WorkerRemoval {
  durationMs: number;
  /** The segmenter's stages only, summed. */
  stagesMs: number;
}

type LogLine = Record<string, unknown>;

const stageFields = [
  'waitMs',
  'decodeMs',
  'preprocessMs',
  'inferenceMs',
  'postprocessMs',
  'encodeMs',
] as const;

/** Gateway request durations by request id, for `POST /v1/remove-background`. */
export function gatewayDurations(logs: LogLine[]): Map<string, number> {
  const durations = new Map<string, number>();
  for (const line of logs) {
    // Logged when the response finishes, inside the /v1 router: the path is relative there.
    const path = String(line.path);
    if (line.msg !== 'request' || !path.endsWith('/remove-background')) continue;
    if (typeof line.requestId === 'string' && typeof line.durationMs === 'number') {
      durations.set(line.requestId, line.durationMs);
    }
  }

  return durations;
}

/** The worker's own time per job, by job id. */
export function workerRemovals(logs: LogLine[]): Map<string, WorkerRemoval> {
  const removals = new Map<string, WorkerRemoval>();
  for (const line of logs) {
    if (line.msg !== 'background removed' || typeof line.jobId !== 'string') continue;

    const stagesMs = stageFields.reduce((sum, field) => sum + Number(line[field] ?? 0), 0);
    removals.set(line.jobId, { durationMs: Number(line.durationMs), stagesMs });
  }

  return removals;
}
