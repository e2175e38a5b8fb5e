// Aggregate functions as buffer algebras (init / update / merge / finish) with plain-data buffers,
// so a partial aggregate computed on one worker can be shuffled and merged on another (Spark's
// partial -> final HashAggregate). DISTINCT is a wrapper that collects distinct argument tuples.
// Also the ranking/offset window functions and the generators (explode & co.).

import { ExecutionError } from "../../common/errors";
import { canonical } from "../../common/keys";
import { type DataType, DecimalType, LongType, DoubleType, IntegerType, BooleanType, ArrayType, isNumeric, isInterval } from "../types";
import type { Expr } from "./expression";
import { compareValues } from "./compare";
import { mapEntries } from "./cast";
import {
  register, coerceArg, typeOf, dataTypeMismatch, lookupFunction, type AggDef, type AggInfo, type GeneratorDef, type WindowFnDef,
} from "./registry";
import { boundedDecimal, isIntegral, sqlTypeName } from "./type-utils";
import { exprSql } from "./print";
import { POW10_NUMBERS, decimalValue, divHalfUp, rescale, unscaledAt } from "../../common/decimal";
import { fitDecimal, operandScale } from "./decimal-arith";

const isNull = (v: unknown) => v === null || v === undefined;

/** Sums that stay exact beyond 2^53 (bigint): longs, and decimals as unscaled integers. */
const exactSum = (dt: DataType) => dt.type === "long" || dt.type === "decimal";

/** A DecimalType value's unscaled integer at `scale`: a safe number where the double holds it, else a bigint. */
function unscaledNum(v: unknown, scale: number): number | bigint {
  if (typeof v === "number" && scale <= 22) { // 10^scale is an exact double
    const u = v * POW10_NUMBERS[scale]!;
    if (Math.abs(u) < 2 ** 50) return Math.round(u);
  }
  const u = unscaledAt(v, scale)!;
  return Number.isSafeInteger(Number(u)) ? Number(u) : u;
}


function addNum(a: unknown, b: unknown): unknown {
  if (typeof a === "bigint" || typeof b === "bigint") {
    const r = BigInt(a as number) + BigInt(b as number);
    return Number.isSafeInteger(Number(r)) ? Number(r) : r;
  }
  const r = (a as number) + (b as number);
  if (Number.isInteger(a) && Number.isInteger(b) && !Number.isSafeInteger(r)) return BigInt(a as number) + BigInt(b as number);
  return r;
}

function agg(def: Omit<AggDef, "kind" | "minArgs" | "maxArgs"> & { minArgs?: number; maxArgs?: number }, ...aliases: string[]): void {
  register({ kind: "agg", minArgs: 1, maxArgs: 1, ...def }, ...aliases);
}

agg({
  name: "count", minArgs: 0, maxArgs: Infinity,
  resolve(args) { return { args, dataType: LongType, nullable: false }; },
  init: () => 0,
  update: (b, vals) => (vals.every((v) => !isNull(v)) ? (b as number) + 1 : b),
  merge: (a, b) => (a as number) + (b as number),
  finish: (b) => b,
});

agg({
  name: "count_if",
  resolve(args, node) { return { args: [coerceArg(node, args, 0, "boolean")], dataType: LongType, nullable: false }; },
  init: () => 0,
  update: (b, [v]) => (v === true ? (b as number) + 1 : b),
  merge: (a, b) => (a as number) + (b as number),
  finish: (b) => b,
});

function sumType(node: Expr, t: DataType): DataType {
  if (isIntegral(t)) return LongType;
  if (t.type === "decimal") return DecimalType(Math.min(t.precision + 10, 38), t.scale);
  if (t.type === "float" || t.type === "double") return DoubleType;
  throw dataTypeMismatch(node, "UNEXPECTED_INPUT_TYPE", `The first parameter requires the "NUMERIC" or "ANSI INTERVAL" type, however "${exprSql((node as { args: Expr[] }).args[0]!)}" has the type ${sqlTypeName(t)}.`);
}

