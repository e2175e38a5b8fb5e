// Plain-data shapes shared by the readers, writers and split planner. Everything here crosses
// the driver -> worker wire inside a task, so it must stay plain data (no classes, no functions).

/** A row as the SQL layer sees it: plain object keyed by column name, in schema order. */
export type Row = Record<string, unknown>;

/** One file (or byte range / row groups of one file) inside a split. */
export interface PartitionedFile {
  /** Absolute local path (no file: prefix). */
  path: string;
  /** Byte range [start, start+length) for line-based formats; whole file for others. */
  start: number;
  length: number;
  fileSize: number;
  /** Values of Hive-style partition columns (col=value directories), already typed. */
  partitionValues: Row;
  /** Parquet only: indexes of the row groups this split reads (null: all). */
  rowGroups?: number[] | null;
}

/** One partition of a file scan: Spark's FilePartition (several small files may share one). */
export interface InputSplit {
  /** The file format's name (file-format.ts). */
  format: string;
  index: number;
  files: PartitionedFile[];
}

/** Filters the scan may use to skip data: the SQL core's (engine/sql/datasource-contract.ts). */
export type { PushedFilter } from "../datasource-contract";

/** What a split read did, for metrics and for tests that show pushdown saves I/O. */
export interface ReadMetrics {
  bytesRead: number;
  rowsRead: number;
  filesRead: number;
  rowGroupsRead: number;
  rowGroupsSkipped: number;
}

export function emptyMetrics(): ReadMetrics {
  return { bytesRead: 0, rowsRead: 0, filesRead: 0, rowGroupsRead: 0, rowGroupsSkipped: 0 };
}
