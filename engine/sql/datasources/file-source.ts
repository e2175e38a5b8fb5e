// The file data source: one implementation of the SQL core's DataSource seam
// (../datasource-contract.ts) for every FileFormat (file-format.ts), like Spark's
// FileSourceScanExec and InsertIntoHadoopFsRelationCommand around a FileFormat. Driver side: list
// the paths, discover Hive partitions, infer or take the schema, prune partitions with the pushed
// filters, plan splits. Worker side: read a split's files through the format (registered by name,
// so tasks ship a reference), with ignoreMissingFiles/ignoreCorruptFiles. Writes: the commit
// protocol of write-files.ts. Rows cross the seam as arrays in the requested columns' order.

import { setField } from "../../common/fields";
import { AnalysisError } from "../../common/errors";
import { registerDataSource, type DataSource, type DataSourceOptions, type InternalRow, type ReadRequest, type ScanHints, type WriteJob, type WrittenFile } from "../datasource-contract";
import { isNumberType, rowBatches, rowsToBatch, type ColumnBatch } from "../column-batch";
import { StructType } from "../types";
import { addFileFormat, fileFormat, outputFields, type FileFormat, type ScanColumns } from "./file-format";
import { listFiles, type FileListing, type ListedFile } from "./file-listing";
import { evalFilter, filterColumns } from "./filters";
import { Options } from "./options";
import { readFileRows } from "./read-file";
import { registerShippable } from "./shippable";
import { planSplits, type SplitOptions } from "./splits";
import { emptyMetrics, type InputSplit, type PartitionedFile, type PushedFilter, type ReadMetrics, type Row } from "./types";
import { abortWrite, commitWrite, prepareWrite, writeTaskFiles } from "./write-files";

/** A split as the SQL core ships it to a task: plain data. */
export interface FileScanSplit {
  split: InputSplit;
  /** Which columns of the data schema come from directory names. */
  partitionColumns: string[];
}

/** File-listing options from reader options. */
export function listingOptions(o: Options, userSchema?: StructType) {
  return {
    recursiveFileLookup: o.bool("recursiveFileLookup", false),
    pathGlobFilter: o.get("pathGlobFilter"),
    basePath: o.get("basePath"),
    inferPartitionTypes: o.bool("spark.sql.sources.partitionColumnTypeInference.enabled", true),
    userSchema,
  };
}

function asWholeFiles(files: ListedFile[]): PartitionedFile[] {
  return files.map((f) => ({ path: f.path, start: 0, length: f.size, fileSize: f.size, partitionValues: f.partitionValues }));
}

/** The data schema (without partition columns) of listed files (synchronous: bounded driver-side reads). */
export function inferDataSchema(format: FileFormat, listing: FileListing, o: Options, metrics: ReadMetrics): StructType {
  if (format.fixedSchema) return format.fixedSchema;
  const files = listing.files.filter((f) => f.size > 0);
  if (files.length === 0) {
    const name = format.name.toUpperCase();
    throw new AnalysisError("UNABLE_TO_INFER_SCHEMA", `Unable to infer schema for ${name}. It must be specified manually.`, { parameters: { format: name } });
  }
  return format.inferSchema(asWholeFiles(files), o, metrics);
}

/** A file scan's schemas: the data columns (user's or inferred) then the partition columns (the directory wins a name both have, as in Spark). */
export interface FileScanSchema {
  schema: StructType;
  dataSchema: StructType;
  partitionSchema: StructType;
  listing: FileListing;
}

export function fileScanSchema(format: FileFormat, paths: string[], o: Options, userSchema: StructType | undefined, metrics: ReadMetrics): FileScanSchema {
  const listing = listFiles(paths, listingOptions(o, userSchema));
  const partitionSchema = listing.partitionSchema;
  const fromFiles = userSchema ?? inferDataSchema(format, listing, o, metrics);
  let dataSchema = new StructType(fromFiles.fields.filter((f) => !partitionSchema.field(f.name)));
  if (format.fixedSchema && !format.fixedSchema.fields.every((f) => dataSchema.field(f.name))) dataSchema = format.fixedSchema;
  return { schema: new StructType([...dataSchema.fields, ...partitionSchema.fields]), dataSchema, partitionSchema, listing };
}

