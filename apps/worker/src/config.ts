import {
  boolVar,
  commonEnv,
  intVar,
  listVar,
  parseEnv,
  storageEnv,
  storageSettings,
  type StorageSettings,
} from '@poofbg/config';
import type { ExecutionProvider, ModelSource } from '@poofbg/segmentation';
import { z } from 'zod';

/** Every environment variable the worker reads. Keys are the variable names. */
export const workerEnvSchema = z.object({
  ...commonEnv,
  ...storageEnv,
  /** The gateway's external address; only used to build local-storage links. */
  PUBLIC_BASE_URL: z.string().url().default('http://localhost:8080'),
  /** A compatible IS-Net `.onnx` file. Unset: the model from the npm data package. */
  MODEL_PATH: z.string().optional(),
  /** Which packaged model to use when MODEL_PATH is unset. */
  MODEL_VARIANT: z.enum(['medium', 'small']).default('medium'),
  /** onnxruntime execution providers in order of preference. */
  EXECUTION_PROVIDERS: listVar(z.enum(['cuda', 'cpu'])).default(['cuda', 'cpu']),
  /** onnxruntime intra-op threads per inference; 0 lets onnxruntime match the cores. */
  INFERENCE_THREADS: intVar(0, 256).default(0),
  /**
   * On CPU, run an fp16 model (the packaged `medium`) widened to fp32: ~5-10% faster
   * inference and ~0.45 GB less memory for the same masks (docs/benchmarks.md), at ~1 s
   * more load time. GPU sessions always run the model as stored.
   */
  MODEL_WIDEN_FP16_ON_CPU: boolVar().default(true),
  /**
   * libvips threads per image operation (decode, resize, PNG encode) for the whole worker;
   * 0 = one per core. Halves resize times for one image at a time on 2 cores.
   */
  IMAGE_THREADS: intVar(0, 256).default(0),
  /** Jobs one worker process works on at once (decode and encode overlap inference). */
  WORKER_CONCURRENCY: intVar(1, 64).default(1),
  /** Larger images are refused before decoding: a guard against decompression bombs. */
  MAX_INPUT_PIXELS: intVar(1, 1_000_000_000).default(100_000_000),
  /**
   * How long a worker's claim on a queued job lasts without renewal, in seconds. Renewal
   * runs every half of it; a worker that dies loses the job to another after this long.
   */
  JOB_LOCK_SECONDS: intVar(2, 3_600).default(60),
  /** Port for `/healthz` and `/readyz` (ready once the model is loaded). 0 turns it off. */
  HEALTH_PORT: intVar(0, 65_535).default(9091),
  /** On SIGTERM, how long to let jobs in hand finish before handing them back, seconds. */
  SHUTDOWN_GRACE_SECONDS: intVar(0, 3_600).default(60),
  /** Jobs unfinished this long with nothing queued for them are failed and refunded. */
  STALE_JOB_SECONDS: intVar(30, 86_400).default(900),
  /** Only for tests against a local HTTP server: lets `image_url` reach loopback addresses. */
  IMAGE_FETCH_ALLOW_LOOPBACK: boolVar().default(false),
});

export type WorkerEnv = z.infer<typeof workerEnvSchema>;

export interface WorkerConfig {
  env: WorkerEnv;
  model: ModelSource;
  executionProviders: ExecutionProvider[];
  storage: StorageSettings;
}

export function loadWorkerConfig(source: NodeJS.ProcessEnv): WorkerConfig {
  const env = parseEnv(workerEnvSchema, source);
  const model: ModelSource = env.MODEL_PATH
    ? { kind: 'file', path: env.MODEL_PATH }
    : { kind: 'package', variant: env.MODEL_VARIANT };

  return {
    env,
    model,
    executionProviders: env.EXECUTION_PROVIDERS,
    storage: storageSettings(env, env.PUBLIC_BASE_URL.replace(/\/$/, '')),
  };
}
