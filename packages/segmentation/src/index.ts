export { createSegmenter } from './segmenter';
export { loadModelBytes } from './model-source';
export {
  ImageDecodeError,
  InferenceError,
  ModelLoadError,
  type ExecutionProvider,
  type ModelSource,
  type RemovalResult,
  type Segmenter,
  type SegmenterLogger,
  type SegmenterOptions,
  type StageTimings,
} from './types';

// The pipeline's parts, for benchmarks and tools that time them one by one. The service
// itself goes through createSegmenter.
export { decodeUpright, type UprightImage } from './decode';
export { toModelInput } from './model-input';
export { openModelSession, type ModelSession } from './onnx-session';
export type { ThreadConfig as ModelSessionConfig } from './thread-protocol';
export { widenHalfPrecision } from './widen-half-precision';
