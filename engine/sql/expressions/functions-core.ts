// Operators and conditional functions: arithmetic with Spark's overflow and divide-by-zero rules
// (null in non-ANSI mode, DIVIDE_BY_ZERO / ARITHMETIC_OVERFLOW in ANSI mode), comparisons with
// three-valued logic, AND/OR/NOT, IS NULL, COALESCE, NULLIF, IF, bitwise operators.

import { ExecutionError } from "../../common/errors";
import { INTEGRAL_RANGES_NUM, type DataType, BooleanType, DateType, LongType, DoubleType, TimestampType, isNumeric, isInterval } from "../types";
import { addDayTime, addMonthsKeepingTime } from "./functions-datetime";
import { instantOfWall, wallDate } from "../time-zone";
import { intervalToString, type IntervalType } from "./intervals";
import type { Expr } from "./expression";
import { compareValues } from "./compare";
import {
  register, simple, typeOf, mkCast, dataTypeMismatch, coerceArg, coerceToCommon, nullableOf, type ScalarDef, type RowFn,
} from "./registry";
import { arithmeticType, literalOperandType, comparisonType, isIntegral, sqlTypeName } from "./type-utils";
import { exprSql } from "./print";
import { decimalArith, decimalNegate, operandScale } from "./decimal-arith";
import { decimalValue, unscaledAt } from "../../common/decimal";

// the overflow bounds of the narrow integral types (long arithmetic is checked in bigint)
const RANGES: Record<string, readonly [number, number]> = { byte: INTEGRAL_RANGES_NUM.byte!, short: INTEGRAL_RANGES_NUM.short!, integer: INTEGRAL_RANGES_NUM.integer! };

function overflowError(op: string, type: DataType): ExecutionError {
  return new ExecutionError("ARITHMETIC_OVERFLOW", `${type.type} overflow. Use 'try_${op}' to tolerate overflow and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`);
}

/** Normalize an integral result to the declared type: wrap (non-ANSI) or fail (ANSI). */
export function fitIntegral(r: number | bigint, type: DataType, ansi: boolean, op = "add"): number | bigint {
  if (type.type === "long") {
    if (typeof r === "bigint") {
      const w = BigInt.asIntN(64, r);
      if (ansi && w !== r) throw overflowError(op, type);
      return Number.isSafeInteger(Number(w)) ? Number(w) : w;
    }
    return r;
  }
  const n = Number(r);
  const range = RANGES[type.type];
  if (!range) return n;
  if (n < range[0] || n > range[1]) {
    if (ansi) throw overflowError(op, type);
    if (type.type === "integer") return n | 0;
    if (type.type === "short") return (n << 16) >> 16;
    return (n << 24) >> 24;
  }
  return n;
}

const big = (x: unknown) => (typeof x === "bigint" ? x : BigInt(x as number));

function longOp(op: string, a: unknown, b: unknown): number | bigint {
  if (typeof a === "number" && typeof b === "number") {
    const r = op === "+" ? a + b : op === "-" ? a - b : a * b;
    if (Number.isSafeInteger(r)) return r;
  }
  const x = big(a), y = big(b);
  return op === "+" ? x + y : op === "-" ? x - y : x * y;
}

function divideByZero(): ExecutionError {
  return new ExecutionError("DIVIDE_BY_ZERO", `Division by zero. Use \`try_divide\` to tolerate divisor being 0 and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`);
}

const isZero = (b: unknown) => b === 0 || b === 0n;

