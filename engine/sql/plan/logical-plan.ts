// The logical plan: a tagged union of relational operators over resolved expressions (columns are
// attributes with ids). DataFrame calls and the SQL binder build it, the analyzer checks it, the
// optimizer rewrites it, and the physical planner turns it into RDD stages. Every switch over
// `kind` ends in assertNever, so a new node breaks the build until every pass handles it.

import { assertNever } from "../../common/errors";
import type { ScanSpec } from "../datasource-contract";
import type { Attr, Expr, SortExpr } from "../expressions/expression";
import { typeOf, nullableOf } from "../expressions/registry";

export type JoinType = "inner" | "left" | "right" | "full" | "left_semi" | "left_anti" | "cross";

/**
 * Broadcast join build sides made from a cached relation (deterministic filters and projections
 * of it), by what they were built from: later queries reuse them while the cache holds, and
 * uncaching destroys them (execution/cache-manager.ts, executor.ts).
 */
export type BuildMemo = Map<string, { destroy?(): unknown }>;
/** What explain() prints under an InMemoryTableScan: the cached plan and its storage level (Scala's text). */
export interface CachedRelation { plan: LogicalPlan; level: string }

export type LogicalPlan =
  | { kind: "LocalRelation"; output: Attr[]; rows: unknown[][]; numPartitions?: number }
  | { kind: "Range"; start: number; end: number; step: number; numPartitions?: number; output: Attr[] }
  | { kind: "Scan"; spec: ScanSpec; output: Attr[] }
  /** Rows of an existing RDD of row arrays (createDataFrame(rdd), cached DataFrames, df.checkpoint). */
  /**
   * Rows of an RDD; `cached`: an in-memory columnar cache (its batches and all their columns), which
   * column pruning may narrow, and the size of all its columns (the cached plan's statistics, as
   * Spark's InMemoryRelation reports them, so a small cached table is still broadcast).
   */
  | { kind: "RddRelation"; rdd: unknown; output: Attr[]; name: string; cached?: { batches: unknown; all: Attr[]; sizeInBytes: number; builds?: BuildMemo; relation?: CachedRelation } }
  /** A relation of a remote (Spark Connect) session: `relation` is its Spark Connect message, `output` the schema the server gave. */
  | { kind: "RemoteRelation"; relation: unknown; output: Attr[]; label: string; streaming?: boolean }
  | { kind: "SubqueryAlias"; alias: string; child: LogicalPlan }
  | { kind: "Project"; exprs: Expr[]; child: LogicalPlan }
  | { kind: "Filter"; condition: Expr; child: LogicalPlan }
  /** `aggs` are the output expressions: grouping expressions and aggregate calls, aliased. */
  | { kind: "Aggregate"; groupBy: Expr[]; aggs: Expr[]; child: LogicalPlan }
  | { kind: "Join"; left: LogicalPlan; right: LogicalPlan; joinType: JoinType; condition?: Expr; hint?: { broadcast?: "left" | "right" } }
  | { kind: "Sort"; orders: SortExpr[]; global: boolean; child: LogicalPlan }
  | { kind: "Limit"; limit: number; offset: number; child: LogicalPlan }
  | { kind: "SetOp"; op: "union" | "intersect" | "except"; all: boolean; left: LogicalPlan; right: LogicalPlan; output: Attr[] }
  /** explode & co.: child columns followed by the generator's output columns. */
  | { kind: "Generate"; generator: Expr & { kind: "fn" }; outer: boolean; generatorOutput: Attr[]; child: LogicalPlan }
  /** Window functions sharing one PARTITION BY / ORDER BY: child columns followed by `windowExprs` (aliases). */
  | { kind: "Window"; windowExprs: Expr[]; partitionBy: Expr[]; orderBy: SortExpr[]; child: LogicalPlan }
  | { kind: "Repartition"; numPartitions: number; shuffle: boolean; exprs: Expr[]; child: LogicalPlan }
  /** dropDuplicates(keys): first row per key. */
  | { kind: "Deduplicate"; keys: Attr[]; child: LogicalPlan }
  | { kind: "Sample"; fraction: number; withReplacement: boolean; seed: number; child: LogicalPlan }
  | { kind: "Hint"; name: string; child: LogicalPlan };

export type PlanKind = LogicalPlan["kind"];

let nextId = 0;
/** A fresh attribute id (Catalyst's exprId). */
export function newExprId(): number {
  return ++nextId;
}

/** Fresh attributes for a schema's fields: the output of a leaf relation over that schema. */
export function attrsOf(fields: readonly Pick<Attr, "name" | "dataType" | "nullable">[]): Attr[] {
  return fields.map((f) => ({ kind: "attr", id: newExprId(), name: f.name, dataType: f.dataType, nullable: f.nullable }));
}

export function toAttr(e: Expr): Attr {
  if (e.kind === "attr") return e;
  if (e.kind === "alias") {
    return { kind: "attr", id: e.id!, name: e.name, dataType: typeOf(e.child), nullable: nullableOf(e.child) };
  }
  throw new Error(`not a named expression: ${e.kind}`);
}

function withNullable(attrs: Attr[], nullable: boolean): Attr[] {
  return nullable ? attrs.map((a) => (a.nullable ? a : { ...a, nullable: true })) : attrs;
}

