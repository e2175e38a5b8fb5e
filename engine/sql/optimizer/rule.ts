// Optimizer rules are data ({ name, apply }) run by one driver to a fixed point with a pass limit
// (Catalyst's RuleExecutor). A rule that throws is reported by name.

import { InternalError, WorkbenchError } from "../../common/errors";
import type { LogicalPlan } from "../plan/logical-plan";
import { planKey } from "../plan/logical-plan";

export interface Rule {
  name: string;
  apply(plan: LogicalPlan): LogicalPlan;
}

export interface Batch {
  name: string;
  /** "once" or a fixed point with at most `maxPasses` passes. */
  strategy: "once" | "fixedPoint";
  rules: Rule[];
}

export interface RuleTrace {
  batch: string;
  rule: string;
  changed: boolean;
}

export function runBatches(plan: LogicalPlan, batches: Batch[], maxPasses = 100, trace?: RuleTrace[]): LogicalPlan {
  let cur = plan;
  for (const b of batches) {
    const passes = b.strategy === "once" ? 1 : maxPasses;
    for (let pass = 0; pass < passes; pass++) {
      const before = planKey(cur);
      for (const r of b.rules) {
        let next: LogicalPlan;
        try {
          next = r.apply(cur);
        } catch (e) {
          if (e instanceof WorkbenchError && e.kind !== "InternalError") throw e;
          throw new InternalError("INTERNAL_ERROR", `Optimizer rule ${r.name} (batch ${b.name}) failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e, parameters: { rule: r.name } });
        }
        if (trace) trace.push({ batch: b.name, rule: r.name, changed: next !== cur && planKey(next) !== planKey(cur) });
        cur = next;
      }
      if (planKey(cur) === before) break;
    }
  }
  return cur;
}
