import { z } from 'zod';

/** Thrown when the environment does not satisfy an app's configuration schema. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates `env` against a schema whose keys are environment variable names, and returns the
 * typed result. Every bad or missing variable is named in the error, so an operator can fix
 * them all in one go.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const present = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, blankToUndefined(env[key])]),
  );
  const result = schema.safeParse(present);
  if (result.success) return result.data;

  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const value = present[String(issue.path[0])];
    return value === undefined
      ? `${name} is required: ${issue.message}`
      : `${name}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** An integer variable with bounds, e.g. `intVar(1, 64).default(4)`. */
export function intVar(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max);
}

/** `true`/`false`/`1`/`0`/`yes`/`no`, case-insensitive. */
export function boolVar() {
  return z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'TRUE', 'FALSE', 'True', 'False'])
    .transform((v) => ['true', '1', 'yes'].includes(v.toLowerCase()));
}

/** A comma-separated list, trimmed, empty items dropped. */
export function listVar<T extends z.ZodType<unknown, string>>(item: T) {
  return z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .pipe(z.array(item).min(1));
}

export const logLevelVar = () =>
  z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
