/**
 * Entry point of the inference worker thread. `session.run` blocks whichever thread calls it
 * for seconds; running it here keeps the main thread free to renew job locks and answer
 * health checks. The session is created once and serves every request.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';

import { errorMessage } from './error-message';
import { openModelSession, type ModelSession } from './onnx-session';
import type { ThreadConfig, ThreadMessage, ThreadRequest } from './thread-protocol';

async function main(port: MessagePort, config: ThreadConfig): Promise<void> {
  const started = performance.now();
  let session: ModelSession;
  try {
    session = await openModelSession(config);
  } catch (err) {
    post(port, { type: 'load-failed', message: errorMessage(err) });
    return;
  }

  const loadMs = performance.now() - started;
  const { provider, failures, widened } = session;
  post(port, { type: 'ready', provider, loadMs, failures, widened });

  // One request at a time, in order: releasing the session must wait for a run in progress.
  let previous = Promise.resolve();
  port.on('message', (request: ThreadRequest) => {
    previous = previous.then(() =>
      request.type === 'run' ? answer(port, session, request.input) : stop(port, session),
    );
  });
}

async function answer(port: MessagePort, session: ModelSession, input: Float32Array<ArrayBuffer>) {
  let output: Float32Array<ArrayBuffer>;
  const started = performance.now();
  try {
    output = ownBuffer(await session.run(input));
  } catch (err) {
    post(port, { type: 'run-failed', message: errorMessage(err) });
    return;
  }

  const runMs = performance.now() - started;
  post(port, { type: 'result', output, runMs }, [output.buffer]);
}

/** Ends the thread by letting its event loop run dry, never while onnxruntime is running. */
async function stop(port: MessagePort, session: ModelSession): Promise<void> {
  await session.release();
  port.close();
}

/** A view that owns its whole ArrayBuffer, so the buffer can be moved instead of copied. */
function ownBuffer(data: Float32Array): Float32Array<ArrayBuffer> {
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  if (whole && data.buffer instanceof ArrayBuffer) return data as Float32Array<ArrayBuffer>;

  return data.slice();
}

function post(port: MessagePort, message: ThreadMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

if (!parentPort) throw new Error('inference-thread.js runs only as a worker thread');
void main(parentPort, workerData as ThreadConfig);
