// The analyzer's operator builders: each takes an already analyzed child plan plus unresolved
// expressions (from the DataFrame API or the SQL binder) and returns an analyzed plan, checking
// what Spark's CheckAnalysis checks (MISSING_AGGREGATION, NUM_COLUMNS_MISMATCH, boolean
// filters...). Like Spark's DataFrames, analysis is eager: errors surface at the call.

import { AnalysisError } from "../../common/errors";
import { BooleanType, simpleString } from "../types";
import {
  type Attr, type Expr, type SortExpr, anyExpr, children, exprEquals, mapChildren, transformUp, references,
} from "../expressions/expression";
import { typeOf, mkCast, nullableOf, lookupFunction, type GeneratorDef } from "../expressions/registry";
import { exprSql } from "../expressions/print";
import { sqlTypeName, widerType } from "../expressions/type-utils";
import { newExprId, outputOf, toAttr, type JoinType, type LogicalPlan } from "../plan/logical-plan";
import { rewriteSessionWindow } from "../plan/session-window";
import {
  resolveExpr, resolveNamed, expandStars, containsAgg, containsWindow, isAggCall, isGeneratorCall, autoName, unresolvedColumn, lookupColumn,
  type ResolveScope,
} from "./resolve-expr";

const eqName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

// ---- projection (with generators, windows and global aggregates) --------------------------------

export function buildProject(child: LogicalPlan, raw: Expr[]): LogicalPlan {
  const input = outputOf(child);
  const items = expandStars(raw, input);
  if (items.some((e) => containsAggRaw(e))) return buildAggregate(child, [], raw);
  const scope: ResolveScope = { input, allowWindow: true, allowGenerator: true, allowAgg: false };
  let named = items.map((e) => resolveNamed(e, scope));
  let plan = child;
  const gens = named.filter((e) => isGeneratorCall(e.kind === "alias" ? e.child : e));
  if (gens.length > 1) {
    throw new AnalysisError("UNSUPPORTED_GENERATOR.MULTI_GENERATOR", `Only one generator allowed per SELECT clause but found ${gens.length}: ${gens.map((g) => `"${exprSql(g.kind === "alias" ? g.child : g)}"`).join(", ")}.`);
  }
  if (gens.length === 1) {
    const g = gens[0]!;
    const userAliased = items[named.indexOf(g)]?.kind === "alias";
    const call = (g.kind === "alias" ? g.child : g) as Expr & { kind: "fn" };
    const def = lookupFunction(call.name) as GeneratorDef;
    const spec = def.resolve(call.args, call);
    const names = g.kind === "alias" && userAliased ? (g.names ?? (spec.output.length === 1 ? [g.name] : undefined)) : undefined;
    if (names && names.length !== spec.output.length) {
      throw new AnalysisError("UNSUPPORTED_GENERATOR.MULTI_GENERATOR".replace("MULTI_GENERATOR", "NOT_GENERATOR"),
        `The number of aliases supplied in the AS clause does not match the number of columns output by the UDTF: expected ${spec.output.length} aliases but got ${names.join(", ")}.`);
    }
    const genOut: Attr[] = spec.output.map((o, i) => ({ kind: "attr", id: newExprId(), name: names?.[i] ?? o.name, dataType: o.dataType, nullable: o.nullable }));
    plan = { kind: "Generate", generator: { ...call, args: spec.args }, outer: def.outer, generatorOutput: genOut, child: plan };
    named = named.flatMap((e) => (e === g ? genOut : [e]));
  }
  if (named.some(containsWindow)) return planWindows(plan, named);
  return { kind: "Project", exprs: named, child: plan };
}

function containsAggRaw(e: Expr): boolean {
  if (e.kind === "window") return false;
  if (e.kind === "fn" && lookupFunction(e.name)?.kind === "agg") return true;
  return children(e).some(containsAggRaw);
}

/** Pull window expressions out of `named` into Window operators (one per distinct spec). */
export function planWindows(child: LogicalPlan, named: Expr[], extra: SortExpr[] = []): LogicalPlan {
  const groups: { key: string; partitionBy: Expr[]; orderBy: SortExpr[]; exprs: Expr[] }[] = [];
  const replace = (e: Expr): Expr =>
    transformUp(e, (x) => {
      if (x.kind !== "window") return x;
      const key = JSON.stringify([x.spec.partitionBy, x.spec.orderBy]);
      let g = groups.find((y) => y.key === key);
      if (!g) { g = { key, partitionBy: x.spec.partitionBy, orderBy: x.spec.orderBy, exprs: [] }; groups.push(g); }
      const existing = g.exprs.find((a) => a.kind === "alias" && exprEquals(a.child, x));
      if (existing) return toAttr(existing);
      const alias: Expr = { kind: "alias", child: x, name: exprSql(x), id: newExprId() };
      g.exprs.push(alias);
      return toAttr(alias);
    });
  const rewritten = named.map((e) => (e.kind === "alias" ? { ...e, child: replace(e.child) } : replace(e)));
  const rewrittenExtra = extra.map((s) => replace(s) as SortExpr);
  let plan = child;
  for (const g of groups) plan = { kind: "Window", windowExprs: g.exprs, partitionBy: g.partitionBy, orderBy: g.orderBy, child: plan };
  if (rewrittenExtra.length) plan = { kind: "Sort", orders: rewrittenExtra, global: true, child: plan };
  return { kind: "Project", exprs: rewritten, child: plan };
}

