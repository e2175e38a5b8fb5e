// Physical operators: what actually runs. Exchanges mark the stage boundaries (hash, range,
// single partition, round robin, broadcast); the narrow operators between them are pipelined
// into one task per partition, shown with Spark's `*(n)` whole-stage marks in explain().

import { assertNever } from "../../common/errors";
import type { Attr, Expr, SortExpr } from "../expressions/expression";
import { exprPlan } from "../expressions/print";
import type { ScanSpec } from "../datasource-contract";
import type { JoinType } from "../plan/logical-plan";
import { attrList, pushedString, treeString } from "../plan/tree-string";
import { simpleString } from "../types";
import { columnarNodes } from "./columnar-plan";

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
  | { kind: "RddScan"; output: Attr[]; rdd: unknown; name: string; cached?: { batches: unknown; positions: number[]; width: number } }
  | { kind: "Project"; output: Attr[]; exprs: Expr[]; child: PhysicalPlan }
  | { kind: "Filter"; output: Attr[]; condition: Expr; child: PhysicalPlan }
  | { kind: "Generate"; output: Attr[]; generator: Expr & { kind: "fn" }; outer: boolean; child: PhysicalPlan }
  | { kind: "HashAggregate"; output: Attr[]; mode: "partial" | "final"; groupBy: Expr[]; aggCalls: (Expr & { kind: "fn" })[]; result: Expr[]; child: PhysicalPlan }
  | { kind: "Exchange"; output: Attr[]; partitioning: Partitioning; child: PhysicalPlan }
  | { kind: "BroadcastExchange"; output: Attr[]; child: PhysicalPlan }
  | { kind: "BroadcastHashJoin" | "ShuffledHashJoin" | "BroadcastNestedLoopJoin"; output: Attr[]; leftKeys: Expr[]; rightKeys: Expr[]; nullSafe: boolean[]; joinType: JoinType; buildSide: "left" | "right"; condition?: Expr; left: PhysicalPlan; right: PhysicalPlan }
  | { kind: "Sort"; output: Attr[]; orders: SortExpr[]; global: boolean; child: PhysicalPlan }
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
    case "LocalLimit": case "GlobalLimit": case "Window": case "Deduplicate": case "Coalesce": case "Sample":
      return [p.child];
    default: return assertNever(p, "physical plan");
  }
}

/** Operators that run inside a whole-stage pipeline (get a `*(n)` mark). */
export function isPipelined(p: PhysicalPlan): boolean {
  return ["Project", "Filter", "HashAggregate", "Range", "LocalTableScan", "FileScan", "BroadcastHashJoin", "Sort", "LocalLimit", "Generate", "ShuffledHashJoin"].includes(p.kind);
}

const JOIN_NAMES: Record<string, string> = {
  inner: "Inner", left: "LeftOuter", right: "RightOuter", full: "FullOuter", left_semi: "LeftSemi", left_anti: "LeftAnti", cross: "Cross",
};

function partitioningString(p: Partitioning): string {
  switch (p.type) {
    case "hash": return `hashpartitioning(${p.exprs.map(exprPlan).join(", ")}, ${p.numPartitions})`;
    case "range": return `rangepartitioning(${p.orders.map(exprPlan).join(", ")}, ${p.numPartitions})`;
    case "single": return "SinglePartition";
    case "roundRobin": return `RoundRobinPartitioning(${p.numPartitions})`;
  }
}

function aggFnString(a: Expr & { kind: "fn" }, mode: "partial" | "final"): string {
  const s = exprPlan(a);
  return mode === "partial" ? `partial_${s}` : s;
}

/** `columnar`: the operator runs in a columnar stage (a FileScan then reads batches). */
export function physicalNodeString(p: PhysicalPlan, columnar = false): string {
  const s = nodeString(p, columnar);
  return columnar && p.kind !== "FileScan" ? `${s} [Columnar]` : s;
}

