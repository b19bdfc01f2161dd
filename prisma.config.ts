import path from 'node:path';

import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

/**
 * Prisma CLI configuration. The JS schema engine with the pg driver adapter lets
 * `prisma generate` and `prisma migrate deploy` run without downloading native engines.
 */
// The schema's datasource reads DATABASE_URL; commands that never connect (generate, diff)
// still need it set, so a local default stands in.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/poofbg';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(__dirname, 'prisma', 'schema.prisma'),
  migrations: { path: path.join(__dirname, 'prisma', 'migrations') },
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
});