function arith(op: "+" | "-" | "*" | "/" | "%"): ScalarDef {
  return {
    kind: "scalar",
    name: op,
    minArgs: 2,
    maxArgs: 2,
    resolve(args, node) {
      const [l, r] = args as [Expr, Expr];
      const lt = typeOf(l), rt = typeOf(r);
      if (isInterval(lt) || isInterval(rt)) return intervalArithmetic(op, l, r, node);
      // date + int, date - int, int + date
      if ((op === "+" || op === "-") && lt.type === "date" && isIntegral(rt)) return { args, dataType: DateType };
      if (op === "+" && isIntegral(lt) && rt.type === "date") return { args: [r, l], dataType: DateType };
      if (op === "-" && lt.type === "date" && rt.type === "date") return { args, dataType: { type: "integer" } };
      if ((lt.type === "boolean" || rt.type === "boolean") || (!isNumeric(lt) && !["string", "null"].includes(lt.type)) || (!isNumeric(rt) && !["string", "null"].includes(rt.type))) {
        if (lt.type === rt.type) {
          throw dataTypeMismatch(node, "BINARY_OP_WRONG_TYPE",
            `the binary operator requires the input type ("NUMERIC" or "INTERVAL DAY TO SECOND" or "INTERVAL YEAR TO MONTH" or "INTERVAL"), not ${sqlTypeName(lt)}.`);
        }
        throw dataTypeMismatch(node, "BINARY_OP_DIFF_TYPES",
          `the left and right operands of the binary operator have incompatible types (${sqlTypeName(lt)} and ${sqlTypeName(rt)}).`,
          { left: sqlTypeName(lt), right: sqlTypeName(rt) });
      }
      const t = arithmeticType(op, literalOperandType(l, lt, rt), literalOperandType(r, rt, lt))!;
      if (t.type === "decimal") {
        const cast = (e: Expr) => { const et = typeOf(e); return et.type === "string" || et.type === "null" ? mkCast(e, DoubleType) : e; };
        return { args: [cast(l), cast(r)], dataType: t };
      }
      return { args: [mkCast(l, t), mkCast(r, t)], dataType: t };
    },
    eval(vals, info) {
      const [a, b] = vals;
      const t = info.dataType;
      if (isInterval(info.argTypes[0]!) || isInterval(info.argTypes[1]!)) return evalIntervalArithmetic(op, a, b, info.argTypes as DataType[], t, info.ctx.timeZone);
      if (t.type === "date") {
        if (info.argTypes[1]!.type === "date") return Math.round(((a as Date).getTime() - (b as Date).getTime()) / 86400000);
        const days = Number(b) * (op === "-" ? -1 : 1);
        return new Date((a as Date).getTime() + days * 86400000);
      }
      if (op === "/" || op === "%") {
        if (isZero(b)) {
          if (info.ctx.ansi) throw divideByZero();
          return null;
        }
      }
      switch (t.type) {
        case "byte": case "short": case "integer": {
          const x = a as number, y = b as number;
          const r = op === "+" ? x + y : op === "-" ? x - y : op === "*" ? x * y : x % y;
          return fitIntegral(op === "*" && !Number.isSafeInteger(r) ? Number(BigInt.asIntN(32, BigInt(x) * BigInt(y))) : r, t, info.ctx.ansi, opName(op));
        }
        case "long": {
          if (op === "%") {
            if (typeof a === "bigint" || typeof b === "bigint") return fitIntegral(big(a) % big(b), t, false);
            return (a as number) % (b as number);
          }
          return fitIntegral(longOp(op, a, b), t, info.ctx.ansi, opName(op));
        }
        case "float": case "double": {
          const x = Number(a), y = Number(b);
          const r = op === "+" ? x + y : op === "-" ? x - y : op === "*" ? x * y : op === "/" ? x / y : x % y;
          return t.type === "float" ? Math.fround(r) : r;
        }
        case "decimal":
          return decimalArith(op, a, b, operandScale(info.argTypes[0]!), operandScale(info.argTypes[1]!), t, info.ctx.ansi);
        default: return null;
      }
    },
  };
}

/**
 * + - * / with ANSI intervals (Spark's rules): timestamp/date ± interval (months are calendar
 * arithmetic; a date stays a date with INTERVAL DAY), interval ± interval of the same kind (the
 * fields widen), interval * number, number * interval, interval / number.
 */
