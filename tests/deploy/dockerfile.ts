import { readFileSync } from 'node:fs';
import path from 'node:path';

import { repoRoot } from './manifests';

/** Just enough Dockerfile parsing for static checks: stages and their instructions. */

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string | null;
  base: string;
  instructions: Instruction[];
}

export function readDockerfile(relative: string): string {
  return readFileSync(path.join(repoRoot, relative), 'utf8');
}

/** Joins continuation lines and drops comments, then splits into stages at each FROM. */
export function parseStages(text: string): Stage[] {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  const stages: Stage[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const match = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ base: match?.[1] ?? args, name: match?.[2] ?? null, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

export function stage(stages: Stage[], name: string): Stage {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage named ${name}`);
  return found;
}

export function last(s: Stage, keyword: string): string | undefined {
  return s.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
}

/** The JSON-array form of CMD/ENTRYPOINT, e.g. `["node", "dist/main.js"]`. */
export function execForm(args: string | undefined): string[] {
  if (args === undefined) return [];
  return JSON.parse(args) as string[];
}

/** ARG defaults declared before the first FROM, for resolving `FROM ${NAME}`. */
export function globalArgs(text: string): Record<string, string> {
  const head = text.split(/^FROM /m)[0] ?? '';
  const pairs = [...head.matchAll(/^ARG (\w+)=(\S+)/gm)].map((m) => [m[1], m[2]]);
  return Object.fromEntries(pairs) as Record<string, string>;
}
