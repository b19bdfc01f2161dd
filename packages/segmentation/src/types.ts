/** Where the worker loads the segmentation model from. */
export type ModelSource =
  | { kind: 'file'; path: string }
  /** The IS-Net model shipped in the `@imgly/background-removal-data` npm package. */
  | { kind: 'package'; variant: 'medium' | 'small' };

/** onnxruntime execution providers PoofBG knows how to ask for, in order of preference. */
export type ExecutionProvider = 'cuda' | 'cpu';

export interface SegmenterOptions {
  model: ModelSource;
  /** Tried in order; the first one that loads is used. */
  executionProviders: ExecutionProvider[];
  /** onnxruntime intra-op threads; 0 lets onnxruntime decide. */
  inferenceThreads: number;
  /** Images with more pixels than this are refused before decoding (decompression bombs). */
  maxInputPixels: number;
}

/** Milliseconds spent in each stage of one removal. */
export interface StageTimings {
  decodeMs: number;
  preprocessMs: number;
  inferenceMs: number;
  postprocessMs: number;
  encodeMs: number;
}

export interface RemovalResult {
  /** RGBA PNG of the input's upright dimensions; alpha is the subject mask. */
  png: Buffer;
  width: number;
  height: number;
  timings: StageTimings;
}

export interface Segmenter {
  /** The execution provider the model session actually runs on. */
  readonly provider: ExecutionProvider;

  /**
   * Removes the background of an encoded image (JPEG, PNG or WebP). Rejects with
   * `ImageDecodeError` when the bytes are not an image this service can process.
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