agg({
  name: "sum",
  resolve(args, node) {
    if (isInterval(typeOf(args[0]!))) return { args, dataType: typeOf(args[0]!) };
    const a = coerceArg(node, args, 0, "numeric");
    return { args: [a], dataType: sumType(node, typeOf(a)) };
  },
  init: () => null,
  // Integral sums are longs (exact beyond 2^53 as bigint); decimal sums add their unscaled
  // integers at the result scale (exact, as Spark's BigDecimal); double sums add as doubles.
  update: (b, [v], info) => {
    if (isNull(v)) return b;
    const dt = info.dataType;
    if (dt.type === "decimal") { const u = unscaledNum(v, dt.scale); return isNull(b) ? u : addNum(b, u); }
    return isNull(b) ? v : exactSum(dt) ? addNum(b, v) : (b as number) + (v as number);
  },
  merge: (a, b, info) => (isNull(a) ? b : isNull(b) ? a : exactSum(info.dataType) ? addNum(a, b) : (a as number) + (b as number)),
  finish: (b, info) => {
    const dt = info.dataType;
    if (dt.type === "decimal" && !isNull(b)) {
      // Beyond the result precision: null without ANSI (Spark), NUMERIC_VALUE_OUT_OF_RANGE with it.
      return fitDecimal(BigInt(b as number | bigint), dt.scale, dt, !!info.ansi);
    }
    // A long sum wraps around like Java's long arithmetic (Spark without ANSI); ANSI raises.
    if (info.dataType.type === "long" && typeof b === "bigint") {
      const w = BigInt.asIntN(64, b);
      if (info.ansi && w !== b) {
        throw new ExecutionError("ARITHMETIC_OVERFLOW", `long overflow. Use 'try_add' to tolerate overflow and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`);
      }
      return Number.isSafeInteger(Number(w)) ? Number(w) : w;
    }
    return b;
  },
});

agg({
  name: "product",
  resolve(args, node) { return { args: [coerceArg(node, args, 0, "double")], dataType: DoubleType }; },
  init: () => null,
  update: (b, [v]) => (isNull(v) ? b : isNull(b) ? v : (b as number) * (v as number)),
  merge: (a, b) => (isNull(a) ? b : isNull(b) ? a : (a as number) * (b as number)),
  finish: (b) => b,
});

agg({
  name: "avg",
  resolve(args, node) {
    if (isInterval(typeOf(args[0]!))) return { args, dataType: typeOf(args[0]!) };
    const a = coerceArg(node, args, 0, "numeric");
    const t = typeOf(a);
    sumType(node, t);
    return { args: [a], dataType: t.type === "decimal" ? DecimalType(Math.min(t.precision + 4, 38), Math.min(t.scale + 4, 38)) : DoubleType };
  },
  init: () => [0, 0],
  update: (b, [v], info) => {
    if (isNull(v)) return b;
    const [s, n] = b as [number, number];
    // Decimal means add unscaled integers at the input scale (exact); the rest add as doubles.
    if (info.dataType.type === "decimal") return [addNum(s, unscaledNum(v, operandScale(info.argTypes[0]!))), n + 1];
    return [s + Number(v), n + 1];
  },
  merge: (a, b, info) => {
    const [s1, n1] = a as [number, number], [s2, n2] = b as [number, number];
    return [info.dataType.type === "decimal" ? addNum(s1, s2) : s1 + s2, n1 + n2];
  },
  finish: (b, info) => {
    const [s, n] = b as [number, number];
    if (n === 0) return null;
    const dt = info.dataType;
    if (dt.type === "decimal") {
      // Spark: the sum (decimal(p+10, s)) divided by the count (decimal(20,0)) at the division's
      // scale, then cast HALF_UP to the mean's scale (two roundings, as Spark rounds).
      const at = info.argTypes[0]!, from = operandScale(at);
      // Division's type: scale max(6, s1 + p2 + 1) with p2 = 20, adjusted when the precision passes 38.
      const intDigits = Math.min((at.type === "decimal" ? at.precision : 20) + 10, 38) - from;
      const divScale = (boundedDecimal(intDigits + from + 21, from + 21) as { scale: number }).scale;
      const q = divHalfUp(rescale(BigInt(s), from, divScale), BigInt(n));
      return decimalValue(rescale(q, divScale, dt.scale), dt.scale);
    }
    const r = s / n;
    // The mean of an interval column is an interval, rounded half up to whole months / microseconds.
    if (isInterval(info.dataType)) return Math.sign(r) * Math.round(Math.abs(r));
    return r;
  },
}, "mean");

