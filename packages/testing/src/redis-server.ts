import { spawn, type ChildProcess } from 'node:child_process';

import { freePort } from './ports';

export interface TestRedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGKILL unless told otherwise) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
}

/**
 * A private redis-server on a free port, for tests that take Redis away from the apps;
 * the shared Redis on 6379 must stay up for the other test files.
 */
export async function startRedisServer(): Promise<TestRedisServer> {
  const port = await freePort();
  let child = await launch(port);

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop(signal = 'SIGKILL') {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
    async restart() {
      child = await launch(port);
    },
  };
}

async function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start')), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
  });
  child.stdout!.resume();
  return child;
}