// ---- filter ---------------------------------------------------------------------------------------

export function buildFilter(child: LogicalPlan, raw: Expr, clause = "WHERE"): LogicalPlan {
  const cond = resolveExpr(raw, { input: outputOf(child), clause });
  const t = typeOf(cond);
  if (t.type !== "boolean" && t.type !== "null") {
    throw new AnalysisError("DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN",
      `Cannot resolve "${exprSql(cond)}" due to data type mismatch: Filter expression "${exprSql(cond)}" of type ${sqlTypeName(t)} is not a boolean.`);
  }
  return { kind: "Filter", condition: mkCast(cond, BooleanType), child };
}

// ---- aggregation ------------------------------------------------------------------------------------

function missingAgg(e: Expr, grouped: boolean): AnalysisError {
  if (!grouped) {
    return new AnalysisError("MISSING_GROUP_BY", "The query does not include a GROUP BY clause. Add GROUP BY or turn it into the window functions using OVER clauses.");
  }
  return new AnalysisError("MISSING_AGGREGATION",
    `The non-aggregating expression "${exprSql(e)}" is based on columns which are not participating in the GROUP BY clause. Add the columns or the expression to the GROUP BY, aggregate the expression, or use "any_value(${exprSql(e)})" if you do not care which of the values within a group is returned.`,
    { parameters: { expression: `"${exprSql(e)}"` } });
}

/** Check that `e` reads input columns only through grouping expressions or aggregate calls. */
function checkGrouped(e: Expr, groupBy: Expr[], input: Set<number>): void {
  const walk = (x: Expr): void => {
    if (groupBy.some((g) => exprEquals(g, x))) return;
    if (x.kind === "alias") { walk(x.child); return; }
    if (isAggCall(x)) return;
    if (x.kind === "attr") {
      // A column of an outer query (a correlated subquery's aggregate) is one value per evaluation.
      if (input.has(x.id)) throw missingAgg(x, groupBy.length > 0);
      return;
    }
    if (x.kind === "window") {
      const f = x.fn;
      if (f.kind === "fn") f.args.forEach(walk);
      x.spec.partitionBy.forEach(walk);
      x.spec.orderBy.forEach(walk);
      return;
    }
    children(x).forEach(walk);
  };
  walk(e);
}

/**
 * GROUP BY with SELECT list, optional HAVING and ORDER BY (SQL) - Spark's Aggregate plus the
 * Filter/Window/Sort/Project it needs on top. `groupRaw` may name select aliases (Spark's
 * groupByAliases) and ORDER BY may reference select aliases or aggregates not selected.
 */
