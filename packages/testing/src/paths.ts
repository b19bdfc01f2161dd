import { existsSync } from 'node:fs';
import path from 'node:path';

function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'pnpm-workspace.yaml'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${start}`);
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRepoRoot(__dirname);

/** The shared real photos: `car-1.jpg`, `cloth-1.jpg`, and `plants-1.jpg` (a PNG). */
export const fixturesDir = path.resolve(repoRoot, '..', 'shared', 'fixtures', 'images');

export const fixturePhotos = ['car-1.jpg', 'cloth-1.jpg', 'plants-1.jpg'] as const;

export function fixturePath(name: string): string {
  return path.join(fixturesDir, name);
}
