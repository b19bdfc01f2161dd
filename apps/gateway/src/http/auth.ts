import { ApiError } from '@poofbg/contract';
import { authenticateApiKey } from '@poofbg/db';
import type { NextFunction, Request, Response } from 'express';

import { consumeRequest } from '../rate-limit/middleware';
import type { GatewayRuntime } from '../runtime';

const bearer = /^Bearer\s+(\S+)\s*$/i;

/**
 * Resolves `Authorization: Bearer pk_live_…` to an account and counts the request against
 * the account's plan limit. A request without a valid key is counted against its client
 * address instead, so guessing keys is slow, and then answered 401.
 */
export function requireApiKey(runtime: Pick<GatewayRuntime, 'db' | 'rateLimiters'>) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.get('authorization');
    const match = header ? bearer.exec(header) : null;
    const key = match?.[1] ? await authenticateApiKey(runtime.db, match[1]) : null;

    if (!key) {
      await consumeRequest(runtime.rateLimiters.anonymous, req.ip ?? 'unknown', res);
      throw unauthorized(header, match);
    }

    req.accountId = key.accountId;
    req.log = req.log.child({ accountId: key.accountId });
    await consumeRequest(runtime.rateLimiters.plan(key.plan), key.accountId, res);
    next();
  };
}

function unauthorized(header: string | undefined, match: RegExpExecArray | null): ApiError {
  if (!header) return new ApiError('UNAUTHORIZED', 'Missing API key');
  if (!match) {
    return new ApiError('UNAUTHORIZED', 'Authorization header must be "Bearer <API key>"');
  }
  return new ApiError('UNAUTHORIZED', 'Invalid API key');
}