export function buildAggregate(child0: LogicalPlan, groupRaw0: Expr[], selectRaw0: Expr[], havingRaw?: Expr, orderRaw?: SortExpr[], groupingSets?: number[][]): LogicalPlan {
  if (groupingSets) return buildGroupingSets(child0, groupRaw0, selectRaw0, groupingSets, havingRaw, orderRaw);
  const isGrouping = (x: Expr) => x.kind === "fn" && (x.name.toLowerCase() === "grouping" || x.name.toLowerCase() === "grouping_id");
  if ([...selectRaw0, ...(havingRaw ? [havingRaw] : []), ...(orderRaw ?? []).map((o) => o.child)].some((e) => anyExpr(e, isGrouping))) {
    throw new AnalysisError("UNSUPPORTED_GROUPING_EXPRESSION", "grouping()/grouping_id() can only be used with GroupingSets/Cube/Rollup.");
  }
  let child = child0;
  let groupRaw = groupRaw0, selectRaw = selectRaw0;
  // Sliding event-time windows assign a row to several windows: expand rows first (Spark's Expand).
  for (const g of groupRaw0) {
    const inner = g.kind === "alias" ? g.child : g;
    if (inner.kind !== "fn" || inner.name !== "window_sliding") continue;
    const key = JSON.stringify(g);
    const p = buildProject(child, [...outputOf(child), g.kind === "alias" ? g : { kind: "alias", child: g, name: "window" }]);
    const genAttr = outputOf(p)[outputOf(p).length - 1]!;
    child = p;
    groupRaw = groupRaw.map((x) => (JSON.stringify(x) === key ? genAttr : x));
    selectRaw = selectRaw.map((x) => (JSON.stringify(x) === key ? genAttr : x));
  }
  // session_window(ts, gap): merge each key's overlapping sessions first (window functions).
  const sw = rewriteSessionWindow(child, groupRaw, { project: buildProject, filter: (c, e) => buildFilter(c, e), output: (c) => outputOf(c) });
  if (sw) {
    const key = JSON.stringify(sw.original);
    child = sw.child;
    selectRaw = selectRaw.map((x) => (JSON.stringify(x) === key ? sw.replaced : x));
    groupRaw = sw.groupRaw;
  }
  const input = outputOf(child);
  const items = expandStars(selectRaw, input);
  const aliasMap = new Map<string, Expr>();
  items.forEach((it) => { if (it.kind === "alias") aliasMap.set(it.name, it.child); });
  const groupBy = groupRaw.map((g) => {
    try {
      return resolveExpr(g, { input, clause: "GROUP BY" });
    } catch (err) {
      if (g.kind === "col" && g.parts.length === 1 && aliasMap.has(g.parts[0]!)) return resolveExpr(aliasMap.get(g.parts[0]!)!, { input });
      const hit = g.kind === "col" && g.parts.length === 1 ? [...aliasMap.keys()].find((k) => eqName(k, g.parts[0]!)) : undefined;
      if (hit) return resolveExpr(aliasMap.get(hit)!, { input });
      throw err;
    }
  });
  for (let i = 0; i < groupBy.length; i++) {
    const g = groupBy[i]!;
    if (g.kind === "alias") groupBy[i] = g.child;
  }
  for (const g of groupBy) {
    if (containsAgg(g)) throw new AnalysisError("GROUP_BY_AGGREGATE", `Aggregate functions are not allowed in GROUP BY, but found ${exprSql(g)}.`);
  }
  const scope: ResolveScope = { input, allowAgg: true, allowWindow: true };
  const named = items.map((e) => resolveNamed(e, scope));
  const hasWindow = named.some(containsWindow);
  const inputIds = new Set(input.map((a) => a.id));
  // A correlated subquery evaluated per outer binding reads the aggregate's output: it goes in a projection above.
  const applied = named.some((e) => anyExpr(e, (x) => x.kind === "subquery" && !!x.outer));
  if (!havingRaw && !orderRaw?.length && !hasWindow && !applied) {
    named.forEach((e) => checkGrouped(e, groupBy, inputIds));
    return { kind: "Aggregate", groupBy, aggs: named, child };
  }
  // General case: compute grouping keys and every aggregate call first, then evaluate the select
  // list, HAVING and ORDER BY over that output.
  const selectAliases = new Map<string, Expr>();
  named.forEach((e) => { if (e.kind === "alias") selectAliases.set(e.name, e.child); });
  const having = havingRaw ? resolveExpr(havingRaw, { input, allowAgg: true, aliases: selectAliases, clause: "HAVING" }) : undefined;
  const orders = (orderRaw ?? []).map((o) => resolveOrder(o, named, { input, allowAgg: true, allowWindow: true, aliases: selectAliases }));
  const aggCalls: Expr[] = [];
  const collect = (e: Expr): void => {
    if (e.kind === "window") {
      if (e.fn.kind === "fn") e.fn.args.forEach(collect);
      e.spec.partitionBy.forEach(collect);
      e.spec.orderBy.forEach(collect);
      return;
    }
    if (isAggCall(e)) { if (!aggCalls.some((a) => exprEquals(a, e))) aggCalls.push(e); return; }
    children(e).forEach(collect);
  };
  [...named, ...(having ? [having] : []), ...orders].forEach(collect);
  const groupNamed = groupBy.map((g) => (g.kind === "attr" ? g : ({ kind: "alias", child: g, name: exprSql(g), id: newExprId() } as Expr)));
  // A correlated subquery inside an aggregate's input (sum(CASE WHEN EXISTS (...) ...), FILTER
  // (WHERE EXISTS ...)) is a value per input row: computed in a projection below the aggregate.
  const perRow: Expr[] = [];
  const lift = (e: Expr): Expr => transformUp(e, (x) => {
    if (x.kind !== "subquery" || !x.outer) return x;
    const a = { kind: "alias", child: x, name: "__subquery", id: newExprId() } as Expr;
    perRow.push(a);
    return toAttr(a);
  });
  const aggNamed = aggCalls.map((a) => ({ kind: "alias", child: lift(a), name: exprSql(a), id: newExprId() }) as Expr);
  if (perRow.length) child = { kind: "Project", exprs: [...outputOf(child), ...perRow], child };
  const agg: LogicalPlan = { kind: "Aggregate", groupBy, aggs: [...groupNamed, ...aggNamed], child };
  const aggOut = outputOf(agg);
  const rewrite = (e: Expr): Expr => {
    const walk = (x: Expr): Expr => {
      const gi = groupBy.findIndex((g) => exprEquals(g, x));
      if (gi >= 0) return aggOut[gi]!;
      const ai = aggCalls.findIndex((a) => exprEquals(a, x));
      if (ai >= 0) return aggOut[groupBy.length + ai]!;
      if (x.kind === "attr") {
        if (!aggOut.some((a) => a.id === x.id) && inputIds.has(x.id)) throw missingAgg(x, groupBy.length > 0);
        return x;
      }
      if (x.kind === "subquery" && x.outer) {
        const missing = outputOf(child).find((a) => x.outer!.includes(a.id) && !aggOut.some((o) => o.id === a.id));
        if (missing) throw missingAgg(missing, groupBy.length > 0);
      }
      return mapChildren(x, walk);
    };
    return walk(e);
  };
  let plan: LogicalPlan = agg;
  if (having) plan = { kind: "Filter", condition: mkCast(rewrite(having), BooleanType), child: plan };
  const finalNamed = named.map((e) => (e.kind === "alias" ? { ...e, child: rewrite(e.child) } : rewrite(e)));
  const finalOrders = orders.map((o) => rewrite(o) as SortExpr);
  if (finalNamed.some(containsWindow) || finalOrders.some(containsWindow)) return planWindows(plan, finalNamed, finalOrders);
  // ORDER BY over selected expressions sorts the projection's output (as the DataFrame
  // orderBy would); otherwise sort below the projection, on the aggregate output.
  const projOut = finalNamed.map((e) => toAttr(e));
  const above = finalOrders.map((o) => {
    if (o.child.kind === "attr" && projOut.some((a) => a.id === (o.child as Attr).id)) return o;
    const i = finalNamed.findIndex((e) => e.kind === "alias" && exprEquals(e.child, o.child));
    return i >= 0 ? ({ ...o, child: projOut[i]! } as SortExpr) : undefined;
  });
  if (finalOrders.length && above.every((o) => o !== undefined)) {
    return { kind: "Sort", orders: above as SortExpr[], global: true, child: { kind: "Project", exprs: finalNamed, child: plan } };
  }
  if (finalOrders.length) plan = { kind: "Sort", orders: finalOrders, global: true, child: plan };
  return { kind: "Project", exprs: finalNamed, child: plan };
}

