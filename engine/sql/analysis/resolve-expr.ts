// Expression resolution: names -> attributes (case-insensitive, qualifiers, nested fields),
// function names -> typed calls with implicit casts, and Spark's analysis errors
// (UNRESOLVED_COLUMN.WITH_SUGGESTION, AMBIGUOUS_REFERENCE, UNRESOLVED_ROUTINE, WRONG_NUM_ARGS,
// DATATYPE_MISMATCH.*). The DataFrame API and the SQL binder both resolve through here.

import { AnalysisError, editDistance } from "../../common/errors";
import { BooleanType, StringType, type DataType } from "../types";
import {
  type Attr, type Expr, type SortExpr, type WindowSpecData, type WindowFrame, children, anyExpr, transformUp,
} from "../expressions/expression";
import {
  lookupFunction, typeOf, nullableOf, mkCast, coerceArg, coerceToCommon, dataTypeMismatch, functionNames,
} from "../expressions/registry";
import { canCast } from "../expressions/cast";
import { resolveIn } from "../expressions/functions-core";
import { exprSql } from "../expressions/print";
import { sqlTypeName } from "../expressions/type-utils";
import { newExprId, outputOf } from "../plan/logical-plan";

export interface ResolveScope {
  input: Attr[];
  /** Outer query columns for correlated subqueries; a match is recorded in `outerRefs`. */
  outer?: Attr[];
  outerRefs?: Attr[];
  /** SELECT aliases visible to ORDER BY / HAVING / GROUP BY (lateral references). */
  aliases?: Map<string, Expr>;
  allowAgg?: boolean;
  /** Inside an aggregate function's arguments (another aggregate there is NESTED_AGGREGATE_FUNCTION). */
  insideAgg?: boolean;
  allowWindow?: boolean;
  allowGenerator?: boolean;
  /** Name of the clause for error messages ("WHERE", "GROUP BY"...). */
  clause?: string;
  /** Lambda variables in scope. */
  lambdaVars?: Map<string, DataType>;
}

/**
 * Outer query columns while the SQL binder binds a (possibly correlated) subquery. Binding is
 * synchronous, so a module-level stack is enough; references found here are recorded.
 */
export const outerScopes: { attrs: Attr[]; refs: Attr[] }[] = [];

const quoteName = (a: Attr) => (a.qualifier ? `\`${a.qualifier}\`.\`${a.name}\`` : `\`${a.name}\``);

export function unresolvedColumn(name: string, candidates: Attr[]): AnalysisError {
  const lower = name.toLowerCase();
  const sorted = [...candidates]
    .map((a) => ({ a, d: editDistance(lower, a.name.toLowerCase()) }))
    .sort((x, y) => x.d - y.d)
    .slice(0, 5)
    .map((x) => quoteName(x.a));
  const shown = name.split(".").map((p) => "`" + p + "`").join(".");
  if (!sorted.length) {
    return new AnalysisError("UNRESOLVED_COLUMN.WITHOUT_SUGGESTION",
      `A column or function parameter with name ${shown} cannot be resolved.`,
      { parameters: { objectName: shown } });
  }
  return new AnalysisError("UNRESOLVED_COLUMN.WITH_SUGGESTION",
    `A column or function parameter with name ${shown} cannot be resolved. Did you mean one of the following? [${sorted.join(", ")}].`,
    { parameters: { objectName: shown, proposal: sorted.join(", ") } });
}

function ambiguous(name: string, matches: Attr[]): AnalysisError {
  const names = matches.map(quoteName).join(", ");
  return new AnalysisError("AMBIGUOUS_REFERENCE",
    `Reference \`${name}\` is ambiguous, could be: [${names}].`,
    { parameters: { name: `\`${name}\``, referenceNames: `[${names}]` } });
}

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Find `parts` among `input`: [name, ...fields] or [qualifier, name, ...fields]. */
/** A column as a reference: without the USING-join markers of the scope it came from. */
function plainAttr(a: Attr): Attr {
  if (a.hidden === undefined && a.usingKey === undefined) return a;
  const { hidden: _h, usingKey: _k, ...rest } = a;
  return rest;
}

