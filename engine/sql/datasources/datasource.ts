// The data sources' front door. Driver side: resolveScan (list files, discover partitions,
// infer or take the schema, prune partitions with pushed filters, plan splits). Worker side:
// readSplit (registered by name so tasks ship a reference, not the reader's source).
// Everything a ScanTask holds is plain data.

import { AnalysisError } from "../../common/errors";
import { StructType, type StructField } from "../types";
import { inferCsvSchema, type ScanColumns } from "./csv-source";
import { evalFilter, filterColumns } from "./filters";
import { listFiles, type FileListing, type ListedFile } from "./file-listing";
import { inferJsonSchema } from "./json-source";
import { Options } from "./options";
import { inferParquetSchemaSync } from "./parquet-footer";
import { readFileRows } from "./read-file";
import { registerShippable } from "./shippable";
import { planSplits, type SplitOptions } from "./splits";
import { TEXT_SCHEMA } from "./text-source";
import { emptyMetrics, type DataSourceOptions, type FileFormat, type InputSplit, type PartitionedFile, type PushedFilter, type ReadMetrics, type Row } from "./types";

export const FORMATS: readonly FileFormat[] = ["csv", "json", "text", "parquet"];

export function checkFormat(format: string): FileFormat {
  const f = format.toLowerCase();
  if ((FORMATS as readonly string[]).includes(f)) return f as FileFormat;
  throw new AnalysisError("DATA_SOURCE_NOT_FOUND", `Failed to find the data source: ${format}. Available: ${FORMATS.join(", ")}.`, { parameters: { provider: format } });
}

export interface ScanRequest {
  format: FileFormat | string;
  paths: string[];
  options?: DataSourceOptions;
  /** spark.read.schema(...): skips inference. */
  userSchema?: StructType;
  /** Column pruning: output only these (data or partition) columns, in this order. */
  requiredColumns?: string[];
  /** Filters the scan may use to skip partitions / row groups (rows are still re-filtered above). */
  pushedFilters?: PushedFilter[];
}

/** What one task needs to read one split: plain data only. */
export interface ScanTask {
  split: InputSplit;
  dataFields: StructField[];
  partitionFields: StructField[];
  options: DataSourceOptions;
  requiredColumns?: string[];
  pushedFilters: PushedFilter[];
}

export interface ResolvedScan {
  format: FileFormat;
  /** Full schema the scan offers: data columns then partition columns. */
  schema: StructType;
  dataSchema: StructType;
  partitionSchema: StructType;
  /** Files after partition pruning. */
  files: ListedFile[];
  /** Files before partition pruning (for explain: "PartitionFilters" savings). */
  totalFiles: number;
  tasks: ScanTask[];
  /** Bytes the driver read for schema inference. */
  inferenceMetrics: ReadMetrics;
}

/** File-listing options from reader options (shared with the contract adapter). */
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

/** Infer the data schema (without partition columns) of files in a format (synchronous: bounded driver-side reads). */
export function inferDataSchema(format: FileFormat, listing: FileListing, o: Options, metrics: ReadMetrics): StructType {
  const files = listing.files.filter((f) => f.size > 0);
  if (format === "text") return TEXT_SCHEMA;
  if (files.length === 0) {
    throw new AnalysisError("UNABLE_TO_INFER_SCHEMA", `Unable to infer schema for ${format.toUpperCase()}. It must be specified manually.`, { parameters: { format: format.toUpperCase() } });
  }
  switch (format) {
    case "csv": return inferCsvSchema(asWholeFiles(files), o, metrics);
    case "json": return inferJsonSchema(asWholeFiles(files), o, metrics);
    case "parquet": return inferParquetSchemaSync(files.map((f) => f.path), o.bool("mergeSchema", false), metrics);
  }
}

/** Spark's schema of `format` files at `paths` (what spark.read...load(paths).schema shows). */
export async function inferFileSchema(format: FileFormat | string, paths: string[], options: DataSourceOptions = {}): Promise<StructType> {
  return (await resolveScan({ format, paths, options })).schema;
}