/** Resolve an ORDER BY item: select aliases, ordinals (ORDER BY 1) and input columns. */
export function resolveOrder(o: SortExpr, named: Expr[], scope: ResolveScope): SortExpr {
  const c = o.child;
  if (c.kind === "lit" && typeof c.value === "number" && Number.isInteger(c.value)) {
    const i = c.value - 1;
    if (i < 0 || i >= named.length) {
      throw new AnalysisError("ORDER_BY_POS_OUT_OF_RANGE", `ORDER BY position ${c.value} is not in select list (valid range is [1, ${named.length}]).`);
    }
    const n = named[i]!;
    return { ...o, child: n.kind === "alias" ? n.child : n };
  }
  if (c.kind === "col" && c.parts.length === 1) {
    const hit = named.find((n) => n.kind === "alias" && eqName(n.name, c.parts[0]!));
    // Over an aggregate Spark sorts by the select list's alias first (SELECT sum(m) AS m ... ORDER BY m).
    if (hit && hit.kind === "alias" && (scope.allowAgg || !lookupColumn(c.parts, scope.input))) return { ...o, child: hit.child };
    try {
      return resolveExpr(o, scope) as SortExpr;
    } catch (e) {
      // A name the input holds twice (r.rider, p.rider after a join) but the select list once
      // (SELECT r.rider ... ORDER BY rider): Spark sorts by the selected column.
      const outs = named.filter((n) => (n.kind === "alias" || n.kind === "attr") && eqName(n.name, c.parts[0]!));
      if (e instanceof AnalysisError && e.condition === "AMBIGUOUS_REFERENCE" && outs.length === 1) {
        const n = outs[0]!;
        return { ...o, child: n.kind === "alias" ? n.child : n };
      }
      throw e;
    }
  }
  return resolveExpr(o, scope) as SortExpr;
}

// ---- joins ------------------------------------------------------------------------------------------

export type JoinOn = string | string[] | Expr | undefined;

const JOIN_ALIASES: Record<string, JoinType> = {
  inner: "inner", cross: "cross", outer: "full", full: "full", fullouter: "full", full_outer: "full",
  left: "left", leftouter: "left", left_outer: "left", right: "right", rightouter: "right", right_outer: "right",
  semi: "left_semi", leftsemi: "left_semi", left_semi: "left_semi", anti: "left_anti", leftanti: "left_anti", left_anti: "left_anti",
};

export function parseJoinType(how: string): JoinType {
  const t = JOIN_ALIASES[how.toLowerCase().replace(/\s+/g, "_")] ?? JOIN_ALIASES[how.toLowerCase().replace(/[\s_]+/g, "")];
  if (!t) {
    throw new AnalysisError("UNSUPPORTED_JOIN_TYPE", `Unsupported join type '${how}'. Supported join types include: 'inner', 'outer', 'full', 'fullouter', 'full_outer', 'leftouter', 'left', 'left_outer', 'rightouter', 'right', 'right_outer', 'leftsemi', 'left_semi', 'semi', 'leftanti', 'left_anti', 'anti', 'cross'.`);
  }
  return t;
}

