// Reading files in this process or through sc.readSplits, with the same planning and readers the
// file data source uses (file-source.ts): resolveScan plans a scan as plain-data tasks, readSplit
// (registered by name, so tasks ship a reference) reads one, readLocal reads a whole scan here
// (tests, small local reads, the driver's own needs). Rows are objects keyed by column name.

import { AnalysisError } from "../../common/errors";
import { dataSourceOptions, type OptionValue, type ReadRequest } from "../datasource-contract";
import { StructType } from "../types";
import { fileFormat } from "./file-format";
import { fileScanSchema, planFileScan, readScanRows, type FileScanSplit } from "./file-source";
import type { ListedFile } from "./file-listing";
import { Options } from "./options";
import { registerShippable } from "./shippable";
import type { SplitOptions } from "./splits";
import { emptyMetrics, type PushedFilter, type ReadMetrics, type Row } from "./types";

export interface ScanRequest {
  format: string;
  paths: string[];
  options?: Record<string, OptionValue | null | undefined>;
  /** spark.read.schema(...): skips inference. */
  userSchema?: StructType;
  /** Column pruning: output only these (data or partition) columns, in this order. */
  requiredColumns?: string[];
  /** Filters the scan may use to skip partitions / row groups (rows are still re-filtered above). */
  pushedFilters?: PushedFilter[];
}

/** What one task needs to read one split: plain data only (the file source's split and read request). */
export interface ScanTask {
  format: string;
  split: FileScanSplit;
  request: ReadRequest;
}

export interface ResolvedScan {
  format: string;
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

/** Spark's schema of `format` files at `paths` (what spark.read...load(paths).schema shows). */
export async function inferFileSchema(format: string, paths: string[], options: ScanRequest["options"] = {}): Promise<StructType> {
  return fileScanSchema(fileFormat(format), paths, new Options(options), undefined, emptyMetrics()).schema;
}

/** Driver side: everything needed to run a scan as one task per split. */
export async function resolveScan(req: ScanRequest, so: SplitOptions = {}): Promise<ResolvedScan> {
  const format = fileFormat(req.format);
  const options = dataSourceOptions(req.options ?? {});
  const o = new Options(options);
  const inferenceMetrics = emptyMetrics();
  const { schema, dataSchema, partitionSchema, listing } = fileScanSchema(format, req.paths, o, req.userSchema, inferenceMetrics);
  for (const c of req.requiredColumns ?? []) {
    if (!schema.field(c)) {
      throw new AnalysisError("UNRESOLVED_COLUMN.WITH_SUGGESTION", `A column or function parameter with name \`${c}\` cannot be resolved. Did you mean one of the following? [${schema.fieldNames.map((n) => "`" + n + "`").join(", ")}].`, { parameters: { objectName: c } });
    }
  }
  const pushed = req.pushedFilters ?? [];
  const { files, partitionFilters, splits } = planFileScan(format, listing, o, pushed, so);
  const request: ReadRequest = {
    dataSchema: schema,
    requiredColumns: req.requiredColumns ?? schema.fieldNames,
    pushedFilters: pushed.filter((f) => !partitionFilters.includes(f)),
    options,
  };
  const tasks = splits.map((split) => ({ format: format.name, split, request }));
  return { format: format.name, schema, dataSchema, partitionSchema, files, totalFiles: listing.files.length, tasks, inferenceMetrics };
}

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
  const rows: Row[] = [];
  await readScanRows(task.format, task.split, task.request, metrics, (r) => rows.push(r));
  if (taskMetrics && metrics) {
    taskMetrics.bytesRead += metrics.bytesRead;
    taskMetrics.recordsRead += rows.length;
  }
  return rows;
});

/** Read a whole scan in this process. */
export async function readLocal(req: ScanRequest, so: SplitOptions = {}): Promise<{ schema: StructType; rows: Row[]; metrics: ReadMetrics; splits: number }> {
  const scan = await resolveScan(req, so);
  const metrics = emptyMetrics();
  const rows: Row[] = [];
  for (const t of scan.tasks) for (const r of await readSplit(t, metrics)) rows.push(r);
  const outSchema = req.requiredColumns ? new StructType(req.requiredColumns.map((c) => scan.schema.field(c)!)) : scan.schema;
  return { schema: outSchema, rows, metrics, splits: scan.tasks.length };
}
