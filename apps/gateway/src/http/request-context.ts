import { randomUUID } from 'node:crypto';

import type { Logger } from '@poofbg/config';
import type { NextFunction, Request, Response } from 'express';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Correlates every log line of one request; echoed as `X-Request-Id`. */
      id: string;
      log: Logger;
      /** Set by the auth middleware on authenticated routes. */
      accountId?: string;
    }
  }
}

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives each request an id (the caller's `X-Request-Id` when it is sane) and a child
 * logger that carries it, and logs the request once when the response is finished.
 */
export function requestContext(logger: Logger, logRequests: boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.get('x-request-id');
    req.id = given && requestIdPattern.test(given) ? given : randomUUID();
    req.log = logger.child({ requestId: req.id });
    res.setHeader('X-Request-Id', req.id);

    const started = performance.now();
    res.on('finish', () => {
      if (!logRequests) return;
      req.log.info(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          accountId: req.accountId,
          durationMs: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    next();
  };
}
