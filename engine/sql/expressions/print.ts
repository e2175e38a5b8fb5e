// Text of expressions the way Spark prints them: `exprSql` gives the auto-generated column name
// ("(a + 1)", "sum(x)", "CAST(a AS STRING)"); `exprPlan` gives the explain() form with attribute
// ids ("(a#3 + 1)", "cast(a#3 as string)").

import { unscaledAt, unscaledText } from "../../common/decimal";
import { simpleString } from "../types";
import { mapChildren, type Expr, type FrameBound, type WindowSpecData } from "./expression";
import { valueToString } from "./cast";

const INFIX: Record<string, string> = {
  "+": "+", "-": "-", "*": "*", "/": "/", "%": "%", div: "div", "=": "=", "<=>": "<=>", "!=": "!=",
  "<": "<", "<=": "<=", ">": ">", ">=": ">=", and: "AND", or: "OR", "&": "&", "|": "|", "^": "^", "||": "||",
};

// Spark fills optional arguments in when it builds the expression, so its names show them:
// split(s, p) is named split(s, p, -1), substr(s, 5) substr(s, 5, 2147483647).
const DEFAULT_ARG: Record<string, [given: number, text: string]> = {
  split: [2, "-1"], substr: [2, "2147483647"], substring: [2, "2147483647"], replace: [2, ""], lpad: [2, " "], rpad: [2, " "],
  locate: [2, "1"], position: [2, "1"], percentile_approx: [2, "10000"], approx_percentile: [2, "10000"],
  regexp_replace: [3, "1"], round: [1, "0"], bround: [1, "0"], sort_array: [1, "true"],
  // aggregate(arr, zero, merge) gets the identity finish function.
  aggregate: [3, "lambdafunction(namedlambdavariable(), namedlambdavariable())"], reduce: [3, "lambdafunction(namedlambdavariable(), namedlambdavariable())"],
};

/** Aliases whose expression keeps its own name (array_agg is Spark's CollectList). */
const PRETTY_NAME: Record<string, string> = { array_agg: "collect_list" };

/**
 * Math functions Spark names in capitals (the fixed name of its Unary/BinaryMathExpression):
 * sqrt(x) is SQRT(x), pow(a, b) POWER(a, b); ceiling(x) and ceil(x, d) keep their spelling.
 */
const UPPER_NAMES: Record<string, [arity: number, name: string]> = {
  ceil: [1, "CEIL"], floor: [1, "FLOOR"], sec: [1, "SEC"], csc: [1, "CSC"], cot: [1, "COT"], signum: [1, "SIGNUM"], sign: [1, "SIGNUM"],
  acos: [1, "ACOS"], asin: [1, "ASIN"], atan: [1, "ATAN"], cbrt: [1, "CBRT"], cos: [1, "COS"], cosh: [1, "COSH"], acosh: [1, "ACOSH"],
  exp: [1, "EXP"], expm1: [1, "EXPM1"], log2: [1, "LOG2"], log10: [1, "LOG10"], log1p: [1, "LOG1P"], sin: [1, "SIN"], sinh: [1, "SINH"],
  asinh: [1, "ASINH"], sqrt: [1, "SQRT"], tan: [1, "TAN"], tanh: [1, "TANH"], atanh: [1, "ATANH"],
  power: [2, "POWER"], atan2: [2, "ATAN2"], hypot: [2, "HYPOT"], log: [2, "LOG"],
};

const TRIM_SIDE: Record<string, string> = { trim: "BOTH", ltrim: "LEADING", rtrim: "TRAILING" };

const BINARY_FUNCTIONS = new Set(["unhex", "to_binary", "encode", "binary", "aes_encrypt", "aes_decrypt", "unbase64", "try_to_binary"]);

/** lpad/rpad pad binary input with zero bytes: is the (unresolved) argument binary? */
function looksBinary(x: Expr): boolean {
  if (x.kind === "lit") return x.dataType?.type === "binary";
  if (x.kind === "cast") return x.to.type === "binary";
  if (x.kind === "fn") return x.dataType ? x.dataType.type === "binary" : BINARY_FUNCTIONS.has(x.name.toLowerCase()) || ((x.name === "lpad" || x.name === "rpad") && looksBinary(x.args[0]!));
  return "dataType" in x && (x as { dataType?: { type: string } }).dataType?.type === "binary";
}

/** A row constructor's field names: a column's name, an alias, else col1, col2, ... */
function rowFieldName(x: Expr, i: number): string {
  if (x.kind === "col") return x.parts[x.parts.length - 1]!;
  if (x.kind === "attr" || x.kind === "alias") return x.name;
  return `col${i + 1}`;
}

export function exprSql(e: Expr): string {
  return print(e, false);
}

