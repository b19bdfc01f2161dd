import { createDatabase, type Database } from '@poofbg/db';

import { createTestDatabase, type TestDatabase } from './database';

/** A fresh migrated schema with a Prisma client on it, for tests of the data layer. */
export async function openTestDatabase(): Promise<{
  database: TestDatabase;
  db: Database;
  close(): Promise<void>;
}> {
  const database = await createTestDatabase();
  const db = createDatabase(database.url, { poolSize: 8 });
  return {
    database,
    db,
    async close() {
      await db.$disconnect();
      await database.drop();
    },
  };
}
