import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parse } from 'yaml';

import { repoRoot } from './manifests';

/** Reading infra/docker-compose.yml the way Compose does (YAML merge keys included). */

export const composeFile = path.join(repoRoot, 'infra', 'docker-compose.yml');

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string };
  command?: string[];
  entrypoint?: string[];
  working_dir?: string;
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  deploy?: {
    resources?: {
      reservations?: { devices?: { driver?: string; count?: number; capabilities?: string[] }[] };
    };
  };
}

export interface ComposeProject {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function loadCompose(): ComposeProject {
  return parse(readFileSync(composeFile, 'utf8'), { merge: true }) as ComposeProject;
}

export function service(project: ComposeProject, name: string): ComposeService {
  const found = project.services[name];
  if (!found) throw new Error(`infra/docker-compose.yml has no service ${name}`);
  return found;
}

/** A service's environment as the container sees it: every value a string. */
export function serviceEnv(s: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(s.environment ?? {}).map(([key, value]) => [key, String(value ?? '')]),
  );
}

/** `75s`, `1m30s`, `2m` in seconds. */
export function durationSeconds(value: string): number {
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (!match || (!match[1] && !match[2])) throw new Error(`not a Compose duration: ${value}`);
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}
