import { z } from 'zod';

import { errorCodes } from './errors';
import { planIds } from './plans';

export const errorBodySchema = z
  .object({
    error: z.object({
      message: z.string(),
      code: z.enum(errorCodes),
    }),
  })
  .strict()
  .meta({ id: 'Error' });

export const accountResponseSchema = z
  .object({
    plan: z.enum(planIds),
    credits_remaining: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'Credits left; null on Enterprise, which is unlimited.' }),
    credits_monthly_quota: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'Credits granted each month; null for plans without a quota.' }),
    rate_limit: z.object({ requests_per_minute: z.number().int() }),
  })
  .strict()
  .meta({ id: 'Account' });

export type AccountResponse = z.infer<typeof accountResponseSchema>;

export const healthResponseSchema = z.object({
  status: z.string(),
  checks: z.record(z.string(), z.enum(['ok', 'failing'])).optional(),
});
