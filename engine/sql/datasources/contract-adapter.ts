// Implements the SQL core's DataSource seam (engine/sql/datasource-contract.ts) for csv, json,
// text and parquet on top of this folder's readers and writers, and registers them at module
// load so that driver and workers both resolve a scan by its format name. Rows cross the seam
// as arrays in the order of the requested columns.

import { setField } from "../../common/fields";
import {
  registerDataSource,
  type DataSource,
  type DataSourceOptions as ContractOptions,
  type InternalRow,
  type ReadRequest,
  type WriteJob as ContractWriteJob,
  type WrittenFile as ContractWrittenFile,
} from "../datasource-contract";
import { StructType, type StructField } from "../types";
import { evalFilter, filterColumns } from "./filters";
import { listFiles, localPath } from "./file-listing";
import { inferDataSchema, listingOptions } from "./datasource";
import { readFileRows } from "./read-file";
import { Options } from "./options";
import { partitionValueText } from "./partition-values";
import { registerShippable } from "./shippable";
import { planSplits } from "./splits";
import { abortWrite, commitWrite, isDynamicOverwrite, prepareWrite, writeTaskFiles, type WriteJob } from "./write-files";
import { readParquetBatches } from "./parquet-source";
import { isNumberType, rowsToBatch, type ColumnBatch } from "../column-batch";
import { emptyMetrics, type FileFormat, type InputSplit, type ReadMetrics, type Row, type WrittenFile } from "./types";

/** A split as the SQL core ships it to a task: plain data. */
export interface FileScanSplit {
  split: InputSplit;
  /** Which columns of the data schema come from directory names. */
  partitionColumns: string[];
}

function toStruct(s: StructType | { fields: StructField[] }): StructType {
  return s instanceof StructType ? s : new StructType(s.fields);
}

/** The split's data and partition columns (the request's schema split by the partition names). */
function scanColumns(split: FileScanSplit, req: ReadRequest) {
  const full = toStruct(req.dataSchema);
  const partSet = new Set(split.partitionColumns.map((c) => c.toLowerCase()));
  return {
    dataSchema: new StructType(full.fields.filter((f) => !partSet.has(f.name.toLowerCase()))),
    partitionSchema: new StructType(full.fields.filter((f) => partSet.has(f.name.toLowerCase()))),
    requiredColumns: req.requiredColumns,
  };
}

/** Worker side: one split's rows as arrays in `req.requiredColumns` order. */
export const readFileScanSplit = registerShippable("sql.datasources.readFileScanSplit",
  async function readFileScanSplit(format: FileFormat, split: FileScanSplit, req: ReadRequest, metrics?: ReadMetrics): Promise<InternalRow[]> {
    const cols = scanColumns(split, req);
    const o = new Options(req.options);
    const names = req.requiredColumns;
    const out: InternalRow[] = [];
    const push = (r: Row) => out.push(names.map((n) => r[n] ?? null));
    const m = metrics ?? emptyMetrics();
    const filters = req.pushedFilters;
    for (const file of split.split.files) {
      m.filesRead++;
      await readFileRows(format, file, cols, o, filters, m, push);
    }
    return out;
  });

/**
 * Worker side, Parquet: one split as column batches (one per row group), the same values and
 * metrics as readFileScanSplit. With ignoreMissingFiles/ignoreCorruptFiles the row reader (which
 * implements them) runs and its rows form one batch.
 */
export async function* readParquetScanSplitColumns(split: FileScanSplit, req: ReadRequest, metrics: ReadMetrics): AsyncGenerator<ColumnBatch> {
  const o = new Options(req.options);
  if (o.bool("ignoreMissingFiles", o.bool("spark.sql.files.ignoreMissingFiles", false)) || o.bool("ignoreCorruptFiles", o.bool("spark.sql.files.ignoreCorruptFiles", false))) {
    const rows = await readFileScanSplit("parquet", split, req, metrics);
    const full = toStruct(req.dataSchema);
    yield rowsToBatch(rows, req.requiredColumns.map((n) => isNumberType(full.fields.find((f) => f.name === n)?.dataType ?? { type: "string" })));
    return;
  }
  const cols = scanColumns(split, req);
  const filters = req.pushedFilters;
  for (const file of split.split.files) {
    metrics.filesRead++;
    yield* readParquetBatches(file, cols, filters, metrics);
  }
}

function toInternalJob(job: ContractWriteJob, skip = false): WriteJob {
  const schema = toStruct(job.schema);
  return {
    dir: localPath(job.path),
    jobId: job.jobId,
    format: job.format.toLowerCase() as FileFormat,
    schema,
    partitionBy: job.partitionBy.map((c) => schema.field(c)?.name ?? c),
    options: job.options,
    skip,
    dynamicOverwrite: isDynamicOverwrite(job.mode, job.partitionBy, job.options),
  };
}