export function lookupColumn(parts: string[], input: Attr[]): { attr: Attr; rest: string[] } | undefined {
  const dedupe = (as: Attr[]) => as.filter((a, i) => as.findIndex((b) => b.id === a.id) === i);
  if (parts.length >= 2) {
    // Longest qualifier first: db.t.a -> qualifier "t" (we only keep the last part of a qualifier).
    for (let q = parts.length - 1; q >= 1; q--) {
      const qual = parts[q - 1]!;
      const byQual = dedupe(input.filter((a) => a.qualifier !== undefined && eq(a.qualifier, qual) && eq(a.name, parts[q]!)))
        .filter((a, _i, all) => !a.hidden || all.every((b) => b.hidden));
      if (byQual.length === 1) return { attr: plainAttr(byQual[0]!), rest: parts.slice(q + 1) };
      if (byQual.length > 1) throw ambiguous(parts.slice(0, q + 1).join("."), byQual);
    }
  }
  const byName = dedupe(input.filter((a) => !a.hidden && eq(a.name, parts[0]!)));
  if (byName.length > 1) {
    // An exact-case match wins over case-insensitive ones only when it is unique.
    const exact = byName.filter((a) => a.name === parts[0]);
    if (exact.length === 1 && byName.length > 1 && new Set(byName.map((a) => a.name)).size > 1) return { attr: exact[0]!, rest: parts.slice(1) };
    throw ambiguous(parts[0]!, byName);
  }
  if (byName.length === 1) return { attr: plainAttr(byName[0]!), rest: parts.slice(1) };
  return undefined;
}

function fieldAccess(base: Expr, fields: string[]): Expr {
  let e = base;
  for (const f of fields) {
    const t = typeOf(e);
    if (t.type !== "struct" && t.type !== "map") {
      throw new AnalysisError("INVALID_EXTRACT_BASE_FIELD_TYPE",
        `Can't extract a value from "${exprSql(e)}". Need a complex type [STRUCT, ARRAY, MAP] but got ${sqlTypeName(t)}.`);
    }
    e = resolveFn({ kind: "fn", name: "getfield", args: [e, { kind: "lit", value: f, dataType: StringType }] }, [e, { kind: "lit", value: f, dataType: StringType }]);
  }
  return e;
}

function resolveFn(node: Expr & { kind: "fn" }, args: Expr[]): Expr {
  const def = lookupFunction(node.name);
  if (!def) {
    throw new AnalysisError("UNRESOLVED_ROUTINE",
      `Cannot resolve routine \`${node.name}\` on search path [\`system\`.\`builtin\`, \`system\`.\`session\`, \`spark_catalog\`.\`default\`].`,
      { parameters: { routineName: `\`${node.name}\``, suggestions: suggestFunctions(node.name) } });
  }
  if (args.length < def.minArgs || args.length > def.maxArgs) {
    const expected = def.minArgs === def.maxArgs ? `${def.minArgs}` : def.maxArgs === Infinity ? `> ${def.minArgs - 1}` : `[${def.minArgs}, ${def.maxArgs}]`;
    throw new AnalysisError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
      `The \`${node.name.toLowerCase()}\` requires ${expected} parameters but the actual number is ${args.length}. Please, refer to 'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.`,
      { parameters: { functionName: node.name, expectedNum: expected, actualNum: args.length } });
  }
  const shaped: Expr & { kind: "fn" } = { ...node, name: def.kind === "scalar" && /^[a-z_]/.test(node.name) ? node.name.toLowerCase() : node.name, args };
  if (def.kind === "generator") {
    const r = def.resolve(args, shaped);
    return { ...shaped, name: def.name, args: r.args, dataType: r.output.length === 1 ? r.output[0]!.dataType : { type: "struct", fields: r.output.map((o) => ({ name: o.name, dataType: o.dataType, nullable: o.nullable })) } };
  }
  const r = def.resolve(args, shaped);
  return { ...shaped, name: def.kind === "scalar" ? canonicalName(node.name, def.name) : def.name, args: r.args, dataType: r.dataType, nullable: r.nullable };
}

