// k-means helpers and the reference Lloyd's iteration (lecture 3): nearest centre, fixed or
// k-means++ initial centres (seeded), and Lloyd's algorithm run until no centre moves more than
// the tolerance. The MapReduce versions (V1, V2) in engine/mapreduce must reach the same centres
// from the same start.

import { AnalysisError } from "../common/errors";
import { seededRandom } from "./minhash";

export type Point = readonly number[];

export function squaredDistance(a: Point, b: Point): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) { const d = a[i]! - b[i]!; s += d * d; }
  return s;
}

/** Index of the nearest centre (the first one on ties). */
export function nearestCentre(p: Point, centres: ReadonlyArray<Point>): number {
  let best = 0, bd = Infinity;
  for (let i = 0; i < centres.length; i++) {
    const d = squaredDistance(p, centres[i]!);
    if (d < bd) { bd = d; best = i; }
  }
  return best;
}

/** k-means++ seeding: first centre uniform, each next one with probability proportional to D(x)^2. */
export function kmeansPlusPlus(points: ReadonlyArray<Point>, k: number, seed = 1): number[][] {
  if (k < 1 || k > points.length) throw new AnalysisError("INVALID_PARAMETER_VALUE", `k must be between 1 and the number of points (${points.length}), got ${k}`);
  const rnd = seededRandom(seed);
  const centres: number[][] = [[...points[Math.floor(rnd() * points.length)]!]];
  const d2 = points.map((p) => squaredDistance(p, centres[0]!));
  while (centres.length < k) {
    const total = d2.reduce((a, b) => a + b, 0);
    let pick = 0;
    if (total > 0) {
      let r = rnd() * total;
      for (pick = 0; pick < points.length - 1; pick++) { r -= d2[pick]!; if (r <= 0) break; }
    }
    const c = [...points[pick]!];
    centres.push(c);
    for (let i = 0; i < points.length; i++) d2[i] = Math.min(d2[i]!, squaredDistance(points[i]!, c));
  }
  return centres;
}

export interface KMeansResult { centres: number[][]; iterations: number; converged: boolean; cost: number }

/** Largest distance any centre moved between two iterations. */
export function maxShift(a: ReadonlyArray<Point>, b: ReadonlyArray<Point>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.sqrt(squaredDistance(a[i]!, b[i]!)));
  return m;
}

/** Lloyd's algorithm from the given centres; an empty cluster keeps its centre. */
export function lloyd(points: ReadonlyArray<Point>, initial: ReadonlyArray<Point>, opts: { tolerance?: number; maxIterations?: number } = {}): KMeansResult {
  const tol = opts.tolerance ?? 1e-6, maxIt = opts.maxIterations ?? 100;
  let centres = initial.map((c) => [...c]);
  const dim = centres[0]?.length ?? 0;
  for (let it = 1; it <= maxIt; it++) {
    const sums = centres.map(() => new Array<number>(dim).fill(0));
    const counts = centres.map(() => 0);
    for (const p of points) {
      const c = nearestCentre(p, centres);
      counts[c]!++;
      for (let d = 0; d < dim; d++) sums[c]![d]! += p[d]!;
    }
    const next = centres.map((c, i) => (counts[i] ? sums[i]!.map((s) => s / counts[i]!) : c));
    const shift = maxShift(centres, next);
    centres = next;
    if (shift <= tol) return { centres, iterations: it, converged: true, cost: cost(points, centres) };
  }
  return { centres, iterations: maxIt, converged: false, cost: cost(points, centres) };
}

/** Sum of squared distances to the nearest centre. */
export function cost(points: ReadonlyArray<Point>, centres: ReadonlyArray<Point>): number {
  let s = 0;
  for (const p of points) s += squaredDistance(p, centres[nearestCentre(p, centres)]!);
  return s;
}
