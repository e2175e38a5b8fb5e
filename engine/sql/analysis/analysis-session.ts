// What analysis reads of a session: its catalog, settings, and the relations files and table
// formats give. The binder sees the session only through this (SqlSession implements it), so
// analysis does not depend on the DataFrame API above it.

import type { Catalog } from "./catalog";
import type { LogicalPlan } from "../plan/logical-plan";
import type { SqlConfLike, SqlSettings } from "../session-types";

export interface AnalysisSession {
  readonly catalog: Catalog;
  readonly conf: SqlConfLike;
  settings(): SqlSettings;
  /** A file read as a relation (`SELECT * FROM parquet.\`path\``). */
  fileRelation(format: string, path: string): { readonly plan: LogicalPlan };
  /** A version of a table format's relation (Delta's VERSION / TIMESTAMP AS OF); undefined when no format claims it. */
  timeTravelRelation(format: string, path: string, at: { version?: number; timestamp?: string }): { readonly plan: LogicalPlan } | undefined;
}
