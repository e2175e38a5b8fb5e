// Physical operators: what actually runs. Exchanges mark the stage boundaries (hash, range,
// single partition, round robin, broadcast); the narrow operators between them are pipelined
// into one task per partition, shown with Spark's `*(n)` whole-stage marks in explain().

import { assertNever } from "../../common/errors";
import type { Attr, Expr, SortExpr } from "../expressions/expression";
import type { ScanSpec } from "../datasource-contract";
import type { BuildMemo, CachedRelation, JoinType } from "../plan/logical-plan";

export type Partitioning =
  | { type: "hash"; exprs: Expr[]; numPartitions: number }
  | { type: "range"; orders: SortExpr[]; numPartitions: number }
  | { type: "single" }
  | { type: "roundRobin"; numPartitions: number };

export type PhysicalPlan =
  | { kind: "LocalTableScan"; output: Attr[]; rows: unknown[][]; numPartitions: number }
  | { kind: "Range"; output: Attr[]; start: number; end: number; step: number; numPartitions: number }
  | { kind: "FileScan"; output: Attr[]; spec: ScanSpec }
  /** `cached`: an in-memory columnar cache (its column batches, the positions of `output` in them, and their number of columns). */
  | { kind: "RddScan"; output: Attr[]; rdd: unknown; name: string; cached?: { batches: unknown; positions: number[]; width: number; builds?: BuildMemo; relation?: CachedRelation & { output: Attr[] } } }
  | { kind: "Project"; output: Attr[]; exprs: Expr[]; child: PhysicalPlan }
  | { kind: "Filter"; output: Attr[]; condition: Expr; child: PhysicalPlan }
  | { kind: "Generate"; output: Attr[]; generator: Expr & { kind: "fn" }; outer: boolean; child: PhysicalPlan }
  | { kind: "HashAggregate"; output: Attr[]; mode: "partial" | "final"; groupBy: Expr[]; aggCalls: (Expr & { kind: "fn" })[]; result: Expr[]; child: PhysicalPlan }
  | { kind: "Exchange"; output: Attr[]; partitioning: Partitioning; child: PhysicalPlan }
  | { kind: "BroadcastExchange"; output: Attr[]; child: PhysicalPlan }
  | { kind: "BroadcastHashJoin" | "ShuffledHashJoin" | "BroadcastNestedLoopJoin"; output: Attr[]; leftKeys: Expr[]; rightKeys: Expr[]; nullSafe: boolean[]; joinType: JoinType; buildSide: "left" | "right"; condition?: Expr; left: PhysicalPlan; right: PhysicalPlan }
  | { kind: "Sort"; output: Attr[]; orders: SortExpr[]; global: boolean; child: PhysicalPlan }
  /**
   * ORDER BY ... LIMIT n (Spark's TakeOrderedAndProjectExec): the first limit + offset rows of each
   * partition in `orders` order, those of all partitions in one task, `offset` of them dropped and
   * `projectList` (over the child's output) evaluated on the rest.
   */
  | { kind: "TakeOrderedAndProject"; output: Attr[]; limit: number; offset: number; orders: SortExpr[]; projectList: Expr[]; child: PhysicalPlan }
  | { kind: "LocalLimit" | "GlobalLimit"; output: Attr[]; limit: number; offset: number; child: PhysicalPlan }
  | { kind: "Union"; output: Attr[]; children: PhysicalPlan[] }
  | { kind: "SetOp"; output: Attr[]; op: "intersect" | "except"; all: boolean; left: PhysicalPlan; right: PhysicalPlan }
  | { kind: "Window"; output: Attr[]; windowExprs: Expr[]; partitionBy: Expr[]; orderBy: SortExpr[]; child: PhysicalPlan }
  | { kind: "Deduplicate"; output: Attr[]; keys: Attr[]; child: PhysicalPlan }
  | { kind: "Coalesce"; output: Attr[]; numPartitions: number; child: PhysicalPlan }
  | { kind: "Sample"; output: Attr[]; fraction: number; withReplacement: boolean; seed: number; child: PhysicalPlan };

export function physicalChildren(p: PhysicalPlan): PhysicalPlan[] {
  switch (p.kind) {
    case "LocalTableScan": case "Range": case "FileScan": case "RddScan": return [];
    case "BroadcastHashJoin": case "ShuffledHashJoin": case "BroadcastNestedLoopJoin": case "SetOp": return [p.left, p.right];
    case "Union": return p.children;
    case "Project": case "Filter": case "Generate": case "HashAggregate": case "Exchange": case "BroadcastExchange": case "Sort":
    case "LocalLimit": case "GlobalLimit": case "Window": case "Deduplicate": case "Coalesce": case "Sample": case "TakeOrderedAndProject":
      return [p.child];
    default: return assertNever(p, "physical plan");
  }
}

/** Operators that run inside a whole-stage pipeline (get a `*(n)` mark). */
export function isPipelined(p: PhysicalPlan): boolean {
  return ["Project", "Filter", "HashAggregate", "Range", "LocalTableScan", "FileScan", "BroadcastHashJoin", "Sort", "LocalLimit", "Generate", "ShuffledHashJoin"].includes(p.kind);
}
