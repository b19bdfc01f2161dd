import { ConfigError, exitOnStartupFailure, stopOnSignals } from '@poofbg/config';

import { loadGatewayConfig } from './config';
import { startGateway } from './start';

/** Shutdown must not outlast Kubernetes' grace period; waiting requests get a 202 first. */
const shutdownTimeoutMs = 40_000;

async function main(): Promise<void> {
  const gateway = await startGateway(loadGatewayConfig(process.env));
  stopOnSignals({
    logger: gateway.runtime.logger,
    stop: () => gateway.stop(),
    timeoutMs: shutdownTimeoutMs,
  });
}

main().catch((error: unknown) => exitOnStartupFailure('gateway', error, [ConfigError]));
