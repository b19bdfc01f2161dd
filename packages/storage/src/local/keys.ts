import path from 'node:path';

/**
 * Why `key` cannot name a file under the storage root, or `undefined` when it can. Keys are
 * `/`-separated relative paths such as `results/<jobId>.png`; anything that could climb out
 * of the root or mean something else to the file system is refused.
 */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'is empty';
  if (key.startsWith('/')) return 'is absolute';
  if (key.includes('\\')) return 'contains a backslash';
  if (hasControlCharacter(key)) return 'contains a control character';

  const segments = key.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return 'has an empty, "." or ".." segment';
  }
  return undefined;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Throws an Error naming the problem when `keyProblem` refuses `key`. */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw new Error(`invalid storage key (${problem}): ${JSON.stringify(key)}`);
}

/** The file that holds `key` under `root`; throws for keys that `keyProblem` refuses. */
export function resolveKey(root: string, key: string): string {
  assertValidKey(key);

  const base = path.resolve(root);
  const file = path.resolve(base, ...key.split('/'));
  const relative = path.relative(base, file);
  // The checks above already rule this out; this guards against a future gap in them.
  if (!relative || relative === '..' || relative.startsWith(`..${path.sep}`)) {
    throw new Error(`invalid storage key (leaves the root): ${JSON.stringify(key)}`);
  }
  return file;
}
