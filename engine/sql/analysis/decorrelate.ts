// Correlated subqueries: pulling correlated predicates out of a subquery plan (for semi / anti
// joins), finding a plan's outer references, and rewriting correlated scalar subqueries into a
// left outer join with an aggregate grouped by the correlation keys (Spark's
// RewriteCorrelatedScalarSubquery, including its "count bug" handling: a group with no rows gives
// the aggregate's value over no rows, e.g. 0 for count, not NULL).

import { AnalysisError } from "../../common/errors";
import { type Attr, type Expr, references, transformUp, collectExprs, unalias, exprEquals } from "../expressions/expression";
import { lookupFunction } from "../expressions/registry";
import { exprSql } from "../expressions/print";
import { newExprId, outputOf, childrenOf, transformPlanDown, transformPlanUp, expressionsOf, type LogicalPlan } from "../plan/logical-plan";
import { resolveExpr } from "./resolve-expr";
import { splitConjuncts, andAll } from "../expressions/expression";

/**
 * Pull correlated conjuncts (those reading outer columns) out of a subquery plan. `throughAggregate`
 * allows moving equalities above a global aggregate (grouping it by the keys): right only for a
 * positive IN (an outer row whose group is empty compares with NULL there, which WHERE drops).
 */
export function decorrelate(plan: LogicalPlan, outerIds: Set<number>, throughAggregate = false): { plan: LogicalPlan; conds: Expr[] } {
  const conds: Expr[] = [];
  let p = transformPlanDown(plan, (node) => {
    if (node.kind !== "Filter") return node;
    // An id the filter's own input produces is not an outer reference, even when the outer query
    // reads the same relation (a view or CTE used on both sides shares its inner ids).
    const visible = new Set(outputOf(node.child).map((a) => a.id));
    const readsOuter = (e: Expr) => [...references(e)].some((id) => outerIds.has(id) && !visible.has(id));
    const cs = splitConjuncts(node.condition);
    const keep = cs.filter((c) => !readsOuter(c));
    const pulled = cs.filter(readsOuter);
    if (!pulled.length) return node;
    conds.push(...pulled);
    return keep.length ? { ...node, condition: andAll(keep)! } : node.child;
  });
  if (conds.length) {
    // The pulled conditions read inner columns the subquery's projection may have dropped.
    const needed = new Set(conds.flatMap((c) => [...references(c)]).filter((id) => !outerIds.has(id)));
    if (p.kind === "Project") {
      const have = new Set(outputOf(p).map((a) => a.id));
      const childOut = outputOf(p.child);
      const extra = childOut.filter((a) => needed.has(a.id) && !have.has(a.id));
      if (extra.length) p = { ...p, exprs: [...p.exprs, ...extra] };
    } else if (p.kind === "SubqueryAlias" && p.child.kind === "Project") {
      const inner = p.child;
      const have = new Set(outputOf(inner).map((a) => a.id));
      const extra = outputOf(inner.child).filter((a) => needed.has(a.id) && !have.has(a.id));
      if (extra.length) p = { ...p, child: { ...inner, exprs: [...inner.exprs, ...extra] } };
    }
    if ([...needed].some((id) => !new Set(outputOf(p).map((a) => a.id)).has(id))) {
      const pulled = pullThroughAggregate(p, conds, outerIds, needed, throughAggregate);
      if (pulled) {
        p = pulled.plan;
        conds.splice(0, conds.length, ...pulled.conds);
        needed.clear();
        for (const c of conds) for (const id of references(c)) if (!outerIds.has(id)) needed.add(id);
      }
    }
    const have = new Set(outputOf(p).map((a) => a.id));
    if ([...needed].some((id) => !have.has(id))) {
      throw new AnalysisError("UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_COLUMN_IS_NOT_ALLOWED_IN_PREDICATE", "Correlated column is not allowed in this position of the subquery.");
    }
  }
  return { plan: p, conds };
}

