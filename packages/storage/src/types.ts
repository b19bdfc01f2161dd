/**
 * Where PoofBG keeps uploaded images and result PNGs. Only the adapters in this package talk
 * to a storage backend; everything else uses this interface.
 */
export interface ObjectStorage {
  /** Stores `body` under `key`, replacing any object already there. */
  put(key: string, body: Buffer, contentType: string): Promise<void>;

  /** Reads a whole object. Rejects with `ObjectNotFoundError` when the key does not exist. */
  get(key: string): Promise<Buffer>;

  /** Deletes an object; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;

  /** Whether an object exists under `key`. */
  exists(key: string): Promise<boolean>;

  /**
   * A link that lets anyone holding it download the object for `expiresInSeconds`, made for
   * the address clients reach (never an internal host name).
   */
  signedUrl(key: string, expiresInSeconds: number): Promise<string>;

  /** Resolves when the backend answers; used by readiness checks. */
  ping(): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`object not found: ${key}`);
    this.name = 'ObjectNotFoundError';
  }
}
