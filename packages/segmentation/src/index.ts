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
