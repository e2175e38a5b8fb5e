// PySpark's StatCounter: count, mean, variance and extremes of numbers, merged across partitions
// with Welford/Chan's parallel algorithm so it is exact-ish and one pass.

export class StatCounter {
  n = 0;
  mu = 0;
  m2 = 0;
  maxValue = -Infinity;
  minValue = Infinity;

  constructor(values: Iterable<number> = []) {
    for (const v of values) this.merge(v);
  }

  merge(v: number): this {
    const delta = v - this.mu;
    this.n++;
    this.mu += delta / this.n;
    this.m2 += delta * (v - this.mu);
    if (v > this.maxValue) this.maxValue = v;
    if (v < this.minValue) this.minValue = v;
    return this;
  }

  mergeStats(o: StatCounter | { n: number; mu: number; m2: number; maxValue: number; minValue: number }): this {
    if (o.n === 0) return this;
    if (this.n === 0) {
      Object.assign(this, { n: o.n, mu: o.mu, m2: o.m2, maxValue: o.maxValue, minValue: o.minValue });
      return this;
    }
    const delta = o.mu - this.mu;
    const n = this.n + o.n;
    this.mu += (delta * o.n) / n;
    this.m2 += o.m2 + (delta * delta * this.n * o.n) / n;
    this.n = n;
    this.maxValue = Math.max(this.maxValue, o.maxValue);
    this.minValue = Math.min(this.minValue, o.minValue);
    return this;
  }

  count(): number { return this.n; }
  mean(): number { return this.n === 0 ? NaN : this.mu; }
  sum(): number { return this.n * this.mu; }
  min(): number { return this.minValue; }
  max(): number { return this.maxValue; }
  variance(): number { return this.n === 0 ? NaN : this.m2 / this.n; }
  sampleVariance(): number { return this.n <= 1 ? NaN : this.m2 / (this.n - 1); }
  stdev(): number { return Math.sqrt(this.variance()); }
  sampleStdev(): number { return Math.sqrt(this.sampleVariance()); }
  asDict(sample = false): Record<string, number> {
    return { count: this.count(), mean: this.mean(), sum: this.sum(), min: this.min(), max: this.max(), stdev: sample ? this.sampleStdev() : this.stdev(), variance: sample ? this.sampleVariance() : this.variance() };
  }
  toString(): string {
    return `(count: ${this.n}, mean: ${this.mean()}, stdev: ${this.stdev()}, max: ${this.maxValue}, min: ${this.minValue})`;
  }
}