/**
 * Correlated equalities below an aggregate (x IN (SELECT max(v) FROM u WHERE u.k = t.k)): group
 * the aggregate by the inner keys too and output them, so the join can match on them. Only for
 * aggregates that are NULL over no rows (an outer row without inner rows must see no row at all).
 */
function pullThroughAggregate(p0: LogicalPlan, conds: Expr[], outerIds: Set<number>, needed: Set<number>, global: boolean): { plan: LogicalPlan; conds: Expr[] } | undefined {
  // The aggregate may sit under aliases, projections and HAVING filters: peel them, re-wrap after.
  const wrappers: LogicalPlan[] = [];
  let p = p0;
  while (p.kind === "SubqueryAlias" || p.kind === "Project" || (p.kind === "Filter" && [...references(p.condition)].every((id) => !outerIds.has(id)))) {
    wrappers.push(p);
    p = p.child;
  }
  if (p.kind !== "Aggregate") return undefined;
  const childIds = new Set(outputOf(p.child).map((a) => a.id));
  if ([...needed].some((id) => !childIds.has(id))) return undefined;
  // A grouped aggregate has no row for an empty input: grouping it by the keys too is exact for
  // IN, NOT IN, EXISTS and NOT EXISTS. A global one gives a row over no input (the count bug).
  if (p.groupBy.length === 0) {
    if (!global) return undefined;
    if (p.aggs.some((a) => collectExprs(a, (x): x is Expr & { kind: "fn" } => x.kind === "fn" && NON_NULL_ON_EMPTY.has(x.name.toLowerCase())).length)) return undefined;
  }
  const onlyOuter = (x: Expr) => { const r = [...references(x)]; return r.length > 0 && r.every((id) => outerIds.has(id)); };
  const noOuter = (x: Expr) => [...references(x)].every((id) => !outerIds.has(id));
  const keys: Expr[] = [];
  const newConds: Expr[] = [];
  for (const c of conds) {
    if (!(c.kind === "fn" && c.name === "=" && c.args.length === 2)) return undefined;
    const [a, b] = c.args as [Expr, Expr];
    const [inner, outer] = onlyOuter(a) && noOuter(b) ? [b, a] : onlyOuter(b) && noOuter(a) ? [a, b] : [undefined, undefined];
    if (!inner || !outer) return undefined;
    const k = { kind: "alias", child: inner, name: `__corr_key${keys.length}`, id: newExprId() } as Expr & { kind: "alias"; id: number };
    keys.push(k);
    newConds.push({ ...c, args: [outer, { kind: "attr", id: k.id, name: k.name, dataType: (inner as { dataType?: Attr["dataType"] }).dataType ?? outputOf(p.child).find((x) => references(inner).has(x.id))!.dataType, nullable: true }] } as Expr);
  }
  let agg: LogicalPlan = { ...p, groupBy: [...p.groupBy, ...keys.map((k) => (k as { child: Expr }).child)], aggs: [...p.aggs, ...keys] };
  const keyAttrs = outputOf(agg).slice(-keys.length);
  for (const w of wrappers.reverse()) {
    if (w.kind === "Project") agg = { ...w, exprs: [...w.exprs, ...keyAttrs], child: agg };
    else agg = { ...(w as LogicalPlan & { child: LogicalPlan }), child: agg } as LogicalPlan;
  }
  const out = outputOf(agg);
  const fixed = newConds.map((c) => {
    const f = c as Expr & { kind: "fn" };
    const ref = f.args[1] as Attr;
    return { ...f, args: [f.args[0]!, out.find((a) => a.id === ref.id)!] } as Expr;
  });
  return { plan: agg, conds: fixed };
}

/**
 * Ids of attributes a plan reads from outside (outer references of a correlated subquery): an
 * expression of a node may read its children's output; anything else comes from an outer query.
 */