function nodeString(p: PhysicalPlan, columnar: boolean): string {
  switch (p.kind) {
    case "LocalTableScan": return `LocalTableScan [${attrList(p.output)}]`;
    case "Range": return `Range (${p.start}, ${p.end}, step=${p.step}, splits=${p.numPartitions})`;
    case "FileScan": {
      const s = p.spec;
      const fields = s.requiredColumns ? s.dataSchema.fields.filter((f) => s.requiredColumns!.includes(f.name)) : s.dataSchema.fields;
      return `FileScan ${s.format} [${attrList(p.output, ",")}] Batched: ${columnar}, Format: ${s.format[0]!.toUpperCase() + s.format.slice(1)}, ` +
        `Location: InMemoryFileIndex(${s.paths.length} paths)[${s.paths.map((x) => (x.startsWith("file:") ? x : "file:" + x)).join(", ")}], ` +
        `PushedFilters: [${(s.pushedFilters ?? []).map(pushedString).join(", ")}], ReadSchema: ${simpleString({ type: "struct", fields })}`;
    }
    case "RddScan": return p.cached ? `InMemoryTableScan [${attrList(p.output, ", ")}]` : `Scan ExistingRDD${p.name ? ` ${p.name}` : ""}[${attrList(p.output, ",")}]`;
    case "Project": return `Project [${p.exprs.map(exprPlan).join(", ")}]`;
    case "Filter": return `Filter ${exprPlan(p.condition)}`;
    case "Generate": return `Generate ${exprPlan(p.generator)}, [${attrList(p.child.output)}], ${p.outer}, [${attrList(p.output.slice(p.child.output.length))}]`;
    case "HashAggregate":
      return `HashAggregate(keys=[${p.groupBy.map(exprPlan).join(", ")}], functions=[${p.aggCalls.map((a) => aggFnString(a, p.mode)).join(", ")}])`;
    case "Exchange": return `Exchange ${partitioningString(p.partitioning)}, ENSURE_REQUIREMENTS`;
    case "BroadcastExchange": return `BroadcastExchange IdentityBroadcastMode`;
    case "BroadcastHashJoin": case "ShuffledHashJoin":
      return `${p.kind} [${p.leftKeys.map(exprPlan).join(", ")}], [${p.rightKeys.map(exprPlan).join(", ")}], ${JOIN_NAMES[p.joinType]}, Build${p.buildSide === "left" ? "Left" : "Right"}${p.condition ? `, ${exprPlan(p.condition)}` : ""}`;
    case "BroadcastNestedLoopJoin": return `BroadcastNestedLoopJoin Build${p.buildSide === "left" ? "Left" : "Right"}, ${JOIN_NAMES[p.joinType]}${p.condition ? `, ${exprPlan(p.condition)}` : ""}`;
    case "Sort": return `Sort [${p.orders.map(exprPlan).join(", ")}], ${p.global}, 0`;
    case "LocalLimit": return `LocalLimit ${p.limit + p.offset}`;
    case "GlobalLimit": return `GlobalLimit ${p.limit}${p.offset ? `, ${p.offset}` : ""}`;
    case "Union": return "Union";
    case "SetOp": return `${p.op === "intersect" ? "Intersect" : "Except"}${p.all ? "All" : ""}`;
    case "Window": return `Window [${p.windowExprs.map(exprPlan).join(", ")}], [${p.partitionBy.map(exprPlan).join(", ")}], [${p.orderBy.map(exprPlan).join(", ")}]`;
    case "Deduplicate": return `Deduplicate [${attrList(p.keys)}]`;
    case "Coalesce": return `Coalesce ${p.numPartitions}`;
    case "Sample": return `Sample 0.0, ${p.fraction}, ${p.withReplacement}, ${p.seed}`;
    default: return assertNever(p, "physical plan");
  }
}

/** Explain text with whole-stage codegen ids: a new id starts below every exchange. */
export function physicalPlanString(root: PhysicalPlan, opts: { columnar?: boolean } = {}): string {
  const col = opts.columnar === false ? new Set<PhysicalPlan>() : columnarNodes(root, physicalChildren);
  const ids = new Map<PhysicalPlan, number>();
  let next = 0;
  const assign = (p: PhysicalPlan, current: number | undefined): void => {
    let id = current;
    if (isPipelined(p)) {
      if (id === undefined) id = ++next;
      ids.set(p, id);
    } else id = undefined;
    physicalChildren(p).forEach((c) => assign(c, p.kind === "Exchange" || p.kind === "BroadcastExchange" ? undefined : id));
  };
  assign(root, undefined);
  // Renumber bottom-up so the first stage to run is *(1), as Spark does.
  const order: number[] = [];
  const post = (p: PhysicalPlan) => { physicalChildren(p).forEach(post); const id = ids.get(p); if (id !== undefined && !order.includes(id)) order.push(id); };
  post(root);
  const renum = new Map(order.map((id, i) => [id, i + 1]));
  return treeString(root, (p) => (ids.has(p) ? `*(${renum.get(ids.get(p)!)}) ` : "") + physicalNodeString(p, col.has(p)), physicalChildren);
}
