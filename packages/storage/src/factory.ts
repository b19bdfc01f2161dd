import { createLocalStorage, type LocalStorageOptions } from './local/local-storage';
import { createS3Storage, type S3StorageOptions } from './s3/s3-storage';
import type { ObjectStorage } from './types';

/** Which storage to use, as the apps' configuration describes it. */
export type StorageConfig =
  ({ driver: 's3' } & S3StorageOptions) | ({ driver: 'local' } & LocalStorageOptions);

/** A configured storage and the start-up step that prepares it. */
export interface StorageSetup {
  storage: ObjectStorage;
  /** Creates the bucket or root folder if missing; call once at start-up. */
  ensureReady(): Promise<void>;
}

/** Builds the storage `config` names. Nothing touches the backend until it is used. */
export function createStorage(config: StorageConfig): StorageSetup {
  switch (config.driver) {
    case 's3': {
      const storage = createS3Storage(config);
      return { storage, ensureReady: () => storage.ensureBucket() };
    }
    case 'local': {
      const storage = createLocalStorage(config);
      return { storage, ensureReady: () => storage.ensureRoot() };
    }
  }
}
