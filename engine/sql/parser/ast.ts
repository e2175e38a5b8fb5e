// The SQL abstract syntax tree: plain data produced by the parser and consumed by the SQL core's
// binder, which turns it into a logical plan. Nothing here is resolved: names are raw identifier
// parts, types of literals follow Spark's literal rules, and every node records where it started.
// The nodes are split by what they hold: ast-expressions.ts (positions, expressions, windows),
// ast-queries.ts (queries and FROM-clause relations) and, here, the statements; this file
// re-exports the other two so importers keep using "./ast".

import type { StructType } from "../types";
import type { Expr, Pos } from "./ast-expressions";
import type { FileRelation, Query, Relation, TableRelation, TimeTravel } from "./ast-queries";

export type * from "./ast-expressions";
export type * from "./ast-queries";

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
  | DescribeDetail
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

/** DESCRIBE DETAIL t (Delta) */
export interface DescribeDetail {
  kind: "describeDetail";
  pos: Pos;
  target: DmlTarget;
}

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