function intervalArithmetic(op: string, l: Expr, r: Expr, node: Expr): { args: Expr[]; dataType: DataType } {
  const lt = typeOf(l), rt = typeOf(r);
  const diff = () => dataTypeMismatch(node, "BINARY_OP_DIFF_TYPES",
    `the left and right operands of the binary operator have incompatible types (${sqlTypeName(lt)} and ${sqlTypeName(rt)}).`,
    { left: sqlTypeName(lt), right: sqlTypeName(rt) });
  const datetime = (t: DataType) => t.type === "timestamp" || t.type === "date" || t.type === "string";
  if ((op === "+" || op === "-") && isInterval(rt) && datetime(lt)) return datetimePlus(l, r, lt, rt);
  if (op === "+" && isInterval(lt) && datetime(rt)) return datetimePlus(r, l, rt, lt);
  if ((op === "+" || op === "-") && isInterval(lt) && isInterval(rt)) {
    if (lt.type !== rt.type) throw diff();
    const a = lt as IntervalType, b = rt as IntervalType;
    const t = { ...a, startField: Math.min(a.startField, b.startField), endField: Math.max(a.endField, b.endField) } as DataType;
    return { args: [l, r], dataType: t };
  }
  if (op === "*" && isInterval(lt) && (isNumeric(rt) || rt.type === "null")) return { args: [l, r], dataType: lt };
  if (op === "*" && isInterval(rt) && (isNumeric(lt) || lt.type === "null")) return { args: [r, l], dataType: rt };
  if (op === "/" && isInterval(lt) && (isNumeric(rt) || rt.type === "null")) return { args: [l, r], dataType: lt };
  throw diff();
}

function datetimePlus(d: Expr, iv: Expr, dt: DataType, it: DataType): { args: Expr[]; dataType: DataType } {
  const keepsDate = dt.type === "date" && (it.type === "interval_ym" || (it.type === "interval_dt" && (it as IntervalType).endField === 0));
  const d2 = dt.type === "string" ? mkCast(d, TimestampType) : d;
  return { args: [d2, iv], dataType: keepsDate ? DateType : TimestampType };
}

function checkInterval(v: number, t: DataType): number {
  // Day-time intervals are exact up to 2^53 microseconds; beyond that the engine raises rather than round.
  const limit = t.type === "interval_ym" ? 2147483647 : Number.MAX_SAFE_INTEGER;
  if (!Number.isFinite(v) || v > limit || v < -limit - 1) {
    throw new ExecutionError("ARITHMETIC_OVERFLOW", `${t.type === "interval_ym" ? "integer" : "long"} overflow (day-time intervals are exact up to 2^53 microseconds in the engine). If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`,
      { parameters: { message: "overflow", alternative: "", config: '"spark.sql.ansi.enabled"' } });
  }
  return v;
}

/**
 * Interval arithmetic. As Spark's timestampAddInterval: months and whole days move a timestamp on
 * the wall clock of the session zone `tz` (a day keeps the local time across a DST change), the
 * rest of a day-time interval is added to the instant; a date meeting a time of day is its
 * midnight there.
 */
function evalIntervalArithmetic(op: string, a: unknown, b: unknown, argTypes: DataType[], t: DataType, tz: string): unknown {
  const [at, bt] = argTypes as [DataType, DataType];
  if (at.type === "timestamp" || at.type === "date") {
    const sign = op === "-" ? -1 : 1;
    if (t.type === "date") return bt.type === "interval_ym" ? addMonthsKeepingTime(a as Date, sign * (b as number)) : new Date((a as Date).getTime() + sign * (b as number) / 1000);
    const d = wallDate(at.type === "date" ? instantOfWall(a as Date, tz) : a as Date, tz);
    if (bt.type === "interval_ym") return instantOfWall(addMonthsKeepingTime(d, sign * (b as number)), tz);
    if ((b as number) % 1000 !== 0) {
      throw new ExecutionError("UNSUPPORTED_FEATURE.MICROSECOND_TIMESTAMP",
        `The feature is not supported: adding ${intervalToString(b as number, bt as IntervalType)} to a timestamp: the engine's timestamps hold milliseconds, so a fraction below a millisecond would be lost (docs/spark-differences.md).`);
    }
    return addDayTime(d, sign * (b as number) / 1000, tz);
  }
  if (op === "+" || op === "-") return checkInterval(op === "+" ? (a as number) + (b as number) : (a as number) - (b as number), t);
  const n = Number(b);
  if (op === "/" && n === 0) throw new ExecutionError("INTERVAL_DIVIDED_BY_ZERO", "Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead.");
  const raw = op === "*" ? (a as number) * n : (a as number) / n;
  // Spark rounds the product or quotient half up to whole months / microseconds.
  return checkInterval(Math.sign(raw) * Math.round(Math.abs(raw)), t);
}