function extreme(name: string, sign: 1 | -1): void {
  agg({
    name,
    resolve(args, node) {
      const t = typeOf(args[0]!);
      if (t.type === "map") throw dataTypeMismatch(node, "INVALID_ORDERING_TYPE", `The \`${name}\` does not support ordering on type "MAP".`);
      return { args, dataType: t };
    },
    init: () => null,
    update: (b, [v]) => (isNull(v) ? b : isNull(b) || compareValues(v, b) * sign > 0 ? v : b),
    merge: (a, b) => (isNull(a) ? b : isNull(b) ? a : compareValues(b, a) * sign > 0 ? b : a),
    finish: (b) => b,
  });
}
extreme("max", 1);
extreme("min", -1);

function extremeBy(name: string, sign: 1 | -1): void {
  agg({
    name, minArgs: 2, maxArgs: 2,
    resolve(args) { return { args, dataType: typeOf(args[0]!) }; },
    init: () => null,
    update: (b, [v, k]) => (isNull(k) ? b : isNull(b) || compareValues(k, (b as unknown[])[1]) * sign > 0 ? [v, k] : b),
    merge: (a, b) => (isNull(a) ? b : isNull(b) ? a : compareValues((b as unknown[])[1], (a as unknown[])[1]) * sign > 0 ? b : a),
    finish: (b) => (isNull(b) ? null : (b as unknown[])[0]),
  });
}
extremeBy("max_by", 1);
extremeBy("min_by", -1);

// first/last keep [value, seen]; the optional second argument is ignoreNulls.
function firstLast(name: string, last: boolean, ...aliases: string[]): void {
  agg({
    name, maxArgs: 2,
    resolve(args, node) {
      return { args: args.length > 1 ? [args[0]!, coerceArg(node, args, 1, "boolean")] : args, dataType: typeOf(args[0]!) };
    },
    init: () => [null, false],
    update: (b, [v, ign], info) => {
      const ignore = ign === true || info.ignoreNulls;
      const [, seen] = b as [unknown, boolean];
      if (ignore && isNull(v)) return b;
      if (!last && seen) return b;
      return [v ?? null, true];
    },
    merge: (a, b) => {
      const [, sa] = a as [unknown, boolean], [, sb] = b as [unknown, boolean];
      if (last) return sb ? b : a;
      return sa ? a : b;
    },
    finish: (b) => (b as unknown[])[0] ?? null,
  }, ...aliases);
}
firstLast("first", false, "first_value");
firstLast("last", true, "last_value");
firstLast("any_value", false);

agg({
  name: "collect_list",
  resolve(args) { return { args, dataType: ArrayType(typeOf(args[0]!), false), nullable: false }; },
  init: () => [],
  update: (b, [v]) => { if (!isNull(v)) (b as unknown[]).push(v); return b; },
  merge: (a, b) => (a as unknown[]).concat(b as unknown[]),
  finish: (b) => b,
}, "array_agg");

