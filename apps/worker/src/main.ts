import { ConfigError } from '@poofbg/config';
import { ModelLoadError } from '@poofbg/segmentation';

import { loadWorkerConfig } from './config';
import { startWorker } from './start';

async function main(): Promise<void> {
  // onnxruntime's built-in telemetry writes a session file and a log file into the temp
  // folder of every process that loads a model, and never removes them. A self-hosted
  // service has no business reporting home; it is off unless the operator asks for it.
  process.env.ORT_DISABLE_TELEMETRY ??= '1';

  const worker = await startWorker(loadWorkerConfig(process.env));

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    worker.deps.logger.info({ signal }, 'shutting down');
    worker.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        worker.deps.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Start-up problems an operator must fix get one clear line, not a stack trace.
  if (error instanceof ConfigError || error instanceof ModelLoadError) {
    process.stderr.write(`worker: ${error.message}\n`);
  } else {
    process.stderr.write(`worker: failed to start: ${String(error)}\n`);
  }
  process.exit(1);
});
