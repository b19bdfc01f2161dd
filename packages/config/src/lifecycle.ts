import type { Logger } from 'pino';

/**
 * Stops a service once on SIGTERM or SIGINT and exits: 0 when `stop` finished, 1 when it
 * failed or outlasted `timeoutMs` (a second signal changes nothing; an orchestrator that
 * loses patience sends SIGKILL).
 */
export function stopOnSignals(options: {
  logger: Logger;
  stop: () => Promise<void>;
  timeoutMs?: number;
}): void {
  let stopping = false;

  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    options.logger.info({ signal }, 'shutting down');
    if (options.timeoutMs) setTimeout(() => process.exit(1), options.timeoutMs).unref();

    options.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        options.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };

  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/**
 * Ends a process that could not start: one line naming the problem for the errors an
 * operator must fix (`expected`), the error's text otherwise; never a stack trace.
 */
export function exitOnStartupFailure(
  service: string,
  error: unknown,
  expected: Array<new (...args: never[]) => Error>,
): never {
  const known = expected.some((type) => error instanceof type);
  const text = known ? (error as Error).message : `failed to start: ${String(error)}`;
  process.stderr.write(`${service}: ${text}\n`);
  process.exit(1);
}
