import { startStack, type TestStack } from '@poofbg/testing';

/**
 * A real gateway and worker on a fresh schema, Redis prefix and S3 server, logging at info
 * (debug lines per job would cost the system time the numbers should not include).
 */
export async function startBenchStack(workerEnv: Record<string, string> = {}) {
  const quiet = { LOG_LEVEL: 'info' };
  const stack: TestStack = await startStack({
    gatewayEnv: quiet,
    workerEnv: { ...quiet, ...workerEnv },
  });

  return stack;
}

/** Enough enterprise accounts that no account's per-minute limit is what gets measured. */
export async function createApiKeys(stack: TestStack, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i += 1) keys.push((await stack.createAccount('enterprise')).apiKey);

  return keys;
}