export function correlatedRefs(plan: LogicalPlan): Set<number> {
  const outer = new Set<number>();
  transformPlanUp(plan, (p) => {
    const visible = new Set(childrenOf(p).flatMap((c) => outputOf(c).map((a) => a.id)));
    for (const e of expressionsOf(p)) for (const id of references(e)) if (!visible.has(id)) outer.add(id);
    return p;
  });
  return outer;
}

/**
 * The outer columns a subquery plan reads, in Spark's order (pre-order over the plan, every
 * reading, so `(SELECT t1c WHERE t1c = 8)` lists t1c twice): a scalar subquery is named after them.
 */
export function outerReferences(plan: LogicalPlan): Attr[] {
  const found: Attr[] = [];
  const visit = (p: LogicalPlan): void => {
    const visible = new Set(childrenOf(p).flatMap((c) => outputOf(c).map((a) => a.id)));
    for (const e of expressionsOf(p)) for (const a of collectExprs(e, (x): x is Attr => x.kind === "attr")) if (!visible.has(a.id)) found.push(a);
    childrenOf(p).forEach(visit);
  };
  visit(plan);
  return found;
}

const lit = (value: unknown, type: "boolean" | "null"): Expr => ({ kind: "lit", value, dataType: { type } });

/** Aggregates whose value over no rows is not NULL (so an unmatched outer row must not get NULL). */
const NON_NULL_ON_EMPTY = new Set(["count", "count_if", "approx_count_distinct", "collect_list", "collect_set", "array_agg", "bool_and", "bool_or", "every", "any", "some"]);

function unsupportedCorrelation(why: string): AnalysisError {
  return new AnalysisError("UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_SCALAR_SUBQUERY",
    `Unsupported correlated scalar subquery: ${why}. Supported: SELECT <one aggregate expression> FROM ... WHERE <inner column> = <outer column> [AND ...], without GROUP BY.`);
}

/**
 * Replace correlated scalar subqueries in `e` (over `plan`) by columns of left outer joins added
 * to `plan`; the forms a join cannot express are kept to be evaluated per outer binding.
 */
export function rewriteCorrelatedScalars(plan: LogicalPlan, e: Expr): { plan: LogicalPlan; expr: Expr } {
  let cur = plan;
  const expr = transformUp(e, (x) => {
    if (x.kind !== "subquery" || x.type !== "scalar" || x.outer || correlatedRefs(x.plan).size === 0) return x;
    let r: { plan: LogicalPlan; value: Expr };
    try {
      r = joinScalar(cur, x);
    } catch (err) {
      if (!isUnsupportedCorrelation(err)) throw err;
      checkAppliedScalar(x);
      return markApplied(x);
    }
    cur = r.plan;
    return r.value;
  });
  return { plan: cur, expr };
}

export const isUnsupportedCorrelation = (err: unknown): boolean =>
  err instanceof AnalysisError && /^UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY\.(CORRELATED_SCALAR_SUBQUERY|CORRELATED_COLUMN_IS_NOT_ALLOWED_IN_PREDICATE)$/.test(err.condition);

/** A correlated subquery left for evaluation per binding of the outer columns it reads (engine/sql/execution/subqueries.ts). */
export function markApplied(x: Expr & { kind: "subquery" }): Expr {
  checkOuterAggregates(x.plan);
  if (x.type !== "scalar") checkSetOpCorrelation(x.plan);
  return { ...x, outer: [...correlatedRefs(x.plan)] };
}

/**
 * Spark refuses an IN / EXISTS subquery whose outer references sit inside a branch of a UNION,
 * INTERSECT or EXCEPT (its predicates cannot be pulled above the set operation); a scalar
 * subquery may have them.
 */
export function checkSetOpCorrelation(plan: LogicalPlan): void {
  transformPlanUp(plan, (p) => {
    if (p.kind === "SetOp" && (correlatedRefs(p.left).size > 0 || correlatedRefs(p.right).size > 0)) {
      throw new AnalysisError("UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.ACCESSING_OUTER_QUERY_COLUMN_IS_NOT_ALLOWED",
        `Unsupported subquery expression: Accessing outer query column is not allowed in this location: a branch of ${p.op.toUpperCase()}${p.all ? " ALL" : ""} in an IN / EXISTS subquery.`);
    }
    return p;
  });
}