/** Driver side: everything needed to run a scan as one task per split. */
export async function resolveScan(req: ScanRequest, so: SplitOptions = {}): Promise<ResolvedScan> {
  const format = checkFormat(req.format);
  const o = new Options(req.options);
  const listing = listFiles(req.paths, listingOptions(o, req.userSchema));
  const inferenceMetrics = emptyMetrics();
  let dataSchema: StructType;
  const partitionSchema = listing.partitionSchema;
  if (req.userSchema) {
    dataSchema = new StructType(req.userSchema.fields.filter((f) => !partitionSchema.field(f.name)));
    if (format === "text" && !dataSchema.field("value")) dataSchema = TEXT_SCHEMA;
  } else {
    const inferred = inferDataSchema(format, listing, o, inferenceMetrics);
    // A column present both in the files and in the directory names: the directory wins (Spark).
    dataSchema = new StructType(inferred.fields.filter((f) => !partitionSchema.field(f.name)));
  }
  const schema = new StructType([...dataSchema.fields, ...partitionSchema.fields]);
  for (const c of req.requiredColumns ?? []) {
    if (!schema.field(c)) {
      throw new AnalysisError("UNRESOLVED_COLUMN.WITH_SUGGESTION", `A column or function parameter with name \`${c}\` cannot be resolved. Did you mean one of the following? [${schema.fieldNames.map((n) => "`" + n + "`").join(", ")}].`, { parameters: { objectName: c } });
    }
  }
  const pushed = req.pushedFilters ?? [];
  // Partition pruning: filters over partition columns only are decided per directory.
  const partFilters = pushed.filter((f) => filterColumns(f).every((c) => partitionSchema.field(c)));
  const files = partFilters.length
    ? listing.files.filter((f) => partFilters.every((pf) => evalFilter(pf, f.partitionValues) === true))
    : listing.files;
  const splits = planSplits(format, files, o, so);
  const tasks = splits.map((split) => ({
    split,
    dataFields: dataSchema.fields,
    partitionFields: partitionSchema.fields,
    options: req.options ?? {},
    requiredColumns: req.requiredColumns,
    pushedFilters: pushed.filter((f) => !partFilters.includes(f)),
  }));
  return { format, schema, dataSchema, partitionSchema, files, totalFiles: listing.files.length, tasks, inferenceMetrics };
}

/** Worker side: the rows of one split. `metrics` (if given) accumulates bytes/rows read. */
/** Where a split read reports what it read: our ReadMetrics, or a task context's metrics. */
export type MetricsSink = ReadMetrics | { metrics: { bytesRead: number; recordsRead: number } };

/**
 * Worker side: the rows of one split. Pass ReadMetrics to collect bytes/rows/row groups, or the
 * task context sc.readSplits hands the reader (`(t, tc) => readSplit(t, tc)`) so the bytes and
 * records show up in the task's input metrics.
 */
export const readSplit = registerShippable("sql.datasources.readSplit", async (task: ScanTask, sink?: MetricsSink): Promise<Row[]> => {
  const taskMetrics = sink && "metrics" in sink && sink.metrics && typeof sink.metrics.bytesRead === "number" ? sink.metrics : undefined;
  const metrics = taskMetrics ? emptyMetrics() : (sink as ReadMetrics | undefined);
  const rows = await readTask(task, metrics);
  if (taskMetrics && metrics) {
    taskMetrics.bytesRead += metrics.bytesRead;
    taskMetrics.recordsRead += rows.length;
  }
  return rows;
});

async function readTask(task: ScanTask, metrics: ReadMetrics | undefined): Promise<Row[]> {
  const cols: ScanColumns = {
    dataSchema: new StructType(task.dataFields),
    partitionSchema: new StructType(task.partitionFields),
    requiredColumns: task.requiredColumns,
  };
  const o = new Options(task.options);
  const rows: Row[] = [];
  for (const file of task.split.files) {
    if (metrics) metrics.filesRead++;
    await readFileRows(task.split.format, file, cols, o, task.pushedFilters, metrics, (r) => rows.push(r));
  }
  return rows;
}

/** Read a whole scan in this process (tests, small local reads, the driver's own needs). */
export async function readLocal(req: ScanRequest, so: SplitOptions = {}): Promise<{ schema: StructType; rows: Row[]; metrics: ReadMetrics; splits: number }> {
  const scan = await resolveScan(req, so);
  const metrics = emptyMetrics();
  const rows: Row[] = [];
  for (const t of scan.tasks) for (const r of await readSplit(t, metrics)) rows.push(r);
  const outSchema = req.requiredColumns ? new StructType(req.requiredColumns.map((c) => scan.schema.field(c)!)) : scan.schema;
  return { schema: outSchema, rows, metrics, splits: scan.tasks.length };
}
