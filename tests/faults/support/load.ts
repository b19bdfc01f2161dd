import type { PlanId } from '@poofbg/contract';
import { grantCredits } from '@poofbg/db';

import type { LoadFigures } from './report';
import type { FaultScenario } from './scenario';
import { sleep, type Client } from './traffic';

/** Who sends the load: accounts on each plan and how many clients share each account. */
export interface AccountMix {
  plan: PlanId;
  accounts: number;
  clientsPerAccount: number;
  /** Credits granted on top of the plan's (Pay-as-you-go starts with none). */
  grant?: number;
  /** Clients that only poll `GET /v1/account` twice a second, far past their plan's limit. */
  pollers?: number;
}

export interface LoadPlan {
  model: string;
  durationMs: number;
  mix: AccountMix[];
  images: Buffer[];
  /** Gateways to spread clients over. */
  urls: string[];
}

/**
 * Runs a closed-loop load for `durationMs`: each client submits an image, waits for its
 * outcome (polling after a 202, as a patient client does), and submits the next; it backs off
 * on 429 and 503 and stops once its account is out of credits. Clients then finish what they
 * have in flight. Memory is read a quarter of the way in, after warm-up. Returns throughput,
 * latency percentiles and answers by code.
 */
export async function runLoad(scenario: FaultScenario, plan: LoadPlan): Promise<LoadFigures> {
  const clients = await createClients(scenario, plan.mix);
  const latencies: number[] = [];
  const started = Date.now();
  const deadline = started + plan.durationMs;
  const warm = setTimeout(() => scenario.markMemoryWarm(), plan.durationMs / 4);

  await Promise.all([
    ...clients.submitters.map((client, i) =>
      submitLoop(scenario, client, plan, { deadline, index: i, latencies }),
    ),
    ...clients.pollers.map((client, i) => pollLoop(scenario, client, plan.urls, deadline, i)),
  ]);

  clearTimeout(warm);
  const durationS = (Date.now() - started) / 1000;
  return {
    model: plan.model,
    durationS: Math.round(durationS),
    clients: clients.submitters.length + clients.pollers.length,
    accounts: plan.mix.reduce((sum, mix) => sum + mix.accounts, 0),
    jobsPerMinute: Math.round((latencies.length / durationS) * 60 * 10) / 10,
    latencyMs: percentiles(latencies),
    answers: countAnswers(scenario),
  };
}

async function createClients(scenario: FaultScenario, mix: AccountMix[]) {
  const submitters: Client[] = [];
  const pollers: Client[] = [];
  for (const group of mix) {
    for (let a = 0; a < group.accounts; a += 1) {
      const client = await scenario.client(group.plan);
      if (group.grant) {
        await grantCredits(scenario.stack.db, {
          accountId: client.accountId,
          credits: group.grant,
        });
      }
      for (let c = 0; c < group.clientsPerAccount; c += 1) submitters.push(client);
      for (let p = 0; p < (group.pollers ?? 0); p += 1) pollers.push(client);
    }
  }
  return { submitters, pollers };
}

async function submitLoop(
  scenario: FaultScenario,
  client: Client,
  plan: LoadPlan,
  run: { deadline: number; index: number; latencies: number[] },
): Promise<void> {
  const url = plan.urls[run.index % plan.urls.length]!;
  for (let n = run.index; Date.now() < run.deadline; n += 1) {
    const started = performance.now();
    const image = plan.images[n % plan.images.length]!;
    const answer = await scenario.traffic.submit(url, client, image);

    if (answer.status === 200 || answer.status === 202) {
      const done =
        answer.status === 200
          ? answer
          : await scenario.traffic.waitForJob(url, client, answer.jobId!, 180_000);
      if (done) run.latencies.push(performance.now() - started);
    } else if (answer.code === 'INSUFFICIENT_CREDITS') {
      return;
    } else {
      await sleep(answer.status === 429 ? 2_000 : 1_000);
    }
  }
}

async function pollLoop(
  scenario: FaultScenario,
  client: Client,
  urls: string[],
  deadline: number,
  index: number,
): Promise<void> {
  const url = urls[index % urls.length]!;
  while (Date.now() < deadline) {
    await scenario.traffic.account(url, client);
    await sleep(500);
  }
}

function percentiles(values: number[]): LoadFigures['latencyMs'] {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: Math.round(sorted.at(-1) ?? 0) };
}

/** Answers by request kind, status and error code, e.g. `submit 402 INSUFFICIENT_CREDITS`. */
function countAnswers(scenario: FaultScenario): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of scenario.traffic.records) {
    const key = [record.kind, record.status, record.code].filter(Boolean).join(' ');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
