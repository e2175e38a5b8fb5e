// The function registry: one entry per SQL function name (operators included). An entry knows how
// to type-check and coerce its arguments (analysis, on the driver) and how to evaluate (on the
// workers). Entries are module-level code, so a resolved expression tree ships as plain data and
// finds its implementations again by name on the worker.

import { AnalysisError } from "../../common/errors";
import { type DataType, BooleanType, DoubleType, LongType, StringType, DateType, TimestampType, IntegerType, isNumeric } from "../types";
import { AGG_OR_WINDOW_NAMES, type Expr } from "./expression";
import { canCast } from "./cast";
import { exprSql } from "./print";
import { sqlTypeName, widerTypeOf, isAtomic } from "./type-utils";

/** What evaluation can see besides the row. */
export interface EvalContext {
  ansi: boolean;
  /** Fixed per query so current_timestamp() is the same for every row (Spark semantics). */
  nowMillis: number;
  /** The session time zone (spark.sql.session.timeZone): how timestamps read, print and split into fields. */
  timeZone: string;
  partitionId: number;
  /** Per-partition counter for monotonically_increasing_id. */
  rowCounter: { n: number };
  seed: number;
}

export type RowFn = (row: unknown[]) => unknown;

export interface EvalInfo {
  argTypes: DataType[];
  dataType: DataType;
  ctx: EvalContext;
  node: Expr & { kind: "fn" };
}

/** Expected argument "type classes" for implicit casts (Spark's ImplicitCastInputTypes). */
export type Expect = DataType | "any" | "numeric" | "integral" | "string" | "date" | "timestamp" | "array" | "map" | "struct" | "boolean" | "double" | "long" | "int";

export interface ScalarDef {
  kind: "scalar";
  name: string;
  minArgs: number;
  maxArgs: number;
  /** Type-check, coerce and type the call; returns the (possibly cast) args and the result type. */
  resolve(args: Expr[], node: Expr & { kind: "fn" }): { args: Expr[]; dataType: DataType; nullable?: boolean };
  /** Plain evaluation on argument values. Unless `nullSafe`, any null argument gives null first. */
  eval?(vals: unknown[], info: EvalInfo): unknown;
  nullSafe?: boolean;
  /** Custom compilation (short circuits, lambdas, constant regexes). */
  compile?(args: RowFn[], info: EvalInfo, compileArg: (i: number) => RowFn): RowFn;
  /** Display name in plans when it differs from the registry name (e.g. "+" prints infix). */
  infix?: string;
}

/** An aggregate: buffers are plain data so partial results can be shuffled. */
export interface AggDef {
  kind: "agg";
  name: string;
  minArgs: number;
  maxArgs: number;
  resolve(args: Expr[], node: Expr & { kind: "fn" }): { args: Expr[]; dataType: DataType; nullable?: boolean };
  init(info: AggInfo): unknown;
  /** Fold one input row's argument values into the buffer; returns the new buffer. */
  update(buf: unknown, vals: unknown[], info: AggInfo): unknown;
  merge(a: unknown, b: unknown, info: AggInfo): unknown;
  finish(buf: unknown, info: AggInfo): unknown;
  /** For window frames: can the result be computed by removing rows (not needed, recomputed). */
}

export interface AggInfo {
  argTypes: DataType[];
  dataType: DataType;
  ignoreNulls: boolean;
  /** ANSI mode: overflow raises instead of wrapping. */
  ansi?: boolean;
}

/** A ranking/offset window function evaluated over a sorted partition. */
export interface WindowFnDef {
  kind: "window";
  name: string;
  minArgs: number;
  maxArgs: number;
  resolve(args: Expr[], node: Expr & { kind: "fn" }): { args: Expr[]; dataType: DataType; nullable?: boolean };
  /** Needs an ORDER BY in its window spec. */
  requiresOrder: boolean;
  /** Frame it forces (ranking functions ignore user frames). */
}

