import { existsSync } from 'node:fs';
import path from 'node:path';

import { loadCompose, service, serviceEnv } from './compose';
import { container, containerEnv, overlays, render, repoRoot, workload } from './manifests';

/**
 * The environment variables the manifests and the compose file set for the gateway and the
 * worker, checked against the apps' own configuration schemas (built into apps/<app>/dist):
 * nothing required is missing, nothing set is unknown, and the app accepts the values.
 */

interface ZodLike {
  safeParse(value: unknown): { success: boolean };
}
interface AppConfig {
  schema: { shape: Record<string, ZodLike> };
  load(env: Record<string, string>): unknown;
}

function loadAppConfig(app: 'gateway' | 'worker'): AppConfig {
  const file = path.join(repoRoot, 'apps', app, 'dist', 'config.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`pnpm build\` first`);

  const module = require(file) as Record<string, unknown>;
  const schemaName = `${app}EnvSchema`;
  const loaderName = app === 'gateway' ? 'loadGatewayConfig' : 'loadWorkerConfig';
  const schema = module[schemaName] as AppConfig['schema'] | undefined;
  const load = module[loaderName] as AppConfig['load'] | undefined;
  if (!schema?.shape || !load) {
    throw new Error(`${file} must export ${schemaName} and ${loaderName}`);
  }
  return { schema, load };
}

/** A key is required when the schema refuses it absent (no default, not optional). */
function requiredKeys(config: AppConfig): string[] {
  return Object.entries(config.schema.shape)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([key]) => key);
}

function checkEnv(config: AppConfig, env: Record<string, string>) {
  const known = Object.keys(config.schema.shape);
  const unknown = Object.keys(env).filter((key) => !known.includes(key));
  const missing = requiredKeys(config).filter((key) => env[key] === undefined);
  let rejected: string | null = null;
  try {
    config.load(env);
  } catch (error) {
    rejected = error instanceof Error ? error.message : String(error);
  }
  return { unknown, missing, rejected };
}

const clean = { unknown: [], missing: [], rejected: null };

const apps = [
  { app: 'gateway', deployment: 'poofbg-gateway', container: 'gateway' },
  { app: 'worker', deployment: 'poofbg-worker', container: 'worker' },
] as const;

describe.each(apps)('the $app environment', ({ app, deployment, container: name }) => {
  let config: AppConfig;

  beforeAll(() => {
    config = loadAppConfig(app);
  });

  it('has a schema with at least one required variable to check against', () => {
    expect(requiredKeys(config)).toContain('DATABASE_URL');
  });

  it.each(overlays)('is complete, known and accepted in the %s overlay', (overlay) => {
    const objects = render(`overlays/${overlay}`);
    const env = containerEnv(objects, container(workload(objects, deployment), name));
    expect(checkEnv(config, env)).toEqual(clean);
  });

  it('is complete, known and accepted in the compose file', () => {
    const project = loadCompose();
    const names = app === 'gateway' ? ['gateway'] : ['worker', 'worker-gpu'];
    for (const serviceName of names) {
      const result = checkEnv(config, serviceEnv(service(project, serviceName)));
      expect({ serviceName, ...result }).toEqual({ serviceName, ...clean });
    }
  });
});

describe('the environment check itself', () => {
  it('notices an unknown variable, a missing required one and a bad value', () => {
    const config = loadAppConfig('gateway');
    const result = checkEnv(config, { PORT: 'eighty', NOT_A_SETTING: 'x' });
    expect(result.unknown).toEqual(['NOT_A_SETTING']);
    expect(result.missing).toContain('DATABASE_URL');
    expect(result.rejected).toMatch(/PORT/);
  });
});