agg({
  name: "collect_set",
  resolve(args) { return { args, dataType: ArrayType(typeOf(args[0]!), false), nullable: false }; },
  init: () => [],
  update: (b, [v]) => {
    const arr = b as unknown[];
    if (!isNull(v) && !arr.some((x) => compareValues(x, v) === 0)) arr.push(v);
    return arr;
  },
  merge: (a, b) => {
    const arr = a as unknown[];
    for (const v of b as unknown[]) if (!arr.some((x) => compareValues(x, v) === 0)) arr.push(v);
    return arr;
  },
  finish: (b) => b,
});

agg({
  name: "approx_count_distinct", maxArgs: 2,
  resolve(args) { return { args: [args[0]!], dataType: LongType, nullable: false }; },
  // Exact distinct count over canonical keys: an upper bound on HyperLogLog's accuracy.
  init: () => [],
  update: (b, [v]) => { if (!isNull(v)) { const k = canonical(v); const arr = b as string[]; if (!arr.includes(k)) arr.push(k); } return b; },
  merge: (a, b) => [...new Set([...(a as string[]), ...(b as string[])])],
  finish: (b) => (b as string[]).length,
});

function bool(name: string, and: boolean, ...aliases: string[]): void {
  agg({
    name,
    resolve(args, node) { return { args: [coerceArg(node, args, 0, "boolean")], dataType: BooleanType }; },
    init: () => null,
    update: (b, [v]) => (isNull(v) ? b : isNull(b) ? v : and ? (b as boolean) && (v as boolean) : (b as boolean) || (v as boolean)),
    merge: (a, b) => (isNull(a) ? b : isNull(b) ? a : and ? (a as boolean) && (b as boolean) : (a as boolean) || (b as boolean)),
    finish: (b) => b,
  }, ...aliases);
}
bool("bool_and", true, "every");
bool("bool_or", false, "any", "some");

// Welford / Chan's parallel algorithm: buffer [n, mean, m2], with the exact floating-point steps
// of Spark's CentralMomentAgg (so results match Spark's to the last digit for the same partitions).
type Moments = [number, number, number];
const momentsUpdate = (b: unknown, [v]: unknown[]): unknown => {
  if (isNull(v)) return b;
  const [n, mean, m2] = b as Moments;
  const x = Number(v);
  const n1 = n + 1, d = x - mean, dN = d / n1;
  return [n1, mean + dN, m2 + d * (d - dN)];
};
const momentsMerge = (a: unknown, b: unknown): unknown => {
  const [na, ma, qa] = a as Moments, [nb, mb, qb] = b as Moments;
  if (na === 0) return b;
  if (nb === 0) return a;
  const n = na + nb, d = mb - ma, dN = d / n;
  return [n, ma + dN * nb, qa + qb + d * dN * na * nb];
};
function moment(name: string, f: (n: number, m2: number) => number | null, ...aliases: string[]): void {
  agg({
    name,
    resolve(args, node) { return { args: [coerceArg(node, args, 0, "double")], dataType: DoubleType }; },
    init: () => [0, 0, 0],
    update: momentsUpdate,
    merge: momentsMerge,
    finish: (b) => { const [n, , m2] = b as Moments; return n === 0 ? null : f(n, m2); },
  }, ...aliases);
}
moment("stddev_samp", (n, m2) => (n < 2 ? null : Math.sqrt(m2 / (n - 1))), "stddev", "std");
moment("stddev_pop", (n, m2) => Math.sqrt(m2 / n));
moment("var_samp", (n, m2) => (n < 2 ? null : m2 / (n - 1)), "variance");
moment("var_pop", (n, m2) => m2 / n);

