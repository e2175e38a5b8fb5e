// Public surface of the file data sources (CSV, JSON lines, text, Parquet): one FileFormat per
// format (file-format.ts) behind one file data source (file-source.ts) that registers each with
// the SQL core; in-process scans and writes (local-read.ts, write-local.ts), the write commit
// protocol, and danfojs interop. engine/sql's DataFrameReader/Writer reach them through the registry.

// The built-in formats (each registers itself with the SQL core, on the driver and in every executor thread).
import "./csv-format";
import "./json-format";
import "./text-source";
import "./parquet-format";

export type { Row, PartitionedFile, InputSplit, PushedFilter, ReadMetrics } from "./types";
export { emptyMetrics } from "./types";
export { Options, parseByteSize } from "./options";
export { fileFormat, fileFormatNames, outputFields, type FileFormat, type ScanColumns } from "./file-format";
export { registerFileFormat, fileDataSource, readFileScanSplit, readFileScanSplitColumns, type FileScanSplit } from "./file-source";
export { inferFileSchema, resolveScan, readSplit, readLocal, type ScanRequest, type ScanTask, type ResolvedScan, type MetricsSink } from "./local-read";
export { planSplits, isSplittable, type SplitOptions } from "./splits";
export { listFiles, localPath, fileUri, type ListedFile, type FileListing } from "./file-listing";
export { evalFilter, mightMatch, filterColumns, compareValues } from "./filters";
export { fileWriteJob, prepareWrite, writeTaskFiles, commitWrite, abortWrite, listOutput } from "./write-files";
export { writeParquet } from "./parquet-writer";
export { readParquetMetadata, inferParquetSchema, rowGroupsOfSplit } from "./parquet-source";
export { parquetToSpark, sparkToParquet } from "./parquet-schema";
export { toDanfo, fromDanfo, type DanfoFrame } from "./danfo";
export { writeLocal } from "./write-local";
