import path from 'node:path';
import { Worker } from 'node:worker_threads';

import { errorMessage } from './error-message';
import type { ReadyMessage, ThreadConfig, ThreadMessage, ThreadRequest } from './thread-protocol';
import { type ExecutionProvider, InferenceError, ModelLoadError } from './types';

/** The model's mask for one input, and how long the model itself took. */
export interface ModelRun {
  mask: Float32Array<ArrayBuffer>;
  runMs: number;
}

interface Request {
  input: Float32Array<ArrayBuffer>;
  resolve(run: ModelRun): void;
  reject(error: Error): void;
}

/**
 * The main thread's handle on the inference thread. Requests go to the thread one at a time,
 * so a thread that dies takes at most one request with it and inputs wait here, not there.
 */
export class InferenceThread {
  private readonly waiting: Request[] = [];
  private inFlight: Request | undefined;
  /** Set once the thread is unusable; every later request is refused with it. */
  private failure: InferenceError | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    readonly provider: ExecutionProvider,
  ) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));

    worker.on('message', (message: ThreadMessage) => this.settle(message));
    worker.on('messageerror', (err) => this.fail('unreadable message from inference thread', err));
    worker.on('error', (err) => this.fail(`inference thread crashed: ${errorMessage(err)}`, err));
    worker.on('exit', (code) => this.fail(`inference thread exited with code ${code}`));
  }

  /**
   * Starts the thread and resolves once its session is loaded.
   *
   * @throws ModelLoadError when the thread could not load the model, or died trying.
   */
  static async start(config: ThreadConfig): Promise<{ thread: InferenceThread } & ReadyMessage> {
    const worker = new Worker(path.join(__dirname, 'inference-thread.js'), { workerData: config });

    try {
      const ready = await waitUntilReady(worker);
      return { ...ready, thread: new InferenceThread(worker, ready.provider) };
    } catch (err) {
      await worker.terminate();
      throw err;
    }
  }

  /** Runs the model; `input`'s buffer moves to the thread and is unusable afterwards. */
  run(input: Float32Array<ArrayBuffer>): Promise<ModelRun> {
    if (this.failure) return Promise.reject(this.failure);

    return new Promise((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.sendNext();
    });
  }

  /**
   * Rejects every request not yet answered, then lets the thread release its session and exit.
   * Waits for a run in progress to end: stopping onnxruntime mid-run aborts the process.
   */
  async close(): Promise<void> {
    this.fail('segmenter is closed');

    const request: ThreadRequest = { type: 'close' };
    this.worker.postMessage(request);
    await this.exited;
  }

  private sendNext(): void {
    if (this.inFlight || this.failure) return;

    const next = this.waiting.shift();
    if (!next) return;

    this.inFlight = next;
    const request: ThreadRequest = { type: 'run', input: next.input };
    this.worker.postMessage(request, [next.input.buffer]);
  }

  private settle(message: ThreadMessage): void {
    const answered = this.inFlight;
    this.inFlight = undefined;

    if (message.type === 'result') {
      answered?.resolve({ mask: message.output, runMs: message.runMs });
    } else if (message.type === 'run-failed') {
      answered?.reject(new InferenceError(`inference failed: ${message.message}`));
    }

    this.sendNext();
  }

  private fail(reason: string, cause?: unknown): void {
    this.failure ??= new InferenceError(reason, { cause });

    const unanswered = this.inFlight ? [this.inFlight, ...this.waiting] : [...this.waiting];
    this.inFlight = undefined;
    this.waiting.length = 0;
    for (const request of unanswered) request.reject(this.failure);
  }
}

function waitUntilReady(worker: Worker): Promise<ReadyMessage> {
  return new Promise((resolve, reject) => {
    const stopListening = () => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    };
    const onMessage = (message: ThreadMessage) => {
      stopListening();
      if (message.type === 'ready') resolve(message);
      else reject(new ModelLoadError(loadFailure(message)));
    };
    const onError = (err: Error) => {
      stopListening();
      reject(
        new ModelLoadError(`inference thread crashed loading the model: ${err.message}`, {
          cause: err,
        }),
      );
    };
    const onExit = (code: number) => {
      stopListening();
      reject(new ModelLoadError(`inference thread exited with code ${code} loading the model`));
    };

    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

function loadFailure(message: ThreadMessage): string {
  return message.type === 'load-failed' ? message.message : `unexpected ${message.type} message`;
}
