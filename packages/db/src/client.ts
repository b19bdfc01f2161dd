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
      connectionTimeoutMillis: 5_000,
      // A query that hangs (a lost connection, a locked row) must not hold a request forever.
      query_timeout: 15_000,
    },
    schema ? { schema } : undefined,
  );
  return new PrismaClient({ adapter });
}

/** Resolves when the database answers a trivial query. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.$queryRaw`SELECT 1`;
}
