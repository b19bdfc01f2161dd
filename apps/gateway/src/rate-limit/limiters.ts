import { planIds, plans, type PlanId } from '@poofbg/contract';
import type { Redis } from '@poofbg/queue';
import { RateLimiterRedis } from 'rate-limiter-flexible';

import { slidingWindowScript } from './sliding-window';

/** The contract's window: limits are requests per 60 seconds, sliding. */
export const windowSeconds = 60;

/**
 * Requests per minute allowed from one client address without a valid key. Low enough
 * that guessing keys is hopeless, high enough for a person fixing a typo.
 */
export const anonymousRequestsPerMinute = 20;

export interface RateLimiters {
  plan(plan: PlanId): RateLimiterRedis;
  anonymous: RateLimiterRedis;
}

/**
 * One limiter per plan over the same keys, so an account that changes plan keeps its
 * recent requests on record. All replicas share the counts through Redis.
 */
export function createRateLimiters(redis: Redis, prefix: string): RateLimiters {
  const make = (points: number, keyPrefix: string) =>
    new RateLimiterRedis({
      storeClient: redis,
      points,
      duration: windowSeconds,
      keyPrefix,
      customIncrTtlLuaScript: slidingWindowScript,
      // With Redis away, refuse at once (the gateway answers 503) rather than queue.
      rejectIfRedisNotReady: true,
    });

  const byPlan = Object.fromEntries(
    planIds.map((id) => [id, make(plans[id].requestsPerMinute, `${prefix}:rate:account`)]),
  ) as Record<PlanId, RateLimiterRedis>;

  return {
    plan: (plan) => byPlan[plan],
    anonymous: make(anonymousRequestsPerMinute, `${prefix}:rate:address`),
  };
}
