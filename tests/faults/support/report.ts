import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { MemoryReading } from './memory';

/** What one scenario leaves for the runner's summary table. */
export interface ScenarioReport {
  scenario: string;
  requests: number;
  jobs: number;
  completed: number;
  failed: number;
  violations: string[];
  memory: MemoryReading[];
  durationS: number;
  /** Load figures: throughput, latency percentiles, answers by code. */
  load?: LoadFigures;
}

export interface LoadFigures {
  model: string;
  durationS: number;
  clients: number;
  accounts: number;
  jobsPerMinute: number;
  /** Submit-to-outcome latency of accepted jobs, milliseconds. */
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Answers by status and error code, e.g. `202`, `429 RATE_LIMITED`. */
  answers: Record<string, number>;
}

/**
 * Saves a scenario's report where `tests/faults/run.js` collects them. Plain jest runs (CI)
 * set no folder, and nothing is written.
 */
export function saveReport(report: ScenarioReport): void {
  const dir = process.env.POOFBG_FAULTS_REPORT_DIR;
  if (!dir) return;

  mkdirSync(dir, { recursive: true });
  const name = report.scenario.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(report, null, 2));
}