/** Partition pruning: the listed files whose directory values pass the filters over partition columns only, and those filters. */
export function prunePartitions(listing: FileListing, pushed: PushedFilter[]): { files: ListedFile[]; partitionFilters: PushedFilter[] } {
  const partitionFilters = pushed.filter((f) => filterColumns(f).every((c) => listing.partitionSchema.field(c)));
  const files = partitionFilters.length
    ? listing.files.filter((f) => partitionFilters.every((pf) => evalFilter(pf, f.partitionValues) === true))
    : listing.files;
  return { files, partitionFilters };
}

/** The split's data and partition columns (the request's schema split by the partition names). */
function scanColumns(split: FileScanSplit, req: ReadRequest): ScanColumns {
  const full = StructType.of(req.dataSchema);
  const partSet = new Set(split.partitionColumns.map((c) => c.toLowerCase()));
  return {
    dataSchema: new StructType(full.fields.filter((f) => !partSet.has(f.name.toLowerCase()))),
    partitionSchema: new StructType(full.fields.filter((f) => partSet.has(f.name.toLowerCase()))),
    requiredColumns: req.requiredColumns,
  };
}

/** Worker side: the rows of one split, as the format reads them (objects keyed by column name). */
export async function readScanRows(formatName: string, split: FileScanSplit, req: ReadRequest, metrics: ReadMetrics | undefined, push: (r: Row) => void): Promise<void> {
  const format = fileFormat(formatName);
  const cols = scanColumns(split, req);
  const o = new Options(req.options);
  for (const file of split.split.files) {
    if (metrics) metrics.filesRead++;
    await readFileRows(format, file, cols, o, req.pushedFilters, metrics, push);
  }
}

/**
 * Worker side: one split's rows as arrays in `req.requiredColumns` order. The bytes and records it
 * reads go to `metrics` if given and to the request's task metrics.
 */
export const readFileScanSplit = registerShippable("sql.datasources.readFileScanSplit",
  async function readFileScanSplit(format: string, split: FileScanSplit, req: ReadRequest, metrics: ReadMetrics = emptyMetrics()): Promise<InternalRow[]> {
    const names = req.requiredColumns;
    const out: InternalRow[] = [];
    const bytes0 = metrics.bytesRead;
    await readScanRows(format, split, req, metrics, (r) => out.push(names.map((n) => r[n] ?? null)));
    if (req.taskMetrics) {
      req.taskMetrics.bytesRead += metrics.bytesRead - bytes0;
      req.taskMetrics.recordsRead += out.length;
    }
    return out;
  });

/**
 * Worker side: one split as column batches, the same values and metrics as readFileScanSplit:
 * the format's batches (Parquet: one per row group), or the rows as one batch for a format
 * without them and whenever ignoreMissingFiles/ignoreCorruptFiles is set (the row reader implements those).
 */
export async function* readFileScanSplitColumns(formatName: string, split: FileScanSplit, req: ReadRequest, metrics: ReadMetrics): AsyncGenerator<ColumnBatch> {
  const format = fileFormat(formatName);
  const o = new Options(req.options);
  const tolerant = o.bool("ignoreMissingFiles", o.bool("spark.sql.files.ignoreMissingFiles", false)) || o.bool("ignoreCorruptFiles", o.bool("spark.sql.files.ignoreCorruptFiles", false));
  if ((!format.readFileBatches && !format.readFileValues) || tolerant) {
    // The row reader's metrics only: the caller counts this batch into the task's metrics.
    const rows = await readFileScanSplit(formatName, split, { ...req, taskMetrics: undefined }, metrics);
    const full = StructType.of(req.dataSchema);
    yield rowsToBatch(rows, req.requiredColumns.map((n) => isNumberType(full.fields.find((f) => f.name === n)?.dataType ?? { type: "string" })));
    return;
  }
  const cols = scanColumns(split, req);
  const numeric = outputFields(cols).map((f) => isNumberType(f.dataType));
  for (const file of split.split.files) {
    metrics.filesRead++;
    if (format.readFileBatches) for await (const b of format.readFileBatches(file, cols, o, req.pushedFilters, metrics, req.reuseBuffers)) yield b;
    else yield* rowBatches(format.readFileValues!(file, cols, o, metrics), numeric);
  }
}