// Aliases keep the name the user wrote in plans (e.g. `mean` stays `avg` in Spark; we keep the
// registry name for aggregates and the user's lower-cased name for scalar aliases).
function canonicalName(user: string, reg: string): string {
  return /^[A-Za-z_]/.test(user) ? user.toLowerCase() : reg;
}

function suggestFunctions(name: string): string[] {
  return functionNames().map((n) => ({ n, d: editDistance(name.toLowerCase(), n) })).sort((a, b) => a.d - b.d).slice(0, 3).map((x) => x.n);
}

export function defaultFrame(spec: WindowSpecData, ranking: boolean): WindowFrame {
  if (ranking || !spec.orderBy.length) {
    return ranking
      ? { frameType: "rows", lower: { type: "unboundedPreceding" }, upper: { type: "currentRow" } }
      : { frameType: "rows", lower: { type: "unboundedPreceding" }, upper: { type: "unboundedFollowing" } };
  }
  return { frameType: "range", lower: { type: "unboundedPreceding" }, upper: { type: "currentRow" } };
}

/** Spark's SpecifiedWindowFrame checks: a frame Spark rejects must not run with a guessed meaning. */
function checkFrame(e: Expr, spec: WindowSpecData): void {
  const f = spec.frame!;
  const sql = `${f.frameType === "rows" ? "ROWS" : "RANGE"} BETWEEN ${boundSql(f.lower)} AND ${boundSql(f.upper)}`;
  if (f.lower.type === "unboundedFollowing" || f.upper.type === "unboundedPreceding") {
    const bad = f.lower.type === "unboundedFollowing" ? "lower" : "upper";
    throw dataTypeMismatch(e, "SPECIFIED_WINDOW_FRAME_INVALID_BOUND", `Window frame ${bad} bound '${boundSql(bad === "lower" ? f.lower : f.upper)}' is invalid in "${sql}".`);
  }
  const pos = (b: typeof f.lower): number | undefined => (b.type === "currentRow" ? 0 : b.type === "offset" ? (b.months ?? 0) * 31 * 86_400_000 + (b.offset ?? 0) : undefined);
  const lo = pos(f.lower), hi = pos(f.upper);
  if (lo !== undefined && hi !== undefined && lo > hi) {
    throw dataTypeMismatch(e, "SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON", `The lower bound of a window frame must be less than or equal to the upper bound.`);
  }
  const offsets = [f.lower, f.upper].filter((b) => b.type === "offset");
  if (f.frameType === "rows" && offsets.some((b) => !Number.isInteger(b.offset) || Math.abs(b.offset!) > 2147483647)) {
    throw dataTypeMismatch(e, "SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE", `The data type of the lower and upper bound of a ROWS frame must be INT.`);
  }
  if (f.frameType === "range" && offsets.length > 0) {
    if (spec.orderBy.length === 0) throw dataTypeMismatch(e, "RANGE_FRAME_WITHOUT_ORDER", `A range window frame cannot be used in an unordered window specification.`);
    const t = typeOf(spec.orderBy[0]!.child).type;
    const interval = offsets.some((b) => b.interval);
    const months = offsets.some((b) => b.months);
    const numericKey = ["byte", "short", "integer", "long", "float", "double", "decimal", "date"].includes(t);
    if (months ? t !== "timestamp" && t !== "date" : interval ? t !== "timestamp" : !numericKey) {
      throw dataTypeMismatch(e, "RANGE_FRAME_INVALID_TYPE", `The data type ${t} used in the order specification does not support a range window frame.`);
    }
  }
}

