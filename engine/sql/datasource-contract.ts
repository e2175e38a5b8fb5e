// The seam between the SQL core (plans, DataFrameReader/Writer) and the data sources
// (engine/sql/datasources: CSV, JSON, text, Parquet). Owned by the SQL core; data sources implement
// `DataSource` and call `registerDataSource` at module load (workers import the engine too, so the
// registry is filled on both sides and a scan can be resolved by its `format` name on a worker).
//
// Who does what:
// - SQL core owns spark.read (DataFrameReader: format/option/options/schema/load/csv/json/parquet/
//   text/table) and df.write (DataFrameWriter: format/mode/option/options/partitionBy/save/csv/
//   json/parquet/text). They call the registered DataSource below; data sources never touch
//   DataFrame or the logical plan.
// - Reading: on the driver, `inferSchema` (synchronous; unless the user gave a schema) then `planSplits`; then
//   one task per split calls `readSplit` on a worker. The optimizer fills `requiredColumns` and
//   `pushedFilters` on the scan before splits are planned. Pushed filters are ADVISORY: the SQL
//   core re-applies every filter after the scan, so a reader may use them to skip row groups,
//   partitions or rows, but never needs to be exact.
// - Writing: on the driver `prepareWrite` (save mode checks), then one task per partition calls
//   `writeTask` on a worker with the partition's rows, then the driver calls `commitWrite` with
//   every task's result (or `abortWrite` if the job failed).

import { AnalysisError } from "../common/errors";
import type { DataType, StructType } from "./types";
import type { ColumnBatch } from "./column-batch";

/** Reader/writer options as the user gave them (keys lower-cased by the SQL core, values as strings). */
export type DataSourceOptions = Record<string, string>;

/** An option value as a user may give it (`.option("header", true)`); it reaches data sources as text. */
export type OptionValue = string | number | boolean;

/** The options a data source sees: keys lower-cased, values as strings, undefined dropped (Spark's CaseInsensitiveMap of strings). */
export function dataSourceOptions(o: Record<string, OptionValue | null | undefined>): DataSourceOptions {
  const out: DataSourceOptions = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k.toLowerCase()] = v === null ? "null" : String(v);
  return out;
}

/** A row inside the engine: values by position, in the order of the schema it belongs to. */
export type InternalRow = unknown[];

/**
 * A filter the optimizer pushed down to a scan. `column` is a top-level column name of the data
 * schema (as spelled in the schema). Values follow engine/sql/types.ts conventions (number,
 * bigint, string, boolean, Date, ...). Only conjuncts that reference one column and a literal are
 * pushed; anything else stays above the scan.
 */
export type PushedFilter =
  | { op: "eq" | "nullSafeEq" | "lt" | "le" | "gt" | "ge"; column: string; value: unknown }
  | { op: "in"; column: string; values: unknown[] }
  | { op: "isNull" | "isNotNull"; column: string }
  | { op: "startsWith" | "endsWith" | "contains"; column: string; value: string }
  | { op: "and" | "or"; left: PushedFilter; right: PushedFilter }
  | { op: "not"; child: PushedFilter };

/** What the logical scan node carries (plain data: it is captured by the read tasks). */
export interface ScanSpec {
  format: string;
  paths: string[];
  options: DataSourceOptions;
  /** Schema the user gave with .schema(...), if any (as a plain struct DataType). */
  userSchema?: DataType & { type: "struct" };
  /** The full schema of the relation (user schema or inferred), as a plain struct DataType. */
  dataSchema: DataType & { type: "struct" };
  /** Column names the query needs, in data-schema order (set by column pruning; all when absent). */
  requiredColumns?: string[];
  /** Filters the optimizer pushed into the scan (advisory, see above). */
  pushedFilters?: PushedFilter[];
}

/** What `readSplit` is asked for. */
export interface ReadRequest {
  /** Full data schema (including partition columns for Hive-partitioned directories). */
  dataSchema: StructType;
  /** Columns to return, in this order; rows are arrays with exactly these positions. */
  requiredColumns: string[];
  pushedFilters: PushedFilter[];
  options: DataSourceOptions;
  /** The task's input metrics, when the read runs in a task: the reader adds the bytes and records it read. */
  taskMetrics?: { bytesRead: number; recordsRead: number };
  /**
   * Column batches only: the consumer is done with a batch when it asks for the next, so the
   * reader may decode the next one into the same arrays (Spark's vectorized reader reuses its
   * ColumnarBatch). Default false: every batch is the consumer's to keep.
   */
  reuseBuffers?: boolean;
}

/** What the driver knows when it plans a scan's splits. */
export interface ScanHints {
  requiredColumns: string[];
  pushedFilters: PushedFilter[];
  /** Cores of the cluster (more cores, smaller splits: Spark's leafNodeDefaultParallelism). */
  defaultParallelism?: number;
}

/** The split-planning hints of a scan node. */
export function scanHints(spec: ScanSpec, defaultParallelism?: number): ScanHints {
  return {
    requiredColumns: spec.requiredColumns ?? spec.dataSchema.fields.map((f) => f.name),
    pushedFilters: spec.pushedFilters ?? [],
    defaultParallelism,
  };
}

