import express, { type Express } from 'express';

import { requireApiKey } from './http/auth';
import { errorHandler, notFound } from './http/errors';
import { requestContext } from './http/request-context';
import { accountRouter } from './routes/account';
import { filesRouter } from './routes/files';
import { healthRouter } from './routes/health';
import { jobsRouter } from './routes/jobs';
import { openApiRouter } from './routes/openapi';
import { removeBackgroundRouter } from './routes/remove-background';
import type { GatewayRuntime } from './runtime';

export interface AppOptions {
  trustProxy: number;
  logRequests: boolean;
  publicBaseUrl: string;
}

/** The public HTTP API. Everything it needs comes in through `runtime`. */
export function createApp(runtime: GatewayRuntime, options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  app.set('query parser', 'simple');

  app.use(requestContext(runtime.logger, options.logRequests));
  app.use(healthRouter(runtime));
  app.use(openApiRouter(options.publicBaseUrl));
  if (runtime.localLinkSecret) app.use(filesRouter(runtime, runtime.localLinkSecret));

  // Everything else under /v1 needs a key, so unknown paths are not revealed before auth.
  app.use(
    '/v1',
    requireApiKey(runtime),
    removeBackgroundRouter(runtime),
    jobsRouter(runtime),
    accountRouter(runtime),
  );

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
