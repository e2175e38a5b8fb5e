// delta-spark's builders: DeltaTable.merge(...) returns a DeltaMergeBuilder whose when... clauses
// collect MergeClauses, and optimize() a DeltaOptimizeBuilder. They only collect; the table runs
// them (DeltaTable.runMerge / runCompaction, through the MergeTarget interface).

import type { Column } from "../sql/api/column";
import type { DataFrame } from "../sql/api/dataframe";

export type Cond = string | Column;
export type Assignments = Record<string, string | Column | number | boolean | null>;

export interface MergeClause {
  when: "matched" | "notMatched" | "notMatchedBySource";
  action: "update" | "delete" | "insert";
  condition?: Cond;
  /** update: column -> value; insert: column -> value; "*" = all columns from the source. */
  assignments?: Assignments | "*";
}

/** What runs the builders' work: the DeltaTable they came from. */
export interface MergeTarget {
  runMerge(source: DataFrame, condition: Cond, clauses: MergeClause[]): Promise<DataFrame>;
  runCompaction(where?: Cond, zOrderBy?: string[]): Promise<DataFrame>;
}

type ClauseArgs = [Assignments] | [Cond | undefined, Assignments] | [{ condition?: Cond; set?: Assignments; values?: Assignments }];

function parseClause(args: unknown[], key: "set" | "values"): { condition?: Cond; assignments: Assignments } {
  if (args.length >= 2) return { condition: args[0] as Cond | undefined, assignments: args[1] as Assignments };
  const a = args[0] as Record<string, unknown>;
  if (a && typeof a === "object" && key in a && typeof a[key] === "object" && !("expr" in a)) return { condition: a.condition as Cond | undefined, assignments: a[key] as Assignments };
  return { assignments: a as Assignments };
}

/** delta-spark's DeltaMergeBuilder. */
export class DeltaMergeBuilder {
  private readonly clauses: MergeClause[] = [];
  constructor(private readonly table: MergeTarget, private readonly source: DataFrame, private readonly condition: Cond) {}

  whenMatchedUpdate(...args: ClauseArgs): this { const c = parseClause(args, "set"); this.clauses.push({ when: "matched", action: "update", condition: c.condition, assignments: c.assignments }); return this; }
  whenMatchedUpdateAll(condition?: Cond): this { this.clauses.push({ when: "matched", action: "update", condition, assignments: "*" }); return this; }
  whenMatchedDelete(condition?: Cond): this { this.clauses.push({ when: "matched", action: "delete", condition }); return this; }
  whenNotMatchedInsert(...args: ClauseArgs): this { const c = parseClause(args, "values"); this.clauses.push({ when: "notMatched", action: "insert", condition: c.condition, assignments: c.assignments }); return this; }
  whenNotMatchedInsertAll(condition?: Cond): this { this.clauses.push({ when: "notMatched", action: "insert", condition, assignments: "*" }); return this; }
  whenNotMatchedBySourceUpdate(...args: ClauseArgs): this { const c = parseClause(args, "set"); this.clauses.push({ when: "notMatchedBySource", action: "update", condition: c.condition, assignments: c.assignments }); return this; }
  whenNotMatchedBySourceDelete(condition?: Cond): this { this.clauses.push({ when: "notMatchedBySource", action: "delete", condition }); return this; }

  /** Run the merge; resolves to Delta's metrics row (num_affected_rows, num_updated_rows, ...). */
  execute(): Promise<DataFrame> { return this.table.runMerge(this.source, this.condition, this.clauses); }
}

export class DeltaOptimizeBuilder {
  private whereCond?: Cond;
  constructor(private readonly table: MergeTarget) {}
  where(condition: Cond): this { this.whereCond = condition; return this; }
  executeCompaction(): Promise<DataFrame> { return this.table.runCompaction(this.whereCond); }
  /** OPTIMIZE ... ZORDER BY (cols): rewrite each partition's files in Z-order of the columns. */
  executeZOrderBy(...cols: Array<string | string[]>): Promise<DataFrame> { return this.table.runCompaction(this.whereCond, cols.flat()); }
}
