// The SQL AST's queries (CTEs, SELECT, set operations, VALUES, TABLE) and the relations of the
// FROM clause. Re-exported by ast.ts.

import type { Expr, FunctionCall, NamedWindow, Pos, SortItem } from "./ast-expressions";

// ---------------------------------------------------------------------------------------------
// Queries

/**
 * A full query: optional CTEs, a body (SELECT, set operation, VALUES, TABLE t or a nested
 * parenthesised query) and the ordering / limit clauses that apply to the whole body.
 */
export interface Query {
  kind: "query";
  pos: Pos;
  ctes: Cte[];
  body: QueryBody;
  orderBy: SortItem[];
  /** SORT BY (per-partition sort), DISTRIBUTE BY, CLUSTER BY: Spark's partition-level clauses. */
  sortBy: SortItem[];
  distributeBy: Expr[];
  clusterBy: Expr[];
  /** WINDOW clause written after ORDER BY (Spark accepts it in both places). */
  windows: NamedWindow[];
  limit?: Expr;
  offset?: Expr;
}

export interface Cte {
  pos: Pos;
  name: string;
  columns?: string[];
  query: Query;
}

export type QueryBody = Select | SetOperation | ValuesBody | TableBody | Query;

export interface Select {
  kind: "select";
  pos: Pos;
  distinct: boolean;
  hints: Hint[];
  items: SelectItem[];
  from?: Relation;
  lateralViews: LateralView[];
  pivot?: Pivot;
  where?: Expr;
  groupBy?: GroupBy;
  having?: Expr;
  windows: NamedWindow[];
}

/** `/*+ BROADCAST(t) *\/` after SELECT. */
export interface Hint {
  pos: Pos;
  name: string;
  args: Expr[];
}

export interface SelectItem {
  pos: Pos;
  expr: Expr;
  /** `expr AS a`; `expr AS (k, v)` (multi-alias, for generators) gives several names. */
  alias?: string;
  aliases?: string[];
}

/** `LATERAL VIEW [OUTER] explode(xs) t AS x` */
export interface LateralView {
  pos: Pos;
  outer: boolean;
  fn: FunctionCall;
  tableAlias?: string;
  columnAliases: string[];
}

export interface GroupBy {
  pos: Pos;
  /** GROUP BY ALL (group by every non-aggregate select item). */
  all: boolean;
  items: GroupingElement[];
}

/** A grouping expression (ordinals stay integer literals) or a GROUPING SETS / ROLLUP / CUBE element. */
export type GroupingElement = Expr | GroupingSets;

export interface GroupingSets {
  kind: "groupingSets" | "rollup" | "cube";
  pos: Pos;
  /** For ROLLUP/CUBE, each entry is one (possibly composite) column group; for GROUPING SETS, one set. */
  sets: Expr[][];
  /** Hive's `GROUP BY a, b GROUPING SETS (...)`: the grouping columns the sets choose from. */
  columns?: Expr[];
}

/** UNION / INTERSECT / EXCEPT (MINUS). `all` false means DISTINCT, Spark's default. */
export interface SetOperation {
  kind: "setOp";
  pos: Pos;
  op: "union" | "intersect" | "except";
  all: boolean;
  left: QueryBody;
  right: QueryBody;
  /** UNION/EXCEPT whose right side is an unparenthesized INTERSECT chain of this many operators
   * (it bound tighter); spark.sql.legacy.setopsPrecedence.enabled re-associates it left to right. */
  intersectsOnRight?: number;
}

/** `VALUES (1, 'a'), (2, 'b')` as a query. */
export interface ValuesBody {
  kind: "values";
  pos: Pos;
  rows: Expr[][];
  /** `VALUES (1, 'a') t(id, name)` as a whole query (Spark's inlineTable alias). */
  alias?: string;
  columnAliases?: string[];
}

/** `TABLE t` */
export interface TableBody {
  kind: "tableBody";
  pos: Pos;
  name: string[];
}

// ---------------------------------------------------------------------------------------------
// Relations (FROM clause)

export type Relation =
  | TableRelation
  | FileRelation
  | SubqueryRelation
  | TableFunctionRelation
  | ValuesRelation
  | JoinRelation;

interface Aliased {
  alias?: string;
  columnAliases?: string[];
  /** TABLESAMPLE (n PERCENT | n ROWS | BUCKET x OUT OF y) [REPEATABLE (seed)] */
  sample?: TableSample;
}

export type TableSample =
  | { kind: "percent"; percent: number; seed?: number }
  | { kind: "rows"; rows: Expr; seed?: number }
  | { kind: "bucket"; numerator: number; denominator: number; seed?: number };

export interface TableRelation extends Aliased {
  kind: "table";
  pos: Pos;
  name: string[];
  timeTravel?: TimeTravel;
}

/** Delta time travel: `t VERSION AS OF 3`, `t TIMESTAMP AS OF '2024-01-01'` (FOR SYSTEM_... forms too). */
export type TimeTravel = { version: number | string } | { timestamp: Expr };

/** `parquet.\`/data/x\``, `csv.\`f.csv\``, `json.\`...\``, `delta.\`...\``: run SQL directly on files. */
export interface FileRelation extends Aliased {
  kind: "file";
  pos: Pos;
  format: string;
  path: string;
  timeTravel?: TimeTravel;
}

export interface SubqueryRelation extends Aliased {
  kind: "subquery";
  pos: Pos;
  query: Query;
}

/** `range(10)`, `explode(array(1,2))` in FROM. */
export interface TableFunctionRelation extends Aliased {
  kind: "tableFunction";
  pos: Pos;
  name: string[];
  args: Expr[];
}

/** `VALUES (1, 'a'), (2, 'b') AS t(x, y)` in FROM. */
export interface ValuesRelation extends Aliased {
  kind: "valuesRelation";
  pos: Pos;
  rows: Expr[][];
}

/**
 * `FROM ... PIVOT (sum(x) AS s, avg(y) FOR k IN ('a' AS a, 'b'))`: as in Spark's grammar, the
 * pivot applies to the whole FROM clause (after lateral views).
 */
export interface Pivot {
  pos: Pos;
  aggregates: SelectItem[];
  /** The pivot column names (one, or several for `FOR (a, b) IN ((1, 'x'), ...)`). */
  columns: string[];
  values: { expr: Expr; alias?: string }[];
}

export type JoinType = "inner" | "left" | "right" | "full" | "leftSemi" | "leftAnti" | "cross";

/** Comma joins are inner joins without a condition; CROSS JOIN is "cross". */
export interface JoinRelation {
  kind: "join";
  pos: Pos;
  joinType: JoinType;
  natural: boolean;
  left: Relation;
  right: Relation;
  on?: Expr;
  using?: string[];
}
