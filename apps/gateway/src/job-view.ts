import { resultUrlTtlSeconds, toJobResponse, type JobResponse } from '@poofbg/contract';
import { findAccount, type JobRow } from '@poofbg/db';
import { plans } from '@poofbg/contract';

import type { GatewayRuntime } from './runtime';

/**
 * Renders a job as the API shows it: the account's balance now, and a fresh signed link
 * to the result when the job is completed.
 */
export async function renderJob(
  runtime: Pick<GatewayRuntime, 'db' | 'storage'>,
  job: JobRow,
): Promise<JobResponse> {
  const [account, resultUrl] = await Promise.all([
    findAccount(runtime.db, job.accountId),
    job.status === 'completed' && job.resultKey
      ? runtime.storage.signedUrl(job.resultKey, resultUrlTtlSeconds)
      : Promise.resolve(null),
  ]);

  const unlimited = account ? plans[account.plan].unlimited : false;
  const creditsRemaining = account && !unlimited ? account.creditBalance : null;
  return toJobResponse(job, creditsRemaining, resultUrl);
}
