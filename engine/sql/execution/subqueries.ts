// Subqueries left in expressions after analysis, run when the query runs (as Spark runs its
// subquery plans before the main plan):
// - uncorrelated ones are jobs of their own and become literals (materializeSubqueries);
// - correlated ones the binder could not turn into joins (non-equality correlation, GROUP BY or
//   HAVING inside, UNION branches, IN / EXISTS under OR, ...) are "applied" (applyCorrelated):
//   the distinct values of the outer columns they read are collected, the subquery is evaluated
//   once per distinct value with the outer columns bound to it (the definition of a correlated
//   subquery: a nested loop over the outer rows, done once per distinct binding), and the results
//   join back to the outer rows as a small table.

import { AnalysisError, WorkbenchError } from "../../common/errors";
import { canonical } from "../../common/keys";
import type { DataType } from "../types";
import { andAll, transformUp, references, type Attr, type Expr } from "../expressions/expression";
import { resolveIn } from "../expressions/functions-core";
import { evalConstant } from "../expressions/eval";
import { newExprId, outputOf, childrenOf, withChildren, transformPlanUp, expressionsOf, mapExpressions, mapPlanExpressions, type LogicalPlan } from "../plan/logical-plan";

type Subquery = Expr & { kind: "subquery" };
/** Runs a plan (prepared like any query) and collects its internal rows. */
export type RunPlan = (plan: LogicalPlan) => Promise<unknown[][]>;

/**
 * Most distinct bindings of a correlated subquery's outer columns evaluated one by one; beyond
 * it the query is refused with advice (each binding is a job).
 */
export const MAX_CORRELATED_BINDINGS = 2000;

const BOOL: DataType = { type: "boolean" };

/** What a subquery evaluated to: one value (scalar, EXISTS) or the distinct values of an IN. */
type Materialized = { value: unknown } | { values: unknown[]; dataType: DataType };

async function materialize(s: Subquery, run: RunPlan): Promise<Materialized> {
  if (s.type === "exists") return { value: (await run({ kind: "Limit", limit: 1, offset: 0, child: s.plan })).length > 0 };
  if (s.type === "in") {
    const out = outputOf(s.plan);
    if (out.length !== 1) {
      throw new AnalysisError("DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH", `The number of columns in the left hand side of an IN subquery does not match the number of columns in the output of subquery: the subquery returns ${out.length} columns, expected 1.`);
    }
    const seen = new Set<string>();
    const values: unknown[] = [];
    for (const r of await run(s.plan)) {
      const k = canonical(r[0] ?? null);
      if (!seen.has(k)) { seen.add(k); values.push(r[0] ?? null); }
    }
    return { values, dataType: out[0]!.dataType };
  }
  const rows = await run(s.plan);
  if (rows.length > 1) throw new WorkbenchError("SCALAR_SUBQUERY_TOO_MANY_ROWS", "More than one row returned by a subquery used as an expression.");
  return { value: rows.length ? rows[0]![0] : null };
}

/**
 * The expression a use of a subquery becomes: a literal, or `x IN (v1, ...)` over the distinct
 * values (NULLs kept, so `x NOT IN (...)` is NULL when the subquery yields a NULL; an empty
 * subquery gives false, so NOT IN gives true).
 */
function replacement(s: Subquery, m: Materialized): Expr {
  if ("value" in m) return { kind: "lit", value: m.value ?? null, dataType: s.type === "scalar" ? (s.dataType ?? { type: "null" }) : BOOL };
  const r: Expr = m.values.length === 0
    ? { kind: "lit", value: false, dataType: BOOL }
    : resolveIn({ kind: "in", child: s.child!, list: m.values.map((v) => ({ kind: "lit", value: v, dataType: v === null ? { type: "null" } : m.dataType }) as Expr) });
  return s.negated ? { kind: "fn", name: "not", args: [r], dataType: BOOL } as Expr : r;
}

/**
 * Uncorrelated subqueries left in expressions run as jobs of their own (as in Spark) and become
 * literals: a scalar subquery its single value, EXISTS true/false, `x IN (subquery)` an IN list
 * of the distinct values.
 */
export async function materializeSubqueries(plan: LogicalPlan, run: RunPlan): Promise<LogicalPlan> {
  const subs: Subquery[] = [];
  transformPlanUp(plan, (p) => {
    for (const e of expressionsOf(p)) transformUp(e, (x) => { if (x.kind === "subquery") subs.push(x); return x; });
    return p;
  });
  if (!subs.length) return plan;
  const done = new Map<LogicalPlan, Materialized>();
  for (const s of subs) if (!done.has(s.plan)) done.set(s.plan, await materialize(s, run));
  return mapPlanExpressions(plan, (e) => transformUp(e, (x) => (x.kind === "subquery" ? replacement(x, done.get(x.plan)!) : x)));
}

/**
 * Replace outer references by literals in a subquery plan, nested subquery plans included. Only
 * where a node reads a column its children do not produce: a view read both inside and outside
 * shares its inner ids, and those inner columns must stay columns.
 */
