export { ObjectNotFoundError, type ObjectStorage } from './types';
export { createStorage, type StorageConfig, type StorageSetup } from './factory';
export { createS3Storage, type S3Storage, type S3StorageOptions } from './s3/s3-storage';
export {
  createLocalStorage,
  type LocalStorage,
  type LocalStorageOptions,
} from './local/local-storage';
export {
  localLinkPath,
  localLinkPrefix,
  verifyLocalLink,
  type LocalLinkCheck,
  type LocalLinkVerdict,
} from './local/links';
