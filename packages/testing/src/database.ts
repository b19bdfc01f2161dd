import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import { Client } from 'pg';

import { repoRoot } from './paths';
import { uniqueName } from './names';

export interface TestDatabase {
  /** A DATABASE_URL that selects the fresh schema (`?schema=`), as the apps accept it. */
  url: string;
  schema: string;
  /** Runs SQL against the schema, for assertions that look at the rows directly. */
  query<T extends object>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/** The server the tests use; CI and developer machines run PostgreSQL here. */
export const baseDatabaseUrl =
  process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * Creates a fresh schema and applies every migration in `prisma/migrations` to it, in order,
 * so each test file has its own tables and can run beside the others. With
 * `migrations: false` the schema is left empty.
 */
export async function createTestDatabase(
  options: { migrations?: boolean } = {},
): Promise<TestDatabase> {
  const schema = uniqueName('t').replace(/-/g, '_');
  const client = new Client({ connectionString: baseDatabaseUrl });
  await client.connect();

  await client.query(`CREATE SCHEMA "${schema}"`);
  await client.query(`SET search_path TO "${schema}"`);
  if (options.migrations !== false) {
    for (const sql of await readMigrations()) await client.query(sql);
  }

  const url = new URL(baseDatabaseUrl);
  url.searchParams.set('schema', schema);

  return {
    url: url.toString(),
    schema,
    async query<T extends object>(sql: string, params: unknown[] = []) {
      const result = await client.query(sql, params);
      return result.rows as T[];
    },
    async drop() {
      await client.query(`DROP SCHEMA "${schema}" CASCADE`);
      await client.end();
    },
  };
}

async function readMigrations(): Promise<string[]> {
  const dir = path.join(repoRoot, 'prisma', 'migrations');
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

  const scripts = names.map((name) => readFile(path.join(dir, name, 'migration.sql'), 'utf8'));
  // Migrations create their objects unqualified; the leading `CREATE SCHEMA "public"` is a
  // no-op, and everything else lands in the search path's schema.
  return Promise.all(scripts);
}
