import { ConfigError } from '@poofbg/config';

import { loadGatewayConfig } from './config';
import { startGateway } from './start';

/** Shutdown must not outlast Kubernetes' grace period; waiting requests get a 202 first. */
const shutdownTimeoutMs = 40_000;

async function main(): Promise<void> {
  const gateway = await startGateway(loadGatewayConfig(process.env));

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    gateway.runtime.logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), shutdownTimeoutMs).unref();
    gateway.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        gateway.runtime.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`gateway: ${error.message}\n`);
  } else {
    process.stderr.write(`gateway: failed to start: ${String(error)}\n`);
  }
  process.exit(1);
});
