// The explain() text of a physical plan: one line per operator as Spark prints it, whole-stage
// codegen marks `*(n)` (a new id below every exchange) and `[Columnar]` on the operators of a
// columnar stage.

import { assertNever } from "../../common/errors";
import type { Expr } from "../expressions/expression";
import { exprPlan } from "../expressions/print";
import { attrList, pushedString, treeString } from "../plan/tree-string";
import { simpleString } from "../types";
import { columnarNodes } from "./columnar-plan";
import { isPipelined, physicalChildren, type Partitioning, type PhysicalPlan } from "./physical-plan";
import type { LogicalPlan } from "../plan/logical-plan";

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
    case "TakeOrderedAndProject": // limit counts the offset rows too, as Spark prints it
      return `TakeOrderedAndProject(limit=${p.limit + p.offset}${p.offset ? `, offset=${p.offset}` : ""}, orderBy=[${p.orders.map(exprPlan).join(",")}], output=[${attrList(p.output, ",")}])`;
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

/**
 * Explain text with whole-stage codegen ids: a new id starts below every exchange. `cachedPlan`
 * plans a cached relation's logical plan: an InMemoryTableScan then shows its InMemoryRelation
 * and that plan below it, as Spark prints them (the cached plan numbered on its own).
 */
export function physicalPlanString(root: PhysicalPlan, opts: { columnar?: boolean; cachedPlan?: (p: LogicalPlan) => PhysicalPlan } = {}): string {
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
  const inner = (p: PhysicalPlan): string[] | undefined => {
    const rel = p.kind === "RddScan" ? p.cached?.relation : undefined;
    if (!rel || !opts.cachedPlan) return undefined;
    const [first = "", ...rest] = physicalPlanString(opts.cachedPlan(rel.plan), opts).split("\n");
    return [`+- InMemoryRelation [${attrList(rel.output, ", ")}], ${rel.level}`, `      +- ${first}`, ...rest.map((l) => `         ${l}`)];
  };
  return treeString(root, (p) => (ids.has(p) ? `*(${renum.get(ids.get(p)!)}) ` : "") + physicalNodeString(p, col.has(p)), physicalChildren, inner);
}
