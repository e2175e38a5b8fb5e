// The logical optimizer: batches of rules (see rules.ts) run to a fixed point. `optimize` is what
// every action and explain() uses; `OPTIMIZER_BATCHES` is exported so tests and notebooks can run
// or trace single rules.

import type { LogicalPlan } from "../plan/logical-plan";
import { runBatches, type Batch, type Rule, type RuleTrace } from "./rule";
import {
  constantFolding, ConstantFolding, BooleanSimplification, PruneFilters, CombineFilters, PushDownPredicates, PushDownJoinConditions,
  InferFiltersFromConstraints, EliminateSubqueryAliases, CollapseProject, RemoveRedundantProject, ColumnPruning,
  LimitPushDown, PushFiltersIntoScan,
} from "./rules";
import { PullOutGroupingExpressions } from "./pull-out-grouping";

export const OPTIMIZER_BATCHES: Batch[] = [
  { name: "Finish Analysis", strategy: "once", rules: [EliminateSubqueryAliases, PullOutGroupingExpressions] },
  {
    name: "Operator Optimization",
    strategy: "fixedPoint",
    rules: [
      ConstantFolding, BooleanSimplification, PruneFilters, CombineFilters, PushDownPredicates, PushDownJoinConditions,
      CollapseProject, RemoveRedundantProject, LimitPushDown,
    ],
  },
  // Once, like Spark's "Infer Filters" batch: re-running it after pushdown would re-add filters
  // it can no longer see through renaming projections.
  { name: "Infer Filters", strategy: "once", rules: [InferFiltersFromConstraints] },
  { name: "Operator Optimization after Inferring Filters", strategy: "fixedPoint", rules: [CombineFilters, PushDownPredicates, CollapseProject, RemoveRedundantProject] },
  { name: "Column Pruning", strategy: "fixedPoint", rules: [ColumnPruning, CollapseProject, RemoveRedundantProject] },
  { name: "Scan Pushdown", strategy: "once", rules: [PushFiltersIntoScan] },
];

/** Optimize `plan`; `conf` makes constant folding follow ANSI mode and the session time zone as execution does. */
export function optimize(plan: LogicalPlan, trace?: RuleTrace[], conf: { ansi?: boolean; timeZone?: string } = {}): LogicalPlan {
  const batches = conf.ansi || (conf.timeZone && conf.timeZone !== "UTC")
    ? OPTIMIZER_BATCHES.map((b) => ({ ...b, rules: b.rules.map((r) => (r === ConstantFolding ? constantFolding(conf) : r)) }))
    : OPTIMIZER_BATCHES;
  return runBatches(plan, batches, 100, trace);
}

export { runBatches, type Batch, type Rule, type RuleTrace };
export * from "./rules";
