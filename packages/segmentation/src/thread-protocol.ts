import type { ExecutionProvider, ModelSource } from './types';

/** What the inference thread needs to load its session; sent as `workerData`. */
export interface ThreadConfig {
  model: ModelSource;
  executionProviders: ExecutionProvider[];
  inferenceThreads: number;
  /** Widen an fp16 model to fp32 when it runs on CPU. */
  widenHalfPrecision: boolean;
}

/** A provider that was tried before the one in use, and why it could not load. */
export interface ProviderFailure {
  provider: ExecutionProvider;
  message: string;
}

/**
 * Main thread to inference thread: run the model on one preprocessed image, or release the
 * session and exit once the run in progress (if any) is answered.
 */
export type ThreadRequest = { type: 'run'; input: Float32Array<ArrayBuffer> } | { type: 'close' };

export interface ReadyMessage {
  type: 'ready';
  provider: ExecutionProvider;
  loadMs: number;
  failures: ProviderFailure[];
  /** Whether the CPU session runs an fp16 model widened to fp32. */
  widened: boolean;
}

/** Inference thread to main thread. */
export type ThreadMessage =
  | ReadyMessage
  | { type: 'load-failed'; message: string }
  | { type: 'result'; output: Float32Array<ArrayBuffer>; runMs: number }
  | { type: 'run-failed'; message: string };
