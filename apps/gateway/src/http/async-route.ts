import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Express 5 forwards rejected promises to the error handler; this only fixes the types. */
export function route(
  handler: (req: Request, res: Response, next: NextFunction) => Promise<void>,
): RequestHandler {
  return (req, res, next) => handler(req, res, next);
}