/**
 * An aggregate call over outer columns only (sum(t0a) inside the subquery) would aggregate the
 * outer query's rows: Spark refuses it outside the outer query's own aggregate.
 */
function checkOuterAggregates(plan: LogicalPlan): void {
  transformPlanUp(plan, (p) => {
    if (p.kind !== "Aggregate") return p;
    const inner = new Set(outputOf(p.child).map((a) => a.id));
    for (const e of p.aggs) {
      for (const call of collectExprs(e, (y): y is Expr & { kind: "fn" } => y.kind === "fn" && lookupFunction(y.name)?.kind === "agg")) {
        const refs = [...references(call)];
        if (refs.length && refs.every((id) => !inner.has(id))) {
          throw new AnalysisError("UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_REFERENCE",
            `Expressions referencing the outer query are not supported outside of WHERE/HAVING clauses: "${exprSql(e)}".`);
        }
      }
    }
    return p;
  });
}

/**
 * Correlated EXISTS inside an expression (WHERE a = 1 OR EXISTS (... WHERE u.k = t.k), or in the
 * select list): a left outer join to the distinct correlation keys of the subquery, and
 * EXISTS becomes "the join found a key" (Spark's ExistenceJoin, written with the join types we
 * have). Only equality correlations; others are left for the caller's error.
 */
export function rewriteCorrelatedExists(plan: LogicalPlan, e: Expr): { plan: LogicalPlan; expr: Expr } {
  let cur = plan;
  const expr = transformUp(e, (x) => {
    if (x.kind !== "subquery" || x.type !== "exists" || x.outer || correlatedRefs(x.plan).size === 0) return x;
    const outerAttrs = outputOf(cur);
    const outerIds = new Set(outerAttrs.map((a) => a.id));
    checkSetOpCorrelation(x.plan);
    let pulled: { plan: LogicalPlan; conds: Expr[] };
    try {
      pulled = decorrelate(x.plan, outerIds);
    } catch (err) {
      if (isUnsupportedCorrelation(err)) return markApplied(x);
      throw err;
    }
    const { plan: inner, conds } = pulled;
    const keys = equalityKeys(conds, outerIds);
    if (!keys || correlatedRefs(inner).size) return markApplied(x);
    const keyAliases: Expr[] = keys.inner.map((k, i) => ({ kind: "alias", child: k, name: `__exists_key${i}`, id: newExprId() }) as Expr);
    const marker = { kind: "alias", child: lit(true, "boolean"), name: "__exists", id: newExprId() } as Expr;
    const agg: LogicalPlan = { kind: "Aggregate", groupBy: keys.inner, aggs: [...keyAliases, marker], child: inner };
    const aggOut = outputOf(agg);
    const condition = resolveExpr(andAll(keys.outer.map((k, i) => ({ kind: "fn", name: "=", args: [k, aggOut[i]!] }) as Expr))!, { input: [...outerAttrs, ...aggOut] });
    cur = { kind: "Join", left: cur, right: agg, joinType: "left", condition };
    return { kind: "fn", name: "isnotnull", args: [aggOut[aggOut.length - 1]!] } as Expr;
  });
  return { plan: cur, expr };
}

function equalityKeys(conds: Expr[], outerIds: Set<number>): { inner: Expr[]; outer: Expr[] } | undefined {
  const onlyOuter = (x: Expr) => { const r = [...references(x)]; return r.length > 0 && r.every((id) => outerIds.has(id)); };
  const noOuter = (x: Expr) => [...references(x)].every((id) => !outerIds.has(id));
  const inner: Expr[] = [], outer: Expr[] = [];
  for (const c of conds) {
    if (!(c.kind === "fn" && c.name === "=" && c.args.length === 2)) return undefined;
    const [a, b] = c.args as [Expr, Expr];
    if (onlyOuter(a) && noOuter(b)) { outer.push(a); inner.push(b); } else if (onlyOuter(b) && noOuter(a)) { outer.push(b); inner.push(a); } else return undefined;
  }
  return inner.length ? { inner, outer } : undefined;
}

