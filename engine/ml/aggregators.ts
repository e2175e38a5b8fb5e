// Statistics passes over partitions, as named aggregators (zero / add / merge over plain data),
// so a fit ships only a name and a spec to the workers. treeAggregate (./tree-aggregate.ts) runs
// them: one partial result per partition, merged in a tree, as Spark's RDD.treeAggregate.

import { registerShippable } from "../common/closure";
import { ExecutionError } from "../common/errors";
import { closest, type Point } from "./kernels";
import { denseValues, isVector } from "./linalg";
import { pointUniform, forestWeight } from "./point-sampling";

export interface Aggregator<S = Record<string, unknown>, A = unknown, X = unknown> {
  /** Work done once per partition before the first add (e.g. folding constants into the spec). */
  prepare?(spec: S): S;
  zero(spec: S): A;
  add(acc: A, x: X, spec: S): A;
  /** A whole partition at once: a hot loop the JIT can specialise (the shared loop below calls add megamorphically). */
  addAll?(acc: A, it: Iterable<X>, spec: S): A;
  merge(a: A, b: A, spec: S): A;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const aggregators = new Map<string, Aggregator<any, any, any>>();
export function registerAggregator<S, A, X>(name: string, a: Aggregator<S, A, X>): void { aggregators.set(name, a); }

function get(name: string): Aggregator<unknown, unknown, unknown> {
  const a = aggregators.get(name);
  if (!a) throw new ExecutionError("INTERNAL_ERROR", `no ML aggregator '${name}' in this process`);
  return a;
}

export const aggPartition = registerShippable("ml.aggPartition", function aggPartition(name: string, spec: unknown, it: Iterable<unknown>): unknown[] {
  const a = get(name);
  const s = a.prepare ? a.prepare(spec) : spec;
  let acc = a.zero(s);
  if (a.addAll) return [a.addAll(acc, it, s)];
  for (const x of it) acc = a.add(acc, x, s);
  return [acc];
});
export const aggMerge = registerShippable("ml.aggMerge", function aggMerge(name: string, spec: unknown, x: unknown, y: unknown): unknown {
  return get(name).merge(x, y, spec);
});

export const addArr = (a: Float64Array, b: Float64Array): Float64Array => { for (let i = 0; i < a.length; i++) a[i]! += b[i]!; return a; };

/** Per-component count, mean-free sums, min, max over a vector column (Spark's Summarizer). */
export interface ColStats { n: number; sum: Float64Array; sumSq: Float64Array; min: Float64Array; max: Float64Array; nnz: Float64Array; absMax: Float64Array }
registerAggregator<{ col: string; stage: string }, ColStats | null, Record<string, unknown>>("colStats", {
  zero: () => null,
  add(acc, row, spec) {
    const v = row[spec.col];
    if (!isVector(v)) throw new ExecutionError("ML_NULL_IN_FEATURES", `${spec.stage}: column '${spec.col}' holds ${v === null || v === undefined ? "a null" : typeof v}; expected vectors.`);
    return addColStats(acc, denseValues(v), spec.stage, spec.col);
  },
  merge: (a, b) => mergeColStats(a, b),
});

function addColStats(acc: ColStats | null, x: Float64Array, stage: string, col: string): ColStats {
  return addColStatsAt(acc, x, 0, x.length, stage, col);
}
/**
 * Adds `n` vectors of size d stored one after another from x[off] (one row of a point block, a
 * whole block, or a single vector) to the statistics; column by column, running values in locals.
 */
export function addColStatsAt(acc: ColStats | null, x: Float64Array, off: number, d: number, stage: string, col: string, n = 1): ColStats {
  const a = acc ?? { n: 0, sum: new Float64Array(d), sumSq: new Float64Array(d), min: new Float64Array(d).fill(Infinity), max: new Float64Array(d).fill(-Infinity), nnz: new Float64Array(d), absMax: new Float64Array(d) };
  if (a.sum.length !== d) throw new ExecutionError("VECTOR_SIZE_MISMATCH", `${stage}: vectors of sizes ${a.sum.length} and ${d} in column '${col}'.`);
  a.n += n;
  for (let i = 0; i < d; i++) {
    let sum = 0, sumSq = 0, min = a.min[i]!, max = a.max[i]!, nnz = 0, absMax = a.absMax[i]!;
    for (let r = 0, o = off + i; r < n; r++, o += d) {
      const t = x[o]!;
      sum += t; sumSq += t * t;
      if (t < min) min = t;
      if (t > max) max = t;
      if (t !== 0) nnz++;
      const abs = Math.abs(t); // branch-free (a sign test mispredicts on mixed signs)
      if (abs > absMax) absMax = abs;
    }
    a.sum[i]! += sum; a.sumSq[i]! += sumSq; a.min[i] = min; a.max[i] = max; a.nnz[i]! += nnz; a.absMax[i] = absMax;
  }
  return a;
}
export function mergeColStats(a: ColStats | null, b: ColStats | null): ColStats | null {
  if (!a) return b;
  if (!b) return a;
  a.n += b.n; addArr(a.sum, b.sum); addArr(a.sumSq, b.sumSq); addArr(a.nnz, b.nnz);
  for (let i = 0; i < a.min.length; i++) { a.min[i] = Math.min(a.min[i]!, b.min[i]!); a.max[i] = Math.max(a.max[i]!, b.max[i]!); a.absMax[i] = Math.max(a.absMax[i]!, b.absMax[i]!); }
  return a;
}

/** Feature statistics and label statistics of training points in one pass (Spark's Summarizer plus the label histogram pass). */
export interface PointStats { features: ColStats | null; label: NumStats }
registerAggregator<{ featuresCol: string; stage: string }, PointStats, Point>("pointStats", {
  zero: zeroPointStats,
  add(acc, [y, x], spec) {
    acc.features = addColStats(acc.features, x, spec.stage, spec.featuresCol);
    addLabel(acc.label, y);
    return acc;
  },
  merge: mergePointStats,
});
export function zeroPointStats(): PointStats { return { features: null, label: { n: 0, sum: 0, min: Infinity, max: -Infinity, nonInteger: 0 } }; }
export function addLabel(l: NumStats, y: number): void {
  if (Number.isNaN(y)) return;
  l.n++; l.sum += y;
  if (y < l.min) l.min = y;
  if (y > l.max) l.max = y;
  if (!Number.isInteger(y) || y < 0) l.nonInteger++;
}
export function mergePointStats(a: PointStats, b: PointStats): PointStats {
  a.features = mergeColStats(a.features, b.features);
  const l = a.label, m = b.label;
  l.n += m.n; l.sum += m.sum; l.min = Math.min(l.min, m.min); l.max = Math.max(l.max, m.max); l.nonInteger += m.nonInteger;
  return a;
}

/** Count, sums and the upper triangle of Σ x xᵀ over a vector column (PCA's covariance, as RowMatrix.computeCovariance). */
export interface GramStats { n: number; sum: Float64Array; gram: Float64Array }
registerAggregator<{ col: string; stage: string }, GramStats | null, Record<string, unknown>>("gram", {
  zero: () => null,
  add(acc, row, spec) {
    const v = row[spec.col];
    if (!isVector(v)) throw new ExecutionError("ML_NULL_IN_FEATURES", `${spec.stage}: column '${spec.col}' holds ${v === null || v === undefined ? "a null" : typeof v}; expected vectors.`);
    const x = denseValues(v), d = x.length;
    const a = acc ?? { n: 0, sum: new Float64Array(d), gram: new Float64Array((d * (d + 1)) / 2) };
    if (a.sum.length !== d) throw new ExecutionError("VECTOR_SIZE_MISMATCH", `${spec.stage}: vectors of sizes ${a.sum.length} and ${d} in column '${spec.col}'.`);
    a.n++;
    let k = 0;
    for (let i = 0; i < d; i++) {
      const xi = x[i]!;
      a.sum[i]! += xi;
      for (let j = i; j < d; j++) a.gram[k++]! += xi * x[j]!;
    }
    return a;
  },
  merge(a, b) {
    if (!a) return b;
    if (!b) return a;
    a.n += b.n; addArr(a.sum, b.sum); addArr(a.gram, b.gram);
    return a;
  },
});

/** Value counts per column (StringIndexer, CountVectorizer, Imputer's mode). */
registerAggregator<{ cols: string[]; arrays?: boolean; skipMissing?: number | null }, Map<unknown, number>[], Record<string, unknown>>("valueCounts", {
  zero: (spec) => spec.cols.map(() => new Map()),
  add(acc, row, spec) {
    spec.cols.forEach((c, i) => {
      const v = row[c];
      if (v === null || v === undefined) return;
      const m = acc[i]!;
      if (spec.arrays) { for (const t of new Set(v as unknown[])) m.set(t, (m.get(t) ?? 0) + 1); return; }
      if (typeof v === "number" && (Number.isNaN(v) || v === spec.skipMissing)) return;
      const k = typeof v === "number" || typeof v === "string" ? v : String(v);
      m.set(k, (m.get(k) ?? 0) + 1);
    });
    return acc;
  },
  merge(a, b) {
    a.forEach((m, i) => { for (const [k, n] of b[i]!) m.set(k, (m.get(k) ?? 0) + n); });
    return a;
  },
});

/** Per term of an array<string> column: [occurrences, documents holding it], and the document count (CountVectorizer). */
registerAggregator<{ col: string; stage: string }, { docs: number; terms: Map<string, [number, number]> }, Record<string, unknown>>("termDocCounts", {
  zero: () => ({ docs: 0, terms: new Map() }),
  add(acc, row, spec) {
    const v = row[spec.col];
    if (v === null || v === undefined) return acc;
    if (!Array.isArray(v)) throw new ExecutionError("ML_INVALID_INPUT", `${spec.stage}: column '${spec.col}' must hold arrays of strings (use a Tokenizer first).`);
    acc.docs++;
    const seen = new Set<string>();
    for (const t of v) {
      const w = String(t);
      const c = acc.terms.get(w) ?? [0, 0];
      c[0]++;
      if (!seen.has(w)) { seen.add(w); c[1]++; }
      acc.terms.set(w, c);
    }
    return acc;
  },
  merge(a, b) {
    a.docs += b.docs;
    for (const [w, [n, d]] of b.terms) { const c = a.terms.get(w); if (c) { c[0] += n; c[1] += d; } else a.terms.set(w, [n, d]); }
    return a;
  },
});

/** Per numeric column: count, sum, min, max of the non-missing values (Imputer, OneHotEncoder). */
export interface NumStats { n: number; sum: number; min: number; max: number; nonInteger: number }
registerAggregator<{ cols: string[]; missingValue: number | null; stage: string }, NumStats[], Record<string, unknown>>("numStats", {
  zero: (spec) => spec.cols.map(() => ({ n: 0, sum: 0, min: Infinity, max: -Infinity, nonInteger: 0 })),
  add(acc, row, spec) {
    spec.cols.forEach((c, i) => {
      const raw = row[c];
      if (raw === null || raw === undefined) return;
      if (typeof raw !== "number" && typeof raw !== "bigint" && typeof raw !== "boolean") throw new ExecutionError("ML_INVALID_INPUT", `${spec.stage}: column '${c}' holds the non-numeric value ${JSON.stringify(raw)}.`);
      const v = Number(raw);
      if (Number.isNaN(v) || v === spec.missingValue) return;
      const s = acc[i]!;
      s.n++; s.sum += v;
      if (v < s.min) s.min = v;
      if (v > s.max) s.max = v;
      if (!Number.isInteger(v) || v < 0) s.nonInteger++;
    });
    return acc;
  },
  merge(a, b) {
    a.forEach((s, i) => { const t = b[i]!; s.n += t.n; s.sum += t.sum; s.min = Math.min(s.min, t.min); s.max = Math.max(s.max, t.max); s.nonInteger += t.nonInteger; });
    return a;
  },
});

/** Counts of non-missing values per column in `bins` equal-width bins over [lo, hi] (exact quantile search). */
registerAggregator<{ cols: string[]; lo: number[]; hi: number[]; bins: number; missingValue: number | null }, { counts: number[][]; below: number[] }, Record<string, unknown>>("binCounts", {
  zero: (spec) => ({ counts: spec.cols.map(() => new Array<number>(spec.bins).fill(0)), below: spec.cols.map(() => 0) }),
  add(acc, row, spec) {
    spec.cols.forEach((c, i) => {
      const raw = row[c];
      if (raw === null || raw === undefined) return;
      const v = Number(raw);
      if (Number.isNaN(v) || v === spec.missingValue) return;
      const lo = spec.lo[i]!, hi = spec.hi[i]!;
      if (v < lo) { acc.below[i]!++; return; }
      if (v > hi) return;
      const b = hi === lo ? 0 : Math.min(spec.bins - 1, Math.floor(((v - lo) / (hi - lo)) * spec.bins));
      acc.counts[i]![b]!++;
    });
    return acc;
  },
  merge(a, b) {
    a.counts.forEach((c, i) => c.forEach((_, k) => { c[k]! += b.counts[i]![k]!; }));
    a.below.forEach((_, i) => { a.below[i]! += b.below[i]!; });
    return a;
  },
});

/** The values of one column inside [lo, hi] (the last, small step of the exact quantile search). */
registerAggregator<{ col: string; lo: number; hi: number; missingValue: number | null }, number[], Record<string, unknown>>("valuesIn", {
  zero: () => [],
  add(acc, row, spec) {
    const raw = row[spec.col];
    if (raw === null || raw === undefined) return acc;
    const v = Number(raw);
    if (!Number.isNaN(v) && v !== spec.missingValue && v >= spec.lo && v <= spec.hi) acc.push(v);
    return acc;
  },
  merge: (a, b) => a.concat(b),
});

/** Document frequency per index over a vector column (IDF). */
registerAggregator<{ col: string }, { m: number; df: Float64Array | null }, Record<string, unknown>>("docFreq", {
  zero: () => ({ m: 0, df: null }),
  add(acc, row, spec) {
    const v = row[spec.col];
    if (!isVector(v)) return acc;
    acc.df ??= new Float64Array(v.size);
    acc.m++;
    const x = denseValues(v);
    for (let i = 0; i < x.length; i++) if (x[i] !== 0) acc.df[i]! += 1;
    return acc;
  },
  merge(a, b) {
    if (!a.df) return b;
    if (b.df) addArr(a.df, b.df);
    a.m += b.m;
    return a;
  },
});

// ------------------------------------------------------------ model training passes over points

/** Least squares sufficient statistics: n, sums of x, y, y², X'X (upper, full), X'y. */
export interface LsStats { n: number; sx: Float64Array; sy: number; syy: number; xx: Float64Array; xy: Float64Array }
registerAggregator<{ d: number }, LsStats, Point>("leastSquares", {
  zero: (s) => ({ n: 0, sx: new Float64Array(s.d), sy: 0, syy: 0, xx: new Float64Array(s.d * s.d), xy: new Float64Array(s.d) }),
  add(a, [y, x], s) {
    const d = s.d;
    if (x.length !== d) throw new ExecutionError("VECTOR_SIZE_MISMATCH", `features vector of size ${x.length}, expected ${d} (the size of the first vector).`);
    a.n++; a.sy += y; a.syy += y * y;
    for (let i = 0; i < d; i++) {
      const xi = x[i]!;
      a.sx[i]! += xi; a.xy[i]! += xi * y;
      const row = i * d;
      for (let j = i; j < d; j++) a.xx[row + j]! += xi * x[j]!;
    }
    return a;
  },
  merge(a, b) { a.n += b.n; a.sy += b.sy; a.syy += b.syy; addArr(a.sx, b.sx); addArr(a.xx, b.xx); addArr(a.xy, b.xy); return a; },
});

/** Lloyd step: per-centre sums and counts, and the total cost (KMeans). */
export interface KMeansStep { cost: number; counts: Float64Array; sums: Float64Array }
registerAggregator<{ centers: number[][]; flat?: Float64Array }, KMeansStep, Point>("kmeansStep", {
  // the centres in one typed array, once per partition
  prepare: (s) => ({ ...s, flat: Float64Array.from(s.centers.flat()) }),
  zero: (s) => ({ cost: 0, counts: new Float64Array(s.centers.length), sums: new Float64Array(s.centers.length * s.centers[0]!.length) }),
  addAll(a, it, s) {
    const k = s.centers.length, d = s.centers[0]!.length, ctr = s.flat!, sums = a.sums, counts = a.counts;
    let cost = 0;
    for (const [, x] of it) {
      if (x.length !== d) throw new ExecutionError("VECTOR_SIZE_MISMATCH", `features vector of size ${x.length}, the centres have ${d}.`);
      let best = 0, bestD = Infinity;
      for (let c = 0; c < k; c++) { // closest centre, as closest() in ./kernels
        let dist = 0;
        const off = c * d;
        for (let i = 0; i < d; i++) { const t = x[i]! - ctr[off + i]!; dist += t * t; }
        if (dist < bestD) { bestD = dist; best = c; }
      }
      cost += bestD; counts[best]! += 1;
      const off = best * d;
      for (let i = 0; i < d; i++) sums[off + i]! += x[i]!;
    }
    a.cost += cost;
    return a;
  },
  add(a, p, s) { return this.addAll!(a, [p], s); },
  merge(a, b) { a.cost += b.cost; addArr(a.counts, b.counts); addArr(a.sums, b.sums); return a; },
});

/** Sum of squared distances to the closest centre, and per-point sampling for k-means|| (cost only here). */
registerAggregator<{ centers: number[][] }, number, Point>("kmeansCost", {
  zero: () => 0,
  add: (a, [, x], s) => a + closest(s.centers, x)[1],
  merge: (a, b) => a + b,
});

// ------------------------------------------------------------ evaluation passes

/** Regression metrics' sums over (label, prediction) rows. */
export interface RegSums { n: number; se: number; ae: number; sy: number; syy: number }
registerAggregator<{ label: string; prediction: string }, RegSums, Record<string, unknown>>("regMetrics", {
  zero: () => ({ n: 0, se: 0, ae: 0, sy: 0, syy: 0 }),
  add(a, row, s) {
    const y = Number(row[s.label]), p = Number(row[s.prediction]);
    if (row[s.label] === null || row[s.prediction] === null) return a;
    a.n++; a.se += (y - p) ** 2; a.ae += Math.abs(y - p); a.sy += y; a.syy += y * y;
    return a;
  },
  merge(a, b) { a.n += b.n; a.se += b.se; a.ae += b.ae; a.sy += b.sy; a.syy += b.syy; return a; },
});

/** Counts of (label, prediction) pairs, keyed "label|prediction". */
registerAggregator<{ label: string; prediction: string }, Map<string, number>, Record<string, unknown>>("pairCounts", {
  zero: () => new Map(),
  add(a, row, s) {
    const k = `${Number(row[s.label])}|${Number(row[s.prediction])}`;
    a.set(k, (a.get(k) ?? 0) + 1);
    return a;
  },
  merge(a, b) { for (const [k, n] of b) a.set(k, (a.get(k) ?? 0) + n); return a; },
});

/** Positive and negative counts per distinct score (binary evaluation; score = raw[1] for vectors). */
registerAggregator<{ label: string; score: string }, Map<number, [number, number]>, Record<string, unknown>>("scoreCounts", {
  zero: () => new Map(),
  add(a, row, s) {
    const raw = row[s.score];
    const score = isVector(raw) ? raw.get(raw.size - 1) : Number(raw);
    const c = a.get(score) ?? [0, 0];
    if (Number(row[s.label]) > 0.5) c[0]++; else c[1]++;
    a.set(score, c);
    return a;
  },
  merge(a, b) { for (const [k, [p, n]] of b) { const c = a.get(k) ?? [0, 0]; c[0] += p; c[1] += n; a.set(k, c); } return a; },
});

/** Per cluster: count, sum of features, sum of squared norms (silhouette, pass 1). */
registerAggregator<{ features: string; prediction: string }, Map<number, [number, Float64Array, number]>, Record<string, unknown>>("clusterStats", {
  zero: () => new Map(),
  add(a, row, s) {
    const x = denseValues(row[s.features] as never), c = Number(row[s.prediction]);
    let t = a.get(c);
    if (!t) { t = [0, new Float64Array(x.length), 0]; a.set(c, t); }
    t[0]++; addArr(t[1], x);
    for (const v of x) t[2] += v * v;
    return a;
  },
  merge(a, b) { for (const [c, [n, sum, sq]] of b) { const t = a.get(c); if (!t) a.set(c, [n, sum, sq]); else { t[0] += n; addArr(t[1], sum); t[2] += sq; } } return a; },
});

/** Sum of silhouette coefficients and count (pass 2): mean squared distance to a cluster from its statistics. */
registerAggregator<{ features: string; prediction: string; clusters: [number, number, number[], number][] }, [number, number], Record<string, unknown>>("silhouette", {
  zero: () => [0, 0],
  add(a, row, s) {
    const x = denseValues(row[s.features] as never), c = Number(row[s.prediction]);
    let xx = 0;
    for (const v of x) xx += v * v;
    let own = 0, ownN = 0, other = Infinity;
    for (const [k, n, sum, sq] of s.clusters) {
      let xs = 0;
      for (let i = 0; i < x.length; i++) xs += x[i]! * sum[i]!;
      const total = n * xx - 2 * xs + sq; // sum over the cluster of ||x - y||^2
      if (k === c) { own = total; ownN = n; } else other = Math.min(other, total / n);
    }
    a[1]++;
    if (ownN <= 1) return a; // a singleton cluster's silhouette is 0
    const ai = own / (ownN - 1);
    a[0] += ai < other ? 1 - ai / other : ai > other ? other / ai - 1 : 0;
    return a;
  },
  merge: (a, b) => [a[0] + b[0], a[1] + b[1]],
});

/** Squared loss 1/2 (w.x + b - y)^2 summed, with its gradient (LinearRegression, l-bfgs). */
registerAggregator<{ w: Float64Array; b: number; d: number }, { loss: number; g: Float64Array; gb: number; n: number }, Point>("squaredGradient", {
  zero: (s) => ({ loss: 0, g: new Float64Array(s.d), gb: 0, n: 0 }),
  add(a, [y, x], s) {
    let m = s.b - y;
    for (let i = 0; i < s.d; i++) m += s.w[i]! * x[i]!;
    a.n++; a.loss += 0.5 * m * m; a.gb += m;
    for (let i = 0; i < s.d; i++) a.g[i]! += m * x[i]!;
    return a;
  },
  merge(a, b) { a.n += b.n; a.loss += b.loss; a.gb += b.gb; addArr(a.g, b.g); return a; },
});

/** The k points with the smallest pointUniform priority (KMeans random initialisation; a seeded sample without replacement). */
registerAggregator<{ k: number; seed: number }, [number, number[]][], Point>("bottomK", {
  zero: () => [],
  add(a, [, x], s) {
    const u = pointUniform(x, s.seed, 0);
    if (a.length < s.k || u < a[a.length - 1]![0]) {
      a.push([u, Array.from(x)]);
      a.sort((p, q) => p[0] - q[0]);
      if (a.length > s.k) a.pop();
    }
    return a;
  },
  merge: (a, b, s) => a.concat(b).sort((p, q) => p[0] - q[0]).slice(0, s.k),
});

/** k-means|| sampling step: each point joins with probability min(1, l * d^2 / cost). */
registerAggregator<{ centers: number[][]; l: number; cost: number; seed: number; step: number }, number[][], Point>("kmeansParallelSample", {
  zero: () => [],
  add(a, [, x], s) {
    const d2 = closest(s.centers, x)[1];
    if (pointUniform(x, s.seed, s.step + 1) < (s.l * d2) / s.cost) a.push(Array.from(x));
    return a;
  },
  merge: (a, b) => a.concat(b),
});

/** How many points are closest to each candidate centre (k-means|| weights). */
registerAggregator<{ centers: number[][] }, Float64Array, Point>("closestCounts", {
  zero: (s) => new Float64Array(s.centers.length),
  add(a, [, x], s) { a[closest(s.centers, x)[0]]! += 1; return a; },
  merge: (a, b) => addArr(a, b),
});

// ------------------------------------------------------------ decision trees

export interface TreeNode { id: number; feature: number; threshold: number; left: number; right: number; counts: number[]; gain: number; depth: number }

/** The leaf (or frontier node) a point reaches. */
export function routeTree(nodes: TreeNode[], x: ArrayLike<number>): number {
  let n = nodes[0]!;
  while (n.feature >= 0) n = nodes[x[n.feature]! <= n.threshold ? n.left : n.right]!;
  return n.id;
}

/** Largest label, count of labels that are not non-negative integers, and the count. */
registerAggregator<Record<string, never>, { max: number; bad: number; n: number }, Point>("labelRange", {
  zero: () => ({ max: 0, bad: 0, n: 0 }),
  add(a, [y]) { a.n++; if (!Number.isInteger(y) || y < 0) a.bad++; else if (y > a.max) a.max = y; return a; },
  merge: (a, b) => ({ max: Math.max(a.max, b.max), bad: a.bad + b.bad, n: a.n + b.n }),
});

/** Per frontier node: class counts per (feature, bin), bins by the thresholds (x <= t goes left). */
registerAggregator<{ nodes: TreeNode[]; frontier: number[]; thresholds: number[][]; K: number }, Record<number, number[]>, Point>("treeHist", {
  zero: () => ({}),
  add(a, [y, x], s) {
    const id = routeTree(s.nodes, x);
    if (!s.frontier.includes(id)) return a;
    let h = a[id];
    if (!h) { const size = s.thresholds.reduce((t, th) => t + (th.length + 1) * s.K, 0); h = a[id] = new Array<number>(size).fill(0); }
    let offset = 0;
    for (let j = 0; j < s.thresholds.length; j++) {
      const th = s.thresholds[j]!, v = x[j]!;
      let lo = 0, hi = th.length; // first threshold >= v
      while (lo < hi) { const m = (lo + hi) >> 1; if (th[m]! < v) lo = m + 1; else hi = m; }
      h[offset + lo * s.K + y]! += 1;
      offset += (th.length + 1) * s.K;
    }
    return a;
  },
  merge(a, b) {
    for (const [k, h] of Object.entries(b)) { const t = a[Number(k)]; if (!t) a[Number(k)] = h; else for (let i = 0; i < h.length; i++) t[i]! += h[i]!; }
    return a;
  },
});

/**
 * RandomForest: for every tree at once, per frontier node ("tree:node"), weighted class counts per
 * (feature, bin) over that node's feature subset, bins by the thresholds (x <= t goes left).
 */
registerAggregator<{ trees: TreeNode[][]; frontier: Record<string, number[]>; thresholds: number[][]; K: number; seed: number; rate: number; bootstrap: boolean }, Record<string, number[]>, Point>("forestHist", {
  zero: () => ({}),
  add(a, [y, x], s) {
    for (let t = 0; t < s.trees.length; t++) {
      const key = `${t}:${routeTree(s.trees[t]!, x)}`;
      const feats = s.frontier[key];
      if (!feats) continue;
      const w = forestWeight(x, t, s);
      if (w === 0) continue;
      let h = a[key];
      if (!h) { const size = feats.reduce((n, j) => n + (s.thresholds[j]!.length + 1) * s.K, 0); h = a[key] = new Array<number>(size).fill(0); }
      let offset = 0;
      for (const j of feats) {
        const th = s.thresholds[j]!, v = x[j]!;
        let lo = 0, hi = th.length;
        while (lo < hi) { const m = (lo + hi) >> 1; if (th[m]! < v) lo = m + 1; else hi = m; }
        h[offset + lo * s.K + y]! += w;
        offset += (th.length + 1) * s.K;
      }
    }
    return a;
  },
  merge(a, b) {
    for (const [k, h] of Object.entries(b)) { const t = a[k]; if (!t) a[k] = h; else for (let i = 0; i < h.length; i++) t[i]! += h[i]!; }
    return a;
  },
});

/** Per class: count and feature sums; counts negative feature values (NaiveBayes). */
registerAggregator<{ d: number }, { counts: Record<number, number>; sums: Record<number, number[]>; negative: number }, Point>("nbStats", {
  zero: () => ({ counts: {}, sums: {}, negative: 0 }),
  add(a, [y, x], s) {
    a.counts[y] = (a.counts[y] ?? 0) + 1;
    const t = (a.sums[y] ??= new Array<number>(s.d).fill(0));
    for (let i = 0; i < s.d; i++) { const v = x[i]!; if (v < 0) a.negative++; t[i]! += v; }
    return a;
  },
  merge(a, b) {
    for (const [k, n] of Object.entries(b.counts)) a.counts[Number(k)] = (a.counts[Number(k)] ?? 0) + n;
    for (const [k, v] of Object.entries(b.sums)) { const t = a.sums[Number(k)]; if (!t) a.sums[Number(k)] = v; else v.forEach((x, i) => { t[i]! += x; }); }
    a.negative += b.negative;
    return a;
  },
});
