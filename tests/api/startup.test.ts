import { spawn } from 'node:child_process';
import path from 'node:path';

import { repoRoot } from '@poofbg/testing';

/** Runs an app to completion with `env` and returns its exit code and stderr. */
function run(app: 'gateway' | 'worker', env: Record<string, string>) {
  const child = spawn(process.execPath, [path.join(repoRoot, 'apps', app, 'dist', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stderr })),
  );
}

test('a missing variable stops the gateway with one line naming it', async () => {
  const { code, stderr } = await run('gateway', { PORT: 'eighty' });

  expect(code).toBe(1);
  expect(stderr).toMatch(/DATABASE_URL is required/);
  expect(stderr).toMatch(/PORT: /);
  expect(stderr).not.toMatch(/\n\s+at /);
});

test('the local storage driver without a signing secret is refused at start', async () => {
  const { code, stderr } = await run('gateway', {
    DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
    STORAGE_DRIVER: 'local',
  });

  expect(code).toBe(1);
  expect(stderr).toMatch(/STORAGE_SIGNING_SECRET is required when STORAGE_DRIVER=local/);
});

test('a worker whose model file is missing says so and exits, without a stack trace', async () => {
  const { code, stderr } = await run('worker', {
    DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
    STORAGE_SIGNING_SECRET: 'x'.repeat(32),
    MODEL_PATH: '/nonexistent/isnet.onnx',
    EXECUTION_PROVIDERS: 'cpu',
    HEALTH_PORT: '0',
  });

  expect(code).toBe(1);
  expect(stderr).toMatch(/^worker: .*\/nonexistent\/isnet\.onnx/m);
  expect(stderr).not.toMatch(/\n\s+at /);
});

test('an unknown execution provider is a configuration error', async () => {
  const { code, stderr } = await run('worker', {
    DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
    EXECUTION_PROVIDERS: 'tpu,cpu',
  });

  expect(code).toBe(1);
  expect(stderr).toMatch(/EXECUTION_PROVIDERS/);
});
