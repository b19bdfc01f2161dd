import { isIP } from 'node:net';

import { isAllowedAddress } from './address-policy';
import { ImageFetchError } from './errors';

/** A URL that passed every check that can be made before connecting. */
export interface FetchTarget {
  url: URL;
  /** Whether the URL's host is an IP literal, which never goes through DNS. */
  isLiteral: boolean;
}

/**
 * Parses and checks one hop's URL: http or https only, no credentials, and an IP literal
 * must be a public address. Host names are checked later, when they resolve. A relative
 * `rawUrl` (a redirect's Location) is resolved against `base`.
 */
export function checkTarget(rawUrl: string | URL, allowLoopback: boolean, base?: URL): FetchTarget {
  const url = parseUrl(rawUrl, base);

  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ImageFetchError('invalid_url', 'Only http and https image URLs are supported.');
  }
  if (url.username !== '' || url.password !== '') {
    throw new ImageFetchError('invalid_url', 'Image URLs must not contain credentials.');
  }

  const address = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const isLiteral = isIP(address) !== 0;
  if (isLiteral && !isAllowedAddress(address, allowLoopback)) throw blockedHost(url.hostname);

  return { url, isLiteral };
}

/** The error for a host whose address is not a public one. */
export function blockedHost(hostname: string): ImageFetchError {
  return new ImageFetchError(
    'blocked_address',
    `The image host ${hostname} is not on the public internet, so it cannot be fetched.`,
  );
}

function parseUrl(rawUrl: string | URL, base: URL | undefined): URL {
  try {
    return new URL(rawUrl, base);
  } catch {
    throw new ImageFetchError('invalid_url', 'The image URL is not a valid absolute URL.');
  }
}