/** Give the right side fresh attribute ids when both sides share some (self joins). */
export function dedupRight(left: LogicalPlan, right: LogicalPlan): LogicalPlan {
  const lids = new Set(outputOf(left).map((a) => a.id));
  const rout = outputOf(right);
  if (!rout.some((a) => lids.has(a.id))) return right;
  if (right.kind === "SubqueryAlias") return { ...right, child: dedupRight(left, right.child) };
  if (right.kind === "Hint") return { ...right, child: dedupRight(left, right.child) };
  return { kind: "Project", exprs: rout.map((a) => ({ kind: "alias", child: a, name: a.name, id: newExprId() }) as Expr), child: right };
}

/** `hiddenKeys`: SQL's USING / NATURAL joins keep each side's key columns as hidden output (see Attr.hidden). */
export function buildJoin(left: LogicalPlan, right0: LogicalPlan, on: JoinOn, how: string | JoinType = "inner", natural = false, hiddenKeys = false): LogicalPlan {
  const joinType = parseJoinType(how);
  const right = dedupRight(left, right0);
  const lout = outputOf(left), rout = outputOf(right);
  let usingCols: string[] | undefined;
  if (natural) usingCols = lout.filter((a) => !a.hidden && rout.some((b) => !b.hidden && eqName(a.name, b.name))).map((a) => a.name);
  else if (typeof on === "string") usingCols = [on];
  else if (Array.isArray(on)) usingCols = on;
  if (usingCols) return buildUsingJoin(left, right, usingCols, joinType, hiddenKeys);
  const condition = on ? resolveExpr(on as Expr, { input: [...lout, ...rout], clause: "JOIN" }) : undefined;
  if (condition) {
    const t = typeOf(condition);
    if (t.type !== "boolean") {
      throw new AnalysisError("DATATYPE_MISMATCH.JOIN_CONDITION_IS_NOT_BOOLEAN_TYPE", `Cannot resolve "${exprSql(condition)}" due to data type mismatch: the join condition "${exprSql(condition)}" has the invalid type ${sqlTypeName(t)}, expected "BOOLEAN".`);
    }
  }
  return { kind: "Join", left, right, joinType: joinType === "cross" && condition ? "inner" : joinType, condition };
}

function buildUsingJoin(left: LogicalPlan, right: LogicalPlan, cols: string[], joinType: JoinType, hiddenKeys = false): LogicalPlan {
  const lout = outputOf(left), rout = outputOf(right);
  const pairs = cols.map((c) => {
    const l = lout.filter((a) => !a.hidden && eqName(a.name, c)), r = rout.filter((a) => !a.hidden && eqName(a.name, c));
    if (l.length !== 1) throw l.length ? new AnalysisError("AMBIGUOUS_REFERENCE", `Reference \`${c}\` is ambiguous in the left side of the join.`) : new AnalysisError("UNRESOLVED_USING_COLUMN_FOR_JOIN", `USING column \`${c}\` cannot be resolved on the left side of the join. The left-side columns: [${lout.map((a) => "`" + a.name + "`").join(", ")}].`);
    if (r.length !== 1) throw r.length ? new AnalysisError("AMBIGUOUS_REFERENCE", `Reference \`${c}\` is ambiguous in the right side of the join.`) : new AnalysisError("UNRESOLVED_USING_COLUMN_FOR_JOIN", `USING column \`${c}\` cannot be resolved on the right side of the join. The right-side columns: [${rout.map((a) => "`" + a.name + "`").join(", ")}].`);
    return [l[0]!, r[0]!] as const;
  });
  let condition: Expr | undefined;
  for (const [l, r] of pairs) {
    const c = resolveExpr({ kind: "fn", name: "=", args: [l, r] }, { input: [...lout, ...rout] });
    condition = condition ? { kind: "fn", name: "and", args: [condition, c], dataType: BooleanType } : c;
  }
  const join: LogicalPlan = { kind: "Join", left, right, joinType: joinType === "cross" ? "inner" : joinType, condition };
  const jout = outputOf(join);
  const find = (a: Attr) => jout.find((x) => x.id === a.id)!;
  const leftKeys = new Set(pairs.map(([l]) => l.id)), rightKeys = new Set(pairs.map(([, r]) => r.id));
  let keys: Expr[];
  if (joinType === "right") keys = pairs.map(([, r]) => find(r));
  else if (joinType === "full") {
    keys = pairs.map(([l, r]) => {
      const t = widerType(l.dataType, r.dataType) ?? l.dataType;
      return { kind: "alias", child: { kind: "fn", name: "coalesce", args: [mkCast(find(l), t), mkCast(find(r), t)], dataType: t, nullable: l.nullable && r.nullable }, name: l.name, id: newExprId() } as Expr;
    });
  } else keys = pairs.map(([l]) => find(l));
  const lrest = lout.filter((a) => !leftKeys.has(a.id)).map(find);
  const rrest = joinType === "left_semi" || joinType === "left_anti" ? [] : rout.filter((a) => !rightKeys.has(a.id)).map(find);
  if (!hiddenKeys) return { kind: "Project", exprs: [...keys, ...lrest, ...rrest], child: join };
  // Spark: the visible key is the left one (right one for RIGHT, a coalesce for FULL); each side's
  // own key stays reachable as t.k and in t.* (hidden output).
  const semi = joinType === "left_semi" || joinType === "left_anti";
  const visible = keys.map((k, i) => (k.kind === "attr" ? { ...k, usingKey: i } : k));
  const hidden: Attr[] = pairs.flatMap(([l, r], i) => [
    ...(joinType === "inner" || joinType === "left" || joinType === "cross" || semi ? [] : [{ ...find(l), hidden: true as const, usingKey: i }]),
    ...(semi || joinType === "right" ? [] : [{ ...find(r), hidden: true as const, usingKey: i }]),
  ]);
  return { kind: "Project", exprs: [...visible, ...lrest, ...rrest, ...hidden], child: join };
}

