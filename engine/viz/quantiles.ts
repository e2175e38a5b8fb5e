// Quantiles as Spark's stage summary computes them (AppStatusStore.taskSummary): sort the values
// of successful tasks and take, for each probability q, the element at index
// min(floor(q * n), n - 1). No interpolation: every quantile is a value some task really had, and
// the "median" of an even count is the upper middle element.

/** Spark's default summary probabilities: min, 25th, median, 75th, max. */
export const SUMMARY_QUANTILES = [0, 0.25, 0.5, 0.75, 1] as const;

/** Quantiles of `values` by Spark's nearest-rank rule; empty input gives an empty array. */
export function sparkQuantiles(values: readonly number[], probabilities: readonly number[] = SUMMARY_QUANTILES): number[] {
  const n = values.length;
  if (n === 0) return [];
  const sorted = [...values].sort((a, b) => a - b);
  return probabilities.map((q) => sorted[Math.min(Math.floor(q * n), n - 1)]!);
}