function makeSource(format: FileFormat): DataSource {
  return {
    format,
    inferSchema(paths: string[], options: ContractOptions): StructType {
      const o = new Options(options);
      const listing = listFiles(paths, listingOptions(o));
      const data = inferDataSchema(format, listing, o, emptyMetrics());
      const part = listing.partitionSchema;
      return new StructType([...data.fields.filter((f) => !part.field(f.name)), ...part.fields]);
    },
    async planSplits(paths, options, dataSchema, hints): Promise<FileScanSplit[]> {
      return this.planSplitsSync!(paths, options, dataSchema, hints) as FileScanSplit[];
    },
    planSplitsSync(paths, options, dataSchema, hints): FileScanSplit[] {
      const o = new Options(options);
      const schema = toStruct(dataSchema);
      const listing = listFiles(paths, listingOptions(o, schema));
      const partitionColumns = listing.partitionSchema.fieldNames;
      const pushed = hints.pushedFilters;
      const partFilters = pushed.filter((f) => filterColumns(f).every((c) => listing.partitionSchema.field(c)));
      const files = partFilters.length
        ? listing.files.filter((f) => partFilters.every((pf) => evalFilter(pf, f.partitionValues) === true))
        : listing.files;
      const parallelism = (hints as { defaultParallelism?: number }).defaultParallelism ?? (o.has("defaultParallelism") ? o.num("defaultParallelism", 1) : undefined);
      return planSplits(format, files, o, { defaultParallelism: parallelism }).map((split) => ({ split, partitionColumns }));
    },
    async readSplit(split: unknown, req: ReadRequest): Promise<InternalRow[]> {
      // Optional extra on the request: the task context's metrics, so file bytes show in the task's input metrics.
      const tm = (req as ReadRequest & { taskMetrics?: { bytesRead: number; recordsRead: number } }).taskMetrics;
      const m = emptyMetrics();
      const rows = await readFileScanSplit(format, split as FileScanSplit, req, m);
      if (tm) {
        tm.bytesRead += m.bytesRead;
        tm.recordsRead += rows.length;
      }
      return rows;
    },
    readSplitColumns: format !== "parquet" ? undefined : async function* (split: unknown, req) {
      const tm = req.taskMetrics;
      const m = emptyMetrics();
      let bytes = 0;
      for await (const b of readParquetScanSplitColumns(split as FileScanSplit, req, m)) {
        if (tm) { tm.bytesRead += m.bytesRead - bytes; tm.recordsRead += b.length; bytes = m.bytesRead; }
        yield b;
      }
      if (tm) tm.bytesRead += m.bytesRead - bytes;
    },
    async prepareWrite(job: ContractWriteJob): Promise<{ skip: boolean }> {
      const j = prepareWrite(format, job.path, toStruct(job.schema), { mode: job.mode, partitionBy: job.partitionBy, options: job.options, jobId: job.jobId });
      return { skip: j.skip };
    },
    // Synchronous on purpose: the SQL core encodes a task's result without awaiting it.
    writeTask(job: ContractWriteJob, taskId: number, rows: Iterable<InternalRow>): ContractWrittenFile[] {
      const ij = toInternalJob(job);
      const names = ij.schema.fieldNames;
      const objects = function* (): Generator<Row> {
        for (const arr of rows) {
          const r: Row = {};
          names.forEach((n, i) => { setField(r, n, arr[i] ?? null); });
          yield r;
        }
      };
      const partTypes = new Map(ij.schema.fields.map((f) => [f.name, f.dataType]));
      return writeTaskFiles(ij, taskId, objects()).map((w) => ({
        path: `${ij.dir}/${w.relativePath}`,
        bytes: w.bytes,
        rows: w.rows,
        partitionValues: Object.fromEntries(Object.entries(w.partitionValues).map(([k, v]) => [k, partitionValueText(v, partTypes.get(k)!)])),
        relativePath: w.relativePath,
        tempPath: w.tempPath,
      }));
    },
    async commitWrite(job: ContractWriteJob, files: ContractWrittenFile[][]): Promise<void> {
      const flat = files.flat().map((f) => ({
        relativePath: f.relativePath!, tempPath: f.tempPath!, rows: f.rows, bytes: f.bytes, partitionValues: {},
      }) satisfies WrittenFile);
      commitWrite(toInternalJob(job), flat);
    },
    async abortWrite(job: ContractWriteJob): Promise<void> {
      abortWrite(toInternalJob(job));
    },
  };
}

for (const f of ["csv", "json", "text", "parquet"] as const) registerDataSource(makeSource(f));