/** Generators (explode & co.) produce several rows per input row. */
export interface GeneratorDef {
  kind: "generator";
  name: string;
  minArgs: number;
  maxArgs: number;
  resolve(args: Expr[], node: Expr & { kind: "fn" }): { args: Expr[]; output: { name: string; dataType: DataType; nullable: boolean }[] };
  generate(vals: unknown[], argTypes: DataType[]): unknown[][];
  outer: boolean;
}

export type FnDef = ScalarDef | AggDef | WindowFnDef | GeneratorDef;

const REGISTRY = new Map<string, FnDef>();

export function register(def: FnDef, ...aliases: string[]): void {
  for (const n of [def.name, ...aliases]) {
    REGISTRY.set(n.toLowerCase(), def);
    if (def.kind === "agg" || def.kind === "window") AGG_OR_WINDOW_NAMES.add(n.toLowerCase());
  }
}

export function lookupFunction(name: string): FnDef | undefined {
  return REGISTRY.get(name.toLowerCase());
}

export function functionNames(): string[] {
  return [...REGISTRY.keys()];
}

// ---- typing helpers -----------------------------------------------------------------------------

export function typeOf(e: Expr): DataType {
  switch (e.kind) {
    case "attr": case "ref": case "lit": return e.dataType;
    case "alias": case "sort": case "unresolvedAlias": return typeOf(e.child);
    case "fn": case "case": case "window":
      if (!e.dataType) throw new AnalysisError("INTERNAL_ERROR", `unresolved expression ${exprSql(e)}`);
      return e.dataType;
    case "cast": return e.to;
    case "in": return BooleanType;
    case "subquery": return e.type === "scalar" ? (e.dataType ?? StringType) : BooleanType;
    case "lvar": return e.dataType ?? StringType;
    case "lambda": return typeOf(e.body);
    case "col": case "star":
      throw new AnalysisError("INTERNAL_ERROR", `unresolved expression ${exprSql(e)}`);
  }
}

export function nullableOf(e: Expr): boolean {
  switch (e.kind) {
    case "attr": case "ref": return e.nullable;
    case "lit": return e.value === null;
    case "alias": case "sort": case "unresolvedAlias": return nullableOf(e.child);
    case "fn": return e.nullable ?? true;
    case "cast": return nullableOf(e.child) || e.isTry === true || !(isNumeric(e.to) && isNumeric(typeOf(e.child))) && e.to.type !== "string";
    default: return true;
  }
}

export function mkCast(e: Expr, to: DataType): Expr {
  const from = typeOf(e);
  if (JSON.stringify(from) === JSON.stringify(to)) return e;
  if (e.kind === "lit" && e.value === null) return { kind: "lit", value: null, dataType: to };
  return { kind: "cast", child: e, to };
}

function argOrdinal(i: number): string {
  return ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"][i] ?? `${i + 1}th`;
}

export function dataTypeMismatch(node: Expr, sub: string, message: string, params: Record<string, unknown> = {}): AnalysisError {
  return new AnalysisError(
    `DATATYPE_MISMATCH.${sub}`,
    `Cannot resolve "${exprSql(node)}" due to data type mismatch: ${message}`,
    { parameters: { sqlExpr: exprSql(node), ...params } },
  );
}

const EXPECT_NAMES: Record<string, string> = {
  numeric: "NUMERIC", integral: "INTEGRAL", string: "STRING", date: "DATE", timestamp: "TIMESTAMP",
  array: "ARRAY", map: "MAP", struct: "STRUCT", boolean: "BOOLEAN", double: "DOUBLE", long: "BIGINT", int: "INT",
};

