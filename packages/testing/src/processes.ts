import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { repoRoot } from './paths';

export interface AppProcess {
  child: ChildProcess;
  /** Every JSON log line the process wrote so far, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Resolves with the first log line `match` accepts (or rejects after `timeoutMs`). */
  waitForLog(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Sends `signal` and resolves once the process has exited, with its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/**
 * Starts a built app (`gateway`, `worker`, `admin`) as a real process with `env`, collecting
 * its structured logs so tests can wait for lifecycle events like "worker ready".
 */
export function startApp(app: 'gateway' | 'worker', env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, [path.join(repoRoot, 'apps', app, 'dist', 'main.js')], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const logs: Array<Record<string, unknown>> = [];
  const listeners = new Set<(line: Record<string, unknown>) => void>();
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = parseLine(text);
    logs.push(line);
    for (const listener of listeners) listener(line);
  });
  createInterface({ input: child.stderr! }).on('line', (text) => stderr.push(text));

  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  return {
    child,
    logs,
    exited,
    waitForLog(match, timeoutMs = 60_000) {
      const found = logs.find(match);
      if (found) return Promise.resolve(found);

      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`${app}: no matching log within ${timeoutMs} ms\n${stderr.join('\n')}`));
        }, timeoutMs);
        const listener = (line: Record<string, unknown>) => {
          if (!match(line)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(line);
        };
        listeners.add(listener);
        void exited.then((code) => {
          if (!listeners.has(listener)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          reject(
            new Error(`${app} exited (${code}) before the expected log\n${stderr.join('\n')}`),
          );
        });
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

function parseLine(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { msg: text };
  }
}
