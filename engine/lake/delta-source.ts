// The "delta" data source behind spark.read.format("delta") and df.write.format("delta"):
// reads resolve a snapshot (latest, versionAsOf or timestampAsOf) and scan exactly its live files
// (partition values from the log, partition pruning, data skipping with the add stats); writes put
// Parquet data files in place first and then commit add/remove/metaData actions through the
// optimistic transaction (transaction.ts), with Delta's schema enforcement and save modes.

import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { setField } from "../common/fields";
import { AnalysisError } from "../common/errors";
import {
  registerDataSource, TABLE_OPERATION_OPTION, type DataSource, type DataSourceOptions, type InternalRow, type ReadRequest, type WriteJob, type WrittenFile,
} from "../sql/datasource-contract";
import { fileFormat } from "../sql/datasources/file-format";
import { readFileScanSplit, rowObjects, type FileScanSplit } from "../sql/datasources/file-source";
import { evalFilter, filterColumns, mightMatch } from "../sql/datasources/filters";
import { escapePathName, fileUri, localPath, type ListedFile } from "../sql/datasources/file-listing";
import { Options } from "../sql/datasources/options";
import { partitionValueText } from "../sql/datasources/partition-values";
import { planSplits } from "../sql/datasources/splits";
import { writeTaskFiles } from "../sql/datasources/write-files";
import type { PushedFilter, Row } from "../sql/datasources/types";
import { StructType, type StructField } from "../sql/types";
import type { Action, AddFile, Metadata, Protocol, RemoveFile } from "./actions";
import { checkWriteSchema, schemaToJson } from "./schema";
import { fileKey, isDeltaTable, loadHeaderSync, loadSnapshot, tablePath, versionAtTimestamp, type Snapshot } from "./snapshot";
import { computeStats, statsLookup } from "./stats";
import "./command-result-source";
import { commit, type CommitResult } from "./transaction";
import { parsePartitionValue, partitionValueString } from "./values";

/** Hidden reader options used by DeltaTable's DML (never needed by users). */
export const FILES_OPTION = "__deltafiles";
export const FILE_COLUMN_OPTION = "__deltafilecolumn";
/** Hidden writer option: write the files but hand the adds to a DeltaTable operation instead of committing. */
export const STAGE_OPTION = "__deltastage";
export const FILE_COLUMN = "__delta_file";
/** Hidden reader option of DML scans: record what the scan read (its pushed filters and files) in scanRecords. */
export const SCAN_ID_OPTION = "__deltascanid";
export const scanRecords = new Map<string, { filters: PushedFilter[]; files: string[] }>();
/** Hidden reader option of the streaming source: {from, to} indexes into snapshotFilesInOrder. */
export const FILE_RANGE_OPTION = "__deltafilerange";

