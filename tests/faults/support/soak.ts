/**
 * The soak knobs, read from the environment once. Plain `pnpm test` runs the short load
 * only; `POOFBG_SOAK=1` (set by `pnpm test:faults` unless told otherwise) runs the long ones.
 */
export const soak = {
  /** POOFBG_SOAK=1: run the load scenarios for minutes, and the real-model soak at all. */
  enabled: process.env.POOFBG_SOAK === '1',
  /** Seconds of load with the tiny model: POOFBG_SOAK_TINY_SECONDS, 120 (20 in CI). */
  tinySeconds: seconds('POOFBG_SOAK_TINY_SECONDS', process.env.POOFBG_SOAK === '1' ? 120 : 20),
  /** Seconds of load with the real model: POOFBG_SOAK_REAL_SECONDS, 240. */
  realSeconds: seconds('POOFBG_SOAK_REAL_SECONDS', 240),
};

function seconds(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}
