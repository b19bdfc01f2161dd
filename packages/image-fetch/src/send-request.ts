import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

import { toFetchError, timeoutError, type FailureContext } from './failures';
import { guardedLookup } from './guarded-lookup';
import type { FetchSettings } from './options';
import type { FetchTarget } from './target';

// The URL path only takes JPEG and PNG, so say so to servers that negotiate formats.
const ACCEPT = 'image/jpeg, image/png;q=0.9, */*;q=0.1';

/**
 * Sends one GET for `target` and resolves with the response head; the body is left unread.
 * Rejects only with `ImageFetchError`. The socket is never pooled, so destroying the response
 * closes the connection.
 */
export function sendRequest(
  target: FetchTarget,
  settings: FetchSettings,
  deadline: AbortSignal,
): Promise<IncomingMessage> {
  const context: FailureContext = {
    hostname: target.url.hostname,
    deadline,
    totalTimeoutMs: settings.totalTimeoutMs,
  };

  return new Promise((resolve, reject) => {
    const request = openRequest(target, settings, deadline);
    const connectTimer = setTimeout(() => {
      const message = `Connecting to the image host ${context.hostname} timed out.`;
      request.destroy(timeoutError(message));
    }, settings.connectTimeoutMs);

    request.once('socket', (socket) => {
      socket.once(target.url.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
        clearTimeout(connectTimer);
      });
    });
    request.once('response', (response) => {
      clearTimeout(connectTimer);
      resolve(response);
    });
    // `on`, not `once`: a request can fail again after its response arrived, and an error
    // without a listener would crash the worker. The body reader reports those.
    request.on('error', (error) => {
      clearTimeout(connectTimer);
      reject(toFetchError(error, context));
    });

    request.end();
  });
}

function openRequest(
  target: FetchTarget,
  settings: FetchSettings,
  deadline: AbortSignal,
): http.ClientRequest {
  const transport = target.url.protocol === 'https:' ? https : http;

  return transport.request(target.url, {
    method: 'GET',
    headers: { accept: ACCEPT, 'user-agent': 'PoofBG-image-fetch' },
    agent: false,
    signal: deadline,
    // Literals were checked already and some Node versions skip `lookup` for them anyway.
    lookup: target.isLiteral ? undefined : guardedLookup(settings.lookup, settings.allowLoopback),
  });
}
