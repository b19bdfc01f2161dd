import { createHmac, timingSafeEqual } from 'node:crypto';

import { keyProblem } from './keys';

/** Where the gateway serves local-storage links; the key follows, one encoded segment each. */
export const localLinkPrefix = '/v1/files/';

/** The outcome of checking a local-storage link. */
export type LocalLinkVerdict =
  { ok: true } | { ok: false; reason: 'expired' | 'bad_signature' | 'malformed' };

/** What `verifyLocalLink` checks: the parts of a link as the gateway received them. */
export interface LocalLinkCheck {
  /** The object key, already URL-decoded (as routers hand out path parameters). */
  key: string;
  /** The `expires` query value: Unix time in seconds. Anything not a whole number fails. */
  expires: unknown;
  /** The `signature` query value: hex HMAC-SHA256. */
  signature: unknown;
  /** The storage's `signingSecret`. */
  secret: string;
  /** @defaultValue the current time */
  now?: Date;
}

/**
 * The path of a link to `key`, relative to the public base URL: `/v1/files/` followed by the
 * key with each `/`-separated segment percent-encoded, e.g. `/v1/files/results/abc.png`.
 */
export function localLinkPath(key: string): string {
  return localLinkPrefix + key.split('/').map(encodeURIComponent).join('/');
}

/**
 * A full signed link: `<publicBaseUrl>/v1/files/<key>?expires=<unix s>&signature=<hex>`,
 * where the signature is HMAC-SHA256 with `secret` over `<key>\n<expires>`.
 */
export function buildLocalLink(
  publicBaseUrl: string,
  key: string,
  expires: number,
  secret: string,
): string {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const signature = sign(key, String(expires), secret);
  return `${base}${localLinkPath(key)}?expires=${expires}&signature=${signature}`;
}

/**
 * Checks a link made by the local storage's `signedUrl`. Run it before serving `GET
 * /v1/files/*`, then read the object with the storage's `get`. The signature is checked
 * before the expiry, so only a link this server really issued can be reported as expired.
 */
export function verifyLocalLink(check: LocalLinkCheck): LocalLinkVerdict {
  const expires = parseExpires(check.expires);
  const given = typeof check.signature === 'string' ? check.signature.toLowerCase() : '';
  if (keyProblem(check.key) || expires === undefined || !/^[0-9a-f]+$/.test(given)) {
    return { ok: false, reason: 'malformed' };
  }

  const expected = sign(check.key, String(expires), check.secret);
  if (!sameText(given, expected)) return { ok: false, reason: 'bad_signature' };

  const now = check.now ?? new Date();
  if (now.getTime() > expires * 1000) return { ok: false, reason: 'expired' };
  return { ok: true };
}

function sign(key: string, expires: string, secret: string): string {
  return createHmac('sha256', secret).update(`${key}\n${expires}`).digest('hex');
}

function parseExpires(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string' || !/^[0-9]{1,15}$/.test(value)) return undefined;
  return Number(value);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  // timingSafeEqual throws on unequal lengths; the length of a signature is no secret.
  return left.length === right.length && timingSafeEqual(left, right);
}
