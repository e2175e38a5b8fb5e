// More aggregates: skewness and kurtosis (Spark's CentralMomentAgg of orders 3 and 4, with its
// update and merge formulas so results agree to the last digit) and mode (most frequent value).
// histogram_numeric is in numeric-histogram.ts.

import { DoubleType } from "../types";
import { register, coerceArg, typeOf, type AggDef } from "./registry";
import { canonical } from "../../common/keys";

const isNull = (v: unknown) => v === null || v === undefined;
type M4 = [number, number, number, number, number];

function momentUpdate(b: M4, x: number): M4 {
  const [n, avg, m2, m3, m4] = b;
  const newN = n + 1, delta = x - avg, deltaN = delta / newN;
  const newAvg = avg + deltaN;
  const newM2 = m2 + delta * (delta - deltaN);
  const delta2 = delta * delta, deltaN2 = deltaN * deltaN;
  const newM3 = m3 - 3.0 * deltaN * newM2 + delta * (delta2 - deltaN2);
  const newM4 = m4 - 4.0 * deltaN * newM3 - 6.0 * deltaN2 * newM2 + delta * (delta * delta2 - deltaN * deltaN2);
  return [newN, newAvg, newM2, newM3, newM4];
}

function momentMerge(a: M4, b: M4): M4 {
  const [n1, avg1, m21, m31, m41] = a, [n2, avg2, m22, m32, m42] = b;
  if (n1 === 0) return b;
  if (n2 === 0) return a;
  const n = n1 + n2, delta = avg2 - avg1, deltaN = delta / n;
  const avg = avg1 + deltaN * n2;
  const m2 = m21 + m22 + delta * deltaN * n1 * n2;
  const m3 = m31 + m32 + deltaN * deltaN * delta * n1 * n2 * (n1 - n2) + 3.0 * deltaN * (n1 * m22 - n2 * m21);
  const m4 = m41 + m42 + deltaN * deltaN * deltaN * delta * n1 * n2 * (n1 * n1 - n1 * n2 + n2 * n2)
    + 6.0 * deltaN * deltaN * (n1 * n1 * m22 + n2 * n2 * m21) + 4.0 * deltaN * (n1 * m32 - n2 * m31);
  return [n, avg, m2, m3, m4];
}

function highMoment(name: string, f: (b: M4) => number): void {
  register({
    kind: "agg", name, minArgs: 1, maxArgs: 1,
    resolve(args, node) { return { args: [coerceArg(node, args, 0, "double")], dataType: DoubleType }; },
    init: () => [0, 0, 0, 0, 0],
    update: (b, [v]) => (isNull(v) ? b : momentUpdate(b as M4, Number(v))),
    merge: (a, b) => momentMerge(a as M4, b as M4),
    // NULL for no rows, and for a zero variance (spark.sql.legacy.statisticalAggregate=false).
    finish: (b) => { const m = b as M4; return m[0] === 0 || m[2] === 0 ? null : f(m); },
  } satisfies AggDef);
}
highMoment("skewness", ([n, , m2, m3]) => (Math.sqrt(n) * m3) / Math.sqrt(m2 * m2 * m2));
highMoment("kurtosis", ([n, , m2, , m4]) => (n * m4) / (m2 * m2) - 3.0);

// mode: [key, value, count] entries in first-seen order; the first value with the highest count wins.
type Counts = [string, unknown, number][];
function addCount(c: Counts, v: unknown, k = 1): Counts {
  const key = canonical(v as never) as unknown as string;
  const hit = c.find((e) => e[0] === key);
  if (hit) hit[2] += k; else c.push([key, v, k]);
  return c;
}
register({
  kind: "agg", name: "mode", minArgs: 1, maxArgs: 1,
  resolve(args) { return { args, dataType: typeOf(args[0]!) }; },
  init: () => [],
  update: (b, [v]) => (isNull(v) ? b : addCount(b as Counts, v)),
  merge: (a, b) => { let c = a as Counts; for (const [, v, k] of b as Counts) c = addCount(c, v, k); return c; },
  finish: (b) => {
    let best: [string, unknown, number] | undefined;
    for (const e of b as Counts) if (!best || e[2] > best[2]) best = e;
    return best ? best[1] : null;
  },
} satisfies AggDef);