function bindDeep(plan: LogicalPlan, lits: Map<number, Expr>): LogicalPlan {
  return transformPlanUp(plan, (p) => {
    const visible = new Set(childrenOf(p).flatMap((c) => outputOf(c).map((a) => a.id)));
    const outerLit = (id: number) => (visible.has(id) ? undefined : lits.get(id));
    const bindExpr = (e: Expr): Expr => transformUp(e, (x) => {
      if (x.kind === "attr") return outerLit(x.id) ?? x;
      if (x.kind === "subquery") {
        const inner = new Map([...lits].filter(([id]) => !visible.has(id)));
        const outer = x.outer?.filter((id) => !inner.has(id));
        return { ...x, plan: bindDeep(x.plan, inner), outer: outer?.length ? outer : undefined };
      }
      return x;
    });
    // A projected outer column keeps its name as an alias of the literal.
    const named = (e: Expr): Expr => {
      const l = e.kind === "attr" ? outerLit(e.id) : undefined;
      return l && e.kind === "attr" ? { kind: "alias", child: l, name: e.name, id: newExprId() } : bindExpr(e);
    };
    if (p.kind === "Project") return { ...p, exprs: p.exprs.map(named) };
    if (p.kind === "Aggregate") return { ...p, groupBy: p.groupBy.map(bindExpr), aggs: p.aggs.map(named) };
    return mapExpressions(p, bindExpr);
  });
}

/** A correlated subquery kept for evaluation per outer binding (the binder sets `outer`). */
const isApplied = (x: Expr): x is Subquery & { outer: number[] } => x.kind === "subquery" && Array.isArray(x.outer) && x.outer.length > 0;

/** Whether a plan holds subqueries to apply (in its own expressions, not in nested subquery plans). */
export function hasAppliedSubqueries(plan: LogicalPlan): boolean {
  let found = false;
  transformPlanUp(plan, (p) => {
    for (const e of expressionsOf(p)) transformUp(e, (x) => { if (isApplied(x)) found = true; return x; });
    return p;
  });
  return found;
}

/**
 * Replace each applied subquery of a Filter or Project by a column of a left join with the table
 * of its values per distinct binding of the outer columns it reads. Runs before optimization, on
 * the analyzed plan, so the outer references still point at the node's child.
 */
export async function applyCorrelated(plan: LogicalPlan, run: RunPlan): Promise<LogicalPlan> {
  const kids = childrenOf(plan);
  const newKids: LogicalPlan[] = [];
  for (const c of kids) newKids.push(await applyCorrelated(c, run));
  let node = newKids.some((c, i) => c !== kids[i]) ? withChildren(plan, newKids) : plan;
  if (!(node.kind === "Filter" || node.kind === "Project")) return node;
  const subs: Subquery[] = [];
  for (const e of expressionsOf(node)) transformUp(e, (x) => { if (isApplied(x)) subs.push(x); return x; });
  if (!subs.length) return node;
  const before = outputOf(node);
  let child = node.child;
  // Keyed by the subquery's plan: rewrites copy the expression node but keep its plan.
  const replaced = new Map<LogicalPlan, Attr>();
  for (const s of subs) {
    if (replaced.has(s.plan)) continue;
    const r = await applyOne(child, s, run);
    child = r.plan;
    replaced.set(s.plan, r.value);
  }
  const swap = (e: Expr) => transformUp(e, (x) => (isApplied(x) && replaced.has(x.plan) ? replaced.get(x.plan)! : x));
  node = mapExpressions({ ...node, child } as LogicalPlan, swap);
  // A filter over the join must still produce only the original columns.
  return node.kind === "Filter" ? { kind: "Project", exprs: before, child: node } : node;
}

async function applyOne(child: LogicalPlan, s: Subquery & { outer?: number[] }, run: RunPlan): Promise<{ plan: LogicalPlan; value: Attr }> {
  const childOut = outputOf(child);
  const free = new Set<number>([...(s.outer ?? []), ...(s.child ? references(s.child) : [])]);
  const bound = childOut.filter((a) => free.has(a.id));
  const distinct: LogicalPlan = { kind: "Deduplicate", keys: bound, child: { kind: "Project", exprs: bound, child } };
  const bindings = bound.length ? await run(distinct) : [[]];
  if (bindings.length > MAX_CORRELATED_BINDINGS) {
    throw new WorkbenchError("CORRELATED_SUBQUERY_TOO_MANY_BINDINGS",
      `This correlated subquery reads outer columns (${bound.map((a) => a.name).join(", ")}) in a form evaluated once per distinct outer value, ` +
      `and they have ${bindings.length} distinct values (at most ${MAX_CORRELATED_BINDINGS}). Rewrite the subquery as a join with GROUP BY over the correlated columns.`);
  }
  const valueType: DataType = s.type === "scalar" ? (s.dataType ?? outputOf(s.plan)[0]?.dataType ?? { type: "null" }) : BOOL;
  const rows: unknown[][] = [];
  for (const b of bindings) {
    const lits = new Map<number, Expr>(bound.map((a, i) => [a.id, { kind: "lit", value: b[i] ?? null, dataType: a.dataType }]));
    const plan = bindDeep(s.plan, lits);
    const child = s.child ? transformUp(s.child, (x) => (x.kind === "attr" && lits.has(x.id) ? lits.get(x.id)! : x)) : undefined;
    const plain: Subquery = { ...s, outer: undefined, plan, child };
    const value = evalConstant(replacement(plain, await materialize(plain, run)));
    rows.push([...b, value]);
  }
  const keyAttrs: Attr[] = bound.map((a) => ({ kind: "attr", id: newExprId(), name: a.name, dataType: a.dataType, nullable: true }));
  const value: Attr = { kind: "attr", id: newExprId(), name: "__subquery_value", dataType: valueType, nullable: true };
  const table: LogicalPlan = { kind: "LocalRelation", output: [...keyAttrs, value], rows };
  const eqs: Expr[] = bound.map((a, i) => ({ kind: "fn", name: "<=>", args: [a, keyAttrs[i]!], dataType: BOOL }) as Expr);
  const condition = andAll(eqs);
  const joined: LogicalPlan = { kind: "Join", left: child, right: table, joinType: condition ? "left" : "cross", condition };
  return { plan: joined, value };
}
