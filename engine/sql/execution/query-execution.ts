// One executed query: its plans and the per-operator metrics its tasks reported (rows out, time),
// as plain data for the physical-plan graph renderer in engine/viz (PlanGraphNode shape).

import type { PlanGraphNode } from "../../common/plan-graph-node";
import type { LogicalPlan } from "../plan/logical-plan";
import { physicalChildren, physicalNodeString, physicalPlanString, type PhysicalPlan } from "../physical/physical-plan";
import type { OpMetrics } from "./operators";
import { columnarNodes } from "../physical/columnar-plan";

export type { PlanGraphNode };

export class QueryExecution {
  constructor(
    readonly optimizedPlan: LogicalPlan,
    readonly physicalPlan: PhysicalPlan,
    readonly operatorIds: Map<PhysicalPlan, number>,
    private readonly acc?: { readonly value: OpMetrics },
    /** Whether columnar execution was on (spark.sql.parquet.enableVectorizedReader). */
    readonly columnar = true,
  ) {}

  /** Metrics by operator id: { rows, ms } summed over all tasks of the query's jobs. */
  metrics(): Record<number, { rows?: number; ms?: number }> {
    const out: Record<number, { rows?: number; ms?: number }> = {};
    for (const [k, v] of Object.entries(this.acc?.value ?? {})) {
      const [id, what] = k.split(".") as [string, "rows" | "ms"];
      (out[Number(id)] ??= {})[what] = v;
    }
    return out;
  }

  planGraph(): PlanGraphNode {
    const m = this.metrics();
    const columnar = this.columnar ? columnarNodes(this.physicalPlan, physicalChildren) : new Set<PhysicalPlan>();
    const build = (p: PhysicalPlan): PlanGraphNode => {
      const id = this.operatorIds.get(p) ?? 0;
      const mm = m[id];
      const metrics: Record<string, number | string> = {};
      if (mm?.rows !== undefined) metrics["number of output rows"] = mm.rows;
      if (mm?.ms !== undefined) metrics["time"] = `${Math.round(mm.ms * 10) / 10} ms`;
      const text = physicalNodeString(p, columnar.has(p));
      const detail = text.startsWith(p.kind) ? text.slice(p.kind.length).trim() : text;
      return { id, name: p.kind, detail: detail || undefined, children: physicalChildren(p).map(build), metrics: Object.keys(metrics).length ? metrics : undefined };
    };
    return build(this.physicalPlan);
  }

  toString(): string {
    return physicalPlanString(this.physicalPlan, { columnar: this.columnar });
  }
}
