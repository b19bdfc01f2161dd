/** Why a fetch was refused or failed; stable, so callers can branch on it. */
export type ImageFetchFailure =
  | 'invalid_url'
  | 'blocked_address'
  | 'too_many_redirects'
  | 'timeout'
  | 'too_large'
  | 'http_status'
  | 'network';

/**
 * The only error `fetchImage` rejects with. `message` is written for the API user who supplied
 * the URL and never carries internal details; the underlying error, if any, is kept as `cause`
 * for operators' logs.
 */
export class ImageFetchError extends Error {
  override readonly name = 'ImageFetchError';

  constructor(
    readonly reason: ImageFetchFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