function boundSql(b: { type: string; offset?: number }): string {
  switch (b.type) {
    case "unboundedPreceding": return "UNBOUNDED PRECEDING";
    case "unboundedFollowing": return "UNBOUNDED FOLLOWING";
    case "currentRow": return "CURRENT ROW";
    default: return (b.offset ?? 0) < 0 ? `${-(b.offset ?? 0)} PRECEDING` : `${b.offset} FOLLOWING`;
  }
}

/** Resolve an expression against a scope. */
export function resolveExpr(e: Expr, scope: ResolveScope): Expr {
  switch (e.kind) {
    case "col": {
      if (scope.lambdaVars && e.parts.length >= 1 && scope.lambdaVars.has(e.parts[0]!)) {
        const base: Expr = { kind: "lvar", name: e.parts[0]!, dataType: scope.lambdaVars.get(e.parts[0]!) };
        return fieldAccess(base, e.parts.slice(1));
      }
      const hit = lookupColumn(e.parts, scope.input);
      if (hit) return fieldAccess(hit.attr, hit.rest);
      if (scope.aliases && e.parts.length === 1) {
        for (const [n, x] of scope.aliases) if (eq(n, e.parts[0]!)) return x;
      }
      if (scope.outer) {
        const o = lookupColumn(e.parts, scope.outer);
        if (o) {
          scope.outerRefs?.push(o.attr);
          return fieldAccess({ ...o.attr }, o.rest);
        }
      }
      for (let i = outerScopes.length - 1; i >= 0; i--) {
        const o = lookupColumn(e.parts, outerScopes[i]!.attrs);
        if (o) {
          outerScopes[i]!.refs.push(o.attr);
          return fieldAccess({ ...o.attr }, o.rest);
        }
      }
      throw unresolvedColumn(e.parts.join("."), scope.input);
    }
    case "attr": {
      const hit = scope.input.find((a) => a.id === e.id);
      if (hit) return { ...e, qualifier: hit.qualifier, nullable: hit.nullable, dataType: hit.dataType };
      if (scope.outer?.some((a) => a.id === e.id)) { scope.outerRefs?.push(e); return e; }
      if (outerScopes.some((o) => o.attrs.some((a) => a.id === e.id))) return e;
      // A column of another DataFrame: resolve it by name when that is unambiguous (PySpark habit
      // df2.select(df1.a) after df2 = df1.filter(...)).
      const byName = scope.input.filter((a) => eq(a.name, e.name));
      if (byName.length === 1) return byName[0]!;
      throw new AnalysisError("MISSING_ATTRIBUTES.RESOLVED_ATTRIBUTE_MISSING_FROM_INPUT",
        `Resolved attribute(s) "${e.name}" missing from ${scope.input.map((a) => `"${a.name}"`).join(", ")} in operator.`,
        { parameters: { missingAttributes: e.name } });
    }
    case "star":
      throw new AnalysisError("INVALID_USAGE_OF_STAR_OR_REGEX", `Invalid usage of '*' in expression.`);
    case "ref": case "lit": case "lvar": return e;
    case "alias": {
      const child = resolveExpr(e.child, scope);
      return { ...e, child, id: e.id ?? newExprId() };
    }
    case "unresolvedAlias": return resolveExpr(e.child, scope);
    case "cast": {
      const child = resolveExpr(e.child, scope);
      const from = typeOf(child);
      if (!canCast(from, e.to)) {
        throw dataTypeMismatch({ ...e, child }, "CAST_WITHOUT_SUGGESTION", `cannot cast ${sqlTypeName(from)} to ${sqlTypeName(e.to)}.`,
          { srcType: sqlTypeName(from), targetType: sqlTypeName(e.to) });
      }
      return { ...e, child };
    }
    case "case": {
      const branches = e.branches.map((b) => ({ when: resolveExpr(b.when, scope), then: resolveExpr(b.then, scope) }));
      const otherwise = e.otherwise ? resolveExpr(e.otherwise, scope) : undefined;
      const node = { ...e, branches, otherwise };
      for (const b of branches) {
        const t = typeOf(b.when);
        if (t.type !== "boolean" && t.type !== "null") {
          throw dataTypeMismatch(node, "UNEXPECTED_INPUT_TYPE", `The first parameter requires the "BOOLEAN" type, however "${exprSql(b.when)}" has the type ${sqlTypeName(t)}.`);
        }
      }
      const values = [...branches.map((b) => b.then), ...(otherwise ? [otherwise] : [])];
      const c = coerceToCommon({ kind: "fn", name: "casewhen", args: values }, values);
      return {
        ...node,
        branches: branches.map((b, i) => ({ when: mkCast(b.when, BooleanType), then: c.args[i]! })),
        otherwise: otherwise ? c.args[branches.length] : undefined,
        dataType: c.type,
      };
    }
    case "in": {
      const node = { ...e, child: resolveExpr(e.child, scope), list: e.list.map((x) => resolveExpr(x, scope)) };
      return resolveIn(node);
    }
    case "sort": return { ...e, child: resolveExpr(e.child, scope) } as SortExpr;
    case "subquery": {
      // A scalar subquery has its one column's type (Spark checks there is exactly one).
      if (e.type === "scalar" && e.dataType === undefined) {
        const out = outputOf(e.plan);
        if (out.length !== 1) {
          throw new AnalysisError("INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN",
            `Invalid subquery: scalar subquery must return only one column, but got ${out.length}.`, { parameters: { number: out.length } });
        }
        return { ...e, dataType: out[0]!.dataType };
      }
      return { ...e, child: e.child ? resolveExpr(e.child, scope) : undefined };
    }
    case "lambda": return e;
    case "window": {
      if (!scope.allowWindow) {
        throw new AnalysisError("UNSUPPORTED_EXPR_FOR_WINDOW", `Window expressions are not allowed here${scope.clause ? ` (${scope.clause})` : ""}: "${exprSql(e)}".`);
      }
      const inner: ResolveScope = { ...scope, allowWindow: false };
      const fnNode = e.fn.kind === "fn" ? e.fn : undefined;
      if (!fnNode) throw new AnalysisError("UNSUPPORTED_EXPR_FOR_WINDOW", `Expression "${exprSql(e.fn)}" not supported within a window function.`);
      const def = lookupFunction(fnNode.name);
      if (!def || (def.kind !== "agg" && def.kind !== "window")) {
        throw new AnalysisError("UNSUPPORTED_EXPR_FOR_WINDOW", `Expression "${exprSql(e.fn)}" not supported within a window function.`);
      }
      const args = fnNode.args.map((a) => resolveExpr(a.kind === "star" ? { kind: "lit", value: 1, dataType: { type: "integer" } } : a, { ...inner, allowAgg: scope.allowAgg }));
      const fnResolved = resolveFn(fnNode, args);
      const spec: WindowSpecData = {
        partitionBy: e.spec.partitionBy.map((x) => resolveExpr(x, inner)),
        orderBy: e.spec.orderBy.map((x) => resolveExpr(x, inner) as SortExpr),
        frame: e.spec.frame,
      };
      // nth_value reads its frame like an aggregate; ranking and offset functions have fixed frames.
      const ranking = def.kind === "window" && fnNode.name.toLowerCase() !== "nth_value";
      if (ranking && def.requiresOrder && !spec.orderBy.length) {
        // Spark 4.0.1 (checked through Spark Connect) still raises this under a legacy condition name.
        throw new AnalysisError("_LEGACY_ERROR_TEMP_1037",
          `Window function ${fnNode.name}() requires window to be ordered, please add ORDER BY clause. For example SELECT ${fnNode.name}()(value_expr) OVER (PARTITION BY window_partition ORDER BY window_ordering) from table.`);
      }
      if (spec.frame) checkFrame(e, spec);
      if (!spec.frame || ranking) spec.frame = defaultFrame(spec, ranking);
      if (spec.frame.frameType === "range" && (spec.frame.lower.type === "offset" || spec.frame.upper.type === "offset") && spec.orderBy.length !== 1) {
        throw dataTypeMismatch(e, "RANGE_FRAME_MULTI_ORDER", `A range window frame with value boundaries cannot be used in a window specification with multiple order by expressions: ${spec.orderBy.map(exprSql).join(",")}.`);
      }
      return { kind: "window", fn: fnResolved, spec, dataType: typeOf(fnResolved) };
    }
    case "fn": {
      const def = lookupFunction(e.name);
      if (def?.kind === "agg" && scope.insideAgg) {
        throw new AnalysisError("NESTED_AGGREGATE_FUNCTION", "It is not allowed to use an aggregate function in the argument of another aggregate function. Please use the inner aggregate function in a sub-query.");
      }
      if (def?.kind === "agg" && !scope.allowAgg) {
        throw new AnalysisError(scope.clause === "WHERE" ? "INVALID_WHERE_CONDITION" : "UNSUPPORTED_EXPR_FOR_OPERATOR",
          scope.clause === "WHERE"
            ? `The WHERE condition "${exprSql(e)}" contains invalid expressions: ${exprSql(e)}. Rewrite the query to avoid window functions, aggregate functions, and generator functions in the WHERE clause.`
            : `Aggregate functions are not allowed here: "${exprSql(e)}".`);
      }
      if (def?.kind === "window") {
        throw new AnalysisError("WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE", `Window function "${e.name}" requires an OVER clause.`);
      }
      if (def?.kind === "generator" && !scope.allowGenerator) {
        throw new AnalysisError("UNSUPPORTED_GENERATOR.OUTSIDE_SELECT", `The generator is not supported: outside the SELECT clause, found: ${exprSql(e)}.`);
      }
      const inner: ResolveScope = def?.kind === "agg" ? { ...scope, allowAgg: false, insideAgg: true, allowWindow: false, allowGenerator: false } : { ...scope, allowGenerator: false };
      let rawArgs = e.args;
      if (def?.kind === "agg" && e.name.toLowerCase() === "count" && rawArgs.length === 1 && rawArgs[0]!.kind === "star" && !rawArgs[0]!.qualifier && !e.distinct) rawArgs = [];
      else if (def?.kind === "agg" && e.name.toLowerCase() === "count" && rawArgs.some((a) => a.kind === "star")) rawArgs = expandStars(rawArgs, scope.input);
      if (def?.kind === "agg" && e.name.toLowerCase() === "count" && rawArgs.length === 0) rawArgs = [{ kind: "lit", value: 1, dataType: { type: "integer" } }];
      const args = rawArgs.map((a) => (a.kind === "lambda" ? a : resolveExpr(a, inner)));
      if (args.some((a) => a.kind === "lambda")) return resolveHigherOrder(e, args, inner);
      if (def?.kind === "agg" && args.some((a) => anyExpr(a, (x) => x.kind === "fn" && lookupFunction(x.name)?.kind === "agg"))) {
        throw new AnalysisError("NESTED_AGGREGATE_FUNCTION", "It is not allowed to use an aggregate function in the argument of another aggregate function. Please use the inner aggregate function in a sub-query.");
      }
      return resolveFn(e, args);
    }
  }
}

