// A physical plan as plain data: what engine/sql's QueryExecution builds from its physical plan
// and engine/viz's plan graph draws (as Spark's SQL tab does).

/** One operator of a physical plan. */
export interface PlanGraphNode {
  /** Unique within the plan. */
  id: number;
  /** Operator name, e.g. "HashAggregate", "Filter", "Scan parquet". */
  name: string;
  /** Arguments as explain() prints them, e.g. "(isnotnull(age#3) AND (age#3 > 21))". */
  detail?: string;
  children: PlanGraphNode[];
  /** e.g. { "number of output rows": 120, "time": "12 ms" }; see ROWS_KEYS for the rows count. */
  metrics?: Record<string, number | string>;
}
