import { queueDepth } from '@poofbg/queue';
import express, { type Express } from 'express';

import type { GatewayRuntime } from './runtime';

/**
 * The internal listener: the queue depth the autoscaler reads. It is served on its own port
 * so that the public listener (and the Ingress) never exposes it.
 */
export function createInternalServer(runtime: GatewayRuntime): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/internal/queue-depth', async (_req, res) => {
    try {
      res.json(await queueDepth(runtime.queue));
    } catch (err) {
      runtime.logger.warn({ err }, 'queue depth unavailable');
      res
        .status(503)
        .json({ error: { message: 'Queue unavailable', code: 'SERVICE_UNAVAILABLE' } });
    }
  });

  return app;
}