// ---- set operations -----------------------------------------------------------------------------------

export function buildSetOp(left: LogicalPlan, right: LogicalPlan, op: "union" | "intersect" | "except", all: boolean): LogicalPlan {
  const lout = outputOf(left), rout = outputOf(right);
  const opName = op.toUpperCase() + (all && op !== "union" ? " ALL" : "");
  if (lout.length !== rout.length) {
    throw new AnalysisError("NUM_COLUMNS_MISMATCH",
      `${opName} can only be performed on inputs with the same number of columns, but the first input has ${lout.length} columns and the second input has ${rout.length} columns.`,
      { parameters: { operator: opName, firstNumColumns: lout.length, invalidOrdinalNum: "second", invalidNumColumns: rout.length } });
  }
  const types = lout.map((a, i) => {
    const t = widerType(a.dataType, rout[i]!.dataType);
    if (!t) {
      throw new AnalysisError("INCOMPATIBLE_COLUMN_TYPE",
        `${opName} can only be performed on tables with compatible column types. The ${ordinal(i + 1)} column of the second table is ${sqlTypeName(rout[i]!.dataType)} type which is not compatible with ${sqlTypeName(a.dataType)} at the same column of the first table.`);
    }
    return t;
  });
  const castSide = (p: LogicalPlan, out: Attr[]): LogicalPlan =>
    out.every((a, i) => simpleString(a.dataType) === simpleString(types[i]!))
      ? p
      : { kind: "Project", exprs: out.map((a, i) => (simpleString(a.dataType) === simpleString(types[i]!) ? a : ({ kind: "alias", child: mkCast(a, types[i]!), name: a.name, id: newExprId() } as Expr))), child: p };
  const l2 = castSide(left, lout), r2 = castSide(right, rout);
  const l2out = outputOf(l2), r2out = outputOf(r2);
  const output: Attr[] = l2out.map((a, i) => ({ ...a, qualifier: undefined, nullable: a.nullable || r2out[i]!.nullable }));
  return { kind: "SetOp", op, all, left: l2, right: r2, output };
}

export function buildUnionByName(left: LogicalPlan, right: LogicalPlan, allowMissing: boolean): LogicalPlan {
  const lout = outputOf(left), rout = outputOf(right);
  const exprs: Expr[] = lout.map((a) => {
    const hit = rout.find((b) => eqName(a.name, b.name));
    if (hit) return hit;
    if (!allowMissing) throw unresolvedColumn(a.name, rout);
    return { kind: "alias", child: { kind: "lit", value: null, dataType: a.dataType }, name: a.name, id: newExprId() } as Expr;
  });
  let l = left;
  if (allowMissing) {
    const extra = rout.filter((b) => !lout.some((a) => eqName(a.name, b.name)));
    if (extra.length) {
      l = { kind: "Project", exprs: [...lout, ...extra.map((b) => ({ kind: "alias", child: { kind: "lit", value: null, dataType: b.dataType }, name: b.name, id: newExprId() }) as Expr)], child: left };
      exprs.push(...extra);
    }
  } else if (rout.length !== lout.length) {
    buildSetOp(left, right, "union", true);
  }
  return buildSetOp(l, { kind: "Project", exprs, child: right }, "union", true);
}

function ordinal(n: number): string {
  return n === 1 ? "first" : n === 2 ? "second" : n === 3 ? "third" : `${n}th`;
}

// ---- sort, distinct, dedup ------------------------------------------------------------------------

