import type { AppProcess } from '@poofbg/testing';

/** Waits until `app` has logged `msg` for `count` different jobs; returns their ids. */
export async function jobsLogged(
  app: AppProcess,
  msg: string,
  count: number,
  timeoutMs = 60_000,
): Promise<string[]> {
  const ids = new Set<string>();
  await app.waitForLog((line) => {
    if (line.msg === msg && typeof line.jobId === 'string') ids.add(line.jobId);
    return ids.size >= count;
  }, timeoutMs);
  return [...ids];
}

/** Whether `app` has logged `msg` for `jobId` so far. */
export function hasLogged(app: AppProcess, msg: string, jobId: string): boolean {
  return app.logs.some((line) => line.msg === msg && line.jobId === jobId);
}