// Co-moments: buffer [n, meanX, meanY, cXY, m2X, m2Y].
function comoment(name: string, f: (b: number[]) => number | null): void {
  agg({
    name, minArgs: 2, maxArgs: 2,
    resolve(args, node) { return { args: [coerceArg(node, args, 0, "double"), coerceArg(node, args, 1, "double")], dataType: DoubleType }; },
    init: () => [0, 0, 0, 0, 0, 0],
    update: (b, [x0, y0]) => {
      if (isNull(x0) || isNull(y0)) return b;
      const [n, mx, my, c, vx, vy] = b as number[];
      const x = Number(x0), y = Number(y0), n1 = n! + 1;
      const dx = x - mx!, dy = y - my!;
      const mx1 = mx! + dx / n1, my1 = my! + dy / n1;
      return [n1, mx1, my1, c! + dx * (y - my1), vx! + dx * (x - mx1), vy! + dy * (y - my1)];
    },
    merge: (a, b) => {
      const A = a as number[], B = b as number[];
      if (A[0] === 0) return B;
      if (B[0] === 0) return A;
      const n = A[0]! + B[0]!, dx = B[1]! - A[1]!, dy = B[2]! - A[2]!;
      const w = (A[0]! * B[0]!) / n;
      return [n, A[1]! + (dx * B[0]!) / n, A[2]! + (dy * B[0]!) / n, A[3]! + B[3]! + dx * dy * w, A[4]! + B[4]! + dx * dx * w, A[5]! + B[5]! + dy * dy * w];
    },
    finish: (b) => ((b as number[])[0] === 0 ? null : f(b as number[])),
  });
}
comoment("covar_pop", (b) => b[3]! / b[0]!);
comoment("covar_samp", (b) => (b[0]! < 2 ? null : b[3]! / (b[0]! - 1)));
// A zero variance divides by zero: NULL (spark.sql.legacy.statisticalAggregate=false), not NaN.
comoment("corr", (b) => (b[0]! < 2 || b[4]! * b[5]! === 0 ? null : b[3]! / Math.sqrt(b[4]! * b[5]!)));

/** Exact percentile (linear interpolation) over collected values; used for median/percentile. */
function percentileDef(name: string, fixed?: number): void {
  agg({
    name, maxArgs: fixed === undefined ? 3 : 1,
    resolve(args, node) {
      // percentile_approx returns a value of the input's own numeric type (Spark); the exact ones a double.
      const approx = name === "percentile_approx" || name === "approx_percentile";
      const t = typeOf(args[0]!);
      const keep = approx && ["byte", "short", "integer", "long", "float", "double"].includes(t.type);
      const a = keep ? args[0]! : coerceArg(node, args, 0, "double");
      return { args: fixed === undefined ? [a, coerceArg(node, args, 1, "double")] : [a], dataType: keep ? t : DoubleType };
    },
    init: () => [[], fixed ?? null],
    update: (b, [v, p]) => { const [arr] = b as [number[], number | null]; if (!isNull(v)) arr.push(Number(v)); return [arr, fixed ?? (p as number)]; },
    merge: (a, b) => [[...(a as [number[]])[0], ...(b as [number[]])[0]], (a as unknown[])[1] ?? (b as unknown[])[1]],
    finish: (b) => {
      const [arr, p] = b as [number[], number];
      if (!arr.length) return null;
      const s = [...arr].sort((x, y) => x - y);
      if (name === "percentile_approx" || name === "approx_percentile") return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
      const pos = p * (s.length - 1), lo = Math.floor(pos), hi = Math.ceil(pos);
      return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
    },
  });
}
percentileDef("median", 0.5);
percentileDef("percentile");
percentileDef("percentile_approx");
percentileDef("approx_percentile");

// ---- DISTINCT wrapper and runtime --------------------------------------------------------------

export interface AggRuntime {
  init(): unknown;
  update(buf: unknown, vals: unknown[]): unknown;
  merge(a: unknown, b: unknown): unknown;
  finish(buf: unknown): unknown;
}