/** Spark's save modes. */
export type SaveMode = "overwrite" | "append" | "ignore" | "error" | "errorifexists";

/** A save mode as the user spells it (any case; "default" is errorifexists); AnalysisError INVALID_SAVE_MODE otherwise. */
export function saveMode(m: string): SaveMode {
  const mm = m.toLowerCase();
  if (!["overwrite", "append", "ignore", "error", "errorifexists", "default"].includes(mm)) {
    throw new AnalysisError("INVALID_SAVE_MODE", `The specified save mode "${m}" is invalid. Valid save modes include "append", "overwrite", "ignore", "error", "errorifexists", and "default".`, { parameters: { mode: m } });
  }
  return (mm === "default" ? "errorifexists" : mm) as SaveMode;
}

/**
 * A write job as the driver sees it. Tasks get it as plain data: rebuild the schema with
 * `StructType.of(job.schema)` on the worker.
 */
export interface WriteJob {
  format: string;
  path: string;
  mode: SaveMode;
  options: DataSourceOptions;
  /** Partition columns; prepareWrite may rewrite them to the schema's spelling (or a table's own partitioning). */
  partitionBy: string[];
  schema: StructType;
  /** Unique id of this write job (used for _temporary/<jobId>/ folders). */
  jobId: string;
}

/** Result of a task's write: plain data, returned to the driver. */
export interface WrittenFile {
  /** Where the file ends up once the job commits. */
  path: string;
  bytes: number;
  rows: number;
  /** Hive partition values of this file as text, e.g. { year: "2024" } (null: a null value). */
  partitionValues: Record<string, string | null>;
  /** File sources' commit protocol: the file's place relative to the output path, and where the task left it (under _temporary/), for commitWrite to move. */
  relativePath?: string;
  tempPath?: string;
  /** Per-file column statistics as JSON (Delta's `stats`: numRecords, minValues, maxValues, nullCount). */
  stats?: string;
}

export interface DataSource {
  readonly format: string;
  /**
   * Driver side, synchronous (spark.read...load(path) returns a DataFrame at once, as in PySpark):
   * list the files and read a bounded sample / the footers. Throws AnalysisError PATH_NOT_FOUND
   * for a missing path.
   */
  inferSchema(paths: string[], options: DataSourceOptions): StructType;
  /**
   * Optional, driver side, synchronous: the scan's schema when the user gave the data columns'
   * (spark.read.schema(...)): a file source appends the partition columns its directories name
   * (as Spark does; a user column of the same name gives the type, the directory the values).
   */
  userSchemaWithPartitions?(paths: string[], options: DataSourceOptions, userSchema: StructType): StructType;
  /**
   * Optional synchronous planSplits (same result): lets df.rdd.getNumPartitions() answer before
   * any action, as PySpark does.
   */
  planSplitsSync?(paths: string[], options: DataSourceOptions, dataSchema: StructType, hints: ScanHints): unknown[];
  /** Driver side: split the input into plain-data splits (byte ranges, row groups, ...). */
  planSplits(paths: string[], options: DataSourceOptions, dataSchema: StructType, hints: ScanHints): Promise<unknown[]>;
  /** Worker side: rows of one split as arrays in `req.requiredColumns` order. */
  readSplit(split: unknown, req: ReadRequest): Iterable<InternalRow> | AsyncIterable<InternalRow> | Promise<Iterable<InternalRow>>;
  /**
   * Worker side, optional: the same split as column batches (columns in `req.requiredColumns`
   * order), holding exactly the values `readSplit` would return; used by columnar stages.
   * `taskMetrics`, when given, gets the bytes and records read.
   */
  readSplitColumns?(split: unknown, req: ReadRequest): AsyncIterable<ColumnBatch>;
  /** Driver side, before the write job: apply the save mode. Return { skip: true } for "ignore" on an existing path. */
  prepareWrite?(job: WriteJob): Promise<{ skip: boolean }>;
  /**
   * Worker side: write one partition's rows (arrays in job.schema order). Tasks run their pipeline
   * synchronously and a task's result is encoded without awaiting, so writeTask does its work
   * synchronously and returns the array (the SQL core's writer refuses a Promise).
   */
  writeTask?(job: WriteJob, taskId: number, rows: Iterable<InternalRow>): WrittenFile[];
  /** Driver side after all tasks succeeded. */
  commitWrite?(job: WriteJob, files: WrittenFile[][]): Promise<void>;
  /** Driver side when the job failed. */
  abortWrite?(job: WriteJob): Promise<void>;
}

const registry = new Map<string, DataSource>();

/** Register (or replace) the data source for a format name (case-insensitive). */
export function registerDataSource(ds: DataSource): void {
  registry.set(ds.format.toLowerCase(), ds);
}

export function getDataSource(format: string): DataSource | undefined {
  return registry.get(format.toLowerCase());
}

export function registeredFormats(): string[] {
  return [...registry.keys()];
}

/**
 * A write option catalog table writes set (saveAsTable, CREATE TABLE): the operation a versioned
 * format names in its history ("CREATE TABLE AS SELECT", ...). Other formats ignore it.
 */
export const TABLE_OPERATION_OPTION = "__table_operation";
