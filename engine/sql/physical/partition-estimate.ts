// How many partitions the RDD of a query will have, found from its physical plan without running
// anything, for df.rdd.getNumPartitions() before any action (PySpark answers it at once). Only
// where the count follows from the plan alone (file scans through a data source's synchronous
// split planning); a range exchange (bounds from sampling) leaves it unknown until the query is
// planned with its jobs.

import type { PhysicalPlan } from "./physical-plan";
import { getDataSource, scanHints } from "../datasource-contract";
import { StructType } from "../types";

export function plannedPartitions(p: PhysicalPlan, defaultParallelism?: number): number | undefined {
  const recur = (c: PhysicalPlan) => plannedPartitions(c, defaultParallelism);
  switch (p.kind) {
    case "LocalTableScan": case "Range": return Math.max(1, p.numPartitions);
    case "FileScan": {
      const spec = p.spec;
      const ds = getDataSource(spec.format);
      if (!ds?.planSplitsSync) return undefined;
      // The executor gives an empty split list one empty partition at most; count what it plans.
      return ds.planSplitsSync(spec.paths, spec.options, StructType.of(spec.dataSchema), scanHints(spec, defaultParallelism)).length;
    }
    case "RddScan": {
      const r = p.rdd as { getNumPartitions?: () => number };
      return typeof r.getNumPartitions === "function" ? r.getNumPartitions() : undefined;
    }
    case "Exchange": {
      const part = p.partitioning;
      if (part.type === "hash" || part.type === "roundRobin") return part.numPartitions;
      if (part.type === "single") return 1;
      return undefined;
    }
    case "Project": case "Filter": case "Generate": case "LocalLimit": case "HashAggregate": case "Sort":
    case "Window": case "Deduplicate": case "Sample": case "BroadcastExchange":
      return recur(p.child);
    case "Coalesce": {
      const c = recur(p.child);
      return c === undefined ? undefined : Math.min(p.numPartitions, c);
    }
    case "GlobalLimit": case "TakeOrderedAndProject": return 1;
    case "BroadcastHashJoin": case "BroadcastNestedLoopJoin": case "ShuffledHashJoin": {
      const build = p.buildSide === "left" ? p.left : p.right;
      if (build.kind === "BroadcastExchange") return recur(p.buildSide === "left" ? p.right : p.left);
      return recur(p.left);
    }
    case "SetOp": return recur(p.left);
    default: return undefined;
  }
}
