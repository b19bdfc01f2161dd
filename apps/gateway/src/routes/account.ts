import { ApiError, plans } from '@poofbg/contract';
import { findAccount } from '@poofbg/db';
import { Router } from 'express';

import { route } from '../http/async-route';
import type { GatewayRuntime } from '../runtime';

export function accountRouter(runtime: GatewayRuntime): Router {
  const router = Router();

  router.get(
    '/account',
    route(async (req, res) => {
      const account = await findAccount(runtime.db, req.accountId!);
      if (!account) throw new ApiError('UNAUTHORIZED', 'Invalid API key');

      const terms = plans[account.plan];
      res.json({
        plan: account.plan,
        credits_remaining: terms.unlimited ? null : account.creditBalance,
        credits_monthly_quota: terms.monthlyCredits,
        rate_limit: { requests_per_minute: terms.requestsPerMinute },
      });
    }),
  );

  return router;
}
