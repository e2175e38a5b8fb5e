// Small statistics shared by the benchmarks.

/** The median (upper middle for an even count); NaN for no values. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}