/** transform/filter/exists/forall/aggregate with lambda arguments. */
function resolveHigherOrder(e: Expr & { kind: "fn" }, args: Expr[], scope: ResolveScope): Expr {
  const name = e.name.toLowerCase();
  const arr = args[0]!;
  const at = typeOf(arr);
  if (at.type !== "array") throw dataTypeMismatch(e, "UNEXPECTED_INPUT_TYPE", `The first parameter requires the "ARRAY" type, however "${exprSql(arr)}" has the type ${sqlTypeName(at)}.`);
  const bindLambda = (l: Expr, types: DataType[]): Expr & { kind: "lambda" } => {
    if (l.kind !== "lambda") throw dataTypeMismatch(e, "UNEXPECTED_INPUT_TYPE", "expected a lambda function");
    const vars = new Map(scope.lambdaVars ?? []);
    l.params.forEach((p, i) => vars.set(p, types[i] ?? { type: "integer" }));
    return { ...l, body: resolveExpr(l.body, { ...scope, lambdaVars: vars }) };
  };
  switch (name) {
    case "transform": {
      const l = bindLambda(args[1]!, [at.elementType, { type: "integer" }]);
      return { kind: "fn", name, args: [arr, l], dataType: { type: "array", elementType: typeOf(l.body), containsNull: true } };
    }
    case "filter": case "exists": case "forall": {
      const l = bindLambda(args[1]!, [at.elementType, { type: "integer" }]);
      return { kind: "fn", name, args: [arr, l], dataType: name === "filter" ? at : BooleanType };
    }
    case "aggregate": case "reduce": {
      const zero = args[1]!;
      const merge = bindLambda(args[2]!, [typeOf(zero), at.elementType]);
      const zt = typeOf(zero);
      const zeroC = mkCast(zero, typeOf(merge.body).type === zt.type ? zt : typeOf(merge.body));
      const merge2 = bindLambda(args[2]!, [typeOf(zeroC), at.elementType]);
      const fin = args[3] ? bindLambda(args[3], [typeOf(merge2.body)]) : undefined;
      return { kind: "fn", name: "aggregate", args: fin ? [arr, zeroC, merge2, fin] : [arr, zeroC, merge2], dataType: fin ? typeOf(fin.body) : typeOf(merge2.body) };
    }
    default:
      throw new AnalysisError("UNRESOLVED_ROUTINE", `Cannot resolve routine \`${e.name}\` with lambda arguments.`);
  }
}