/** Correlated EXISTS, then correlated scalar subqueries, rewritten into joins over `plan`. */
export function rewriteCorrelated(plan: LogicalPlan, e: Expr): { plan: LogicalPlan; expr: Expr } {
  const a = rewriteCorrelatedExists(plan, e);
  return rewriteCorrelatedScalars(a.plan, a.expr);
}

export function hasCorrelated(e: Expr): boolean {
  return collectExprs(e, (x): x is Expr & { kind: "subquery" } => x.kind === "subquery" && x.type !== "in").some((x) => correlatedRefs(x.plan).size > 0);
}

export function hasCorrelatedScalar(e: Expr): boolean {
  return collectExprs(e, (x): x is Expr & { kind: "subquery" } => x.kind === "subquery" && x.type === "scalar").some((x) => correlatedRefs(x.plan).size > 0);
}

function joinScalar(outer: LogicalPlan, sub: Expr & { kind: "subquery" }): { plan: LogicalPlan; value: Expr } {
  const outerAttrs = outputOf(outer);
  const outerIds = new Set(outerAttrs.map((a) => a.id));
  let p = sub.plan;
  while (p.kind === "SubqueryAlias") p = p.child;
  if (p.kind !== "Aggregate") throw unsupportedCorrelation("the subquery must be one aggregate without GROUP BY");
  const out = outputOf(p);
  if (out.length !== 1) throw new AnalysisError("INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN", `Scalar subquery must return only one column, but got ${out.length}.`);
  const { plan: innerChild, conds } = decorrelate(p.child, outerIds);
  const keys = equalityKeys(conds, outerIds);
  if (conds.length && !keys) throw unsupportedCorrelation("correlated predicates must be equalities between an inner and an outer expression");
  const innerKeys = keys?.inner ?? [], outerKeys = keys?.outer ?? [];
  if (!innerKeys.length || correlatedRefs(innerChild).size || p.aggs.some((a) => [...references(a)].some((id) => outerIds.has(id)))) {
    throw unsupportedCorrelation("outer columns may appear only in the subquery's WHERE equalities");
  }
  // GROUP BY only the correlated inner columns: one group per outer row at most, none for no rows
  // (NULL, never the aggregate over no rows).
  const grouped = p.groupBy.length > 0;
  if (grouped && !p.groupBy.every((g) => innerKeys.some((k) => exprEquals(k, g)))) {
    throw unsupportedCorrelation("the subquery must be one aggregate without GROUP BY (or grouped only by its correlated columns)");
  }
  const keyAliases: Expr[] = innerKeys.map((k, i) => ({ kind: "alias", child: k, name: `__corr_key${i}`, id: newExprId() }) as Expr);
  const marker = { kind: "alias", child: lit(true, "boolean"), name: "__corr_match", id: newExprId() } as Expr;
  const agg: LogicalPlan = { kind: "Aggregate", groupBy: innerKeys, aggs: [...p.aggs, ...keyAliases, marker], child: innerChild };
  const aggOut = outputOf(agg);
  const valueAttr = aggOut[0]!;
  const keyAttrs = aggOut.slice(1, 1 + innerKeys.length);
  const markerAttr = aggOut[aggOut.length - 1]!;
  const condition = resolveExpr(andAll(outerKeys.map((k, i) => ({ kind: "fn", name: "=", args: [k, keyAttrs[i]!] }) as Expr))!, { input: [...outerAttrs, ...aggOut] });
  const joined: LogicalPlan = { kind: "Join", left: outer, right: agg, joinType: "left", condition };
  const top = unalias(p.aggs[0]!);
  const nullOnEmpty = top.kind === "fn" && lookupFunction(top.name)?.kind === "agg" && !NON_NULL_ON_EMPTY.has(top.name.toLowerCase());
  if (nullOnEmpty || grouped) return { plan: joined, value: valueAttr };
  // The aggregate over no rows (e.g. count -> 0) for outer rows without a match: its own small job.
  const emptyPlan: LogicalPlan = { kind: "Aggregate", groupBy: [], aggs: p.aggs, child: { kind: "Filter", condition: lit(false, "boolean"), child: innerChild } };
  const onEmpty: Expr = { kind: "subquery", type: "scalar", plan: emptyPlan, dataType: valueAttr.dataType };
  const value: Expr = { kind: "case", branches: [{ when: { kind: "fn", name: "isnull", args: [markerAttr] }, then: onEmpty }], otherwise: valueAttr };
  return { plan: joined, value };
}

