import type { IncomingMessage } from 'node:http';

import { ImageFetchError } from './errors';
import { withDefaults, type FetchSettings, type ImageFetchOptions } from './options';
import { readBody } from './read-body';
import { sendRequest } from './send-request';
import { checkTarget, type FetchTarget } from './target';

/** A downloaded body, not yet known to be an image: check it with `sniffImageType`. */
export interface FetchedImage {
  body: Buffer;
  /** The Content-Type the server claimed; informational only, never trust it. */
  contentType: string | null;
  /** The URL the body came from, after redirects. */
  finalUrl: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Downloads a user-supplied URL without letting it reach anything but the public internet.
 * Every hop, redirects included, must be http or https without credentials, and may connect
 * only to public unicast addresses, checked on the exact address the socket uses. Any port is
 * allowed. The body is limited while it streams and the whole fetch runs under one deadline.
 *
 * @throws ImageFetchError for every failure; its `message` can be shown to the API user.
 */
export async function fetchImage(
  url: string | URL,
  options?: ImageFetchOptions,
): Promise<FetchedImage> {
  const settings = withDefaults(options);
  const deadline = AbortSignal.timeout(settings.totalTimeoutMs);

  let target = checkTarget(url, settings.allowLoopback);
  for (let redirects = 0; ; redirects += 1) {
    const response = await sendRequest(target, settings, deadline);
    const location = redirectLocation(response);
    if (location === null) return receive(response, target, settings, deadline);

    response.destroy();
    if (redirects >= settings.maxRedirects) throw tooManyRedirects(settings.maxRedirects);
    target = checkTarget(location, settings.allowLoopback, target.url);
  }
}

function redirectLocation(response: IncomingMessage): string | null {
  const location = response.headers.location;
  const isRedirect = REDIRECT_STATUSES.has(response.statusCode ?? 0);

  return isRedirect && location !== undefined ? location : null;
}

async function receive(
  response: IncomingMessage,
  target: FetchTarget,
  settings: FetchSettings,
  deadline: AbortSignal,
): Promise<FetchedImage> {
  const hostname = target.url.hostname;
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 299) {
    response.destroy();
    throw new ImageFetchError(
      'http_status',
      `Downloading the image from ${hostname} failed with HTTP status ${status}.`,
    );
  }

  const context = { hostname, deadline, totalTimeoutMs: settings.totalTimeoutMs };
  const body = await readBody(response, settings.maxBytes, context);

  return {
    body,
    contentType: response.headers['content-type'] ?? null,
    finalUrl: target.url.href,
  };
}

function tooManyRedirects(maxRedirects: number): ImageFetchError {
  return new ImageFetchError(
    'too_many_redirects',
    `The image URL redirected more than ${maxRedirects} times.`,
  );
}
