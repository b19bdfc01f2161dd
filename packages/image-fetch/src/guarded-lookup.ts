import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';

import { isAllowedAddress } from './address-policy';
import type { HostResolver } from './options';
import { blockedHost } from './target';

/**
 * A socket `lookup` that resolves with `resolve` and refuses the host unless every address it
 * resolves to is allowed. The socket connects only to addresses this returns, so the check
 * covers the very address used and a second, different DNS answer cannot slip past it.
 */
export function guardedLookup(resolve: HostResolver, allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolveChecked(resolve, hostname, allowLoopback).then(
      (addresses) => answer(addresses, options, callback),
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

async function resolveChecked(
  resolve: HostResolver,
  hostname: string,
  allowLoopback: boolean,
): Promise<LookupAddress[]> {
  const addresses = await resolve(hostname);

  // A host that also points inside the network is refused as a whole rather than filtered:
  // there is no legitimate reason for a public image host to do that.
  if (addresses.some(({ address }) => !isAllowedAddress(address, allowLoopback))) {
    throw blockedHost(hostname);
  }

  return addresses;
}

function answer(
  addresses: LookupAddress[],
  options: LookupOptions,
  callback: Parameters<LookupFunction>[2],
): void {
  const family = familyNumber(options.family);
  const usable = addresses.filter((entry) => family === 0 || entry.family === family);
  const first = usable[0];

  if (first === undefined) {
    callback(Object.assign(new Error('no usable address'), { code: 'ENOTFOUND' }), '');
  } else if (options.all === true) {
    callback(null, usable);
  } else {
    callback(null, first.address, first.family);
  }
}

function familyNumber(family: LookupOptions['family']): number {
  if (family === 'IPv4') return 4;
  if (family === 'IPv6') return 6;

  return family ?? 0;
}
