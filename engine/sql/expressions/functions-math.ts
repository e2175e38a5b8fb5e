// Math functions. Rounding follows Spark: round is HALF_UP and bround HALF_EVEN on the value's
// decimal text (so round(0.285, 2) = 0.29 as in Spark, not 0.28 as binary doubles would give).

import { DoubleType, DecimalType, LongType, IntegerType, type DataType, isNumeric } from "../types";
import { register, simple, coerceArg, typeOf, type ScalarDef } from "./registry";
import { isIntegral, boundedDecimal } from "./type-utils";
import { fitIntegral } from "./functions-core";
import { decimalAbs, operandScale, roundDecimalValue } from "./decimal-arith";

const nn = (x: number) => (Number.isNaN(x) ? x : x);

/** Round `v` to `scale` digits with HALF_UP or HALF_EVEN, working on the decimal text. */
export function roundDecimal(v: number, scale: number, mode: "up" | "even"): number {
  if (!Number.isFinite(v)) return v;
  const sign = v < 0 ? -1 : 1;
  const a = Math.abs(v);
  const shifted = Number(`${a}e${scale}`);
  if (!Number.isFinite(shifted)) return v;
  let r = Math.floor(shifted);
  const frac = shifted - r;
  if (frac > 0.5 || (frac === 0.5 && (mode === "up" || r % 2 === 1))) r += 1;
  const out = Number(`${r}e${-scale}`);
  return sign * out;
}

function rounding(name: string, mode: "up" | "even"): ScalarDef {
  return {
    kind: "scalar", name, minArgs: 1, maxArgs: 2,
    resolve(args, node) {
      const a = coerceArg(node, args, 0, "numeric");
      const s = args[1] ? coerceArg(node, args, 1, "int") : undefined;
      const t = typeOf(a);
      let dt: DataType = t;
      if (t.type === "decimal") {
        // Spark: one more integral digit (9.9 -> 10), scale min(s, requested).
        const scale = s && s.kind === "lit" ? Math.max(0, Math.min(t.scale, Number(s.value))) : 0;
        dt = boundedDecimal(t.precision - t.scale + 1 + scale, scale);
      }
      return { args: s ? [a, s] : [a], dataType: dt };
    },
    eval([v, s], info) {
      const scale = s === undefined ? 0 : Number(s);
      if (isIntegral(info.dataType)) {
        if (scale >= 0) return v;
        // Exact integer rounding to 10^-scale, wrapping like Java's integral types (Spark, non-ANSI).
        if (-scale > 19) return typeof v === "bigint" ? 0n : 0;
        const x = BigInt(v as number | bigint), f = 10n ** BigInt(-scale);
        const q = x / f, rem = x % f, abs = rem < 0n ? -rem : rem, twice = 2n * abs;
        const away = twice > f || (twice === f && (mode === "up" || (q % 2n !== 0n)));
        const r = (away ? q + (x < 0n ? -1n : 1n) : q) * f;
        return fitIntegral(r, info.dataType, info.ctx.ansi, "round");
      }
      if (info.dataType.type === "decimal") {
        return roundDecimalValue(v, operandScale(info.argTypes[0]!), scale, mode, info.dataType, info.ctx.ansi);
      }
      if (typeof v === "bigint") return v;
      const x = v as number;
      const r = roundDecimal(x, scale, mode);
      return info.dataType.type === "float" ? Math.fround(r) : r;
    },
  };
}
register(rounding("round", "up"));
register(rounding("bround", "even"));

function ceilFloor(name: "ceil" | "floor", f: (x: number) => number): ScalarDef {
  return {
    kind: "scalar", name, minArgs: 1, maxArgs: 1,
    resolve(args, node) {
      const a = coerceArg(node, args, 0, "numeric");
      const t = typeOf(a);
      // Spark: decimal(p, 0) stays; decimal(p, s) becomes decimal(min(p - s + 1, 38), 0).
      if (t.type === "decimal") return { args: [a], dataType: t.scale === 0 ? t : DecimalType(Math.min(t.precision - t.scale + 1, 38), 0) };
      return { args: [a], dataType: LongType };
    },
    eval([v], info) {
      const t = info.argTypes[0]!;
      // A decimal's ceil/floor is a decimal (resolve above).
      if (t.type === "decimal" && t.scale > 0 && typeof v !== "number") return roundDecimalValue(v, t.scale, 0, name, info.dataType as DataType & { type: "decimal" }, info.ctx.ansi);
      return typeof v === "bigint" ? v : f(v as number);
    },
  };
}
register(ceilFloor("ceil", Math.ceil), "ceiling");
register(ceilFloor("floor", Math.floor));

register({
  kind: "scalar", name: "abs", minArgs: 1, maxArgs: 1,
  resolve(args, node) { const a = coerceArg(node, args, 0, "numeric"); return { args: [a], dataType: typeOf(a) }; },
  eval([v], info) {
    if (info.dataType.type === "decimal") return decimalAbs(v, info.dataType.scale);
    if (typeof v === "bigint") return v < 0n ? -v : v;
    const x = Math.abs(v as number);
    if (info.dataType.type === "integer" && x > 2147483647) return x | 0; // abs(MIN_VALUE) wraps like Java
    return x;
  },
});

const dbl = (name: string, f: (x: number) => number | null, ...aliases: string[]) =>
  register(simple(name, ["double"], DoubleType, ([x]) => f(Number(x))), ...aliases);

