import { ApiError } from '@poofbg/contract';
import { ObjectNotFoundError, localLinkPrefix, verifyLocalLink } from '@poofbg/storage';
import { Router } from 'express';

import { route } from '../http/async-route';
import type { GatewayRuntime } from '../runtime';

/**
 * Serves signed links of the local storage driver. The signature (HMAC over key and expiry)
 * is the only credential, exactly like a presigned S3 link.
 */
export function filesRouter(runtime: GatewayRuntime, secret: string): Router {
  const router = Router();

  router.get(
    `${localLinkPrefix}*key`,
    route(async (req, res) => {
      const key = decodeKey(req.params as Record<string, unknown>);
      const verdict = verifyLocalLink({
        key,
        expires: req.query.expires,
        signature: req.query.signature,
        secret,
      });
      if (!verdict.ok) {
        const message = verdict.reason === 'expired' ? 'This link has expired' : 'Invalid link';
        throw new ApiError('FORBIDDEN', message);
      }

      const body = await runtime.storage.get(key).catch((error: unknown) => {
        if (error instanceof ObjectNotFoundError) throw new ApiError('NOT_FOUND', 'Not found');
        throw error;
      });
      res
        .type(key.endsWith('.png') ? 'image/png' : 'application/octet-stream')
        .set('Cache-Control', 'private, max-age=3600')
        .send(body);
    }),
  );

  return router;
}

/** Express 5 hands a `*key` wildcard over as its decoded path segments. */
function decodeKey(params: Record<string, unknown>): string {
  const segments = params.key;
  return Array.isArray(segments) ? segments.map(String).join('/') : String(segments ?? '');
}