function opName(op: string): string {
  return op === "+" ? "add" : op === "-" ? "subtract" : op === "*" ? "multiply" : "divide";
}

register(arith("+"));
register(arith("-"));
register(arith("*"));
register(arith("/"));
register(arith("%"), "mod");

register({
  kind: "scalar", name: "div", minArgs: 2, maxArgs: 2,
  resolve(args, node) {
    return { args: [coerceArg(node, args, 0, "long"), coerceArg(node, args, 1, "long")], dataType: LongType };
  },
  eval([a, b], info) {
    if (isZero(b)) { if (info.ctx.ansi) throw divideByZero(); return null; }
    if (typeof a === "bigint" || typeof b === "bigint") return fitIntegral(big(a) / big(b), LongType, false);
    return Math.trunc((a as number) / (b as number));
  },
});

register({
  kind: "scalar", name: "pmod", minArgs: 2, maxArgs: 2,
  resolve(args, node) {
    const a = coerceArg(node, args, 0, "numeric"), b = coerceArg(node, args, 1, "numeric");
    // Decimals take the remainder's type (Spark: min of the integral digits + the larger scale).
    const t = arithmeticType("%", typeOf(a), typeOf(b));
    if (t?.type === "decimal") return { args: [a, b], dataType: t };
    const c = coerceToCommon(node, [a, b]);
    return { args: c.args, dataType: c.type };
  },
  eval([a, b], info) {
    if (isZero(b)) return null;
    if (info.dataType.type === "decimal") {
      const s = info.dataType.scale, x = unscaledAt(a, s)!, y = unscaledAt(b, s)!;
      const r = x % y;
      return decimalValue(r < 0n ? (r + y) % y : r, s);
    }
    const x = Number(a), y = Number(b);
    const r = x % y;
    return r < 0 ? (r + y) % y : r;
  },
});

for (const [name, sign] of [["negative", -1], ["positive", 1]] as const) {
  register({
    kind: "scalar", name, minArgs: 1, maxArgs: 1,
    resolve(args, node) {
      if (isInterval(typeOf(args[0]!))) return { args: [args[0]!], dataType: typeOf(args[0]!) };
      const a = coerceArg(node, args, 0, "numeric");
      return { args: [a], dataType: typeOf(a) };
    },
    eval([a], info) {
      if (sign === 1) return a;
      if (isInterval(info.dataType)) return checkInterval(-(a as number), info.dataType);
      if (info.dataType.type === "decimal") return decimalNegate(a, info.dataType.scale);
      if (typeof a === "bigint") return fitIntegral(-a, info.dataType, info.ctx.ansi, "negate");
      return isIntegral(info.dataType) ? fitIntegral(-(a as number), info.dataType, info.ctx.ansi, "negate") : -(a as number);
    },
  });
}

// ---- comparisons ------------------------------------------------------------------------------

function comparison(name: string, test: (c: number) => boolean, nullSafe = false): ScalarDef {
  return {
    kind: "scalar", name, minArgs: 2, maxArgs: 2, nullSafe,
    resolve(args, node) {
      const [l, r] = args as [Expr, Expr];
      const lt = typeOf(l), rt = typeOf(r);
      const t = comparisonType(lt, rt);
      if (!t || t.type === "map") {
        throw dataTypeMismatch(node, "BINARY_OP_DIFF_TYPES",
          `the left and right operands of the binary operator have incompatible types (${sqlTypeName(lt)} and ${sqlTypeName(rt)}).`,
          { left: sqlTypeName(lt), right: sqlTypeName(rt) });
      }
      return { args: [mkCast(l, t), mkCast(r, t)], dataType: BooleanType, nullable: nullSafe ? false : undefined };
    },
    eval([a, b]) {
      if (nullSafe) {
        const an = a === null || a === undefined, bn = b === null || b === undefined;
        if (an || bn) return an && bn;
      }
      return test(compareValues(a, b));
    },
  };
}

register(comparison("=", (c) => c === 0), "==");
register(comparison("<=>", (c) => c === 0, true));
register({ ...comparison("<=>", (c) => c === 0, true), name: "equal_null" });
register(comparison("!=", (c) => c !== 0), "<>");
register(comparison("<", (c) => c < 0));
register(comparison("<=", (c) => c <= 0));
register(comparison(">", (c) => c > 0));
register(comparison(">=", (c) => c >= 0));

