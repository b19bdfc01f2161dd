import { createHash, timingSafeEqual } from 'node:crypto';

import type { PlanId } from '@poofbg/contract';

import type { Database } from './client';
import { newApiKeyId, randomBase62 } from './ids';

export const apiKeyPrefix = 'pk_live_';

/** Random characters after `pk_live_`: 40 base62 characters, about 238 bits. */
const secretLength = 40;

/** How many leading characters of the secret are stored in clear to find the row. */
const lookupLength = 12;

const keyPattern = new RegExp(`^${apiKeyPrefix}[0-9A-Za-z]{${secretLength}}$`);

export interface IssuedApiKey {
  id: string;
  /** The full key. It is not stored and cannot be shown again. */
  key: string;
}

export interface AuthenticatedKey {
  keyId: string;
  accountId: string;
  plan: PlanId;
}

/**
 * Keys carry ~238 random bits, so a fast hash is enough: no one can brute-force the
 * preimage, and a slow KDF would only add latency to every request.
 */
function hashSecret(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export async function issueApiKey(
  db: Database,
  accountId: string,
  label?: string,
): Promise<IssuedApiKey> {
  const key = `${apiKeyPrefix}${randomBase62(secretLength)}`;
  const id = newApiKeyId();

  await db.apiKey.create({
    data: {
      id,
      accountId,
      label: label ?? null,
      lookupPrefix: lookupPrefixOf(key),
      secretHash: hashSecret(key).toString('hex'),
    },
  });
  return { id, key };
}

/** Whether `value` has the shape of a PoofBG key, before any database lookup. */
export function isWellFormedApiKey(value: string): boolean {
  return keyPattern.test(value);
}

/** Finds the account of a live key, or null for unknown, malformed and revoked keys. */
export async function authenticateApiKey(
  db: Database,
  key: string,
): Promise<AuthenticatedKey | null> {
  if (!isWellFormedApiKey(key)) return null;

  const row = await db.apiKey.findUnique({
    where: { lookupPrefix: lookupPrefixOf(key) },
    include: { account: { select: { plan: true } } },
  });
  if (!row || row.revokedAt) return null;

  const stored = Buffer.from(row.secretHash, 'hex');
  const given = hashSecret(key);
  if (stored.length !== given.length || !timingSafeEqual(stored, given)) return null;

  return { keyId: row.id, accountId: row.accountId, plan: row.account.plan };
}

/** Revokes a key; returns false when no such key exists. Revoking twice is harmless. */
export async function revokeApiKey(db: Database, keyId: string): Promise<boolean> {
  const result = await db.apiKey.updateMany({
    where: { id: keyId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (result.count > 0) return true;
  return (await db.apiKey.count({ where: { id: keyId } })) > 0;
}

function lookupPrefixOf(key: string): string {
  return key.slice(apiKeyPrefix.length, apiKeyPrefix.length + lookupLength);
}
