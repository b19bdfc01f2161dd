import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { baseDatabaseUrl, createTestDatabase, repoRoot, type TestDatabase } from '@poofbg/testing';

/**
 * Drift check: the tables `prisma/migrations` build must be exactly the tables the current
 * `schema.prisma` describes. Both are built in fresh schemas and their catalogs compared,
 * which needs no shadow database and no native schema engine.
 */
let fromMigrations: TestDatabase;
let fromSchema: TestDatabase;

beforeAll(async () => {
  fromMigrations = await createTestDatabase();
  fromSchema = await createTestDatabase({ migrations: false });
  await fromSchema.query(schemaSql());
});

afterAll(async () => {
  await fromMigrations.drop();
  await fromSchema.drop();
});

test('prisma/migrations matches prisma/schema.prisma', async () => {
  expect(await catalog(fromMigrations)).toEqual(await catalog(fromSchema));
});

function schemaSql(): string {
  const prisma = path.join(repoRoot, 'node_modules', 'prisma', 'build', 'index.js');
  return execFileSync(
    process.execPath,
    [
      prisma,
      'migrate',
      'diff',
      '--from-empty',
      '--to-schema-datamodel',
      'prisma/schema.prisma',
      '--script',
    ],
    { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, DATABASE_URL: baseDatabaseUrl } },
  );
}

async function catalog(db: TestDatabase) {
  const columns = await db.query(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = $1
      ORDER BY table_name, column_name`,
    [db.schema],
  );
  const indexes = await db.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname`,
    [db.schema],
  );
  const constraints = await db.query(
    `SELECT conname, pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE n.nspname = $1 ORDER BY conname`,
    [db.schema],
  );
  const enums = await db.query(
    `SELECT t.typname, e.enumlabel, e.enumsortorder
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
       JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = $1 ORDER BY t.typname, e.enumsortorder`,
    [db.schema],
  );

  const unqualify = (sql: string) =>
    sql.split(`"${db.schema}".`).join('').split(`${db.schema}.`).join('');
  return {
    columns: columns.map((c) => ({
      ...c,
      column_default: unqualify(String((c as { column_default: unknown }).column_default)),
    })),
    indexes: indexes.map((i) => ({ name: i.indexname, definition: unqualify(i.indexdef) })),
    constraints,
    enums,
  };
}
