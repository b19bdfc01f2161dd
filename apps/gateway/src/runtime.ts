import type { Logger } from '@poofbg/config';
import type { Database } from '@poofbg/db';
import type { OutcomeWaiter, Redis, RemovalQueue } from '@poofbg/queue';
import type { ObjectStorage } from '@poofbg/storage';

import type { RateLimiters } from './rate-limit/limiters';

/** Everything the HTTP handlers need, built once at start-up and passed in. */
export interface GatewayRuntime {
  logger: Logger;
  db: Database;
  /** Fails fast when Redis is away; used for enqueueing and rate limits. */
  redis: Redis;
  queue: RemovalQueue;
  queuePrefix: string;
  storage: ObjectStorage;
  waiter: OutcomeWaiter;
  rateLimiters: RateLimiters;
  /** Set only for the local storage driver: the secret that signs its links. */
  localLinkSecret: string | undefined;
  /** How long a removal request waits for its outcome, in milliseconds. */
  resultWaitMs: number;
}