/** The columns a node produces. */
export function outputOf(p: LogicalPlan): Attr[] {
  switch (p.kind) {
    case "LocalRelation": case "Range": case "Scan": case "RddRelation": case "RemoteRelation": return p.output;
    case "SubqueryAlias": return outputOf(p.child).map((a) => ({ ...a, qualifier: p.alias }));
    case "Project": return p.exprs.map(toAttr);
    case "Aggregate": return p.aggs.map(toAttr);
    case "Filter": case "Sort": case "Limit": case "Repartition": case "Deduplicate": case "Sample": case "Hint":
      return outputOf(p.child);
    case "Join": {
      const l = outputOf(p.left), r = outputOf(p.right);
      switch (p.joinType) {
        case "left_semi": case "left_anti": return l;
        case "left": return [...l, ...withNullable(r, true)];
        case "right": return [...withNullable(l, true), ...r];
        case "full": return [...withNullable(l, true), ...withNullable(r, true)];
        default: return [...l, ...r];
      }
    }
    case "SetOp": return p.output;
    case "Generate": return [...outputOf(p.child), ...p.generatorOutput];
    case "Window": return [...outputOf(p.child), ...p.windowExprs.map(toAttr)];
    default: return assertNever(p, "logical plan");
  }
}

export function childrenOf(p: LogicalPlan): LogicalPlan[] {
  switch (p.kind) {
    case "LocalRelation": case "Range": case "Scan": case "RddRelation": case "RemoteRelation": return [];
    case "Join": case "SetOp": return [p.left, p.right];
    case "SubqueryAlias": case "Project": case "Filter": case "Aggregate": case "Sort": case "Limit": case "Generate":
    case "Window": case "Repartition": case "Deduplicate": case "Sample": case "Hint":
      return [p.child];
    default: return assertNever(p, "logical plan");
  }
}

export function withChildren(p: LogicalPlan, cs: LogicalPlan[]): LogicalPlan {
  switch (p.kind) {
    case "LocalRelation": case "Range": case "Scan": case "RddRelation": case "RemoteRelation": return p;
    case "Join": return { ...p, left: cs[0]!, right: cs[1]! };
    case "SetOp": return { ...p, left: cs[0]!, right: cs[1]! };
    case "SubqueryAlias": case "Project": case "Filter": case "Aggregate": case "Sort": case "Limit": case "Generate":
    case "Window": case "Repartition": case "Deduplicate": case "Sample": case "Hint":
      return { ...p, child: cs[0]! };
    default: return assertNever(p, "logical plan");
  }
}

/** Expressions held directly by a node (not its children's). */
export function expressionsOf(p: LogicalPlan): Expr[] {
  switch (p.kind) {
    case "LocalRelation": case "Range": case "Scan": case "RddRelation": case "RemoteRelation": case "SubqueryAlias": case "Limit":
    case "SetOp": case "Sample": case "Hint": return [];
    case "Project": return p.exprs;
    case "Filter": return [p.condition];
    case "Aggregate": return [...p.groupBy, ...p.aggs];
    case "Join": return p.condition ? [p.condition] : [];
    case "Sort": return p.orders;
    case "Generate": return [p.generator];
    case "Window": return [...p.windowExprs, ...p.partitionBy, ...p.orderBy];
    case "Repartition": return p.exprs;
    case "Deduplicate": return p.keys;
    default: return assertNever(p, "logical plan");
  }
}

/** Bottom-up plan rewrite. */
export function transformPlanUp(p: LogicalPlan, f: (p: LogicalPlan) => LogicalPlan): LogicalPlan {
  const cs = childrenOf(p);
  const next = cs.length ? withChildren(p, cs.map((c) => transformPlanUp(c, f))) : p;
  return f(next);
}

/** Top-down plan rewrite (children of the rewritten node are visited). */
export function transformPlanDown(p: LogicalPlan, f: (p: LogicalPlan) => LogicalPlan): LogicalPlan {
  const r = f(p);
  const cs = childrenOf(r);
  return cs.length ? withChildren(r, cs.map((c) => transformPlanDown(c, f))) : r;
}

export function anyPlan(p: LogicalPlan, pred: (p: LogicalPlan) => boolean): boolean {
  return pred(p) || childrenOf(p).some((c) => anyPlan(c, pred));
}

export type { SortExpr };

/**
 * Rewrite the expressions a node holds directly (projections, filter and join conditions,
 * grouping and aggregates, sort orders, window expressions); children are left alone.
 */
export function mapExpressions(p: LogicalPlan, f: (e: Expr) => Expr): LogicalPlan {
  switch (p.kind) {
    case "Project": return { ...p, exprs: p.exprs.map(f) };
    case "Filter": return { ...p, condition: f(p.condition) };
    case "Aggregate": return { ...p, groupBy: p.groupBy.map(f), aggs: p.aggs.map(f) };
    case "Join": return p.condition ? { ...p, condition: f(p.condition) } : p;
    case "Sort": return { ...p, orders: p.orders.map((o) => ({ ...o, child: f(o.child) })) };
    case "Window": return { ...p, windowExprs: p.windowExprs.map(f), partitionBy: p.partitionBy.map(f), orderBy: p.orderBy.map((o) => f(o) as typeof o) };
    default: return p;
  }
}

/** mapExpressions over every node of a plan, bottom up. */
export function mapPlanExpressions(plan: LogicalPlan, f: (e: Expr) => Expr): LogicalPlan {
  return transformPlanUp(plan, (p) => mapExpressions(p, f));
}

/** Structural key of a plan (RDD references by id): equal keys, equal plans. */
export function planKey(p: LogicalPlan): string {
  return JSON.stringify(p, (k, v) => {
    if ((k === "rdd" || k === "batches") && v && typeof v === "object" && "id" in v) return `rdd#${(v as { id: number }).id}`;
    if (typeof v === "bigint") return `${v}n`;
    return v;
  });
}
