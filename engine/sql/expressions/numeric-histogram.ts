// histogram_numeric: Spark's NumericHistogram (Hive's streaming histogram of Ben-Haim and
// Tom-Tov): a new value joins its exact bin or becomes a bin of its own; past the bin count the two
// closest bins merge into their weighted mean, ties between equally close pairs broken by a
// java.util.Random seeded 31183, reproduced here so results match Spark's for the same input
// order. The buffer is plain data (bins and the generator's 48-bit state) so partial histograms
// shuffle and merge as Spark's do (concatenate, sort, trim).

import { AnalysisError } from "../../common/errors";
import { Decimal } from "../../common/decimal";
import { type DataType, DoubleType } from "../types";
import { register, typeOf, type AggDef } from "./registry";

/**
 * [bin count, bins as [x, y] sorted by x, java.util.Random state, 1 once it is a final buffer].
 * Spark merges partial histograms into a fresh final buffer (its own generator from the seed),
 * whichever buffer the engine merges into first.
 */
type Histogram = [number, [number, number][], number, number];

const MULT = 0x5DEECE66Dn, ADD = 0xBn, MASK = (1n << 48n) - 1n;
const seeded = (seed: number): number => Number((BigInt(seed) ^ MULT) & MASK);

/** java.util.Random.nextDouble from a state; returns [value, next state]. */
function nextDouble(state: number): [number, number] {
  let s = BigInt(state);
  const next = (bits: bigint): bigint => { s = (s * MULT + ADD) & MASK; return s >> (48n - bits); };
  const hi = next(26n), lo = next(27n);
  return [Number((hi << 27n) + lo) / 2 ** 53, Number(s)];
}

function trim(h: Histogram): Histogram {
  const [nb, bins] = h;
  let state = h[2];
  while (bins.length > nb) {
    let smallest = bins[1]![0] - bins[0]![0], loc = 0, count = 1;
    for (let i = 1; i < bins.length - 1; i++) {
      const diff = bins[i + 1]![0] - bins[i]![0];
      if (diff < smallest) { smallest = diff; loc = i; count = 1; } else if (diff === smallest) {
        const [r, s2] = nextDouble(state);
        state = s2;
        if (r <= 1 / ++count) loc = i;
      }
    }
    const a = bins[loc]!, b = bins[loc + 1]!;
    const d = a[1] + b[1];
    bins[loc] = [a[0] * (a[1] / d) + (b[0] / d) * b[1], d];
    bins.splice(loc + 1, 1);
  }
  return [nb, bins, state, h[3]];
}

function add(h: Histogram, v: number): Histogram {
  const bins = h[1];
  let bin = 0;
  for (let l = 0, r = bins.length; l < r;) {
    bin = (l + r) >> 1;
    if (bins[bin]![0] > v) r = bin;
    else if (bins[bin]![0] < v) l = ++bin;
    else break;
  }
  if (bin < bins.length && bins[bin]![0] === v) { bins[bin] = [v, bins[bin]![1] + 1]; return h; }
  bins.splice(bin, 0, [v, 1]);
  return bins.length > h[0] ? trim(h) : h;
}

/** The value as the double Spark histograms (dates as days, timestamps as milliseconds here). */
function toDouble(v: unknown, t: DataType): number {
  if (v instanceof Date) return t.type === "date" ? Math.round(v.getTime() / 86_400_000) : v.getTime();
  if (v instanceof Decimal) return v.toNumber();
  return Number(v);
}

/** A bin's x back in the input's type (spark.sql.legacy.histogramNumericPropagateInputType, on by default): integral types truncate. */
function fromDouble(x: number, t: DataType): unknown {
  switch (t.type) {
    case "byte": case "short": case "integer": case "long": case "interval_ym": case "interval_dt": return Math.trunc(x);
    case "date": return new Date(Math.trunc(x) * 86_400_000);
    case "timestamp": return new Date(Math.trunc(x));
    case "float": return Math.fround(x);
    default: return x;
  }
}

const ACCEPTED = ["byte", "short", "integer", "long", "float", "double", "decimal", "date", "timestamp", "interval_ym", "interval_dt", "null"];

register({
  kind: "agg", name: "histogram_numeric", minArgs: 2, maxArgs: 2,
  resolve(args) {
    const t = typeOf(args[0]!);
    if (!ACCEPTED.includes(t.type)) {
      throw new AnalysisError("DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", `Cannot resolve "histogram_numeric" due to data type mismatch: the first parameter requires a numeric, date, timestamp or interval type, however it has the type ${t.type}.`);
    }
    const nb = args[1]!;
    if (nb.kind !== "lit" || typeof nb.value !== "number" || nb.value < 2) {
      throw new AnalysisError("DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE", `Cannot resolve "histogram_numeric" due to data type mismatch: the number of histogram bins must be a constant integer >= 2.`);
    }
    const x: DataType = t.type === "null" ? DoubleType : t;
    return { args, dataType: { type: "array", elementType: { type: "struct", fields: [{ name: "x", dataType: x, nullable: true }, { name: "y", dataType: DoubleType, nullable: true }] }, containsNull: true } };
  },
  init: () => [0, [], seeded(31183), 0] as Histogram,
  update: (b, [v, nb], info) => {
    const h = b as Histogram;
    if (h[0] === 0) h[0] = nb as number;
    return v === null || v === undefined ? h : add(h, toDouble(v, info.argTypes[0]!));
  },
  merge: (a, b) => {
    const hb = b as Histogram;
    // A partial buffer merged into is first copied into a fresh final one (Spark's empty-buffer path).
    const ha: Histogram = (a as Histogram)[3] ? a as Histogram : [(a as Histogram)[0], (a as Histogram)[1].map(([x, y]) => [x, y]), seeded(31183), 1];
    if (hb[1].length === 0) return ha;
    if (ha[1].length === 0) return [hb[0], hb[1].map(([x, y]) => [x, y]), ha[2], 1] as Histogram;
    const bins = [...ha[1], ...hb[1]].sort((p, q) => p[0] - q[0]);
    return trim([Math.max(ha[0], hb[0]), bins, ha[2], 1]);
  },
  finish: (b, info) => {
    const [, bins] = b as Histogram;
    if (bins.length === 0) return null;
    const t = info.argTypes[0]!;
    return bins.map(([x, y]) => ({ x: fromDouble(x, t), y }));
  },
} satisfies AggDef);
