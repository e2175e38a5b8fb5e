// Public surface of the SQL layer: DataFrames, Column and functions (F), Window, types, the SQL
// session pieces engine/session wires into SparkSession (sqlSessionOf), the data source seam,
// plans and the optimizer for notebooks that look inside.

import "./expressions";
import "./datasources";
import * as functions from "./api/functions";
import { SqlSession } from "./api/sql-session";
import type { SqlSessionLike } from "./session-types";

export { functions, functions as F };
export * from "./api/functions";
export { Column, type ColumnOrName } from "./api/column";
export { DataFrame, GroupedData, PivotedData, PivotedDataAsync, DataFrameNaFunctions, type Row, type ExplainMode, type ShowOptions } from "./api/dataframe";
export { Dataset, KeyValueGroupedDataset } from "./api/dataset";
export { SqlSession, CatalogApi, inferSchema, type SchemaArg } from "./api/sql-session";
export { DataFrameReader, DataFrameWriter } from "./api/readwriter";
export * from "./types";
export * from "./datasource-contract";
export { MapConf, SQL_DEFAULTS, readSettings, checkedSetting, type SqlSessionLike, type SqlSparkContext, type SqlConfLike, type SqlSettings } from "./session-types";
export type { LogicalPlan } from "./plan/logical-plan";
export { planString } from "./plan/tree-string";
export { optimize, OPTIMIZER_BATCHES, type Rule, type Batch, type RuleTrace } from "./optimizer";
export { PhysicalPlanner } from "./physical/planner";
export type { PhysicalPlan } from "./physical/physical-plan";
export { physicalPlanString } from "./physical/plan-string";
export { QueryExecution, type PlanGraphNode } from "./execution/query-execution";
export { showString as formatShowString, cellString } from "./api/show";
export { TIME_ZONE_KEY, systemTimeZone, normalizeTimeZone } from "./time-zone";
export type { Expr } from "./expressions/expression";

const sessions = new WeakMap<object, SqlSession>();

/** The SqlSession behind a SparkSession-like host (created on first use). */
export function sqlSessionOf(host: SqlSessionLike): SqlSession {
  // A session that brings its own (a remote session's RemoteSqlSession) is used as it is.
  // (an own field: the embedded SparkSession's sqlSession is a prototype getter that comes here)
  const own: unknown = Object.getOwnPropertyDescriptor(host, "sqlSession")?.value;
  if (own instanceof SqlSession) return own;
  let s = sessions.get(host);
  if (!s) { s = new SqlSession(host); sessions.set(host, s); }
  return s;
}
