import { randomBytes } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Random base62 text from a CSPRNG. Rejection sampling keeps every character equally
 * likely (256 is not a multiple of 62).
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= 248) continue;
      out += alphabet[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export const newJobId = () => `job_${randomBase62(24)}`;
export const newAccountId = () => `acct_${randomBase62(20)}`;
export const newApiKeyId = () => `key_${randomBase62(20)}`;
