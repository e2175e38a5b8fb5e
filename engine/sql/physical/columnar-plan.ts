// Which operators run columnar: a chain of Filter / Project / BroadcastHashJoin (probe side,
// build on the right) over a file scan whose data source reads column batches (Parquet), over an
// in-memory columnar cache (InMemoryTableScan) or over spark.range (Range: its ids generated as
// Float64Array batches in the task), topped by an optional partial HashAggregate; a
// TakeOrderedAndProject over a chain without one takes each partition's top rows on its batches,
// and a final HashAggregate of counts, sums, averages, minima and maxima of numbers merges its
// partial buffers into typed arrays (columnarFinalAgg).
// Found top-down, so each chain is the longest one; the
// executor runs it as one columnar stage and explain() marks its operators. Everything else, and
// any chain with a non-deterministic expression, stays on the row path.

import { anyExpr, type Expr } from "../expressions/expression";
import { getDataSource } from "../datasource-contract";
import { isNumberType } from "../column-batch";
import type { PhysicalPlan } from "./physical-plan";

/** Functions whose per-row evaluation order matters (counters, random streams): never vectorized. */
const NONDETERMINISTIC = new Set(["rand", "randn", "random", "monotonically_increasing_id", "uuid", "shuffle", "input_file_name", "__udf", "udf"]);

function isDeterministic(e: Expr): boolean {
  return !anyExpr(e, (x) => x.kind === "fn" && (NONDETERMINISTIC.has(x.name.toLowerCase()) || (x as { udf?: unknown }).udf !== undefined));
}

/** Joins the columnar hash join runs: build side on the right, equi-keys; inner, or left/semi/anti without an extra condition. */
export function columnarJoinSupported(joinType: string, hasCondition: boolean, buildRight: boolean, keys: number): boolean {
  if (!buildRight || keys === 0) return false;
  if (joinType === "inner") return true;
  return !hasCondition && (joinType === "left" || joinType === "left_semi" || joinType === "left_anti");
}

type Node<K extends PhysicalPlan["kind"]> = PhysicalPlan & { kind: K };

export interface ColumnarChain {
  /** Operators from the top down, the scan excluded. */
  nodes: PhysicalPlan[];
  agg?: Node<"HashAggregate">;
  /** A file scan whose source reads column batches, an in-memory columnar cache, or a range of ids. */
  scan: Node<"FileScan"> | Node<"RddScan"> | Node<"Range">;
}

function exprsOf(p: PhysicalPlan): Expr[] {
  switch (p.kind) {
    case "Project": return p.exprs;
    case "Filter": return [p.condition];
    case "HashAggregate": return [...p.groupBy, ...p.aggCalls];
    case "BroadcastHashJoin": return [...p.leftKeys, ...p.rightKeys, ...(p.condition ? [p.condition] : [])];
    default: return [];
  }
}

export function columnarChain(p: PhysicalPlan): ColumnarChain | undefined {
  const nodes: PhysicalPlan[] = [];
  let agg: Node<"HashAggregate"> | undefined;
  let cur = p;
  if (cur.kind === "HashAggregate" && cur.mode === "partial") { agg = cur; nodes.push(cur); cur = cur.child; }
  let joins = 0;
  for (;;) {
    if (cur.kind === "Project" || cur.kind === "Filter") { nodes.push(cur); cur = cur.child; continue; }
    if (cur.kind === "BroadcastHashJoin" && joins === 0 && cur.right.kind === "BroadcastExchange"
      && columnarJoinSupported(cur.joinType, !!cur.condition, cur.buildSide === "right", cur.leftKeys.length)) {
      joins++;
      nodes.push(cur);
      cur = cur.left;
      continue;
    }
    break;
  }
  const batched = cur.kind === "FileScan" ? !!getDataSource(cur.spec.format)?.readSplitColumns
    : cur.kind === "RddScan" ? !!cur.cached
    // Ids a Float64Array holds exactly, as the row path's numbers.
    : cur.kind === "Range" && Number.isSafeInteger(cur.start) && Number.isSafeInteger(cur.end) && Number.isSafeInteger(cur.step);
  if (!batched || (cur.kind !== "FileScan" && cur.kind !== "RddScan" && cur.kind !== "Range")) return undefined;
  if (!nodes.every((n) => exprsOf(n).every(isDeterministic))) return undefined;
  return { nodes, agg, scan: cur };
}

/** The columnar stage whose batches a TakeOrderedAndProject takes each partition's top rows on: the chain below it, when it has no aggregate. */
export function topKChain(p: Node<"TakeOrderedAndProject">): ColumnarChain | undefined {
  const chain = columnarChain(p.child);
  return chain && !chain.agg ? chain : undefined;
}

/** The typed merge of a final aggregate's call (columnar-final-agg.ts), or undefined: the row runtime's merge. */
export function mergeKind(a: Expr & { kind: "fn" }): "count" | "avg" | "sum" | "exactSum" | "min" | "max" | undefined {
  const name = a.name.toLowerCase(), t = a.dataType;
  if (a.distinct || !t) return undefined;
  if (name === "count") return "count";
  if (!isNumberType(t)) return undefined; // decimals, intervals: exact buffers of their own
  if (name === "sum") return t.type === "long" ? "exactSum" : "sum";
  if (name === "avg" || name === "mean") return "avg";
  if (name === "min" || name === "max") return name;
  return undefined;
}

/** A final hash aggregate that merges its buffers typed: every call has a typed merge (DISTINCT's, with none, too). */
export function columnarFinalAgg(p: PhysicalPlan): boolean {
  return p.kind === "HashAggregate" && p.mode === "final" && p.aggCalls.every((a) => mergeKind(a) !== undefined);
}

/** Every operator that runs columnar in the plan (for explain marks), found as the executor does. */
export function columnarNodes(root: PhysicalPlan, children: (p: PhysicalPlan) => PhysicalPlan[]): Set<PhysicalPlan> {
  const out = new Set<PhysicalPlan>();
  const walk = (p: PhysicalPlan): void => {
    if (p.kind === "TakeOrderedAndProject" && topKChain(p)) out.add(p);
    if (columnarFinalAgg(p)) out.add(p);
    const chain = columnarChain(p);
    if (chain) {
      for (const n of [...chain.nodes, chain.scan]) out.add(n);
      // The broadcast (build) sides of a chain's join run as their own plans.
      for (const n of chain.nodes) if (n.kind === "BroadcastHashJoin") walk(n.right);
      return;
    }
    children(p).forEach(walk);
  };
  walk(root);
  return out;
}