export function buildSort(child: LogicalPlan, orders: SortExpr[], global = true): LogicalPlan {
  const input = outputOf(child);
  const resolved = orders.map((o) => resolveExpr(o, { input, clause: "ORDER BY" }) as SortExpr);
  for (const o of resolved) {
    const t = typeOf(o.child);
    if (t.type === "map") {
      throw new AnalysisError("DATATYPE_MISMATCH.INVALID_ORDERING_TYPE", `Cannot resolve "${exprSql(o)}" due to data type mismatch: The \`sortorder\` does not support ordering on type "MAP".`);
    }
  }
  return { kind: "Sort", orders: resolved, global, child };
}

export function buildDistinct(child: LogicalPlan): LogicalPlan {
  const out = outputOf(child);
  return { kind: "Aggregate", groupBy: out, aggs: out, child };
}

export function buildDeduplicate(child: LogicalPlan, cols?: string[]): LogicalPlan {
  const out = outputOf(child);
  if (!cols || !cols.length) return { kind: "Deduplicate", keys: out, child };
  const keys = cols.map((c) => {
    const hit = lookupColumn([c], out);
    if (!hit) throw unresolvedColumn(c, out);
    return hit.attr;
  });
  return { kind: "Deduplicate", keys, child };
}

export function buildWithColumns(child: LogicalPlan, cols: [string, Expr][]): LogicalPlan {
  const out = outputOf(child);
  const items: Expr[] = out.map((a) => a);
  for (const [name, e] of cols) {
    const aliased: Expr = { kind: "alias", child: e, name };
    const i = items.findIndex((x) => x.kind === "attr" ? eqName(x.name, name) : x.kind === "alias" && eqName(x.name, name));
    if (i >= 0) items[i] = aliased; else items.push(aliased);
  }
  return buildProject(child, items);
}

/** Columns of `plan` referenced by nothing? (used by drop) */
export function buildDrop(child: LogicalPlan, cols: (string | Expr)[]): LogicalPlan {
  const out = outputOf(child);
  const dropIds = new Set<number>();
  for (const c of cols) {
    if (typeof c === "string") out.filter((a) => eqName(a.name, c)).forEach((a) => dropIds.add(a.id));
    else if (c.kind === "attr") dropIds.add(c.id);
    else if (c.kind === "col") { const hit = lookupColumn(c.parts, out); if (hit) dropIds.add(hit.attr.id); }
  }
  if (!dropIds.size) return child;
  return { kind: "Project", exprs: out.filter((a) => !dropIds.has(a.id)), child };
}

export function renameColumn(child: LogicalPlan, from: string, to: string): LogicalPlan {
  const out = outputOf(child);
  if (!out.some((a) => eqName(a.name, from))) return child;
  return {
    kind: "Project",
    exprs: out.map((a) => (eqName(a.name, from) ? ({ kind: "alias", child: a, name: to, id: newExprId() } as Expr) : a)),
    child,
  };
}

export { references, autoName, nullableOf };

// ---- GROUPING SETS / ROLLUP / CUBE ------------------------------------------------------------------

/** Sets (indices into the grouping expressions) of ROLLUP(e1..en): (e1..en), (e1..en-1), ..., (). */
export function rollupSets(n: number): number[][] {
  return Array.from({ length: n + 1 }, (_, k) => Array.from({ length: n - k }, (_, i) => i));
}

/** Sets of CUBE(e1..en): every subset, larger ones first (Spark's order). */
export function cubeSets(n: number): number[][] {
  const out: number[][] = [];
  for (let mask = (1 << n) - 1; mask >= 0; mask--) out.push(Array.from({ length: n }, (_, i) => i).filter((i) => mask & (1 << (n - 1 - i))));
  return out;
}

/**
 * Spark's Expand + Aggregate: every input row is repeated once per grouping set with the
 * grouping columns outside the set nulled and a grouping id; aggregate inputs still read the
 * original columns. grouping(col) / grouping_id() read the id.
 */
