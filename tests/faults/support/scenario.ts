import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { PlanId } from '@poofbg/contract';
import {
  fixturePath,
  startStack,
  type AppProcess,
  type StackOptions,
  type TestStack,
} from '@poofbg/testing';

import { checkInvariants, type InvariantReport } from './invariants';
import { MemoryWatch } from './memory';
import { saveReport, type LoadFigures } from './report';
import { writeTinyModel } from './tiny-model';
import { Traffic, type Client } from './traffic';

/**
 * Settings every fault stack shares: jobs left with nothing queued are swept after 30 s
 * (the least the worker allows) instead of 15 minutes, so "every job ends" can be checked
 * within a test; locks of 4 s hand a dead worker's job on within seconds.
 */
export const faultWorkerEnv = { STALE_JOB_SECONDS: '30', JOB_LOCK_SECONDS: '4' };

/** Longest a job may stay unfinished after the faults end: the stale sweep plus slack. */
export const terminalBoundMs = 75_000;

/**
 * One fault scenario: its own stack, the traffic its clients send, the memory of its
 * processes, and at the end the invariant check over the whole schema and a report for
 * the runner's summary table.
 */
export class FaultScenario {
  readonly traffic = new Traffic();
  private readonly memory = new MemoryWatch();
  private started = 0;
  private invariants: InvariantReport | undefined;
  private load: LoadFigures | undefined;
  private modelDir: string | undefined;
  stack!: TestStack;

  constructor(readonly name: string) {}

  async start(options: StackOptions = {}): Promise<TestStack> {
    this.started = Date.now();
    this.stack = await startStack({
      ...options,
      workerEnv: options.workerEnv === null ? null : { ...faultWorkerEnv, ...options.workerEnv },
    });
    this.memory.track(this.stack.gateway, 'gateway');
    this.stack.workers.forEach((worker, i) => this.memory.track(worker, `worker ${i + 1}`));
    return this.stack;
  }

  async addWorker(env: Record<string, string> = {}): Promise<AppProcess> {
    const worker = await this.stack.addWorker({ ...faultWorkerEnv, ...env });
    this.memory.track(worker, `worker ${this.stack.workers.length}`);
    return worker;
  }

  async addGateway(
    env: Record<string, string> = {},
  ): Promise<{ gateway: AppProcess; url: string }> {
    const started = await this.stack.addGateway(env);
    this.memory.track(started.gateway, `gateway ${this.stack.gateways.length + 1}`);
    return started;
  }

  async client(plan: PlanId = 'pro'): Promise<Client> {
    const { accountId, apiKey } = await this.stack.createAccount(plan);
    return { accountId, apiKey };
  }

  /**
   * Worker settings for the tiny stand-in model (see tiny-model.ts), for scenarios about the
   * gateway, the queue and the database rather than the model.
   */
  async tinyModelEnv(): Promise<Record<string, string>> {
    this.modelDir ??= await mkdtemp(path.join(tmpdir(), 'poofbg-tiny-model-'));
    return { MODEL_PATH: await writeTinyModel(this.modelDir) };
  }

  /** Takes the memory baseline for growth under load, once the processes have warmed up. */
  markMemoryWarm(): void {
    this.memory.markWarm();
  }

  recordLoad(figures: LoadFigures): void {
    this.load = figures;
  }

  /** Runs the invariant checker; the violations it returns must be none. */
  async checkInvariants(terminalWithinMs = terminalBoundMs): Promise<string[]> {
    this.invariants = await checkInvariants(this.stack, this.traffic, terminalWithinMs);
    return this.invariants.violations;
  }

  /**
   * Saves the report (when the runner asked for one) and stops the stack, also when the
   * scenario failed half-way: then the checker runs now, and an error it meets is reported
   * as a violation rather than leaving the processes running.
   */
  async finish(): Promise<void> {
    if (!this.stack) return;
    try {
      const memory = this.memory.readings();
      const invariants = this.invariants ?? (await this.checkLate());
      saveReport({
        scenario: this.name,
        requests: this.traffic.records.length,
        jobs: invariants.jobs,
        completed: invariants.completed,
        failed: invariants.failed,
        violations: invariants.violations,
        memory,
        durationS: Math.round((Date.now() - this.started) / 1000),
        ...(this.load ? { load: this.load } : {}),
      });
    } finally {
      await this.stack.stop();
      if (this.modelDir) await rm(this.modelDir, { recursive: true, force: true });
    }
  }

  private async checkLate(): Promise<InvariantReport> {
    try {
      return await checkInvariants(this.stack, this.traffic, 0);
    } catch (error) {
      const violations = [`invariant check failed: ${String(error)}`];
      return { violations, jobs: 0, completed: 0, failed: 0 };
    }
  }
}

/** The fixture photos as bytes: a 480×360 JPEG, a 739×1134 JPEG, a 987×1481 PNG. */
export async function loadPhotos(): Promise<{ car: Buffer; cloth: Buffer; plants: Buffer }> {
  const [car, cloth, plants] = await Promise.all(
    ['car-1.jpg', 'cloth-1.jpg', 'plants-1.jpg'].map((name) => readFile(fixturePath(name))),
  );
  return { car: car!, cloth: cloth!, plants: plants! };
}
