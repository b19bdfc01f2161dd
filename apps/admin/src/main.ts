#!/usr/bin/env node
import { parseArgs } from 'node:util';

import { ConfigError, parseEnv } from '@poofbg/config';
import { createDatabase } from '@poofbg/db';
import { z } from 'zod';

import { commands, UsageError, type Args } from './commands';

/** The admin CLI reads only the database location. */
export const adminEnvSchema = z.object({ DATABASE_URL: z.string().url() });

function usage(): string {
  const lines = Object.entries(commands).map(
    ([name, command]) => `  ${name} ${command.options.join(' ')}\n      ${command.summary}`,
  );
  return `usage: poofbg-admin <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(usage());
    return name ? 2 : 0;
  }

  const { values } = parseArgs({ args: rest, options: optionSpec(), strict: true });
  const env = parseEnv(adminEnvSchema, process.env);
  const db = createDatabase(env.DATABASE_URL, { poolSize: 2 });
  try {
    const result = await command.run(db, values as Args);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}

function optionSpec() {
  const names = ['name', 'plan', 'account', 'label', 'key-id', 'credits', 'note'];
  return Object.fromEntries(names.map((n) => [n, { type: 'string' as const }]));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof UsageError || error instanceof ConfigError;
    const typeError = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(
      `poofbg-admin: ${known || typeError ? (error as Error).message : String(error)}\n`,
    );
    process.exit(2);
  },
);