/** The runtime of a resolved aggregate call (`fn` node), with DISTINCT handled. */
export function aggRuntime(node: Expr & { kind: "fn" }, conf: { ansi?: boolean } = {}): AggRuntime {
  const def = lookupFunction(node.name) as AggDef;
  const info: AggInfo = { argTypes: node.args.map(typeOf), dataType: node.dataType!, ignoreNulls: node.ignoreNulls === true, ansi: conf.ansi === true };
  if (!node.distinct) {
    return {
      init: () => def.init(info),
      update: (b, v) => def.update(b, v, info),
      merge: (a, b) => def.merge(a, b, info),
      finish: (b) => def.finish(b, info),
    };
  }
  // Buffer: { k: canonical keys, v: distinct argument tuples } (plain data for the shuffle).
  type D = { k: string[]; v: unknown[][] };
  const add = (d: D, vals: unknown[]) => {
    const key = canonical(vals.map((x) => x ?? null));
    if (!d.k.includes(key)) { d.k.push(key); d.v.push(vals); }
    return d;
  };
  return {
    init: () => ({ k: [], v: [] }),
    update: (b, vals) => add(b as D, vals),
    merge: (a, b) => { for (const vals of (b as D).v) add(a as D, vals); return a; },
    finish: (b) => {
      let buf = def.init(info);
      for (const vals of (b as D).v) buf = def.update(buf, vals, info);
      return def.finish(buf, info);
    },
  };
}

// ---- ranking / offset window functions --------------------------------------------------------

function win(name: string, dataType: (args: Expr[]) => DataType, opts: { min?: number; max?: number; order?: boolean; coerce?: (args: Expr[], node: Expr & { kind: "fn" }) => Expr[] } = {}): void {
  const def: WindowFnDef = {
    kind: "window", name, minArgs: opts.min ?? 0, maxArgs: opts.max ?? 0, requiresOrder: opts.order ?? true,
    resolve(args, node) {
      const a = opts.coerce ? opts.coerce(args, node) : args;
      return { args: a, dataType: dataType(a), nullable: name === "lag" || name === "lead" || name === "nth_value" };
    },
  };
  register(def);
}
win("row_number", () => IntegerType);
win("rank", () => IntegerType);
win("dense_rank", () => IntegerType);
win("percent_rank", () => DoubleType);
win("cume_dist", () => DoubleType);
win("ntile", () => IntegerType, { min: 1, max: 1, coerce: (a, n) => [coerceArg(n, a, 0, "int")] });
const offsetCoerce = (a: Expr[], n: Expr & { kind: "fn" }) => {
  const out = [a[0]!];
  if (a[1]) out.push(coerceArg(n, a, 1, "int"));
  if (a[2]) out.push({ kind: "cast", child: a[2], to: typeOf(a[0]!) } as Expr);
  return out;
};
win("lag", (a) => typeOf(a[0]!), { min: 1, max: 3, coerce: offsetCoerce });
win("lead", (a) => typeOf(a[0]!), { min: 1, max: 3, coerce: offsetCoerce });
win("nth_value", (a) => typeOf(a[0]!), { min: 2, max: 3, coerce: (a, n) => [a[0]!, coerceArg(n, a, 1, "int")] });

// ---- generators ---------------------------------------------------------------------------------

function generator(name: string, pos: boolean, outer: boolean): void {
  const def: GeneratorDef = {
    kind: "generator", name, minArgs: 1, maxArgs: 1, outer,
    resolve(args, node) {
      const t = typeOf(args[0]!);
      const out: { name: string; dataType: DataType; nullable: boolean }[] = pos ? [{ name: "pos", dataType: IntegerType, nullable: outer }] : [];
      if (t.type === "array") out.push({ name: "col", dataType: t.elementType, nullable: true });
      else if (t.type === "map") out.push({ name: "key", dataType: t.keyType, nullable: outer }, { name: "value", dataType: t.valueType, nullable: true });
      else {
        throw dataTypeMismatch(node, "UNEXPECTED_INPUT_TYPE", `Parameter 1 requires the ("ARRAY" or "MAP") type, however "${exprSql(args[0]!)}" has the type ${sqlTypeName(t)}.`);
      }
      return { args, output: out };
    },
    generate([v], argTypes) {
      const width = (pos ? 1 : 0) + (argTypes[0]!.type === "map" ? 2 : 1);
      if (isNull(v)) return outer ? [Array(width).fill(null)] : [];
      const rows: unknown[][] = [];
      if (Array.isArray(v)) v.forEach((x, i) => rows.push(pos ? [i, x ?? null] : [x ?? null]));
      else mapEntries(v).forEach(([k, x], i) => rows.push(pos ? [i, k, x ?? null] : [k, x ?? null]));
      if (!rows.length && outer) return [Array(width).fill(null)];
      return rows;
    },
  };
  register(def);
}
generator("explode", false, false);
generator("explode_outer", false, true);
generator("posexplode", true, false);
generator("posexplode_outer", true, true);