/** A snapshot's live files in the order a streaming source reads its starting version (oldest first, then path). */
export function snapshotFilesInOrder(snap: Snapshot): AddFile[] {
  return [...snap.files.values()].sort((a, b) => (Number(a.modificationTime) - Number(b.modificationTime)) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The version a read asks for (versionAsOf / timestampAsOf), or undefined for the latest. */
export function requestedVersion(path: string, options: DataSourceOptions): number | undefined {
  const o = new Options(options);
  const v = o.get("versionAsOf");
  const ts = o.get("timestampAsOf");
  if (v !== undefined && ts !== undefined) {
    throw new AnalysisError("DELTA_UNSUPPORTED_TIME_TRAVEL_MULTIPLE_FORMATS", "Cannot specify both version and timestamp when time travelling the table.");
  }
  if (v !== undefined) {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new AnalysisError("DELTA_VERSION_INVALID", `The provided version (${v}) is not a valid version.`, { parameters: { version: v } });
    return n;
  }
  if (ts !== undefined) return versionAtTimestamp(path, ts);
  return undefined;
}

function onePath(paths: string[]): string {
  if (paths.length !== 1) throw new AnalysisError("DELTA_MULTIPLE_PATHS", `A Delta table is read from exactly one path, got ${paths.length}.`);
  return paths[0]!;
}

/** Encode a relative data file path for add.path (RFC 2396, as Delta does). */
export function encodeAddPath(rel: string): string {
  return rel.split(sep).map((seg) => seg.replace(/[^A-Za-z0-9\-_.~=!$&'()*+,;:@]/g, (c) => encodeURIComponent(c))).join("/");
}

/** Absolute local path of an add's file. */
export function addFilePath(table: string, add: Pick<AddFile, "path">): string {
  const p = fileKey(add.path);
  if (p.startsWith("file:")) return localPath(p);
  return join(table, p);
}

/** The files of a snapshot a scan with these filters must read (partition pruning + data skipping). */
export function prunedFiles(snap: Snapshot, filters: PushedFilter[], only?: Set<string>): { files: AddFile[]; total: number; skippedByStats: number; skippedByPartition: number } {
  const partCols = new Set(snap.metadata.partitionColumns.map((c) => c.toLowerCase()));
  const fields = snap.schema.fields;
  const partFields = fields.filter((f) => partCols.has(f.name.toLowerCase()));
  const dataFields = fields.filter((f) => !partCols.has(f.name.toLowerCase()));
  const partFilters = filters.filter((f) => filterColumns(f).every((c) => partCols.has(c.toLowerCase())));
  const dataFilters = filters.filter((f) => !partFilters.includes(f));
  let skippedByStats = 0, skippedByPartition = 0;
  const out: AddFile[] = [];
  for (const [k, add] of snap.files) {
    if (only && !only.has(k)) continue;
    if (partFilters.length) {
      const pv = typedPartitionValues(add, partFields);
      if (!partFilters.every((f) => evalFilter(f, pv) === true)) { skippedByPartition++; continue; }
    }
    if (dataFilters.length) {
      const look = statsLookup(add.stats, dataFields);
      if (look && !dataFilters.every((f) => mightMatch(f, look))) { skippedByStats++; continue; }
    }
    out.push(add);
  }
  return { files: out, total: only ? only.size : snap.files.size, skippedByStats, skippedByPartition };
}

export function typedPartitionValues(add: AddFile, partFields: StructField[]): Row {
  const pv: Row = {};
  for (const f of partFields) {
    const raw = add.partitionValues?.[f.name] ?? Object.entries(add.partitionValues ?? {}).find(([k]) => k.toLowerCase() === f.name.toLowerCase())?.[1];
    setField(pv, f.name, parsePartitionValue(raw, f.dataType));
  }
  return pv;
}

/** What the last Delta scan planned (for explain-like output in the notebook and tests). */
export const lastScan: { table?: string; version?: number; files?: number; total?: number; skippedByStats?: number; skippedByPartition?: number } = {};

// ---------------------------------------------------------------------------------------------
// Writes

interface PendingWrite {
  table: string;
  snapshot?: Snapshot;
  mode: string;
  partitionBy: string[];
  newMetadata?: Metadata;
  newProtocol?: Protocol;
  replaceWhere?: string;
  /** The commit's operation when a table statement wrote it (CREATE TABLE AS SELECT, ...); WRITE otherwise. */
  operation?: string;
}

const pending = new Map<string, PendingWrite>();

/** Writes staged by DeltaTable operations: stage id -> the adds the write produced. */
export const stagedWrites = new Map<string, { adds: AddFile[]; rows: number; bytes: number }>();

function saveModeName(mode: string): string {
  return ({ append: "Append", overwrite: "Overwrite", ignore: "Ignore", error: "ErrorIfExists", errorifexists: "ErrorIfExists" } as Record<string, string>)[mode] ?? mode;
}

/** Table properties given as writer options (delta.*) go into metaData.configuration. */
function configurationFrom(options: DataSourceOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(options)) {
    if (k.startsWith("delta.") && v != null) {
      // Options arrive lower-cased: restore Delta's spelling of the known ones.
      const known = ["delta.checkpointInterval", "delta.deletedFileRetentionDuration", "delta.logRetentionDuration", "delta.appendOnly", "delta.dataSkippingNumIndexedCols"];
      out[known.find((n) => n.toLowerCase() === k) ?? k] = String(v);
    }
  }
  return out;
}

function newMetadata(schema: StructType, partitionBy: string[], configuration: Record<string, string>, id: string = randomUUID()): Metadata {
  return {
    id, format: { provider: "parquet", options: {} }, schemaString: schemaToJson(schema), partitionColumns: partitionBy, configuration, createdTime: Date.now(),
  };
}

async function prepareDeltaWrite(job: WriteJob): Promise<{ skip: boolean }> {
  const table = tablePath(job.path);
  const o = new Options(job.options);
  const schema = StructType.of(job.schema);
  const mode = job.mode === "errorifexists" ? "error" : job.mode;
  const exists = isDeltaTable(table);
  const stage = o.get(STAGE_OPTION);
  const p: PendingWrite = { table, mode, partitionBy: job.partitionBy, operation: o.get(TABLE_OPERATION_OPTION) };
  if (!exists) {
    if (stage) throw new AnalysisError("DELTA_MISSING_DELTA_TABLE", `\`${table}\` is not a Delta table.`);
    const partitionBy = job.partitionBy.map((c) => {
      const f = schema.field(c);
      if (!f) throw new AnalysisError("DELTA_PARTITION_COLUMN_NOT_FOUND", `Partition column \`${c}\` not found in schema ${schema.simpleString()}.`, { parameters: { columnName: c } });
      return f.name;
    });
    p.partitionBy = partitionBy;
    p.newMetadata = newMetadata(new StructType(schema.fields.map((f) => ({ ...f, nullable: true }))), partitionBy, configurationFrom(job.options));
    p.newProtocol = { minReaderVersion: 1, minWriterVersion: 2 };
  } else {
    if (mode === "error") {
      throw new AnalysisError("DELTA_PATH_EXISTS", `Cannot write to already existent path ${fileUri(table)} without setting OVERWRITE = 'true'.`, { parameters: { path: fileUri(table) } });
    }
    if (mode === "ignore") return { skip: true };
    const snap = await loadSnapshot(table);
    p.snapshot = snap;
    const tableParts = snap.metadata.partitionColumns;
    const overwriteSchema = mode === "overwrite" && o.bool("overwriteSchema", false);
    if (overwriteSchema) {
      const parts = job.partitionBy.length ? job.partitionBy.map((c) => schema.field(c)?.name ?? c) : [];
      p.partitionBy = parts;
      p.newMetadata = newMetadata(new StructType(schema.fields.map((f) => ({ ...f, nullable: true }))), parts, { ...snap.metadata.configuration, ...configurationFrom(job.options) }, snap.metadata.id);
    } else {
      if (job.partitionBy.length && job.partitionBy.map((c) => c.toLowerCase()).join(",") !== tableParts.map((c) => c.toLowerCase()).join(",")) {
        throw new AnalysisError("DELTA_PARTITION_SCHEMA_MISMATCH",
          `Partition columns do not match the partition columns of the table.\nGiven: [${job.partitionBy.join(", ")}]\nTable: [${tableParts.join(", ")}]`,
          { parameters: { given: job.partitionBy, table: tableParts } });
      }
      p.partitionBy = tableParts;
      const merged = checkWriteSchema(snap.schema, schema, { mergeSchema: o.bool("mergeSchema", false), tableId: snap.metadata.id });
      if (merged) p.newMetadata = { ...snap.metadata, schemaString: schemaToJson(merged) };
    }
    p.replaceWhere = o.get("replaceWhere");
  }
  // The writer tasks see the table's partitioning (an append need not repeat partitionBy).
  job.partitionBy.splice(0, job.partitionBy.length, ...p.partitionBy.map((c) => schema.field(c)?.name ?? c));
  pending.set(job.jobId, p);
  mkdirSync(table, { recursive: true });
  return { skip: false };
}

/** Worker side: write this task's rows as Parquet files, with Delta stats per file. */
function writeDeltaTask(job: WriteJob, taskId: number, rows: Iterable<InternalRow>): WrittenFile[] {
  const schema = StructType.of(job.schema);
  const table = localPath(job.path);
  const partFields = job.partitionBy.map((n) => schema.field(n)!);
  const dataFields = schema.fields.filter((f) => !job.partitionBy.includes(f.name));
  const objects: Row[] = [];
  const groups = new Map<string, Row[]>();
  for (const r of rowObjects(schema.fieldNames, rows)) {
    objects.push(r);
    const key = partFields.map((f) => `${escapePathName(f.name)}=${escapePathName(partitionValueText(r[f.name], f.dataType))}`).join(sep);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  if (objects.length === 0) return [];
  const { maxrecordsperfile: _drop, ...options } = job.options;
  const fjob: WriteJob = { ...job, format: "parquet", path: table, mode: "append", schema, options: { ...options, compression: options.compression ?? "snappy" } };
  return writeTaskFiles(fjob, taskId, objects).map((w) => {
    const key = dirname(w.relativePath!) === "." ? "" : dirname(w.relativePath!);
    const g = groups.get(key) ?? [];
    const first = g[0] ?? {};
    const pv: Record<string, string | null> = {};
    for (const f of partFields) pv[f.name] = partitionValueString(first[f.name], f.dataType);
    return { ...w, partitionValues: pv, stats: JSON.stringify(computeStats(g, dataFields)) };
  });
}

/** Move the task files into the table (data files exist before the commit that adds them). */
function publishFiles(table: string, jobId: string, files: WrittenFile[]): AddFile[] {
  const now = Date.now();
  const adds: AddFile[] = [];
  for (const f of files) {
    const dest = join(table, f.relativePath!);
    mkdirSync(dirname(dest), { recursive: true });
    renameSync(f.tempPath!, dest);
    adds.push({
      path: encodeAddPath(f.relativePath!), partitionValues: f.partitionValues, size: f.bytes,
      modificationTime: now, dataChange: true, stats: f.stats,
    });
  }
  cleanupJobTemp(table, jobId);
  return adds;
}

function cleanupJobTemp(table: string, jobId: string): void {
  const root = join(table, "_temporary", "0");
  if (!existsSync(root)) return;
  // Only this job's task and attempt directories: other writers may be using _temporary too.
  for (const sub of [root, join(root, "_temporary")]) {
    let names: string[] = [];
    try { names = readdirSync(sub); } catch { continue; }
    for (const n of names) if (n.includes(jobId)) rmSync(join(sub, n), { recursive: true, force: true });
  }
}

async function commitDeltaWrite(job: WriteJob, files: WrittenFile[][]): Promise<void> {
  const p = pending.get(job.jobId);
  pending.delete(job.jobId);
  if (!p) throw new AnalysisError("DELTA_WRITE_NOT_PREPARED", "commitWrite without prepareWrite.");
  const flat = files.flat();
  const adds = publishFiles(p.table, job.jobId, flat);
  const stage = new Options(job.options).get(STAGE_OPTION);
  if (stage) {
    stagedWrites.set(stage, { adds, rows: flat.reduce((a, f) => a + f.rows, 0), bytes: flat.reduce((a, f) => a + f.bytes, 0) });
    return;
  }
  await commitWriteActions(p, adds, flat.reduce((a, f) => a + f.rows, 0));
}

async function commitWriteActions(p: PendingWrite, adds: AddFile[], rows: number): Promise<CommitResult> {
  const actions: Action[] = [];
  if (p.newProtocol) actions.push({ protocol: p.newProtocol });
  if (p.newMetadata) actions.push({ metaData: p.newMetadata });
  const now = Date.now();
  let removes: RemoveFile[] = [];
  let readFiles: string[] | undefined;
  if (p.mode === "overwrite" && p.snapshot) {
    let victims = [...p.snapshot.files.values()];
    if (p.replaceWhere) {
      victims = await replaceWhereFiles(p.snapshot, p.replaceWhere);
    }
    removes = victims.map((a) => ({ path: a.path, deletionTimestamp: now, dataChange: true, extendedFileMetadata: true, partitionValues: a.partitionValues, size: a.size }));
    readFiles = victims.map((a) => fileKey(a.path));
  }
  for (const r of removes) actions.push({ remove: r });
  for (const a of adds) actions.push({ add: a });
  const blind = p.mode === "append" && !p.newMetadata;
  return commit({
    table: p.table,
    readVersion: p.snapshot?.version ?? -1,
    actions,
    operation: p.operation?.toUpperCase() ?? "WRITE",
    operationParameters: { mode: saveModeName(p.mode), partitionBy: JSON.stringify(p.partitionBy), ...(p.replaceWhere ? { predicate: JSON.stringify([p.replaceWhere]) } : {}) },
    operationMetrics: { numFiles: adds.length, numOutputRows: rows, numOutputBytes: adds.reduce((a, f) => a + f.size, 0), ...(removes.length ? { numRemovedFiles: removes.length } : {}) },
    isBlindAppend: blind,
    readFiles,
    readWholeTable: p.mode === "overwrite" && !p.replaceWhere,
  });
}

/** replaceWhere over partition columns: the files whose partition values satisfy the predicate. */
let replaceWhereEvaluator: ((snap: Snapshot, predicate: string) => Promise<AddFile[]>) | undefined;
export function setReplaceWhereEvaluator(f: (snap: Snapshot, predicate: string) => Promise<AddFile[]>): void { replaceWhereEvaluator = f; }
async function replaceWhereFiles(snap: Snapshot, predicate: string): Promise<AddFile[]> {
  if (!replaceWhereEvaluator) throw new AnalysisError("DELTA_REPLACE_WHERE_UNSUPPORTED", "replaceWhere needs a session (use DeltaTable or the DataFrame API).");
  return replaceWhereEvaluator(snap, predicate);
}

async function abortDeltaWrite(job: WriteJob): Promise<void> {
  const p = pending.get(job.jobId);
  pending.delete(job.jobId);
  if (p) cleanupJobTemp(p.table, job.jobId);
}

// ---------------------------------------------------------------------------------------------

/** Tables being created or replaced (CREATE [OR REPLACE] TABLE still writing): the schema they will have. */
const creating = new Map<string, StructType>();
export function setCreatingSchema(path: string, schema: StructType | undefined): void {
  if (schema) creating.set(tablePath(path), schema); else creating.delete(tablePath(path));
}

function readerSchema(paths: string[], options: DataSourceOptions): StructType {
  const path = onePath(paths);
  const pendingSchema = creating.get(tablePath(path));
  if (pendingSchema) return pendingSchema;
  const h = loadHeaderSync(path, requestedVersion(path, options));
  const o = new Options(options);
  const fileCol = o.get(FILE_COLUMN_OPTION);
  return fileCol ? new StructType([...h.schema.fields, { name: FILE_COLUMN, dataType: { type: "string" }, nullable: false }]) : h.schema;
}

export const deltaDataSource: DataSource = {
  format: "delta",
  inferSchema(paths, options) { return readerSchema(paths, options); },
  async planSplits(paths, options, dataSchema, hints): Promise<FileScanSplit[]> {
    const path = onePath(paths);
    const snap = await loadSnapshot(path, requestedVersion(path, options));
    const o = new Options(options);
    let only = o.get(FILES_OPTION) !== undefined ? new Set(JSON.parse(o.get(FILES_OPTION)!) as string[]) : undefined;
    if (o.get(FILE_RANGE_OPTION) !== undefined) {
      const r = JSON.parse(o.get(FILE_RANGE_OPTION)!) as { from: number; to: number | null };
      only = new Set(snapshotFilesInOrder(snap).slice(r.from, r.to === null ? undefined : r.to + 1).map((a) => fileKey(a.path)));
    }
    const filters = hints.pushedFilters;
    const pr = prunedFiles(snap, filters, only);
    const scanId = o.get(SCAN_ID_OPTION);
    if (scanId !== undefined) scanRecords.set(scanId, { filters, files: pr.files.map((a) => fileKey(a.path)) });
    Object.assign(lastScan, { table: snap.table, version: snap.version, files: pr.files.length, total: pr.total, skippedByStats: pr.skippedByStats, skippedByPartition: pr.skippedByPartition });
    const partCols = new Set(snap.metadata.partitionColumns.map((c) => c.toLowerCase()));
    const partFields = snap.schema.fields.filter((f) => partCols.has(f.name.toLowerCase()));
    const withFileCol = o.get(FILE_COLUMN_OPTION) !== undefined;
    const listed: ListedFile[] = pr.files.map((a) => {
      const pv = typedPartitionValues(a, partFields);
      if (withFileCol) pv[FILE_COLUMN] = fileKey(a.path);
      return { path: addFilePath(snap.table, a), size: a.size, partitionValues: pv };
    });
    const partitionColumns = [...partFields.map((f) => f.name), ...(withFileCol ? [FILE_COLUMN] : [])];
    return planSplits(fileFormat("parquet"), listed, o, { defaultParallelism: hints.defaultParallelism }).map((split) => ({ split, partitionColumns }));
  },
  readSplit: (split: unknown, req: ReadRequest): Promise<InternalRow[]> => readFileScanSplit("parquet", split as FileScanSplit, req),
  prepareWrite: prepareDeltaWrite,
  writeTask: writeDeltaTask,
  commitWrite: commitDeltaWrite,
  abortWrite: abortDeltaWrite,
};

registerDataSource(deltaDataSource);

export { commitWriteActions, type PendingWrite };