/** Driver side: the splits of a scan, after partition pruning. */
export function planFileScan(format: FileFormat, listing: FileListing, o: Options, pushed: PushedFilter[], so: SplitOptions): { files: ListedFile[]; partitionFilters: PushedFilter[]; splits: FileScanSplit[] } {
  const { files, partitionFilters } = prunePartitions(listing, pushed);
  const partitionColumns = listing.partitionSchema.fieldNames;
  const splits = planSplits(format, files, o, so).map((split) => ({ split, partitionColumns }));
  return { files, partitionFilters, splits };
}

/** Rows (arrays in job.schema order) as the objects the file writers take. */
export function* rowObjects(names: string[], rows: Iterable<InternalRow>): Generator<Row> {
  for (const arr of rows) {
    const r: Row = {};
    names.forEach((n, i) => { setField(r, n, arr[i] ?? null); });
    yield r;
  }
}

/** The DataSource of a file format. */
export function fileDataSource(format: FileFormat): DataSource {
  const planSync = (paths: string[], options: DataSourceOptions, dataSchema: StructType, hints: ScanHints): FileScanSplit[] => {
    const o = new Options(options);
    const listing = listFiles(paths, listingOptions(o, StructType.of(dataSchema)));
    return planFileScan(format, listing, o, hints.pushedFilters, { defaultParallelism: hints.defaultParallelism }).splits;
  };
  const withTaskMetrics = async function* (batches: AsyncIterable<ColumnBatch>, m: ReadMetrics, tm: ReadRequest["taskMetrics"]): AsyncGenerator<ColumnBatch> {
    let bytes = 0;
    for await (const b of batches) {
      if (tm) { tm.bytesRead += m.bytesRead - bytes; tm.recordsRead += b.length; bytes = m.bytesRead; }
      yield b;
    }
    if (tm) tm.bytesRead += m.bytesRead - bytes;
  };
  return {
    format: format.name,
    inferSchema(paths, options) {
      return fileScanSchema(format, paths, new Options(options), undefined, emptyMetrics()).schema;
    },
    userSchemaWithPartitions(paths, options, userSchema) {
      return fileScanSchema(format, paths, new Options(options), userSchema, emptyMetrics()).schema;
    },
    planSplitsSync: planSync,
    async planSplits(paths, options, dataSchema, hints) {
      return planSync(paths, options, dataSchema, hints);
    },
    readSplit: (split, req) => readFileScanSplit(format.name, split as FileScanSplit, req),
    readSplitColumns: format.readFileBatches || format.readFileValues ? (split, req) => {
      const m = emptyMetrics();
      return withTaskMetrics(readFileScanSplitColumns(format.name, split as FileScanSplit, req, m), m, req.taskMetrics);
    } : undefined,
    async prepareWrite(job) {
      return prepareWrite(job);
    },
    // Synchronous on purpose: the SQL core encodes a task's result without awaiting it.
    writeTask(job: WriteJob, taskId: number, rows: Iterable<InternalRow>): WrittenFile[] {
      return writeTaskFiles(job, taskId, rowObjects(StructType.of(job.schema).fieldNames, rows));
    },
    async commitWrite(job, files) {
      commitWrite(job, files.flat());
    },
    async abortWrite(job) {
      abortWrite(job);
    },
  };
}

/** Register a file format: spark.read.format(name) and df.write.format(name) reach it, on the driver and in every executor thread. */
export function registerFileFormat(format: FileFormat): void {
  addFileFormat(format);
  registerDataSource(fileDataSource(format));
}