/**
 * Spark names an expression after resolving it, so a qualified column prints without its
 * qualifier: `sum(t.v)` is named `sum(v)`; a struct field keeps its path (`s.f`).
 */
function withoutQualifiers(raw: Expr, input: Attr[]): Expr {
  return transformUp(raw, (x) => {
    // count(t.*) and count(DISTINCT *) are named with their columns: count(a, b); count(*) stays count(1).
    if (x.kind === "fn" && x.args.some((a) => a.kind === "star") && !(x.args.length === 1 && x.args[0]!.kind === "star" && !(x.args[0] as { qualifier?: string }).qualifier && !x.distinct)) {
      try {
        return { ...x, args: expandStars(x.args, input).map((a) => (a.kind === "attr" ? { kind: "col", parts: [a.name] } as Expr : a)) };
      } catch {
        return x;
      }
    }
    if (x.kind !== "col" || x.parts.length < 2) return x;
    try {
      const hit = lookupColumn(x.parts, input);
      if (!hit) return x;
      return { kind: "col", parts: x.parts.slice(x.parts.length - 1 - hit.rest.length) };
    } catch {
      return x;
    }
  });
}

/** Column name Spark gives an unaliased expression (`input`: the columns it resolves against). */
export function autoName(raw: Expr, input?: Attr[]): string {
  if (input && raw.kind !== "col") raw = withoutQualifiers(raw, input);
  switch (raw.kind) {
    case "col": return raw.parts[raw.parts.length - 1]!;
    case "attr": return raw.name;
    case "alias": return raw.name;
    case "window": {
      // Spark names an aggregate over a window with its frame, the default one included.
      const f = raw.fn.kind === "fn" ? lookupFunction(raw.fn.name) : undefined;
      if (raw.spec.frame || f?.kind !== "agg") return exprSql(raw);
      return exprSql({ ...raw, spec: { ...raw.spec, frame: defaultFrame(raw.spec, false) } });
    }
    // Spark names CAST(column AS INTERVAL ...) after the column.
    case "cast": return raw.child.kind === "col" && (raw.to.type === "interval_ym" || raw.to.type === "interval_dt") ? raw.child.parts[raw.child.parts.length - 1]! : exprSql(raw);
    case "fn":
      if (raw.name === "getfield" && raw.args[1]?.kind === "lit") return String(raw.args[1].value);
      if (raw.name === "window" && raw.args.length >= 2) return "window";
      return exprSql(raw);
    default: return exprSql(raw);
  }
}

