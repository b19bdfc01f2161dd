/** Where the worker loads the segmentation model from. */
export type ModelSource =
  | { kind: 'file'; path: string }
  /** The IS-Net model shipped in the `@imgly/background-removal-data` npm package. */
  | { kind: 'package'; variant: 'medium' | 'small' };

/** onnxruntime execution providers PoofBG knows how to ask for, in order of preference. */
export type ExecutionProvider = 'cuda' | 'cpu';

/** Tunes how a segmenter loads and runs the model. */
export interface SegmenterOptions {
  model: ModelSource;
  /** Tried in order; the first one that loads is used. */
  executionProviders: ExecutionProvider[];
  /** onnxruntime intra-op threads; 0 lets onnxruntime decide. */
  inferenceThreads: number;
  /** Images with more pixels than this are refused before decoding (decompression bombs). */
  maxInputPixels: number;
  /**
   * On CPU, run an fp16 model (the packaged `medium`) widened to fp32: onnxruntime's CPU
   * provider computes most fp16 nodes in fp32 behind casts anyway, and the widened graph
   * skips them: ~5-10% faster runs, and ~0.45 GB less resident memory (no fp16 copies of
   * activations), for about a second more at load. GPU sessions get the model as stored.
   * @defaultValue true
   */
  widenHalfPrecision?: boolean;
  /**
   * Threads libvips may use for one image operation (decode, resize, encode), for the whole
   * process. 0 means one per core. sharp's own default on glibc Linux is 1.
   * @defaultValue 0
   */
  imageThreads?: number;
}

/** Milliseconds spent in each stage of one removal. */
export interface StageTimings {
  /**
   * Time in no stage: waiting behind other images for the model, and handing data to and
   * from the model's thread. Near 0 when images come one at a time.
   */
  waitMs: number;
  decodeMs: number;
  preprocessMs: number;
  /** The model's own run, timed on its thread. */
  inferenceMs: number;
  postprocessMs: number;
  encodeMs: number;
}

/** What one successful removal produced. */
export interface RemovalResult {
  /** RGBA PNG of the input's upright dimensions; alpha is the subject mask. */
  png: Buffer;
  width: number;
  height: number;
  timings: StageTimings;
}

/** A loaded model, ready to remove backgrounds one image at a time or several at once. */
export interface Segmenter {
  /** The execution provider the model session actually runs on. */
  readonly provider: ExecutionProvider;

  /**
   * Removes the background of an encoded image (JPEG, PNG or WebP). Rejects with
   * `ImageDecodeError` when the bytes are not an image this service can process.
   *
   * Calls may overlap: while the model works on one image, the next is decoded and the
   * previous encoded. Images enter the model in the order they were handed in.
   */
  removeBackground(image: Buffer): Promise<RemovalResult>;

  /** Releases the model session and its thread. */
  close(): Promise<void>;
}

/**
 * The image itself is the problem (corrupt, truncated, too many pixels, unsupported). Jobs
 * that hit this fail for good; retrying cannot help.
 */
export class ImageDecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImageDecodeError';
  }
}

/** The model file is missing, unreadable or not a compatible ONNX graph. */
export class ModelLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelLoadError';
  }
}

/**
 * The inference thread failed or is gone (crashed, ran out of memory, was closed). The image
 * may be fine: a retry on a fresh segmenter can succeed.
 */
export class InferenceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InferenceError';
  }
}

/** The part of a pino logger the segmenter uses: lifecycle facts and degraded providers. */
export interface SegmenterLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}
