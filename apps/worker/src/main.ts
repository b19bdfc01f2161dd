import { ConfigError, exitOnStartupFailure, stopOnSignals } from '@poofbg/config';
import { ModelLoadError } from '@poofbg/segmentation';

import { loadWorkerConfig } from './config';
import { startWorker } from './start';

async function main(): Promise<void> {
  // onnxruntime's built-in telemetry writes a session file and a log file into the temp
  // folder of every process that loads a model, and never removes them. A self-hosted
  // service has no business reporting home; it is off unless the operator asks for it.
  process.env.ORT_DISABLE_TELEMETRY ??= '1';

  const worker = await startWorker(loadWorkerConfig(process.env));
  stopOnSignals({ logger: worker.deps.logger, stop: () => worker.stop() });
}

main().catch((error: unknown) =>
  exitOnStartupFailure('worker', error, [ConfigError, ModelLoadError]),
);