dbl("sqrt", (x) => Math.sqrt(x));
dbl("cbrt", (x) => Math.cbrt(x));
dbl("exp", (x) => Math.exp(x));
dbl("expm1", (x) => Math.expm1(x));
dbl("ln", (x) => (x <= 0 ? null : Math.log(x)));
dbl("log10", (x) => (x <= 0 ? null : Math.log10(x)));
dbl("log2", (x) => (x <= 0 ? null : Math.log2(x)));
dbl("log1p", (x) => (x <= -1 ? null : Math.log1p(x)));
dbl("sin", Math.sin); dbl("cos", Math.cos); dbl("tan", Math.tan);
dbl("asin", Math.asin); dbl("acos", Math.acos); dbl("atan", Math.atan);
dbl("sinh", Math.sinh); dbl("cosh", Math.cosh); dbl("tanh", Math.tanh);
dbl("degrees", (x) => (x * 180) / Math.PI);
dbl("radians", (x) => (x * Math.PI) / 180);
dbl("signum", (x) => nn(Math.sign(x)), "sign");
dbl("rint", (x) => roundDecimal(x, 0, "even"));

register({
  kind: "scalar", name: "log", minArgs: 1, maxArgs: 2,
  resolve(args, node) { return { args: args.map((_, i) => coerceArg(node, args, i, "double")), dataType: DoubleType }; },
  eval(vals) {
    if (vals.length === 1) { const x = vals[0] as number; return x <= 0 ? null : Math.log(x); }
    const [b, x] = vals as [number, number];
    return x <= 0 || b <= 0 ? null : Math.log(x) / Math.log(b);
  },
});
register(simple("pow", ["double", "double"], DoubleType, ([a, b]) => Math.pow(a as number, b as number)), "power");
register(simple("atan2", ["double", "double"], DoubleType, ([a, b]) => Math.atan2(a as number, b as number)));
register(simple("hypot", ["double", "double"], DoubleType, ([a, b]) => Math.hypot(a as number, b as number)));
register(simple("pi", [], DoubleType, () => Math.PI));
register(simple("e", [], DoubleType, () => Math.E));
register(simple("factorial", ["int"], LongType, ([n]) => {
  const k = n as number;
  if (k < 0 || k > 20) return null;
  let r = 1; for (let i = 2; i <= k; i++) r *= i;
  return Number.isSafeInteger(r) ? r : null;
}));

/** xorshift-style PRNG seeded per partition, like Spark's XORShiftRandom(seed + partitionId). */
export function seededRandom(seed: number): () => number {
  let s = (seed ^ 0x9e3779b9) >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

for (const name of ["rand", "random", "randn"]) {
  register({
    kind: "scalar", name, minArgs: 0, maxArgs: 1,
    resolve(args, node) { return { args: args.length ? [coerceArg(node, args, 0, "long")] : [], dataType: DoubleType, nullable: false }; },
    compile(args, info) {
      const seedFn = args[0];
      let gen: (() => number) | undefined;
      return (row) => {
        if (!gen) gen = seededRandom(Number(seedFn ? seedFn(row) ?? 0 : info.ctx.seed) + info.ctx.partitionId);
        if (name !== "randn") return gen();
        const u = Math.max(gen(), 1e-12), v = gen();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      };
    },
  });
}

register({
  kind: "scalar", name: "hex", minArgs: 1, maxArgs: 1,
  // Spark's Hex takes BIGINT, BINARY or STRING: other numbers are cast to BIGINT first.
  resolve(args, node) {
    const t = typeOf(args[0]!);
    return { args: isNumeric(t) && t.type !== "long" ? [coerceArg(node, args, 0, "long")] : args, dataType: { type: "string" } };
  },
  eval([v]) {
    if (typeof v === "string") return Buffer.from(v, "utf8").toString("hex").toUpperCase();
    if (v instanceof Uint8Array) return Buffer.from(v).toString("hex").toUpperCase();
    return BigInt.asUintN(64, BigInt(v as number)).toString(16).toUpperCase();
  },
});

register({
  kind: "scalar", name: "conv", minArgs: 3, maxArgs: 3,
  resolve(args, node) { return { args: [coerceArg(node, args, 0, "string"), coerceArg(node, args, 1, "int"), coerceArg(node, args, 2, "int")], dataType: { type: "string" } }; },
  // Spark's NumberConverter: unsigned 64-bit arithmetic; a negative toBase prints signed values;
  // bases outside 2..36 give NULL; parsing stops at the first character that is not a digit.
  eval([s, from, to]) {
    const fb = Math.abs(from as number), tb = Math.abs(to as number);
    if (fb < 2 || fb > 36 || tb < 2 || tb > 36) return null;
    let t = String(s).trim();
    const neg = t.startsWith("-");
    if (neg) t = t.slice(1);
    if (t === "") return null;
    const max = (1n << 64n) - 1n;
    let v = 0n, overflow = false;
    for (const ch of t.toLowerCase()) {
      const d = parseInt(ch, 36);
      if (Number.isNaN(d) || d >= fb) break;
      v = v * BigInt(fb) + BigInt(d);
      if (v > max) { v = max; overflow = true; break; }
    }
    // An overflow gives the all-ones value whatever the sign (Spark).
    if (neg && !overflow) v = ((1n << 64n) - v) & max;
    if ((to as number) < 0) {
      const signed = BigInt.asIntN(64, v);
      return (signed < 0n ? "-" + (-signed).toString(tb) : signed.toString(tb)).toUpperCase();
    }
    return v.toString(tb).toUpperCase();
  },
});

export { isNumeric, IntegerType };
