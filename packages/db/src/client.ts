import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from './generated/prisma/client';

export type Database = PrismaClient;

/**
 * Opens a Prisma client on PostgreSQL through the pg driver adapter. A `schema` query
 * parameter in the URL (Prisma's convention) selects a schema other than `public`; the
 * connection's search path follows it so raw SQL sees the same tables.
 */
export function createDatabase(databaseUrl: string, options: { poolSize?: number } = {}): Database {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  if (schema) url.searchParams.set('options', `-c search_path="${schema}"`);

  const adapter = new PrismaPg(
    {
      connectionString: url.toString(),
      max: options.poolSize ?? 10,
      // Also how long a query may wait for a free pooled connection under a burst.
      connectionTimeoutMillis: 10_000,
      // A query that hangs (a lost connection, a locked row) must not hold a request forever.
      query_timeout: 15_000,
    },
    schema ? { schema } : undefined,
  );
  return new PrismaClient({
    adapter,
    // Under a burst, requests queue for a pooled connection; the default 2 s wait turned
    // a busy moment into errors. A transaction still never holds a connection for long.
    transactionOptions: { maxWait: 10_000, timeout: 15_000 },
  });
}

/** Resolves when the database answers a trivial query. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.$queryRaw`SELECT 1`;
}

/**
 * Prisma error codes that mean the database could not be reached or could not serve the
 * request in time, as opposed to a problem with the request itself.
 */
const unavailableCodes = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);

/** Whether `error` says the database is away or overloaded, so a retry later may succeed. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, name, cause } = (error ?? {}) as {
    code?: unknown;
    name?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string' && unavailableCodes.has(code)) return true;
  if (name === 'DriverAdapterError') return isConnectionFailure(cause);
  return isConnectionFailure(error);
}

/** Socket errors, and PostgreSQL's "admin shutdown" and "cannot connect now". */
const connectionFailureCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  '57P01',
  '57P03',
]);

function isConnectionFailure(error: unknown): boolean {
  const { code, kind, message } = (error ?? {}) as {
    code?: unknown;
    kind?: unknown;
    message?: unknown;
  };
  if (kind === 'DatabaseNotReachable' || kind === 'SocketTimeout') return true;
  if (typeof code === 'string' && connectionFailureCodes.has(code)) return true;
  // pg's own words for a lost connection and for a pool with no connection free in time.
  return (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(
      message,
    )
  );
}
