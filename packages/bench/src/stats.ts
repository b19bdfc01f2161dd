/** A set of measurements reduced to what the tables show: the middle and how far it spreads. */
export interface Summary {
  n: number;
  median: number;
  /** 25th and 75th percentiles: half of the samples fall between them. */
  p25: number;
  p75: number;
  min: number;
  max: number;
}

/** Percentile by linear interpolation between the two nearest ranks; `q` in 0..1. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;

  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below]!;
  return low + (sorted[above]! - low) * (position - below);
}

export function summarise(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);

  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** `1234 ±56`: the median and half the interquartile range, both rounded. */
export function formatMs(summary: Summary): string {
  const halfSpread = (summary.p75 - summary.p25) / 2;
  return `${Math.round(summary.median)} ±${Math.round(halfSpread)}`;
}

/** `0.31 (0.29–0.33)`: a median ratio with its range. */
export function formatRatio(summary: Summary): string {
  return `${summary.median.toFixed(2)} (${summary.min.toFixed(2)}–${summary.max.toFixed(2)})`;
}
