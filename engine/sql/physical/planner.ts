// Physical planning (Spark's SparkStrategies + EnsureRequirements in one pass): picks join
// strategies (broadcast hash join under spark.sql.autoBroadcastJoinThreshold or a broadcast()
// hint, shuffled hash join otherwise, nested loops without equi-keys), splits aggregates into
// partial -> exchange -> final, and inserts the exchanges each operator needs.

import { splitConjuncts, andAll } from "../expressions/expression";
import { statSync, readdirSync } from "node:fs";
import { join as joinPath } from "node:path";
import { assertNever, WorkbenchError } from "../../common/errors";
import { type Attr, type Expr, type SortExpr, children, mapChildren, references, exprEquals } from "../expressions/expression";
import { lookupFunction, typeOf } from "../expressions/registry";
import { exprSql } from "../expressions/print";
import { newExprId, outputOf, type LogicalPlan } from "../plan/logical-plan";
import type { SqlSettings } from "../session-types";
import type { PhysicalPlan } from "./physical-plan";

/**
 * The largest limit (offset included) ORDER BY ... LIMIT runs as TakeOrderedAndProject with
 * (Spark's spark.sql.execution.topKSortFallbackThreshold): above it a full sort, then the limit.
 * Every task keeps up to twice this many rows.
 */
const TOP_K_SORT_FALLBACK_THRESHOLD = 10_000;

const isAgg = (e: Expr): e is Expr & { kind: "fn" } => e.kind === "fn" && lookupFunction(e.name)?.kind === "agg";

/** Rough size of a plan's output in bytes (Spark's sizeInBytes statistics), Infinity if unknown. */
export function estimateSize(p: LogicalPlan): number {
  const width = (as: Attr[]) => as.reduce((s, a) => s + (a.dataType.type === "string" ? 20 : 8), 0) || 8;
  switch (p.kind) {
    case "LocalRelation": return p.rows.length * width(p.output);
    case "Range": return Math.max(0, Math.ceil((p.end - p.start) / p.step)) * 8;
    case "Scan": return p.spec.paths.reduce((s, x) => s + pathSize(x), 0);
    case "RddRelation": {
      const c = p.cached;
      return c && Number.isFinite(c.sizeInBytes) ? Math.ceil(c.sizeInBytes * width(p.output) / width(c.all)) : Infinity;
    }
    case "RemoteRelation": return Infinity;
    case "Project": {
      const c = estimateSize(p.child);
      return Number.isFinite(c) ? Math.ceil(c * width(outputOf(p)) / width(outputOf(p.child))) : c;
    }
    case "Aggregate": return p.groupBy.length === 0 ? 64 : estimateSize(p.child);
    case "Limit": return Math.min(estimateSize(p.child), p.limit * width(outputOf(p)));
    case "Join": {
      if (p.joinType === "left_semi" || p.joinType === "left_anti") return estimateSize(p.left);
      const a = estimateSize(p.left), b = estimateSize(p.right);
      return a * b;
    }
    case "SetOp": return p.op === "union" ? estimateSize(p.left) + estimateSize(p.right) : estimateSize(p.left);
    case "Generate": return estimateSize(p.child) * 4;
    case "SubqueryAlias": case "Filter": case "Sort": case "Window": case "Repartition": case "Deduplicate": case "Hint":
      return estimateSize(p.child);
    case "Sample": return estimateSize(p.child) * p.fraction;
    default: return assertNever(p, "logical plan");
  }
}

