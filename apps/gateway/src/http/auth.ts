import { ApiError } from '@poofbg/contract';
import { authenticateApiKey } from '@poofbg/db';
import type { NextFunction, Request, Response } from 'express';

import type { GatewayRuntime } from '../runtime';

const bearer = /^Bearer\s+(\S+)\s*$/i;

/** Resolves the `Authorization: Bearer pk_live_…` header to an account, or answers 401. */
export function requireApiKey(runtime: Pick<GatewayRuntime, 'db'>) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const header = req.get('authorization');
    if (!header) throw new ApiError('UNAUTHORIZED', 'Missing API key');

    const match = bearer.exec(header);
    if (!match?.[1]) {
      throw new ApiError('UNAUTHORIZED', 'Authorization header must be "Bearer <API key>"');
    }

    const key = await authenticateApiKey(runtime.db, match[1]);
    if (!key) throw new ApiError('UNAUTHORIZED', 'Invalid API key');

    req.accountId = key.accountId;
    req.log = req.log.child({ accountId: key.accountId });
    next();
  };
}
