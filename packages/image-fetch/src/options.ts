import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';

/** Resolves a host name to every address it has, like `dns.promises.lookup` with `all`. */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

/** Limits for one `fetchImage` call. Every field is optional. */
export interface ImageFetchOptions {
  /**
   * Largest body accepted, in bytes; a longer body is cut off while it streams in.
   * @defaultValue 10 MiB (10 * 1024 * 1024)
   */
  maxBytes?: number;
  /**
   * Redirects followed before giving up; 0 refuses any redirect.
   * @defaultValue 3
   */
  maxRedirects?: number;
  /**
   * Milliseconds allowed per hop for DNS, TCP connect and TLS handshake together.
   * @defaultValue 5000
   */
  connectTimeoutMs?: number;
  /**
   * Milliseconds for the whole fetch: every redirect hop and the full body.
   * @defaultValue 20000
   */
  totalTimeoutMs?: number;
  /**
   * TEST ONLY: also allow loopback addresses (127.0.0.0/8 and ::1) so tests can use a local
   * HTTP server. Nothing else is unlocked. Never set this in production.
   * @defaultValue false
   */
  allowLoopback?: boolean;
  /**
   * Resolves host names; tests inject one to simulate DNS answers. Its answers are checked
   * like any other.
   * @defaultValue `dns.promises.lookup` with `all: true`
   */
  lookup?: HostResolver;
}

/** `ImageFetchOptions` with every default filled in. */
export type FetchSettings = Required<ImageFetchOptions>;

const resolveWithSystemDns: HostResolver = (hostname) =>
  dnsLookup(hostname, { all: true, verbatim: true });

/** Fills in the documented defaults. */
export function withDefaults(options: ImageFetchOptions = {}): FetchSettings {
  return {
    maxBytes: options.maxBytes ?? 10 * 1024 * 1024,
    maxRedirects: options.maxRedirects ?? 3,
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
    totalTimeoutMs: options.totalTimeoutMs ?? 20_000,
    allowLoopback: options.allowLoopback ?? false,
    lookup: options.lookup ?? resolveWithSystemDns,
  };
}