/** Coerce one argument to an expected type class, or throw UNEXPECTED_INPUT_TYPE. */
export function coerceArg(node: Expr, args: Expr[], i: number, expect: Expect): Expr {
  const e = args[i]!;
  const t = typeOf(e);
  const fail = () => {
    const req = typeof expect === "string" ? `"${EXPECT_NAMES[expect] ?? expect.toUpperCase()}"` : sqlTypeName(expect);
    return dataTypeMismatch(node, "UNEXPECTED_INPUT_TYPE",
      `The ${argOrdinal(i)} parameter requires the ${req} type, however "${exprSql(e)}" has the type ${sqlTypeName(t)}.`,
      { paramIndex: i + 1, requiredType: req, inputSql: exprSql(e), inputType: sqlTypeName(t) });
  };
  if (typeof expect !== "string") {
    if (t.type === "null") return mkCast(e, expect);
    if (t.type === expect.type && expect.type !== "decimal") return e;
    if (isAtomic(t) && canCast(t, expect) && (t.type === "string" || isNumeric(t) || t.type === "date" || t.type === "timestamp" || expect.type === "string")) return mkCast(e, expect);
    throw fail();
  }
  switch (expect) {
    case "any": return e;
    case "numeric":
      if (isNumeric(t)) return e;
      if (t.type === "string" || t.type === "null") return mkCast(e, DoubleType);
      throw fail();
    case "integral":
      if (["byte", "short", "integer", "long"].includes(t.type)) return e;
      if (t.type === "null" || t.type === "string") return mkCast(e, LongType);
      throw fail();
    case "double":
      if (isNumeric(t) || t.type === "string" || t.type === "null") return mkCast(e, DoubleType);
      throw fail();
    case "long":
      if (isNumeric(t) || t.type === "string" || t.type === "null") return mkCast(e, LongType);
      throw fail();
    case "int":
      if (isNumeric(t) || t.type === "string" || t.type === "null") return mkCast(e, IntegerType);
      throw fail();
    case "string":
      if (t.type === "string") return e;
      if (isAtomic(t) && t.type !== "binary") return mkCast(e, StringType);
      if (t.type === "binary") return e;
      throw fail();
    case "boolean":
      if (t.type === "boolean") return e;
      if (t.type === "null") return mkCast(e, BooleanType);
      throw fail();
    case "date":
      if (t.type === "date") return e;
      if (t.type === "string" || t.type === "timestamp" || t.type === "null") return mkCast(e, DateType);
      throw fail();
    case "timestamp":
      if (t.type === "timestamp") return e;
      if (t.type === "string" || t.type === "date" || t.type === "null") return mkCast(e, TimestampType);
      throw fail();
    case "array":
      if (t.type === "array") return e;
      if (t.type === "null") return mkCast(e, { type: "array", elementType: { type: "null" }, containsNull: true });
      throw fail();
    case "map":
      if (t.type === "map") return e;
      throw fail();
    case "struct":
      if (t.type === "struct") return e;
      throw fail();
  }
}

/** Cast every arg to their common (wider) type, or throw DATA_DIFF_TYPES. */
export function coerceToCommon(node: Expr, args: Expr[]): { args: Expr[]; type: DataType } {
  const types = args.map(typeOf);
  const t = widerTypeOf(types);
  if (!t) {
    const name = node.kind === "fn" ? node.name : "expression";
    throw dataTypeMismatch(node, "DATA_DIFF_TYPES",
      `Input to \`${name}\` should all be the same type, but it's [${types.map(sqlTypeName).join(", ")}].`,
      { functionName: name, dataType: types.map(sqlTypeName) });
  }
  return { args: args.map((a) => mkCast(a, t)), type: t };
}

// ---- quick definers -----------------------------------------------------------------------------

/** A scalar whose args are coerced to fixed expectations and whose result type is known. */
export function simple(
  name: string,
  expects: Expect[],
  result: DataType | ((argTypes: DataType[]) => DataType),
  evalFn: (vals: unknown[], info: EvalInfo) => unknown,
  opts: { minArgs?: number; nullSafe?: boolean; varargs?: Expect; nullable?: boolean } = {},
): ScalarDef {
  return {
    kind: "scalar",
    name,
    minArgs: opts.minArgs ?? expects.length,
    maxArgs: opts.varargs ? Infinity : expects.length,
    nullSafe: opts.nullSafe,
    resolve(args, node) {
      const out = args.map((_, i) => coerceArg(node, args, i, expects[i] ?? opts.varargs ?? "any"));
      const argTypes = out.map(typeOf);
      return { args: out, dataType: typeof result === "function" ? result(argTypes) : result, nullable: opts.nullable };
    },
    eval: evalFn,
  };
}
