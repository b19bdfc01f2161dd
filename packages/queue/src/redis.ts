import IORedis, { type Redis, type RedisOptions } from 'ioredis';

export type { Redis } from 'ioredis';

/**
 * A connection for commands that must fail fast when Redis is away (the gateway's enqueue,
 * rate limits, readiness checks): no offline queue, one retry per request, short connect
 * timeout, and a command timeout, because a Redis that is unreachable without closing the
 * connection (a network partition) would otherwise leave every command waiting for good.
 */
export function createCommandConnection(url: string, options: RedisOptions = {}): Redis {
  return new IORedis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    commandTimeout: 3_000,
    lazyConnect: false,
    ...options,
  });
}

/**
 * A connection for blocking consumers (BullMQ workers, pub/sub subscribers): it retries
 * forever and queues commands while reconnecting, as BullMQ requires.
 */
export function createBlockingConnection(url: string, options: RedisOptions = {}): Redis {
  return new IORedis(url, {
    maxRetriesPerRequest: null,
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    ...options,
  });
}
