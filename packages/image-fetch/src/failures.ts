import { ImageFetchError } from './errors';

/** What a failure is turned into a user-facing error with. */
export interface FailureContext {
  /** Host of the hop that failed, as written in its URL. */
  hostname: string;
  /** The whole fetch's deadline; once it has fired, any failure is reported as a timeout. */
  deadline: AbortSignal;
  totalTimeoutMs: number;
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/;

/**
 * Turns whatever a socket, DNS or stream failure threw into an `ImageFetchError` whose message
 * names only the host, keeping the original as `cause`.
 */
export function toFetchError(error: unknown, context: FailureContext): ImageFetchError {
  if (error instanceof ImageFetchError) return error;

  const { hostname } = context;
  if (context.deadline.aborted) {
    const seconds = context.totalTimeoutMs / 1000;
    return timeoutError(`Fetching the image from ${hostname} took longer than ${seconds} s.`);
  }

  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  return new ImageFetchError(...describeCode(code, hostname), { cause: error });
}

/** A timeout error carrying `message`. */
export function timeoutError(message: string): ImageFetchError {
  return new ImageFetchError('timeout', message);
}

function describeCode(code: string, hostname: string): ['timeout' | 'network', string] {
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return ['network', `The image host ${hostname} could not be found.`];
  }
  if (code === 'ECONNREFUSED') {
    return ['network', `The image host ${hostname} refused the connection.`];
  }
  if (code === 'ETIMEDOUT') return ['timeout', `The image host ${hostname} did not respond.`];
  if (TLS_CODE.test(code)) {
    return ['network', `A secure connection to ${hostname} could not be established.`];
  }
  if (code.startsWith('HPE_')) {
    return ['network', `The image host ${hostname} sent an invalid HTTP response.`];
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return ['network', `The connection to ${hostname} was closed before the image arrived.`];
  }

  return ['network', `The image could not be downloaded from ${hostname}.`];
}
