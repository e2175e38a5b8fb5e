// The SQL abstract syntax tree: plain data produced by the parser and consumed by the SQL core's
// binder, which turns it into a logical plan. Nothing here is resolved: names are raw identifier
// parts, types of literals follow Spark's literal rules, and every node records where it started.

import type { DataType, StructType } from "../types";

/** Where a node starts in the SQL text: 1-based line and column, 0-based character offset. */
export interface Pos {
  line: number;
  column: number;
  offset: number;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export type Expr =
  | ColumnRef
  | Star
  | Literal
  | IntervalLiteral
  | UnaryExpr
  | BinaryExpr
  | IsNullExpr
  | IsBooleanExpr
  | BetweenExpr
  | InListExpr
  | InSubqueryExpr
  | ExistsExpr
  | ScalarSubquery
  | LikeExpr
  | LikeQuantifiedExpr
  | ParameterMarker
  | CaseExpr
  | CastExpr
  | FunctionCall
  | LambdaExpr
  | SubscriptExpr
  | FieldAccess
  | RowExpr;

/** `a`, `t.a`, `db.t.a`, `s.field.sub`: the binder decides which parts name a table and which a field. */
export interface ColumnRef {
  kind: "column";
  pos: Pos;
  /** Identifier parts as written (backquotes removed, case kept). */
  name: string[];
}

/** `*` or `t.*` (also `count(*)`'s argument). */
export interface Star {
  kind: "star";
  pos: Pos;
  qualifier?: string[];
}

/**
 * A literal with its Spark type. Values: boolean; number for byte/short/int/float/double;
 * number or bigint for long (bigint when it does not fit a double exactly); string for decimal
 * (exact digits, e.g. "1.50"); string; Uint8Array for binary; Date for date (UTC midnight) and
 * timestamp (interpreted as UTC unless the text carries an offset; `text` keeps the original so
 * the binder can re-read it in the session time zone); null for NULL.
 */
export interface Literal {
  kind: "literal";
  pos: Pos;
  dataType: DataType;
  value: null | boolean | number | bigint | string | Uint8Array | Date;
  /** The literal's text as it appeared (for display and column naming). */
  text: string;
}

/** `INTERVAL '1' DAY`, `INTERVAL 1 HOUR 30 MINUTES`, `INTERVAL '1-2' YEAR TO MONTH`, `INTERVAL '2 days'`. */
export interface IntervalLiteral {
  kind: "interval";
  pos: Pos;
  /** Sign applied to the whole interval (`-INTERVAL ...` is a unary minus instead). */
  parts: IntervalPart[];
}

export interface IntervalPart {
  /** The value text ('1', '-2', '1-2', '10:30:00', or a whole '2 days 3 hours' when unit is absent). */
  value: string;
  /** YEAR, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND (singular, upper case). */
  unit?: IntervalUnit;
  /** For `'1-2' YEAR TO MONTH` style ranges. */
  toUnit?: IntervalUnit;
}

export type IntervalUnit =
  | "YEAR" | "MONTH" | "WEEK" | "DAY" | "HOUR" | "MINUTE" | "SECOND" | "MILLISECOND" | "MICROSECOND";

/** `-x`, `+x`, `~x`, `NOT x` (also written `!x`). */
export interface UnaryExpr {
  kind: "unary";
  pos: Pos;
  op: "-" | "+" | "~" | "not";
  expr: Expr;
}

/** Operators are normalised: `==` is "=", `!=` is "<>", keywords are lower case. */
export type BinaryOp =
  | "or" | "and"
  | "=" | "<>" | "<" | "<=" | ">" | ">=" | "<=>"
  | "|" | "^" | "&"
  | "+" | "-" | "||"
  | "*" | "/" | "%" | "div";

export interface BinaryExpr {
  kind: "binary";
  pos: Pos;
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

/** `x IS [NOT] NULL` */
export interface IsNullExpr {
  kind: "isNull";
  pos: Pos;
  expr: Expr;
  negated: boolean;
}

/** `x IS [NOT] TRUE|FALSE|UNKNOWN` */
export interface IsBooleanExpr {
  kind: "isBoolean";
  pos: Pos;
  expr: Expr;
  value: true | false | null;
  negated: boolean;
}

/** `x [NOT] BETWEEN low AND high` */
export interface BetweenExpr {
  kind: "between";
  pos: Pos;
  expr: Expr;
  low: Expr;
  high: Expr;
  negated: boolean;
}

/** `x [NOT] IN (a, b, c)` */
export interface InListExpr {
  kind: "inList";
  pos: Pos;
  expr: Expr;
  list: Expr[];
  negated: boolean;
}

/** `x [NOT] IN (SELECT ...)`; `(a, b) IN (SELECT ...)` has a RowExpr on the left. */
export interface InSubqueryExpr {
  kind: "inSubquery";
  pos: Pos;
  expr: Expr;
  query: Query;
  negated: boolean;
}

/** `EXISTS (SELECT ...)`; `NOT EXISTS` is a unary not around it. */
export interface ExistsExpr {
  kind: "exists";
  pos: Pos;
  query: Query;
}

/** `(SELECT max(x) FROM t)` used as a value. */
export interface ScalarSubquery {
  kind: "scalarSubquery";
  pos: Pos;
  query: Query;
}

/** `x [NOT] LIKE|ILIKE|RLIKE pattern [ESCAPE 'c']` (REGEXP is RLIKE). */
export interface LikeExpr {
  kind: "like";
  pos: Pos;
  op: "like" | "ilike" | "rlike";
  expr: Expr;
  pattern: Expr;
  /** The escape character for LIKE/ILIKE (Spark's default is backslash). */
  escape?: string;
  negated: boolean;
}

/** `x [NOT] LIKE|ILIKE ANY|SOME|ALL ('a%', 'b%')` (SOME is ANY). */
export interface LikeQuantifiedExpr {
  kind: "likeQuantified";
  pos: Pos;
  op: "like" | "ilike";
  quantifier: "any" | "all";
  expr: Expr;
  patterns: Expr[];
  negated: boolean;
}

/** `?` (positional, numbered from 0 in order of appearance) or `:name`, for spark.sql(text, args). */
export interface ParameterMarker {
  kind: "parameter";
  pos: Pos;
  name?: string;
  index?: number;
}

/** `CASE WHEN c THEN v ... [ELSE e] END` or, with operand, `CASE x WHEN v THEN r ... END`. */
export interface CaseExpr {
  kind: "case";
  pos: Pos;
  operand?: Expr;
  branches: { when: Expr; then: Expr }[];
  else?: Expr;
}

/** `CAST(x AS type)`, `TRY_CAST(x AS type)`, `x::type`. */
export interface CastExpr {
  kind: "cast";
  pos: Pos;
  expr: Expr;
  dataType: DataType;
  /** TRY_CAST: null instead of an error on a bad value. */
  try: boolean;
}

/**
 * `f(a, b)`, `count(DISTINCT x)`, `count(*)` (args = [Star]), `sum(x) FILTER (WHERE c)`,
 * `rank() OVER (...)`, `first(x) IGNORE NULLS`. Names are raw parts (`db.f` -> ["db", "f"]).
 * Special syntaxes become calls: EXTRACT(f FROM x) -> extract('f', x); POSITION(a IN b) ->
 * position(a, b); SUBSTRING(s FROM p FOR n) -> substring(s, p, n); TRIM(BOTH c FROM s) ->
 * trim(s, c) (ltrim / rtrim for LEADING / TRAILING); OVERLAY(a PLACING b FROM p FOR n) ->
 * overlay(a, b, p, n); CURRENT_DATE / CURRENT_TIMESTAMP / CURRENT_USER without parentheses
 * (Spark's non-ANSI mode would try a column of that name first); the unit of
 * TIMESTAMPADD / TIMESTAMPDIFF / DATEADD / DATEDIFF(DAY, a, b) becomes a string literal 'DAY'.
 */
export interface FunctionCall {
  kind: "function";
  pos: Pos;
  name: string[];
  args: Expr[];
  distinct: boolean;
  filter?: Expr;
  ignoreNulls?: boolean;
  over?: WindowSpec;
  /** `struct(a AS x, b)`: field names given with AS, by argument position (undefined where absent). */
  argAliases?: (string | undefined)[];
  /** `f(x, name => value)`: named arguments by position (undefined for positional ones). */
  argNames?: (string | undefined)[];
  argNamePos?: (Pos | undefined)[];
}

/** `x -> x + 1`, `(acc, x) -> acc + x` (arguments of higher-order functions). */
export interface LambdaExpr {
  kind: "lambda";
  pos: Pos;
  params: string[];
  body: Expr;
}

/** `a[0]`, `m['k']` */
export interface SubscriptExpr {
  kind: "subscript";
  pos: Pos;
  expr: Expr;
  index: Expr;
}

/** `f(x).field`, `(expr).field`, `a[0].field`: a field of a computed struct. */
export interface FieldAccess {
  kind: "field";
  pos: Pos;
  expr: Expr;
  field: string;
}

/** `(a, b)`: a row value, as on the left of `(a, b) IN (...)`; Spark makes it a struct. */
export interface RowExpr {
  kind: "row";
  pos: Pos;
  items: Expr[];
}

// ---------------------------------------------------------------------------------------------
// Windows

/** `OVER w` (ref only), `OVER (PARTITION BY ... ORDER BY ... ROWS BETWEEN ...)`, or a WINDOW-clause definition. */
export interface WindowSpec {
  pos: Pos;
  /** A named window from the WINDOW clause. */
  ref?: string;
  partitionBy: Expr[];
  orderBy: SortItem[];
  frame?: WindowFrame;
}

export interface WindowFrame {
  type: "rows" | "range";
  start: FrameBound;
  end: FrameBound;
}

export type FrameBound =
  | { kind: "unboundedPreceding" }
  | { kind: "preceding"; offset: Expr }
  | { kind: "currentRow" }
  | { kind: "following"; offset: Expr }
  | { kind: "unboundedFollowing" };

/** `WINDOW w AS (PARTITION BY ...)` */
export interface NamedWindow {
  name: string;
  spec: WindowSpec;
}

export interface SortItem {
  pos: Pos;
  expr: Expr;
  direction: "asc" | "desc";
  /** Always filled in: Spark's default is NULLS FIRST for ASC and NULLS LAST for DESC. */
  nulls: "first" | "last";
}

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
}

/** UNION / INTERSECT / EXCEPT (MINUS). `all` false means DISTINCT, Spark's default. */
export interface SetOperation {
  kind: "setOp";
  pos: Pos;
  op: "union" | "intersect" | "except";
  all: boolean;
  left: QueryBody;
  right: QueryBody;
}

/** `VALUES (1, 'a'), (2, 'b')` as a query. */
export interface ValuesBody {
  kind: "values";
  pos: Pos;
  rows: Expr[][];
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

// ---------------------------------------------------------------------------------------------
// Statements

export type Statement =
  | Query
  | CreateView
  | DropView
  | Explain
  | ShowTables
  | ShowViews
  | ShowDatabases
  | ShowFunctions
  | ShowColumns
  | DescribeTable
  | DescribeQuery
  | DescribeFunction
  | SetCommand
  | ResetCommand
  | CacheTable
  | UncacheTable
  | ClearCache
  | UseNamespace
  | CreateTempViewUsing
  | CreateTable
  | DropTable
  | Insert
  | DeleteFrom
  | Update
  | Merge
  | DescribeHistory
  | Vacuum
  | Restore
  | Optimize;

/** CREATE [OR REPLACE] [GLOBAL] TEMP[ORARY] VIEW [IF NOT EXISTS] name [(cols)] [COMMENT '...'] AS query */
export interface CreateView {
  kind: "createView";
  pos: Pos;
  name: string[];
  replace: boolean;
  global: boolean;
  temporary: boolean;
  ifNotExists: boolean;
  columns?: { name: string; comment?: string }[];
  comment?: string;
  query: Query;
  /** The query's SQL text, as Spark keeps it for persistent views. */
  queryText: string;
}

export interface DropView {
  kind: "dropView";
  pos: Pos;
  name: string[];
  ifExists: boolean;
}

export interface Explain {
  kind: "explain";
  pos: Pos;
  mode: "simple" | "extended" | "formatted" | "codegen" | "cost";
  statement: Statement;
}

export interface ShowTables {
  kind: "showTables";
  pos: Pos;
  namespace?: string[];
  pattern?: string;
}

export interface ShowViews {
  kind: "showViews";
  pos: Pos;
  namespace?: string[];
  pattern?: string;
}

export interface ShowDatabases {
  kind: "showDatabases";
  pos: Pos;
  pattern?: string;
}

export interface ShowFunctions {
  kind: "showFunctions";
  pos: Pos;
  pattern?: string;
}

export interface ShowColumns {
  kind: "showColumns";
  pos: Pos;
  table: string[];
  namespace?: string[];
}

/** DESCRIBE [TABLE] [EXTENDED|FORMATTED] name [column] */
export interface DescribeTable {
  kind: "describeTable";
  pos: Pos;
  name: string[];
  extended: boolean;
  column?: string[];
}

/** DESCRIBE [QUERY] query */
export interface DescribeQuery {
  kind: "describeQuery";
  pos: Pos;
  query: Query;
}

export interface DescribeFunction {
  kind: "describeFunction";
  pos: Pos;
  name: string[];
  extended: boolean;
}

/**
 * `SET` (list all; key absent), `SET -v` (verbose list), `SET k` (show one), `SET k = v`.
 * Key and value are the raw text, trimmed, as Spark reads them. `SET TIME ZONE 'x'` becomes
 * key spark.sql.session.timeZone.
 */
export interface SetCommand {
  kind: "set";
  pos: Pos;
  key?: string;
  value?: string;
  verbose?: boolean;
}

export interface ResetCommand {
  kind: "reset";
  pos: Pos;
  key?: string;
}

/** CACHE [LAZY] TABLE name [OPTIONS (...)] [[AS] query] */
export interface CacheTable {
  kind: "cacheTable";
  pos: Pos;
  name: string[];
  lazy: boolean;
  options: Record<string, string>;
  query?: Query;
}

export interface UncacheTable {
  kind: "uncacheTable";
  pos: Pos;
  name: string[];
  ifExists: boolean;
}

export interface ClearCache {
  kind: "clearCache";
  pos: Pos;
}

export interface UseNamespace {
  kind: "use";
  pos: Pos;
  namespace: string[];
}

/** CREATE [OR REPLACE] [GLOBAL] TEMP[ORARY] VIEW name [(a INT, ...)] USING csv [OPTIONS (path 'x', header 'true')] */
export interface CreateTempViewUsing {
  kind: "createTempViewUsing";
  pos: Pos;
  name: string[];
  replace: boolean;
  global: boolean;
  schema?: StructType;
  format: string;
  options: Record<string, string>;
}

/**
 * CREATE [OR REPLACE] TABLE [IF NOT EXISTS] name [(a INT, ...)] [USING fmt] [OPTIONS (...)]
 * [PARTITIONED BY (cols)] [LOCATION 'path'] [COMMENT '...'] [TBLPROPERTIES (...)] [[AS] query]
 */
export interface CreateTable {
  kind: "createTable";
  pos: Pos;
  name: string[];
  replace: boolean;
  ifNotExists: boolean;
  schema?: StructType;
  format?: string;
  options: Record<string, string>;
  partitionBy: string[];
  location?: string;
  comment?: string;
  properties: Record<string, string>;
  query?: Query;
}

export interface DropTable {
  kind: "dropTable";
  pos: Pos;
  name: string[];
  ifExists: boolean;
}

/** INSERT INTO|OVERWRITE [TABLE] name [(cols)] query (VALUES rows are a query body). */
export interface Insert {
  kind: "insert";
  pos: Pos;
  table: string[];
  overwrite: boolean;
  columns?: string[];
  query: Query;
}

// ---------------------------------------------------------------------------------------------
// Delta Lake DML and table utilities

/** The table a DML statement changes: a catalog table or a path (`delta.\`/tmp/t\``), maybe aliased. */
export type DmlTarget = TableRelation | FileRelation;

/** DELETE FROM t [[AS] alias] [WHERE cond] */
export interface DeleteFrom {
  kind: "delete";
  pos: Pos;
  target: DmlTarget;
  where?: Expr;
}

/** `col = expr` in UPDATE SET and MERGE ... UPDATE SET (nested fields give several parts). */
export interface Assignment {
  column: string[];
  value: Expr;
}

/** UPDATE t [[AS] alias] SET a = 1, b = b + 1 [WHERE cond] */
export interface Update {
  kind: "update";
  pos: Pos;
  target: DmlTarget;
  assignments: Assignment[];
  where?: Expr;
}

/** MERGE INTO target [[AS] t] USING source [[AS] s] ON cond WHEN ... THEN ... */
export interface Merge {
  kind: "merge";
  pos: Pos;
  target: DmlTarget;
  source: Relation;
  on: Expr;
  clauses: MergeClause[];
}

/**
 * WHEN MATCHED [AND c] THEN UPDATE SET ... | UPDATE SET * | DELETE;
 * WHEN NOT MATCHED [BY TARGET] [AND c] THEN INSERT * | INSERT (cols) VALUES (...);
 * WHEN NOT MATCHED BY SOURCE [AND c] THEN UPDATE SET ... | DELETE.
 */
export interface MergeClause {
  when: "matched" | "notMatched" | "notMatchedBySource";
  condition?: Expr;
  action: MergeAction;
}

export type MergeAction =
  | { kind: "update"; assignments: Assignment[] }
  | { kind: "updateAll" }
  | { kind: "delete" }
  | { kind: "insert"; columns: string[][]; values: Expr[] }
  | { kind: "insertAll" };

/** DESCRIBE HISTORY t [LIMIT n] */
export interface DescribeHistory {
  kind: "describeHistory";
  pos: Pos;
  target: DmlTarget;
  limit?: number;
}

/** VACUUM t [RETAIN n HOURS] [DRY RUN] */
export interface Vacuum {
  kind: "vacuum";
  pos: Pos;
  target: DmlTarget;
  retainHours?: number;
  dryRun: boolean;
}

/** RESTORE [TABLE] t [TO] VERSION AS OF n | TIMESTAMP AS OF expr */
export interface Restore {
  kind: "restore";
  pos: Pos;
  target: DmlTarget;
  to: TimeTravel;
}

/** OPTIMIZE t [WHERE cond] [ZORDER BY (a, b)] */
export interface Optimize {
  kind: "optimize";
  pos: Pos;
  target: DmlTarget;
  where?: Expr;
  zorderBy: string[][];
}
