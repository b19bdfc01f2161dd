import { InferenceSession, Tensor } from 'onnxruntime-node';

import { errorMessage } from './error-message';
import { inputShape, modelSide } from './model-shape';
import { describeModelSource, loadModelBytes } from './model-source';
import type { ProviderFailure, ThreadConfig } from './thread-protocol';
import { type ExecutionProvider, ModelLoadError } from './types';
import { widenHalfPrecision } from './widen-half-precision';

/** The output IS-Net names its final mask; the graph has eleven side outputs besides. */
const maskOutputName = 'output';

/** An onnxruntime session bound to the one input and the one output PoofBG uses. */
export interface ModelSession {
  provider: ExecutionProvider;
  /** Providers tried before `provider` that failed to load. */
  failures: ProviderFailure[];
  /** True when an fp16 model was widened to fp32 because it runs on CPU. */
  widened: boolean;
  /** Runs the model on a [1,3,1024,1024] input and returns the [1,1,1024,1024] mask. */
  run(input: Float32Array<ArrayBuffer>): Promise<Float32Array>;
  /** Frees the session's native memory; `run` must not be called afterwards. */
  release(): Promise<void>;
}

/**
 * Loads the model and creates a session on the first execution provider that works.
 * Blocks its thread while onnxruntime builds the graph; call it off the main thread.
 *
 * @throws ModelLoadError when the bytes are missing or no provider can load them.
 */
export async function openModelSession(config: ThreadConfig): Promise<ModelSession> {
  const origin = describeModelSource(config.model);
  const bytes = await loadModelBytes(config.model);
  const { session, provider, failures, widened } = await createOnFirstProvider(
    bytes,
    config,
    origin,
  );

  try {
    return { ...bindSession(session, origin), provider, failures, widened };
  } catch (err) {
    await session.release();
    throw err;
  }
}

async function createOnFirstProvider(bytes: Uint8Array, config: ThreadConfig, origin: string) {
  const failures: ProviderFailure[] = [];
  let cpuBytes: Uint8Array | undefined;
  for (const provider of config.executionProviders) {
    // GPUs run fp16 natively and gain from it; only the CPU gets the widened copy.
    if (provider === 'cpu') cpuBytes ??= config.widenHalfPrecision ? widenOrKeep(bytes) : bytes;
    const modelBytes = provider === 'cpu' ? cpuBytes! : bytes;

    try {
      const session = await InferenceSession.create(modelBytes, sessionOptions(provider, config));
      return { session, provider, failures, widened: modelBytes !== bytes };
    } catch (err) {
      failures.push({ provider, message: errorMessage(err) });
    }
  }

  const tried = failures.map((failure) => `${failure.provider}: ${failure.message}`);
  throw new ModelLoadError(`no execution provider could load ${origin} (${tried.join('; ')})`);
}

/** Bytes that do not parse as ONNX are left for onnxruntime to refuse with its own reason. */
function widenOrKeep(bytes: Uint8Array): Uint8Array {
  try {
    return widenHalfPrecision(bytes) ?? bytes;
  } catch {
    return bytes;
  }
}

/**
 * Measured on the IS-Net model on 2 cores (docs/benchmarks.md):
 * - full graph optimisation is ~20% faster than 'extended' (it adds the CPU's blocked-layout
 *   convolutions), and the memory arena with its reuse pattern ~25% faster than allocating
 *   per run: onnxruntime's defaults, spelled out so a change upstream does not pass unseen;
 * - without spin-waiting, idle intra-op threads sleep instead of burning a core. With other
 *   work on the machine runs got faster (CPU per run -4%); on an idle machine they can be
 *   ~5% slower. Kept off: a worker's spare cycles go to decoding and encoding the images
 *   beside the model, and spinning threads burn a container's CPU quota.
 */
function sessionOptions(
  provider: ExecutionProvider,
  config: ThreadConfig,
): InferenceSession.SessionOptions {
  const options: InferenceSession.SessionOptions = {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    enableCpuMemArena: true,
    enableMemPattern: true,
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  if (config.inferenceThreads > 0) options.intraOpNumThreads = config.inferenceThreads;

  return options;
}

function bindSession(
  session: InferenceSession,
  origin: string,
): Pick<ModelSession, 'run' | 'release'> {
  const inputName = session.inputNames[0];
  if (session.inputNames.length !== 1 || inputName === undefined || !acceptsInput(session)) {
    const expected = `one input of shape [${inputShape.join(',')}]`;
    throw new ModelLoadError(`${origin} is not a compatible graph: expected ${expected}`);
  }

  // Other IS-Net exports name their outputs differently; the first one is the final mask.
  const outputName = session.outputNames.includes(maskOutputName)
    ? maskOutputName
    : session.outputNames[0];
  if (outputName === undefined) throw new ModelLoadError(`${origin} has no outputs`);

  const run = async (input: Float32Array<ArrayBuffer>): Promise<Float32Array> => {
    const feeds = { [inputName]: new Tensor('float32', input, [...inputShape]) };
    const results = await session.run(feeds, [outputName]);
    return readMask(results[outputName]);
  };

  return { run, release: () => session.release() };
}

/** False only when the graph declares a fixed input shape that differs from ours. */
function acceptsInput(session: InferenceSession): boolean {
  const metadata = session.inputMetadata[0];
  if (!metadata?.isTensor || metadata.shape.length === 0) return true;
  if (metadata.shape.length !== inputShape.length) return false;

  // Symbolic or unknown dimensions (names, -1) accept anything; fixed ones must match.
  return metadata.shape.every(
    (dim, axis) => typeof dim !== 'number' || dim < 0 || dim === inputShape[axis],
  );
}

function readMask(output: Tensor | undefined): Float32Array {
  const expected = modelSide * modelSide;
  if (output?.type !== 'float32' || output.data.length !== expected) {
    throw new Error(`model output is not float32 with ${expected} values`);
  }

  return output.data as Float32Array;
}