register({
  kind: "scalar", name: "between", minArgs: 3, maxArgs: 3,
  resolve(args, node) {
    const c = coerceToCommon(node, args);
    return { args: c.args, dataType: BooleanType };
  },
  eval([v, lo, hi]) {
    return compareValues(v, lo) >= 0 && compareValues(v, hi) <= 0;
  },
});

// ---- logic ------------------------------------------------------------------------------------

function logic(name: "and" | "or"): ScalarDef {
  return {
    kind: "scalar", name, minArgs: 2, maxArgs: 2,
    resolve(args, node) {
      return { args: [coerceArg(node, args, 0, "boolean"), coerceArg(node, args, 1, "boolean")], dataType: BooleanType };
    },
    compile([l, r]) {
      const L = l!, R = r!;
      if (name === "and") {
        return (row) => {
          const a = L(row);
          if (a === false) return false;
          const b = R(row);
          if (b === false) return false;
          return a === null || a === undefined || b === null || b === undefined ? null : true;
        };
      }
      return (row) => {
        const a = L(row);
        if (a === true) return true;
        const b = R(row);
        if (b === true) return true;
        return a === null || a === undefined || b === null || b === undefined ? null : false;
      };
    },
  };
}
register(logic("and"));
register(logic("or"));
register(simple("not", ["boolean"], BooleanType, ([a]) => !a), "!");

register({
  kind: "scalar", name: "isnull", minArgs: 1, maxArgs: 1, nullSafe: true,
  resolve(args) { return { args, dataType: BooleanType, nullable: false }; },
  eval([a]) { return a === null || a === undefined; },
});
register({
  kind: "scalar", name: "isnotnull", minArgs: 1, maxArgs: 1, nullSafe: true,
  resolve(args) { return { args, dataType: BooleanType, nullable: false }; },
  eval([a]) { return !(a === null || a === undefined); },
});
register({
  kind: "scalar", name: "isnan", minArgs: 1, maxArgs: 1, nullSafe: true,
  resolve(args, node) { return { args: [coerceArg(node, args, 0, "double")], dataType: BooleanType, nullable: false }; },
  eval([a]) { return typeof a === "number" && Number.isNaN(a); },
});
register({
  kind: "scalar", name: "nanvl", minArgs: 2, maxArgs: 2, nullSafe: true,
  resolve(args, node) { return { args: [coerceArg(node, args, 0, "double"), coerceArg(node, args, 1, "double")], dataType: DoubleType }; },
  eval([a, b]) { return typeof a === "number" && Number.isNaN(a) ? b : a; },
});

for (const [name, truth] of [["istrue", true], ["isfalse", false]] as const) {
  register({
    kind: "scalar", name, minArgs: 1, maxArgs: 1, nullSafe: true,
    resolve(args, node) { return { args: [coerceArg(node, args, 0, "boolean")], dataType: BooleanType, nullable: false }; },
    eval([a]) { return a === truth; },
  });
}

const coalesceDef: ScalarDef = {
  kind: "scalar", name: "coalesce", minArgs: 1, maxArgs: Infinity,
  resolve(args, node) {
    const c = coerceToCommon(node, args);
    return { args: c.args, dataType: c.type, nullable: c.args.every(nullableOf) };
  },
  compile(fns) {
    return (row) => {
      for (const f of fns) {
        const v = f(row);
        if (v !== null && v !== undefined) return v;
      }
      return null;
    };
  },
};
register(coalesceDef);
register({ ...coalesceDef, name: "nvl", minArgs: 2, maxArgs: 2 });
register({ ...coalesceDef, name: "ifnull", minArgs: 2, maxArgs: 2 });

register({
  kind: "scalar", name: "nullif", minArgs: 2, maxArgs: 2, nullSafe: true,
  resolve(args, node) {
    const c = coerceToCommon(node, args);
    return { args: c.args, dataType: c.type };
  },
  eval([a, b]) {
    if (a === null || a === undefined) return null;
    if (b !== null && b !== undefined && compareValues(a, b) === 0) return null;
    return a;
  },
});

