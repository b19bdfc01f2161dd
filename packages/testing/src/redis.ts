import { uniqueName } from './names';

export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix for BullMQ queues and pub/sub channels that no other test file uses. */
export function uniqueRedisPrefix(): string {
  return uniqueName('poofbg-test');
}
