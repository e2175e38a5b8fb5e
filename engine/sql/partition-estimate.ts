// How many partitions the RDD of a query will have, found from its physical plan without running
// anything, for df.rdd.getNumPartitions() before any action (PySpark answers it at once). Only
// where the count follows from the plan alone; a file scan (splits) or a range exchange (bounds
// from sampling) leave it unknown until the query is planned with its jobs.

import type { PhysicalPlan } from "./physical/physical-plan";

export function plannedPartitions(p: PhysicalPlan): number | undefined {
  switch (p.kind) {
    case "LocalTableScan": case "Range": return Math.max(1, p.numPartitions);
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
      return plannedPartitions(p.child);
    case "Coalesce": {
      const c = plannedPartitions(p.child);
      return c === undefined ? undefined : Math.min(p.numPartitions, c);
    }
    case "GlobalLimit": return 1;
    case "BroadcastHashJoin": case "BroadcastNestedLoopJoin": case "ShuffledHashJoin": {
      const build = p.buildSide === "left" ? p.left : p.right;
      if (build.kind === "BroadcastExchange") return plannedPartitions(p.buildSide === "left" ? p.right : p.left);
      return plannedPartitions(p.left);
    }
    case "SetOp": return plannedPartitions(p.left);
    default: return undefined;
  }
}