function buildGroupingSets(child: LogicalPlan, groupRaw: Expr[], selectRaw0: Expr[], sets: number[][], havingRaw0?: Expr, orderRaw0?: SortExpr[]): LogicalPlan {
  // Hive's virtual column grouping__id is grouping_id().
  const gidCol = (e: Expr): Expr => transformUp(e, (x) => (x.kind === "col" && x.parts.length === 1 && x.parts[0]!.toLowerCase() === "grouping__id" ? { kind: "fn", name: "grouping_id", args: [] } : x));
  const selectRaw = selectRaw0.map((e) => (e.kind === "col" && e.parts.length === 1 && e.parts[0]!.toLowerCase() === "grouping__id"
    ? ({ kind: "alias", child: gidCol(e), name: e.parts[0]! } as Expr) : gidCol(e)));
  const havingRaw = havingRaw0 ? gidCol(havingRaw0) : undefined;
  const orderRaw = orderRaw0?.map((o) => ({ ...o, child: gidCol(o.child) }) as SortExpr);
  const input = outputOf(child);
  // A grouping column may name a select-list alias (Spark's groupByAliases).
  const byAlias = (g: Expr): Expr => {
    if (g.kind !== "col" || g.parts.length !== 1 || lookupColumn(g.parts, input)) return g;
    const a = selectRaw.find((x) => x.kind === "alias" && x.name.toLowerCase() === g.parts[0]!.toLowerCase());
    return a && a.kind === "alias" ? a.child : g;
  };
  const G = groupRaw.map(byAlias).map((g) => {
    const r = resolveExpr(g, { input, clause: "GROUP BY" });
    return r.kind === "alias" ? r.child : r;
  });
  const gen: Expr & { kind: "fn" } = {
    kind: "fn", name: "__expand_grouping_sets",
    args: [{ kind: "lit", value: sets, dataType: { type: "array", elementType: { type: "array", elementType: { type: "integer" }, containsNull: false }, containsNull: false } }, ...G],
    dataType: { type: "long" },
  };
  const gOut: Attr[] = G.map((g, i) => ({ kind: "attr", id: newExprId(), name: `__g${i}`, dataType: typeOf(g), nullable: true }));
  const gid: Attr = { kind: "attr", id: newExprId(), name: "spark_grouping_id", dataType: { type: "long" }, nullable: false };
  // A grouping set listed twice yields its groups twice (Spark's _gen_grouping_pos).
  const setKeys = sets.map((set) => [...new Set(set)].sort((a, b) => a - b).join(","));
  const dupSets = new Set(setKeys).size !== setKeys.length;
  const pos: Attr[] = dupSets ? [{ kind: "attr", id: newExprId(), name: "_gen_grouping_pos", dataType: { type: "integer" }, nullable: false }] : [];
  if (dupSets) gen.name = "__expand_grouping_sets_pos";
  const expanded: LogicalPlan = { kind: "Generate", generator: gen, outer: false, generatorOutput: [...gOut, gid, ...pos], child };
  const scope: ResolveScope = { input: outputOf(expanded), allowAgg: true, allowWindow: true };
  const swap = (e: Expr): Expr => {
    const walk = (x: Expr): Expr => {
      if (x.kind === "fn" && (x.name === "grouping" || x.name === "grouping_id")) return groupingFn(x, G, gid);
      if (x.kind === "fn" && lookupFunction(x.name)?.kind === "agg") return x;
      const i = G.findIndex((g) => exprEquals(g, x));
      if (i >= 0) return gOut[i]!;
      return mapChildren(x, walk);
    };
    return walk(e);
  };
  const items = expandStars(selectRaw, input).map((raw) => {
    const r = resolveNamed(raw, scope);
    if (r.kind === "attr") {
      const i = G.findIndex((g) => exprEquals(g, r));
      return i >= 0 ? ({ kind: "alias", child: gOut[i]!, name: r.name, id: newExprId() } as Expr) : r;
    }
    return r.kind === "alias" ? { ...r, child: swap(r.child) } : swap(r);
  });
  const having = havingRaw ? swap(resolveExpr(havingRaw, { ...scope, clause: "HAVING" })) : undefined;
  const orders = (orderRaw ?? []).map((o) => ({ ...o, child: swap(resolveOrder(o, items, scope).child) }) as SortExpr);
  const agg = buildAggregate(expanded, [...gOut, gid, ...pos], items, having, orders.length ? orders : undefined);
  return agg;
}

function groupingFn(x: Expr & { kind: "fn" }, G: Expr[], gid: Attr): Expr {
  const n = G.length;
  if (x.name === "grouping_id" && x.args.length === 0) return gid;
  if (x.name === "grouping_id") {
    // grouping_id(c1, ..., ck): grouping(cj) as bit k-1-j.
    const k = x.args.length;
    return x.args.map((a, j) => {
      const bit = groupingFn({ kind: "fn", name: "grouping", args: [a] }, G, gid);
      return { kind: "fn", name: "shiftleft", args: [{ kind: "cast", child: bit, to: { type: "long" } }, { kind: "lit", value: k - 1 - j, dataType: { type: "integer" } }], dataType: { type: "long" } } as Expr;
    }).reduce((acc, e) => ({ kind: "fn", name: "|", args: [acc, e], dataType: { type: "long" } }) as Expr);
  }
  if (x.name === "grouping") {
    const i = G.findIndex((g) => exprEquals(g, x.args[0]!));
    if (i < 0) throw new AnalysisError("GROUPING_COLUMN_MISMATCH", `Column of grouping (${exprSql(x.args[0]!)}) can't be found in grouping columns ${G.map(exprSql).join(",")}.`);
    const shifted: Expr = { kind: "fn", name: "shiftright", args: [gid, { kind: "lit", value: n - 1 - i, dataType: { type: "integer" } }], dataType: { type: "long" } };
    return { kind: "cast", child: { kind: "fn", name: "&", args: [shifted, { kind: "lit", value: 1, dataType: { type: "long" } }], dataType: { type: "long" } }, to: { type: "byte" } };
  }
  return x;
}
