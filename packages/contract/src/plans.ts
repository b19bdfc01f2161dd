/** The plans of the pricing table. */
export const planIds = ['free', 'payg', 'lite', 'pro', 'enterprise'] as const;

export type PlanId = (typeof planIds)[number];

export interface PlanTerms {
  /** Requests per minute over a sliding 60 s window. */
  requestsPerMinute: number;
  /** Credits granted each month, or null when the plan has no monthly quota. */
  monthlyCredits: number | null;
  /** Credits granted once when the account is created on this plan. */
  initialCredits: number;
  /** Whether removals draw on the credit balance at all. */
  unlimited: boolean;
}

export const plans: Record<PlanId, PlanTerms> = {
  free: { requestsPerMinute: 10, monthlyCredits: null, initialCredits: 3, unlimited: false },
  payg: { requestsPerMinute: 30, monthlyCredits: null, initialCredits: 0, unlimited: false },
  lite: { requestsPerMinute: 60, monthlyCredits: 100, initialCredits: 100, unlimited: false },
  pro: { requestsPerMinute: 120, monthlyCredits: 500, initialCredits: 500, unlimited: false },
  enterprise: { requestsPerMinute: 300, monthlyCredits: null, initialCredits: 0, unlimited: true },
};

export function isPlanId(value: string): value is PlanId {
  return (planIds as readonly string[]).includes(value);
}