export function exprPlan(e: Expr): string {
  return print(e, true);
}

/** Java's BigDecimal.toString, as Spark names a decimal literal: plain, or 1.2345678E-8 below 10^-6. */
function javaDecimalString(v: unknown, scale: number): string {
  const u = unscaledAt(v, scale);
  if (u === null) return String(v);
  const digits = (u < 0n ? -u : u).toString();
  const adjusted = digits.length - 1 - scale;
  if (adjusted >= -6) return unscaledText(u, scale);
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${u < 0n ? "-" : ""}${mantissa}E${adjusted}`;
}

function literal(e: Expr & { kind: "lit" }, plan: boolean): string {
  if (e.value === null || e.value === undefined) return "NULL";
  const t = e.dataType;
  if (t.type === "date") return `${plan ? "" : "DATE "}${plan ? valueToString(e.value, t) : `'${valueToString(e.value, t)}'`}`;
  if (t.type === "timestamp") {
    const text = valueToString(e.value, t, e.zone);
    return plan ? String(text) : `TIMESTAMP '${text}'`;
  }
  if (t.type === "long" && plan) return `${String(e.value)}`;
  if (t.type === "decimal") return javaDecimalString(e.value, t.scale);
  if (t.type === "binary" && e.value instanceof Uint8Array) return `X'${Buffer.from(e.value).toString("hex").toUpperCase()}'`;
  if (t.type === "array" || t.type === "struct" || t.type === "map") return valueToString(e.value, t) ?? "NULL";
  return valueToString(e.value, t) ?? "NULL";
}

function bound(b: FrameBound, dir: "lower" | "upper"): string {
  switch (b.type) {
    case "unboundedPreceding": return "UNBOUNDED PRECEDING";
    case "unboundedFollowing": return "UNBOUNDED FOLLOWING";
    case "currentRow": return "CURRENT ROW";
    case "offset": {
      const o = b.offset ?? 0;
      if (b.months) {
        const m = Math.abs(b.months);
        return `INTERVAL '${Math.floor(m / 12)}-${m % 12}' YEAR TO MONTH ${b.months < 0 ? "PRECEDING" : "FOLLOWING"}`;
      }
      if (o === 0) return "CURRENT ROW";
      void dir;
      return o < 0 ? `${-o} PRECEDING` : `${o} FOLLOWING`;
    }
  }
}

export function windowSpecString(spec: WindowSpecData, plan: boolean): string {
  const parts: string[] = [];
  if (spec.partitionBy.length) parts.push("PARTITION BY " + spec.partitionBy.map((x) => print(x, plan)).join(", "));
  if (spec.orderBy.length) parts.push("ORDER BY " + spec.orderBy.map((x) => print(x, plan)).join(", "));
  if (spec.frame) {
    parts.push(`${spec.frame.frameType === "rows" ? "ROWS" : "RANGE"} BETWEEN ${bound(spec.frame.lower, "lower")} AND ${bound(spec.frame.upper, "upper")}`);
  }
  return parts.join(" ");
}

function aliasLong(e: Expr & { kind: "alias" }): boolean {
  const c = e.child;
  const t = c.kind === "fn" || c.kind === "case" || c.kind === "window" ? c.dataType : c.kind === "cast" ? c.to : c.kind === "attr" || c.kind === "lit" ? c.dataType : undefined;
  return t?.type === "long";
}

function print(e: Expr, plan: boolean): string {
  const p = (x: Expr) => print(x, plan);
  switch (e.kind) {
    case "col": return e.parts.map((x) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(x) || !plan ? x : "`" + x + "`")).join(".");
    case "star": return e.qualifier ? `${e.qualifier}.*` : "*";
    case "attr": return plan ? `${e.name}#${e.id}${e.dataType.type === "long" ? "L" : ""}` : e.name;
    case "ref": return plan ? `input[${e.index}, ${simpleString(e.dataType)}, ${e.nullable}]` : e.name;
    case "lit": return literal(e, plan);
    case "alias": return plan ? `${p(e.child)} AS ${e.name}#${e.id ?? "?"}${aliasLong(e) ? "L" : ""}` : e.name;
    case "unresolvedAlias": return p(e.child);
    case "cast": return plan
      ? `${e.isTry ? "try_cast" : "cast"}(${p(e.child)} as ${simpleString(e.to)})`
      : e.implicit ? p(e.child) : `${e.isTry ? "TRY_CAST" : "CAST"}(${p(e.child)} AS ${simpleString(e.to).toUpperCase()})`;
    case "case": {
      const body = e.branches.map((b) => ` WHEN ${p(b.when)} THEN ${p(b.then)}`).join("");
      return `CASE${body}${e.otherwise ? ` ELSE ${p(e.otherwise)}` : ""} END`;
    }
    case "in": return plan ? `${p(e.child)} IN (${e.list.map(p).join(", ")})` : `(${p(e.child)} IN (${e.list.map(p).join(", ")}))`;
    case "subquery":
      // Spark names EXISTS after its outer columns too (exists(dept_id)); plans show exists#id.
      if (e.type === "exists") return `${e.negated ? "NOT " : ""}${plan ? `exists#${(e as { id?: number }).id ?? ""}` : `exists(${(e.outerNames ?? []).join(", ")})`}`;
      if (e.type === "in") return `${p(e.child!)} ${e.negated ? "NOT " : ""}IN (list#${(e as { id?: number }).id ?? ""})`;
      return `scalarsubquery(${(e.outerNames ?? []).join(", ")})`;
    case "window": return `${p(e.fn)} OVER (${windowSpecString(e.spec, plan)})`;
    case "sort": return `${p(e.child)} ${e.ascending ? "ASC" : "DESC"} NULLS ${e.nullsFirst ? "FIRST" : "LAST"}`;
    // Column names show lambda variables as namedlambdavariable() (Spark's NamedLambdaVariable.sql).
    case "lambda": {
      if (plan) return `lambdafunction(${p(e.body)}, ${e.params.join(", ")})`;
      // An unresolved body still names its variables as columns: show them as Spark does too.
      const asVar = (x: Expr): Expr => (x.kind === "col" && x.parts.length === 1 && e.params.includes(x.parts[0]!) ? { kind: "lvar", name: x.parts[0]! } : mapChildren(x, asVar));
      return `lambdafunction(${p(asVar(e.body))}, ${e.params.map(() => "namedlambdavariable()").join(", ")})`;
    }
    case "lvar": return plan ? e.name : "namedlambdavariable()";
    case "fn": {
      const n = e.name.toLowerCase();
      const a = e.args;
      // Spark reads a != b as NOT (a = b) and names it so.
      if (n === "!=" && a.length === 2 && !plan) return `(NOT (${p(a[0]!)} = ${p(a[1]!)}))`;
      if (INFIX[n] && a.length === 2) return `(${p(a[0]!)} ${INFIX[n]} ${p(a[1]!)})`;
      switch (n) {
        case "not": return `(NOT ${p(a[0]!)})`;
        case "negative": return `(- ${p(a[0]!)})`;
        case "positive": return `(+ ${p(a[0]!)})`;
        case "~": return `~${p(a[0]!)}`;
        case "isnull": return plan ? `isnull(${p(a[0]!)})` : `(${p(a[0]!)} IS NULL)`;
        case "isnotnull": return plan ? `isnotnull(${p(a[0]!)})` : `(${p(a[0]!)} IS NOT NULL)`;
        case "getfield": return `${p(a[0]!)}.${a[1]!.kind === "lit" ? String(a[1]!.value) : p(a[1]!)}`;
        case "getitem": return `${p(a[0]!)}[${a[1]!.kind === "lit" && typeof a[1]!.value === "string" && !plan ? a[1]!.value : p(a[1]!)}]`;
        case "like": case "rlike": case "ilike":
          return `${p(a[0]!)} ${n.toUpperCase()} ${p(a[1]!)}`;
        case "between": return `(${p(a[0]!)} BETWEEN ${p(a[1]!)} AND ${p(a[2]!)})`;
        case "count":
          if (a.length === 0 || (a.length === 1 && a[0]!.kind === "star")) return "count(1)";
          break;
      }
      if (n === "udf" && e.udf) return `${e.udf.name}(${a.map(p).join(", ")})`;
      if (TRIM_SIDE[n] && a.length === 2) return `TRIM(${TRIM_SIDE[n]} ${p(a[1]!)} FROM ${p(a[0]!)})`;
      if (n === "struct" && e.row) return `named_struct(${a.map((x, i) => `${rowFieldName(x, i)}, ${p(x)}`).join(", ")})`;
      // struct(1 AS x, c) names its aliased fields as Spark does: struct(1 AS x, c).
      const texts = a.map((x) => (x.kind === "star" ? "*" : n === "struct" && x.kind === "alias" && !plan ? `${p(x.child)} AS ${x.name}` : p(x)));
      const dflt = DEFAULT_ARG[n];
      if (dflt !== undefined && a.length === dflt[0]) texts.push((n === "lpad" || n === "rpad") && looksBinary(a[0]!) ? "X'00'" : dflt[1]);
      const upper = UPPER_NAMES[n];
      const shown = upper && upper[0] === a.length ? upper[1] : PRETTY_NAME[n] ?? n;
      return `${shown}(${e.distinct ? "DISTINCT " : ""}${texts.join(", ")})${e.ignoreNulls ? " IGNORE NULLS" : ""}`;
    }
  }
}
