import { ApiError } from '@poofbg/contract';
import type { Response } from 'express';
import { RateLimiterRes, type RateLimiterRedis } from 'rate-limiter-flexible';

/**
 * Counts one request against `key` and sets the rate-limit headers. Throws RATE_LIMITED
 * (with `Retry-After`) when the window is full, and SERVICE_UNAVAILABLE when Redis cannot
 * be asked: without a count, letting the request through would make the limit a lie.
 */
export async function consumeRequest(
  limiter: RateLimiterRedis,
  key: string,
  res: Response,
): Promise<void> {
  res.setHeader('X-RateLimit-Limit', String(limiter.points));

  let outcome: RateLimiterRes;
  try {
    outcome = await limiter.consume(key, 1);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) {
      throw new ApiError('SERVICE_UNAVAILABLE', 'Rate limiting is unavailable; please retry');
    }
    res.setHeader('X-RateLimit-Remaining', '0');
    const retryAfter = String(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
    throw new ApiError('RATE_LIMITED', 'Too many requests, slow down', {
      'Retry-After': retryAfter,
    });
  }
  res.setHeader('X-RateLimit-Remaining', String(outcome.remainingPoints));
}
