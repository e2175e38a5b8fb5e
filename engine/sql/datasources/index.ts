// Public surface of the file data sources (CSV, JSON lines, text, Parquet): driver-side scan
// resolution and split planning, the worker-side split reader, writers with a job commit
// protocol, and danfojs interop. engine/sql's DataFrameReader/Writer build on these.

export type {
  FileFormat, Row, DataSourceOptions, PartitionedFile, InputSplit, PushedFilter, ReadMetrics, SaveMode, WrittenFile,
} from "./types";
export { emptyMetrics } from "./types";
export { Options, parseByteSize } from "./options";
export {
  FORMATS, checkFormat, inferFileSchema, inferDataSchema, resolveScan, readSplit, readLocal,
  type ScanRequest, type ScanTask, type ResolvedScan, type MetricsSink,
} from "./datasource";
export { planSplits, isSplittable, type SplitOptions } from "./splits";
export { listFiles, localPath, fileUri, type ListedFile, type FileListing } from "./file-listing";
export { evalFilter, mightMatch, filterColumns, compareValues } from "./filters";
export { prepareWrite, writeTaskFiles, commitWrite, abortWrite, listOutput, type WriteJob } from "./write-files";
export { readParquetMetadata, inferParquetSchema, rowGroupsOfSplit } from "./parquet-source";
export { parquetToSpark, sparkToParquet } from "./parquet-schema";
export { toDanfo, fromDanfo } from "./danfo";
export { writeLocal } from "./write-local";
// Registers csv/json/text/parquet with the SQL core's DataSource registry (driver and workers).
export { readFileScanSplit, type FileScanSplit } from "./contract-adapter";
