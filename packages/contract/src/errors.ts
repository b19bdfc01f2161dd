/**
 * Machine-readable error codes. The first eight are the API contract's; the last two cover
 * failures of the service itself, which the contract leaves to HTTP convention.
 */
export const errorStatus = {
  UNAUTHORIZED: 401,
  INSUFFICIENT_CREDITS: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  INVALID_REQUEST: 400,
  INVALID_IMAGE_TYPE: 400,
  FILE_TOO_LARGE: 400,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export const errorCodes = Object.keys(errorStatus) as ErrorCode[];

/** The body of every error response. */
export interface ErrorBody {
  error: { message: string; code: ErrorCode };
}

/**
 * An error a client caused or should know about. Thrown anywhere in the gateway and turned
 * into `{ error: { message, code } }` with the code's status by one middleware.
 */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra response headers, e.g. `Retry-After` on 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = errorStatus[code];
  }

  toBody(): ErrorBody {
    return { error: { message: this.message, code: this.code } };
  }
}