/** Resolve and name a select-list item (Spark's ResolveAliases). */
export function resolveNamed(raw: Expr, scope: ResolveScope): Expr {
  const r = resolveExpr(raw, scope);
  // A column keeps the spelling the query used (SELECT COL1 over col1 is named COL1, as in Spark).
  if (r.kind === "attr" && raw.kind === "col") {
    const typed = raw.parts[raw.parts.length - 1]!;
    if (typed !== r.name && typed.toLowerCase() === r.name.toLowerCase()) return { ...r, name: typed };
  }
  if (r.kind === "attr" || r.kind === "alias") return r;
  return { kind: "alias", child: r, name: autoName(raw, scope.outer ? [...scope.input, ...scope.outer] : scope.input), id: newExprId() };
}

/** Expand `*`, `t.*` and `struct.*` in a select list. */
/** t.* over a USING join: the side's key columns (visible or hidden) first, in key order, then the rest. */
function usingKeysFirst(attrs: Attr[]): Attr[] {
  if (!attrs.some((a) => a.usingKey !== undefined)) return attrs;
  const keys = attrs.filter((a) => a.usingKey !== undefined).sort((a, b) => a.usingKey! - b.usingKey!);
  return [...keys, ...attrs.filter((a) => a.usingKey === undefined)].map(plainAttr);
}

