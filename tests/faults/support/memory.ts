import { readFileSync } from 'node:fs';

import type { AppProcess } from '@poofbg/testing';

/** Resident memory of a live process in MiB, from /proc; null once it has exited. */
export function residentMiB(app: AppProcess): number | null {
  const pid = app.child.pid;
  if (pid === undefined || app.child.exitCode !== null || app.child.signalCode !== null) {
    return null;
  }
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    return kib ? Math.round(Number(kib) / 1024) : null;
  } catch {
    return null;
  }
}

/** One process's memory at the start and the end of a scenario. */
export interface MemoryReading {
  process: string;
  startMiB: number;
  /** Once warmed up (its first jobs allocate the model's working memory), when measured. */
  warmMiB?: number;
  endMiB: number | null;
}

/**
 * Remembers each process's memory when it joins a scenario, and reads it again at the end;
 * a process killed on purpose has no end reading.
 */
export class MemoryWatch {
  private readonly started = new Map<AppProcess, { label: string; miB: number }>();
  private readonly warm = new Map<AppProcess, number>();

  track(app: AppProcess, label: string): void {
    const miB = residentMiB(app);
    if (miB !== null && !this.started.has(app)) this.started.set(app, { label, miB });
  }

  /** Reads every live process again, as the baseline for growth under sustained load. */
  markWarm(): void {
    for (const app of this.started.keys()) {
      const miB = residentMiB(app);
      if (miB !== null) this.warm.set(app, miB);
    }
  }

  readings(): MemoryReading[] {
    return [...this.started].map(([app, { label, miB }]) => {
      const warmMiB = this.warm.get(app);
      return {
        process: label,
        startMiB: miB,
        ...(warmMiB === undefined ? {} : { warmMiB }),
        endMiB: residentMiB(app),
      };
    });
  }
}
