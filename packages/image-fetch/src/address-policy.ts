import { isIP } from 'node:net';

import ipaddr from 'ipaddr.js';

// IPv6 ranges whose last 32 bits are the IPv4 address that traffic ends up at.
const TRAILING_IPV4_RANGES = new Set<string>(['ipv4Mapped', 'rfc6145']);

// The well-known NAT64 prefix 64:ff9b::/96 embeds the IPv4 in its last 32 bits; the
// local-use prefix 64:ff9b:1::/48 may embed it elsewhere, so it is refused outright.
const WELL_KNOWN_NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

// Everything outside 2000::/3 is unassigned or special-purpose, never a public host.
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * Whether a connection to `address` may be made on behalf of a user-supplied URL: only public
 * unicast addresses pass. IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64, 6to4,
 * Teredo) are judged by that IPv4 address. `allowLoopback` lets 127.0.0.0/8 and ::1 through,
 * for tests only; an IPv4 loopback embedded in IPv6 stays refused even then.
 */
export function isAllowedAddress(address: string, allowLoopback = false): boolean {
  if (isIP(address) === 0) return false;

  const parsed = ipaddr.parse(address);
  if (allowLoopback && parsed.range() === 'loopback') return true;

  return parsed instanceof ipaddr.IPv4 ? isPublicV4(parsed) : isPublicV6(parsed);
}

function isPublicV4(address: ipaddr.IPv4): boolean {
  return address.range() === 'unicast';
}

function isPublicV6(address: ipaddr.IPv6): boolean {
  const embedded = embeddedIPv4(address);
  if (embedded !== undefined) return embedded !== null && isPublicV4(embedded);

  return address.range() === 'unicast' && address.match(GLOBAL_UNICAST_V6);
}

/**
 * The IPv4 address an IPv6 address stands for: `undefined` when it embeds none, `null` when it
 * is a translation form whose IPv4 cannot be known (and so cannot be trusted).
 */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | null | undefined {
  const range = address.range();
  const bytes = address.toByteArray();

  if (TRAILING_IPV4_RANGES.has(range)) return new ipaddr.IPv4(bytes.slice(12, 16));
  if (range === 'rfc6052') {
    return address.match(WELL_KNOWN_NAT64) ? new ipaddr.IPv4(bytes.slice(12, 16)) : null;
  }
  if (range === '6to4') return new ipaddr.IPv4(bytes.slice(2, 6));

  // Teredo stores the client's IPv4 address with every bit inverted.
  if (range === 'teredo') {
    return new ipaddr.IPv4(bytes.slice(12, 16).map((byte) => byte ^ 0xff));
  }

  return undefined;
}
