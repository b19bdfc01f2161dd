import { constants } from 'node:fs';
import { access, mkdir, readFile, stat, unlink } from 'node:fs/promises';

import { ObjectNotFoundError, type ObjectStorage } from '../types';
import { writeFileAtomic } from './atomic-write';
import { assertValidKey, resolveKey } from './keys';
import { buildLocalLink } from './links';

/** A folder on this machine, for single-machine installs that run without MinIO. */
export interface LocalStorageOptions {
  /** Folder that holds the objects; created on demand. */
  root: string;
  /**
   * Address clients reach the gateway at, e.g. `http://localhost:8080`; signed links point
   * at `<publicBaseUrl>/v1/files/<key>`, which the gateway serves.
   */
  publicBaseUrl: string;
  /** Secret the links are signed with; long and random (32 bytes or more). */
  signingSecret: string;
}

/** Object storage in a local folder. */
export interface LocalStorage extends ObjectStorage {
  /** Creates the root folder if it does not exist yet. */
  ensureRoot(): Promise<void>;
}

/**
 * Object storage in a folder on disk. Each key is a file under `root`; keys that could point
 * outside it are refused with an Error. Writes are atomic. Content types are not kept: the
 * gateway serving links has to infer them. Signed links are checked by `verifyLocalLink`.
 */
export function createLocalStorage(options: LocalStorageOptions): LocalStorage {
  const { root, publicBaseUrl, signingSecret } = options;
  if (!URL.canParse(publicBaseUrl)) throw new Error(`invalid publicBaseUrl: ${publicBaseUrl}`);
  if (!signingSecret) throw new Error('local storage needs a signingSecret');

  return {
    async put(key, body) {
      await writeFileAtomic(resolveKey(root, key), body);
    },

    async get(key) {
      try {
        return await readFile(resolveKey(root, key));
      } catch (error) {
        if (isMissingFile(error)) throw new ObjectNotFoundError(key);
        throw error;
      }
    },

    async delete(key) {
      try {
        await unlink(resolveKey(root, key));
      } catch (error) {
        if (!isMissingFile(error)) throw error;
      }
    },

    async exists(key) {
      try {
        return (await stat(resolveKey(root, key))).isFile();
      } catch (error) {
        if (isMissingFile(error)) return false;
        throw error;
      }
    },

    async signedUrl(key, expiresInSeconds) {
      assertValidKey(key);
      if (!Number.isSafeInteger(expiresInSeconds) || expiresInSeconds < 1) {
        throw new Error(`link lifetime must be a whole number of seconds: ${expiresInSeconds}`);
      }

      const expires = Math.floor(Date.now() / 1000) + expiresInSeconds;
      return buildLocalLink(publicBaseUrl, key, expires, signingSecret);
    },

    async ping() {
      await access(root, constants.R_OK | constants.W_OK);
    },

    async ensureRoot() {
      await mkdir(root, { recursive: true });
    },
  };
}

/** A key with no file, or one that names a folder of other keys rather than an object. */
function isMissingFile(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
}