export function expandStars(items: Expr[], input: Attr[]): Expr[] {
  const out: Expr[] = [];
  for (const it of items) {
    if (it.kind !== "star") { out.push(it); continue; }
    if (!it.qualifier) { out.push(...input.filter((a) => !a.hidden).map(plainAttr)); continue; }
    const q = it.qualifier;
    const byQual = usingKeysFirst(input.filter((a) => a.qualifier && eq(a.qualifier, q.split(".").pop()!)));
    if (byQual.length) { out.push(...byQual); continue; }
    const hit = lookupColumn(q.split("."), input);
    if (hit) {
      const base = fieldAccess(hit.attr, hit.rest);
      const t = typeOf(base);
      if (t.type === "struct") {
        for (const f of t.fields) out.push({ kind: "alias", child: fieldAccess(base, [f.name]), name: f.name, id: newExprId() });
        continue;
      }
    }
    throw new AnalysisError("CANNOT_RESOLVE_STAR_EXPAND",
      `Cannot resolve \`${q}\`.* given input columns ${input.map((a) => "`" + a.name + "`").join(", ")}.`);
  }
  return out;
}

export function isAggCall(e: Expr): e is Expr & { kind: "fn" } {
  return e.kind === "fn" && lookupFunction(e.name)?.kind === "agg";
}

export function isGeneratorCall(e: Expr): e is Expr & { kind: "fn" } {
  return e.kind === "fn" && lookupFunction(e.name)?.kind === "generator";
}

/** Does e contain an aggregate call outside of window functions' own function node? */
export function containsAgg(e: Expr): boolean {
  if (e.kind === "window") {
    const f = e.fn;
    const inFn = f.kind === "fn" ? f.args.some(containsAgg) : false;
    return inFn || e.spec.partitionBy.some(containsAgg) || e.spec.orderBy.some(containsAgg);
  }
  if (isAggCall(e)) return true;
  return children(e).some(containsAgg);
}

/** Does an unresolved select item call an aggregate outside a window function's frame and keys? */
export function containsAggRaw(e: Expr): boolean {
  if (e.kind === "window") {
    return e.fn.kind === "fn" ? e.fn.args.some(containsAggRaw) : false;
  }
  if (e.kind === "fn" && lookupFunction(e.name)?.kind === "agg") return true;
  return children(e).some(containsAggRaw);
}

export function containsWindow(e: Expr): boolean {
  return anyExpr(e, (x) => x.kind === "window");
}

export { coerceArg, nullableOf };