export type { Attr };

/**
 * IN / EXISTS subqueries that are not top-level WHERE conjuncts (under OR, NOT, CASE, in the
 * select list): uncorrelated ones are materialized when the query runs, correlated ones are
 * evaluated per binding of their outer columns.
 */
export function markNestedSubqueries(e: Expr): Expr {
  return transformUp(e, (x) => (x.kind === "subquery" && x.type !== "scalar" && !x.outer && correlatedRefs(x.plan).size ? markApplied(x) : x));
}

/** Every correlated subquery of `e` evaluated per outer binding (HAVING, the select list of an aggregate query). */
export function markCorrelated(e: Expr): Expr {
  return transformUp(e, (x) => {
    if (x.kind !== "subquery" || x.outer || correlatedRefs(x.plan).size === 0) return x;
    if (x.type === "scalar") checkAppliedScalar(x);
    return markApplied(x);
  });
}

/**
 * Spark's checks of a correlated scalar subquery (CheckAnalysis): its plan must be an aggregate
 * (grouped only by correlated columns) or return at most one row.
 */
function checkAppliedScalar(x: Expr & { kind: "subquery" }): void {
  let p = x.plan;
  while (p.kind === "SubqueryAlias" || p.kind === "Project" && p.child.kind !== "LocalRelation") {
    if (p.kind === "Project" && !(p.child.kind === "Aggregate" || p.child.kind === "Filter" && p.child.child.kind === "Aggregate")) break;
    p = p.child;
  }
  if (p.kind === "Filter" && p.child.kind === "Aggregate") p = p.child;
  if (p.kind === "Aggregate" || maxRowsAtMostOne(x.plan)) return;
  throw new AnalysisError("UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.MUST_AGGREGATE_CORRELATED_SCALAR_SUBQUERY",
    "Correlated scalar subqueries must be aggregated to return at most one row.");
}

/** Spark's maxRows <= 1: a one-row relation, a global aggregate, LIMIT 0/1, and projections or filters of them. */
function maxRowsAtMostOne(p: LogicalPlan): boolean {
  switch (p.kind) {
    case "LocalRelation": return p.rows.length <= 1;
    case "Aggregate": return p.groupBy.length === 0;
    case "Limit": return p.limit <= 1 || maxRowsAtMostOne(p.child);
    case "Project": case "Filter": case "SubqueryAlias": case "Sort": case "Window": return maxRowsAtMostOne(p.child);
    default: return false;
  }
}

/** Scalar subqueries keep their plan; set their type from the plan's single column. */
export function resolveScalarSubqueries(e: Expr): Expr {
  return transformUp(e, (x) => {
    if (x.kind !== "subquery" || x.type !== "scalar") return x;
    const out = outputOf(x.plan);
    if (out.length !== 1) throw new AnalysisError("INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN", `Scalar subquery must return only one column, but got ${out.length}.`);
    return { ...x, dataType: out[0]!.dataType };
  });
}
