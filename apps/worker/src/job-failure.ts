/**
 * The job cannot succeed, whatever is retried: the image is undecodable, the URL refused,
 * the upload gone. Its message is shown to the API user as the job's `error`.
 */
export class JobRejectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JobRejectedError';
  }
}