function pathSize(path: string): number {
  try {
    const p = path.replace(/^file:\/\//, "");
    const st = statSync(p);
    if (!st.isDirectory()) return st.size;
    return readdirSync(p).reduce((s, f) => s + pathSize(joinPath(p, f)), 0);
  } catch {
    return Infinity;
  }
}

function hasBroadcastHint(p: LogicalPlan): boolean {
  if (p.kind === "Hint") return p.name.toLowerCase().startsWith("broadcast") || p.name.toLowerCase() === "mapjoin";
  if (p.kind === "SubqueryAlias" || p.kind === "Project" || p.kind === "Filter") return hasBroadcastHint(p.child);
  return false;
}

/** Equi-join keys (left = right, left <=> right) and the residual condition. */
export function extractEquiKeys(cond: Expr | undefined, left: Attr[], right: Attr[]): { lk: Expr[]; rk: Expr[]; nullSafe: boolean[]; rest?: Expr } {
  const lids = new Set(left.map((a) => a.id)), rids = new Set(right.map((a) => a.id));
  const within = (e: Expr, ids: Set<number>) => { const r = references(e); return r.size > 0 && [...r].every((x) => ids.has(x)); };
  const lk: Expr[] = [], rk: Expr[] = [], nullSafe: boolean[] = [], rest: Expr[] = [];
  for (const c of cond ? splitConjuncts(cond) : []) {
    if (c.kind === "fn" && (c.name === "=" || c.name === "==" || c.name === "<=>") && c.args.length === 2) {
      const [a, b] = c.args as [Expr, Expr];
      if (within(a, lids) && within(b, rids)) { lk.push(a); rk.push(b); nullSafe.push(c.name === "<=>"); continue; }
      if (within(b, lids) && within(a, rids)) { lk.push(b); rk.push(a); nullSafe.push(c.name === "<=>"); continue; }
    }
    rest.push(c);
  }
  return { lk, rk, nullSafe, rest: andAll(rest) };
}

export class PhysicalPlanner {
  constructor(private readonly settings: SqlSettings, private readonly defaultParallelism = 2) {}

  plan(p: LogicalPlan): PhysicalPlan {
    const n = this.settings.shufflePartitions;
    switch (p.kind) {
      case "LocalRelation":
        return { kind: "LocalTableScan", output: p.output, rows: p.rows, numPartitions: p.numPartitions ?? Math.max(1, Math.min(this.defaultParallelism, p.rows.length || 1)) };
      case "Range":
        return { kind: "Range", output: p.output, start: p.start, end: p.end, step: p.step, numPartitions: p.numPartitions ?? this.defaultParallelism };
      case "Scan": return { kind: "FileScan", output: p.output, spec: p.spec };
      case "RemoteRelation":
        throw new WorkbenchError("REMOTE_PLAN_LOCALLY", `${p.label} belongs to a Spark Connect session and runs on its server, not on the embedded engine.`);
      case "RddRelation": {
        if (!p.cached) return { kind: "RddScan", output: p.output, rdd: p.rdd, name: p.name };
        const all = p.cached.all;
        const positions = p.output.map((a) => all.findIndex((x) => x.id === a.id));
        const relation = p.cached.relation && { ...p.cached.relation, output: all };
        return { kind: "RddScan", output: p.output, rdd: p.rdd, name: p.name, cached: { batches: p.cached.batches, positions, width: all.length, builds: p.cached.builds, relation } };
      }
      case "SubqueryAlias": case "Hint": return this.plan(p.child);
      case "Project": return this.takeOrdered(p) ?? { kind: "Project", output: outputOf(p), exprs: p.exprs, child: this.plan(p.child) };
      case "Filter": return { kind: "Filter", output: outputOf(p), condition: p.condition, child: this.plan(p.child) };
      case "Generate": return { kind: "Generate", output: outputOf(p), generator: p.generator, outer: p.outer, child: this.plan(p.child) };
      case "Aggregate": return this.planAggregate(p, n);
      case "Join": return this.planJoin(p, n);
      case "Sort": {
        const child = this.plan(p.child);
        if (!p.global) return { kind: "Sort", output: child.output, orders: p.orders, global: false, child };
        const ex: PhysicalPlan = { kind: "Exchange", output: child.output, partitioning: { type: "range", orders: p.orders, numPartitions: n }, child };
        return { kind: "Sort", output: child.output, orders: p.orders, global: true, child: ex };
      }
      case "Limit": {
        // ORDER BY ... LIMIT n, with or without a projection between them (Spark's
        // TakeOrderedAndProject): the top n of each partition, then of those in one task; no
        // range exchange, no sampling job.
        const top = this.takeOrdered(p);
        if (top) return top;
        const child = this.plan(p.child);
        const local: PhysicalPlan = { kind: "LocalLimit", output: child.output, limit: p.limit, offset: p.offset, child };
        return { kind: "GlobalLimit", output: child.output, limit: p.limit, offset: p.offset, child: local };
      }
      case "SetOp": {
        const l = this.plan(p.left), r = this.plan(p.right);
        if (p.op === "union") {
          const u: PhysicalPlan = { kind: "Union", output: p.output, children: [l, r] };
          if (p.all) return u;
          return this.distinctOf(u, n);
        }
        const keyL = l.output as Expr[], keyR = r.output as Expr[];
        return {
          kind: "SetOp", output: p.output, op: p.op, all: p.all,
          left: { kind: "Exchange", output: l.output, partitioning: { type: "hash", exprs: keyL, numPartitions: n }, child: l },
          right: { kind: "Exchange", output: r.output, partitioning: { type: "hash", exprs: keyR, numPartitions: n }, child: r },
        };
      }
      case "Window": {
        const child = this.plan(p.child);
        const part: PhysicalPlan = p.partitionBy.length
          ? { kind: "Exchange", output: child.output, partitioning: { type: "hash", exprs: p.partitionBy, numPartitions: n }, child }
          : { kind: "Exchange", output: child.output, partitioning: { type: "single" }, child };
        return { kind: "Window", output: outputOf(p), windowExprs: p.windowExprs, partitionBy: p.partitionBy, orderBy: p.orderBy, child: part };
      }
      case "Repartition": {
        const child = this.plan(p.child);
        if (!p.shuffle) return { kind: "Coalesce", output: child.output, numPartitions: p.numPartitions, child };
        return {
          kind: "Exchange", output: child.output, child,
          partitioning: p.exprs.length ? { type: "hash", exprs: p.exprs, numPartitions: p.numPartitions } : { type: "roundRobin", numPartitions: p.numPartitions },
        };
      }
      case "Deduplicate": {
        const child = this.plan(p.child);
        const ex: PhysicalPlan = { kind: "Exchange", output: child.output, partitioning: { type: "hash", exprs: p.keys, numPartitions: n }, child };
        return { kind: "Deduplicate", output: child.output, keys: p.keys, child: ex };
      }
      case "Sample": {
        const child = this.plan(p.child);
        return { kind: "Sample", output: child.output, fraction: p.fraction, withReplacement: p.withReplacement, seed: p.seed, child };
      }
      default: return assertNever(p, "logical plan");
    }
  }

  /**
   * A limit over a global sort, with or without a projection above or between them, as
   * TakeOrderedAndProject (the optimizer pushes limits below projections); undefined otherwise.
   */
  private takeOrdered(p: LogicalPlan & { kind: "Limit" | "Project" }): PhysicalPlan | undefined {
    let project: (LogicalPlan & { kind: "Project" }) | undefined, limit: LogicalPlan = p;
    if (p.kind === "Project") { project = p; limit = p.child; }
    if (limit.kind !== "Limit" || limit.limit + limit.offset > TOP_K_SORT_FALLBACK_THRESHOLD) return undefined;
    let sort = limit.child;
    if (sort.kind === "Project" && !project) { project = sort; sort = sort.child; }
    if (sort.kind !== "Sort" || !sort.global) return undefined;
    const child = this.plan(sort.child);
    return {
      kind: "TakeOrderedAndProject", output: outputOf(p), limit: limit.limit, offset: limit.offset, orders: sort.orders,
      projectList: project ? project.exprs : child.output, child,
    };
  }

  private distinctOf(child: PhysicalPlan, n: number): PhysicalPlan {
    const out = child.output;
    const partialOut = out.map((a) => ({ ...a }));
    const partial: PhysicalPlan = { kind: "HashAggregate", output: partialOut, mode: "partial", groupBy: out, aggCalls: [], result: [], child };
    const ex: PhysicalPlan = { kind: "Exchange", output: partialOut, partitioning: { type: "hash", exprs: out, numPartitions: n }, child: partial };
    return { kind: "HashAggregate", output: out, mode: "final", groupBy: out, aggCalls: [], result: out.map((a, i) => ({ kind: "ref", index: i, name: a.name, dataType: a.dataType, nullable: a.nullable }) as Expr), child: ex };
  }

  private planAggregate(p: LogicalPlan & { kind: "Aggregate" }, n: number): PhysicalPlan {
    const child = this.plan(p.child);
    const aggCalls: (Expr & { kind: "fn" })[] = [];
    const collect = (e: Expr): void => {
      if (isAgg(e)) { if (!aggCalls.some((a) => exprEquals(a, e))) aggCalls.push(e); return; }
      children(e).forEach(collect);
    };
    p.aggs.forEach(collect);
    // Result expressions over [...groupValues, ...aggResults].
    const k = p.groupBy.length;
    const toRef = (e: Expr): Expr => {
      const gi = p.groupBy.findIndex((g) => exprEquals(g, e));
      if (gi >= 0) return { kind: "ref", index: gi, name: exprSql(e), dataType: typeOf(e), nullable: true };
      const ai = aggCalls.findIndex((a) => exprEquals(a, e));
      if (ai >= 0) return { kind: "ref", index: k + ai, name: exprSql(e), dataType: typeOf(e), nullable: true };
      return mapChildren(e, toRef);
    };
    const result = p.aggs.map(toRef);
    const groupAttrs: Attr[] = p.groupBy.map((g) => (g.kind === "attr" ? g : { kind: "attr", id: newExprId(), name: exprSql(g), dataType: typeOf(g), nullable: true }));
    const bufAttrs: Attr[] = aggCalls.map((a) => ({ kind: "attr", id: newExprId(), name: `${a.name}_buf`, dataType: { type: "binary" }, nullable: true }));
    const partial: PhysicalPlan = { kind: "HashAggregate", output: [...groupAttrs, ...bufAttrs], mode: "partial", groupBy: p.groupBy, aggCalls, result: [], child };
    const ex: PhysicalPlan = {
      kind: "Exchange", output: partial.output, child: partial,
      partitioning: k ? { type: "hash", exprs: groupAttrs, numPartitions: n } : { type: "single" },
    };
    return { kind: "HashAggregate", output: outputOf(p), mode: "final", groupBy: groupAttrs, aggCalls, result, child: ex };
  }

  private planJoin(p: LogicalPlan & { kind: "Join" }, n: number): PhysicalPlan {
    const lout = outputOf(p.left), rout = outputOf(p.right);
    const output = outputOf(p);
    const { lk, rk, nullSafe, rest } = extractEquiKeys(p.condition, lout, rout);
    const left = this.plan(p.left), right = this.plan(p.right);
    const threshold = this.settings.autoBroadcastJoinThreshold;
    const small = (side: LogicalPlan) => hasBroadcastHint(side) || (threshold >= 0 && estimateSize(side) <= threshold);
    const jt = p.joinType === "cross" ? "inner" : p.joinType;
    const canBuildRight = ["inner", "left", "left_semi", "left_anti"].includes(jt);
    const canBuildLeft = jt === "inner" || jt === "right";
    let buildSide: "left" | "right" | undefined;
    const hintL = hasBroadcastHint(p.left) || p.hint?.broadcast === "left", hintR = hasBroadcastHint(p.right) || p.hint?.broadcast === "right";
    if (canBuildRight && hintR) buildSide = "right";
    else if (canBuildLeft && hintL) buildSide = "left";
    else if (canBuildRight && canBuildLeft && small(p.left) && small(p.right)) buildSide = estimateSize(p.right) <= estimateSize(p.left) ? "right" : "left";
    else if (canBuildRight && small(p.right)) buildSide = "right";
    else if (canBuildLeft && small(p.left)) buildSide = "left";
    const bcast = (c: PhysicalPlan): PhysicalPlan => ({ kind: "BroadcastExchange", output: c.output, child: c });
    if (lk.length) {
      if (buildSide) {
        return {
          kind: "BroadcastHashJoin", output, leftKeys: lk, rightKeys: rk, nullSafe, joinType: jt, buildSide, condition: rest,
          left: buildSide === "left" ? bcast(left) : left, right: buildSide === "right" ? bcast(right) : right,
        };
      }
      return {
        kind: "ShuffledHashJoin", output, leftKeys: lk, rightKeys: rk, nullSafe, joinType: jt, buildSide: jt === "right" ? "left" : "right", condition: rest,
        left: { kind: "Exchange", output: left.output, partitioning: { type: "hash", exprs: lk, numPartitions: n }, child: left },
        right: { kind: "Exchange", output: right.output, partitioning: { type: "hash", exprs: rk, numPartitions: n }, child: right },
      };
    }
    // No equi-keys: nested loops. Full outer joins need every row of both sides in one task.
    if (jt === "full") {
      return {
        kind: "BroadcastNestedLoopJoin", output, leftKeys: [], rightKeys: [], nullSafe: [], joinType: jt, buildSide: "right", condition: p.condition,
        left: { kind: "Exchange", output: left.output, partitioning: { type: "single" }, child: left },
        right: { kind: "Exchange", output: right.output, partitioning: { type: "single" }, child: right },
      };
    }
    const side = jt === "right" ? "left" : "right";
    return {
      kind: "BroadcastNestedLoopJoin", output, leftKeys: [], rightKeys: [], nullSafe: [], joinType: jt, buildSide: side, condition: p.condition,
      left: side === "left" ? bcast(left) : left, right: side === "right" ? bcast(right) : right,
    };
  }
}

export type { SortExpr };