register({
  kind: "scalar", name: "nvl2", minArgs: 3, maxArgs: 3,
  resolve(args, node) {
    const c = coerceToCommon(node, [args[1]!, args[2]!]);
    return { args: [args[0]!, ...c.args], dataType: c.type };
  },
  compile([a, b, c]) {
    return (row) => { const v = a!(row); return v === null || v === undefined ? c!(row) : b!(row); };
  },
});

const ifDef: ScalarDef = {
  kind: "scalar", name: "if", minArgs: 3, maxArgs: 3,
  resolve(args, node) {
    const cond = coerceArg(node, args, 0, "boolean");
    const c = coerceToCommon(node, [args[1]!, args[2]!]);
    return { args: [cond, ...c.args], dataType: c.type };
  },
  compile([p, a, b]) {
    return (row) => (p!(row) === true ? a!(row) : b!(row));
  },
};
register(ifDef, "iff");

register({
  kind: "scalar", name: "greatest", minArgs: 2, maxArgs: Infinity, nullSafe: true,
  resolve(args, node) { const c = coerceToCommon(node, args); return { args: c.args, dataType: c.type }; },
  eval(vals) {
    let best: unknown = null;
    for (const v of vals) if (v !== null && v !== undefined && (best === null || compareValues(v, best) > 0)) best = v;
    return best;
  },
});
register({
  kind: "scalar", name: "least", minArgs: 2, maxArgs: Infinity, nullSafe: true,
  resolve(args, node) { const c = coerceToCommon(node, args); return { args: c.args, dataType: c.type }; },
  eval(vals) {
    let best: unknown = null;
    for (const v of vals) if (v !== null && v !== undefined && (best === null || compareValues(v, best) < 0)) best = v;
    return best;
  },
});

// ---- bitwise ----------------------------------------------------------------------------------

function bitwise(name: string, f: (a: bigint, b: bigint) => bigint): ScalarDef {
  return {
    kind: "scalar", name, minArgs: 2, maxArgs: 2,
    resolve(args, node) {
      const c = coerceToCommon(node, [coerceArg(node, args, 0, "integral"), coerceArg(node, args, 1, "integral")]);
      return { args: c.args, dataType: c.type };
    },
    eval([a, b], info) { return fitIntegral(f(big(a), big(b)), info.dataType, false); },
  };
}
register(bitwise("&", (a, b) => a & b), "bitwise_and");
register(bitwise("|", (a, b) => a | b), "bitwise_or");
register(bitwise("^", (a, b) => a ^ b), "bitwise_xor");
register({
  kind: "scalar", name: "~", minArgs: 1, maxArgs: 1,
  resolve(args, node) { const a = coerceArg(node, args, 0, "integral"); return { args: [a], dataType: typeOf(a) }; },
  eval([a], info) { return fitIntegral(~big(a), info.dataType, false); },
}, "bitwise_not");
register(simple("shiftleft", ["integral", "int"], (t) => t[0]!, ([a, b], info) => fitIntegral(big(a) << BigInt(b as number), info.dataType, false)));
register(simple("shiftright", ["integral", "int"], (t) => t[0]!, ([a, b], info) => fitIntegral(big(a) >> BigInt(b as number), info.dataType, false)));

/** `a IN (list)` is its own node; exported so the analyzer can coerce it the same way. */
export function resolveIn(node: Expr & { kind: "in" }): Expr {
  const all = [node.child, ...node.list];
  const types = all.map(typeOf);
  let t: DataType | undefined = types[0]!;
  for (const x of types.slice(1)) t = t && comparisonType(t, x);
  if (!t) {
    throw dataTypeMismatch(node, "DATA_DIFF_TYPES",
      `Input to \`in\` should all be the same type, but it's [${types.map(sqlTypeName).join(", ")}].`);
  }
  return { ...node, child: mkCast(node.child, t), list: node.list.map((e) => mkCast(e, t!)) };
}

export function compileIn(child: RowFn, list: RowFn[]): RowFn {
  return (row) => {
    const v = child(row);
    if (v === null || v === undefined) return null;
    let sawNull = false;
    for (const f of list) {
      const x = f(row);
      if (x === null || x === undefined) { sawNull = true; continue; }
      if (compareValues(v, x) === 0) return true;
    }
    return sawNull ? null : false;
  };
}

export { exprSql };