for (const [name, outer] of [["inline", false], ["inline_outer", true]] as const) {
  register({
    kind: "generator", name, minArgs: 1, maxArgs: 1, outer,
    resolve(args, node) {
      const t = typeOf(args[0]!);
      if (t.type !== "array" || t.elementType.type !== "struct") {
        throw dataTypeMismatch(node, "UNEXPECTED_INPUT_TYPE", `Parameter 1 requires the "ARRAY<STRUCT>" type, however "${exprSql(args[0]!)}" has the type ${sqlTypeName(t)}.`);
      }
      return { args, output: t.elementType.fields.map((f) => ({ name: f.name, dataType: f.dataType, nullable: true })) };
    },
    generate([v], argTypes) {
      const fields = ((argTypes[0] as DataType & { type: "array" }).elementType as DataType & { type: "struct" }).fields;
      if (isNull(v) || !(v as unknown[]).length) return outer ? [fields.map(() => null)] : [];
      return (v as Record<string, unknown>[]).map((s) => fields.map((f) => (s ? s[f.name] ?? null : null)));
    },
  } as GeneratorDef);
}

export { isNumeric };

// GROUPING SETS / ROLLUP / CUBE: one output row per grouping set, grouping columns outside the
// set nulled, plus Spark's grouping id (bit i set when expression i is aggregated away).
register({
  kind: "generator", name: "__expand_grouping_sets", minArgs: 1, maxArgs: Infinity, outer: false,
  resolve(args) {
    return { args, output: [...args.slice(1).map((a, i) => ({ name: `__g${i}`, dataType: typeOf(a), nullable: true })), { name: "spark_grouping_id", dataType: LongType, nullable: false }] };
  },
  generate([sets, ...vals]) {
    const n = vals.length;
    return (sets as number[][]).map((set) => {
      let gid = 0;
      const row = vals.map((v, i) => {
        if (set.includes(i)) return v ?? null;
        gid |= 1 << (n - 1 - i);
        return null;
      });
      return [...row, gid];
    });
  },
} as GeneratorDef);
// The same with each set's position as a last column, when a grouping set repeats.
register({
  kind: "generator", name: "__expand_grouping_sets_pos", minArgs: 1, maxArgs: Infinity, outer: false,
  resolve(args) {
    return { args, output: [...args.slice(1).map((a, i) => ({ name: `__g${i}`, dataType: typeOf(a), nullable: true })), { name: "spark_grouping_id", dataType: LongType, nullable: false }, { name: "_gen_grouping_pos", dataType: IntegerType, nullable: false }] };
  },
  generate([sets, ...vals]) {
    const n = vals.length;
    return (sets as number[][]).map((set, p) => {
      let gid = 0;
      const row = vals.map((v, i) => {
        if (set.includes(i)) return v ?? null;
        gid |= 1 << (n - 1 - i);
        return null;
      });
      return [...row, gid, p];
    });
  },
} as GeneratorDef);
for (const name of ["grouping", "grouping_id"]) {
  register({
    kind: "scalar", name, minArgs: 0, maxArgs: Infinity,
    resolve(args) { return { args, dataType: name === "grouping" ? { type: "byte" } : LongType }; },
    eval() {
      throw new Error(`${name}() can only be used with GROUPING SETS, ROLLUP or CUBE`);
    },
  });
}
