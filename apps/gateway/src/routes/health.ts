import { pingDatabase } from '@poofbg/db';
import { Router } from 'express';

import type { GatewayRuntime } from '../runtime';

const checkTimeoutMs = 2_000;

/**
 * `/healthz`: the process is alive. `/readyz`: PostgreSQL, Redis and storage all answer,
 * each within two seconds; the body names the ones that did not.
 */
export function healthRouter(runtime: GatewayRuntime): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const checks = {
      database: () => pingDatabase(runtime.db),
      redis: () => runtime.redis.ping(),
      storage: () => runtime.storage.ping(),
    };
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => [name, await passes(check)] as const),
    );

    const failing = results.filter(([, ok]) => !ok).map(([name]) => name);
    res.status(failing.length === 0 ? 200 : 503).json({
      status: failing.length === 0 ? 'ready' : 'unavailable',
      checks: Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'ok' : 'failing'])),
    });
  });

  return router;
}

async function passes(check: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), checkTimeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
