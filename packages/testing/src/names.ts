import { randomBytes } from 'node:crypto';

/** A short name no other test file will pick, for schemas, queue prefixes and folders. */
export function uniqueName(label: string): string {
  return `${label}-${process.pid}-${randomBytes(4).toString('hex')}`;
}
