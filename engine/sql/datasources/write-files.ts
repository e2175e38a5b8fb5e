// Writing: each task writes its partition's rows into its own attempt directory under
// <dir>/_temporary/ and commits them to a task directory; the driver then commits the job by
// moving every task's files into <dir> and writing _SUCCESS (Hadoop's FileOutputCommitter,
// algorithm v1). Readers skip _temporary and _SUCCESS, so a failed job leaves nothing visible.

import { unscaledAt } from "../../common/decimal";
import { setField } from "../../common/fields";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { gzipSync, brotliCompressSync } from "node:zlib";
import { createRequire } from "node:module";
import type { CompressionCodec } from "hyparquet";
import { AnalysisError } from "../../common/errors";
import { StructType, simpleString, type DataType } from "../types";
import { checkCsvSchema, csvSettings } from "./csv-source";
import { quoteField } from "./csv-tokenizer";
import { escapePathName, fileUri, localPath } from "./file-listing";
import { rowToJson } from "./json-source";
import { Options, textEncoding } from "./options";
import { sparkToParquet } from "./parquet-schema";
import { partitionValueText } from "./partition-values";
import { textFormats, valueToText } from "./value-text";
import { registerShippable } from "./shippable";
import type { DataSourceOptions, FileFormat, Row, SaveMode, WrittenFile } from "./types";

export interface WriteJob {
  /** Absolute output directory. */
  dir: string;
  /** Unique id of this write job; goes into file names so appends never collide. */
  jobId: string;
  format: FileFormat;
  /** Schema of the rows handed to tasks (data and partition columns). */
  schema: StructType;
  partitionBy: string[];
  options: DataSourceOptions;
  /** False when mode=ignore found existing data: nothing must be written. */
  skip: boolean;
  /**
   * Overwrite only the partitions this job writes (partitionOverwriteMode=dynamic, Spark's
   * INSERT OVERWRITE semantics for partitioned tables); other partitions are kept.
   */
  dynamicOverwrite?: boolean;
}

/** Does this overwrite replace only the partitions it writes? */
export function isDynamicOverwrite(mode: string, partitionBy: string[], options: DataSourceOptions): boolean {
  const o = new Options(options);
  const m = (o.get("partitionOverwriteMode") ?? o.get("spark.sql.sources.partitionOverwriteMode") ?? "static").toLowerCase();
  return mode.toLowerCase() === "overwrite" && partitionBy.length > 0 && m === "dynamic";
}

/**
 * Driver side, before the job: resolve the path, apply the save mode, validate the schema.
 * Throws AnalysisError PATH_ALREADY_EXISTS for mode error/errorifexists on an existing path.
 */
export function prepareWrite(
  format: FileFormat,
  path: string,
  schema: StructType,
  opts: { mode?: SaveMode | string; partitionBy?: string[]; options?: DataSourceOptions; jobId?: string } = {},
): WriteJob {
  const dir = localPath(path);
  const mode = (opts.mode ?? "errorifexists").toLowerCase();
  if (!["overwrite", "append", "ignore", "error", "errorifexists", "default"].includes(mode)) {
    throw new AnalysisError("INVALID_SAVE_MODE", `The specified save mode "${opts.mode}" is invalid. Valid save modes include "append", "overwrite", "ignore", "error", "errorifexists", and "default".`, { parameters: { mode: opts.mode } });
  }
  const partitionBy = (opts.partitionBy ?? []).map((c) => {
    const f = schema.field(c);
    if (!f) {
      throw new AnalysisError("UNRESOLVED_COLUMN.WITH_SUGGESTION", `A column or function parameter with name \`${c}\` cannot be resolved. Did you mean one of the following? [${schema.fieldNames.map((n) => "`" + n + "`").join(", ")}].`, { parameters: { objectName: c } });
    }
    return f.name;
  });
  const dataSchema = new StructType(schema.fields.filter((f) => !partitionBy.includes(f.name)));
  if (partitionBy.length && dataSchema.length === 0) {
    throw new AnalysisError("ALL_PARTITION_COLUMNS_NOT_ALLOWED", "Cannot use all columns for partition columns.", {});
  }
  if (format === "csv") checkCsvSchema(dataSchema);
  if (format === "text") {
    if (dataSchema.length !== 1 || dataSchema.fields[0]!.dataType.type !== "string") {
      throw new AnalysisError("_LEGACY_ERROR_TEMP_1202", `Text data source supports only a single column of string type, and you have ${dataSchema.length} columns: ${dataSchema.simpleString()}.`, {});
    }
  }
  const exists = existsSync(dir);
  let skip = false;
  if (exists) {
    if (mode === "error" || mode === "errorifexists" || mode === "default") {
      throw new AnalysisError("PATH_ALREADY_EXISTS", `Path ${fileUri(dir)} already exists. Set mode as "overwrite" to overwrite the existing path.`, {
        parameters: { outputPath: fileUri(dir) }, context: { file: dir },
      });
    }
    if (mode === "ignore") skip = true;
    if (mode === "overwrite" && !isDynamicOverwrite(mode, partitionBy, opts.options ?? {})) rmSync(dir, { recursive: true, force: true });
  }
  if (!skip) mkdirSync(dir, { recursive: true });
  return {
    dir, jobId: opts.jobId ?? randomUUID(), format, schema, partitionBy, options: opts.options ?? {}, skip,
    dynamicOverwrite: isDynamicOverwrite(mode, partitionBy, opts.options ?? {}),
  };
}

function attemptDir(job: WriteJob, taskId: number, attempt: number): string {
  return join(job.dir, "_temporary", "0", "_temporary", `attempt_${job.jobId}_${taskId}_${attempt}`);
}
function taskDir(job: WriteJob, taskId: number): string {
  return join(job.dir, "_temporary", "0", `task_${job.jobId}_${taskId}`);
}

function compressionOf(format: FileFormat, o: Options): string {
  const c = (o.get("compression") ?? o.get("codec") ?? (format === "parquet" ? "snappy" : "none")).toLowerCase();
  return c === "uncompressed" ? "none" : c;
}

function extension(format: FileFormat, compression: string): string {
  if (format === "parquet") return (compression === "none" ? "" : `.${compression}`) + ".parquet";
  const base = format === "csv" ? ".csv" : format === "json" ? ".json" : ".txt";
  return base + (compression === "gzip" ? ".gz" : "");
}

/** Encode one file's rows in a text format. */
function encodeText(format: "csv" | "json" | "text", rows: Row[], schema: StructType, o: Options): string {
  if (format === "text") return rows.map((r) => String(r[schema.fields[0]!.name] ?? "")).join("\n") + (rows.length ? "\n" : "");
  if (format === "json") {
    const ignoreNull = o.bool("ignoreNullFields", true);
    const tf = textFormats(o.get("dateFormat"), o.get("timestampFormat"), o.get("timeZone"));
    return rows.map((r) => rowToJson(r, schema, ignoreNull, tf.timestamp, tf.date)).join("\n") + (rows.length ? "\n" : "");
  }
  const s = csvSettings(o);
  const syntax = {
    ...s.syntax,
    ignoreLeadingWhiteSpace: o.bool("ignoreLeadingWhiteSpace", true),
    ignoreTrailingWhiteSpace: o.bool("ignoreTrailingWhiteSpace", true),
  };
  const quoteAll = o.bool("quoteAll", false);
  const nullText = o.str("nullValue", "");
  const emptyText = o.get("emptyValue");
  const fmts = textFormats(o.get("dateFormat"), o.get("timestampFormat"), o.get("timeZone"));
  const lines: string[] = [];
  if (o.bool("header", false)) lines.push(schema.fieldNames.map((n) => quoteField(n, syntax, quoteAll)).join(syntax.sep));
  for (const r of rows) {
    lines.push(schema.fields.map((f) => {
      const v = r[f.name];
      if (v === null || v === undefined) return nullText;
      let t = valueToText(v, f.dataType, fmts);
      if (syntax.ignoreLeadingWhiteSpace) t = t.replace(/^[ \t]+/, "");
      if (syntax.ignoreTrailingWhiteSpace) t = t.replace(/[ \t]+$/, "");
      if (t === "") return emptyText ?? (syntax.quote === "\u0000" ? "" : syntax.quote + syntax.quote);
      return quoteField(t, syntax, quoteAll);
    }).join(syntax.sep));
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}

/** Values in the shape hyparquet-writer expects for `dt` (INT64 as bigint, nested recursively). */
function toParquetValue(v: unknown, dt: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (dt.type) {
    case "long": return typeof v === "bigint" ? v : BigInt(Math.trunc(Number(v)));
    case "integer": case "short": case "byte": return typeof v === "bigint" ? Number(v) : v;
    case "float": case "double": return Number(v);
    case "string": return typeof v === "string" ? v : String(v);
    case "date": case "timestamp": return v instanceof Date ? v : new Date(v as string);
    // Up to 15 digits a number is exact (the writer scales it); wider decimals go as their exact
    // unscaled bigint, which the writer takes as is.
    case "decimal": return dt.precision <= 15 ? Number(v) : unscaledAt(v, dt.scale);
    case "array": return (v as unknown[]).map((e) => toParquetValue(e, dt.elementType));
    case "map": {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
      return entries.map(([k, x]) => ({ key: toParquetValue(k, dt.keyType), value: toParquetValue(x, dt.valueType) }));
    }
    case "struct": {
      const src = v as Record<string, unknown>;
      const o: Record<string, unknown> = {};
      for (const f of dt.fields) setField(o, f.name, toParquetValue(src[f.name], f.dataType));
      return o;
    }
    default: return v;
  }
}

// hyparquet-writer loads on the first Parquet write (synchronously: write tasks are synchronous),
// so executor threads do not pay for it at start-up.
type WriterLib = typeof import("hyparquet-writer");
let writerLib: WriterLib | undefined;
function parquetWriter(): WriterLib {
  writerLib ??= createRequire(import.meta.url)("hyparquet-writer") as WriterLib;
  return writerLib;
}

export function writeParquet(file: string, rows: Row[], schema: StructType, o: Options, compression: string): void {
  const { parquetWriteFile } = parquetWriter();
  const codecs: Record<string, CompressionCodec> = { none: "UNCOMPRESSED", snappy: "SNAPPY", gzip: "GZIP", brotli: "BROTLI" };
  const codec = codecs[compression];
  if (!codec) {
    throw new AnalysisError("CODEC_NOT_AVAILABLE", `The codec ${compression} is not available for Parquet writes. Available: ${Object.keys(codecs).join(", ")}.`, { parameters: { codecName: compression } });
  }
  const rowGroupSize = o.has("parquet.block.rows") ? o.num("parquet.block.rows", 100_000) : o.num("rowGroupSize", 100_000);
  parquetWriteFile({
    filename: file,
    // hyparquet-writer bundles its own hyparquet typings; the element shape is the same.
    schema: sparkToParquet(schema) as unknown as NonNullable<Parameters<WriterLib["parquetWriteFile"]>[0]["schema"]>,
    columnData: schema.fields.map((f) => ({ name: f.name, data: rows.map((r) => toParquetValue(r[f.name], f.dataType)) })),
    codec,
    compressors: { GZIP: (b: Uint8Array) => new Uint8Array(gzipSync(b)), BROTLI: (b: Uint8Array) => new Uint8Array(brotliCompressSync(b)) },
    rowGroupSize,
    createdBy: "bigdata-workbench",
    kvMetadata: [{ key: "org.apache.spark.sql.parquet.row.metadata", value: JSON.stringify(sparkSchemaJson(schema)) }],
  });
}

/** Spark's JSON schema string (what Spark stores in Parquet metadata). */
function sparkSchemaJson(schema: StructType): unknown {
  const dt = (t: DataType): unknown => {
    switch (t.type) {
      case "array": return { type: "array", elementType: dt(t.elementType), containsNull: t.containsNull };
      case "map": return { type: "map", keyType: dt(t.keyType), valueType: dt(t.valueType), valueContainsNull: t.valueContainsNull };
      case "struct": return { type: "struct", fields: t.fields.map((f) => ({ name: f.name, type: dt(f.dataType), nullable: f.nullable, metadata: {} })) };
      default: return simpleString(t) === "bigint" ? "long" : simpleString(t) === "int" ? "integer" : simpleString(t);
    }
  };
  return dt(schema.asDataType());
}

/**
 * Worker side: write one task's rows (grouped by partition values when partitionBy is set) and
 * commit them to the task directory. Returns the files for the driver's job commit.
 */
export const writeTaskFiles = registerShippable("sql.datasources.writeTaskFiles", function writeTaskFiles(shipped: WriteJob, taskId: number, rows: Iterable<Row>, attempt = 0): WrittenFile[] {
  if (shipped.skip) return [];
  // A job shipped to a worker may arrive with its schema as plain data.
  const job: WriteJob = shipped.schema instanceof StructType ? shipped : { ...shipped, schema: new StructType((shipped.schema as { fields: StructType["fields"] }).fields) };
  const o = new Options(job.options);
  const compression = compressionOf(job.format, o);
  const dataSchema = new StructType(job.schema.fields.filter((f) => !job.partitionBy.includes(f.name)));
  const partFields = job.partitionBy.map((n) => job.schema.field(n)!);
  const maxPerFile = o.num("maxRecordsPerFile", 0);
  const groups = new Map<string, { values: Row; rows: Row[] }>();
  for (const r of rows) {
    const values: Row = {};
    const key = partFields.map((f) => {
      setField(values, f.name, r[f.name] ?? null);
      return `${escapePathName(f.name)}=${escapePathName(partitionValueText(r[f.name], f.dataType))}`;
    }).join(sep);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { values, rows: [] }));
    g.rows.push(r);
  }
  // A task with no rows and no partitioning still writes one (empty) file, like Spark, so the
  // output always has a schema to read back.
  if (groups.size === 0 && partFields.length === 0) groups.set("", { values: {}, rows: [] });
  const attemptRoot = attemptDir(job, taskId, attempt);
  const written: WrittenFile[] = [];
  const ext = extension(job.format, compression);
  for (const [key, g] of groups) {
    const chunks: Row[][] = [];
    if (maxPerFile > 0) for (let i = 0; i < g.rows.length; i += maxPerFile) chunks.push(g.rows.slice(i, i + maxPerFile));
    else chunks.push(g.rows);
    chunks.forEach((chunk, ci) => {
      const name = `part-${String(taskId).padStart(5, "0")}-${job.jobId}-c${String(ci).padStart(3, "0")}${ext}`;
      const rel = key ? join(key, name) : name;
      const tmp = join(attemptRoot, rel);
      mkdirSync(dirname(tmp), { recursive: true });
      if (job.format === "parquet") writeParquet(tmp, chunk, dataSchema, o, compression);
      else {
        const text = encodeText(job.format, chunk, dataSchema, o);
        const encoded = Buffer.from(text, textEncoding(o));
        const bytes = compression === "gzip" ? gzipSync(encoded) : encoded;
        if (compression !== "none" && compression !== "gzip") {
          throw new AnalysisError("CODEC_NOT_AVAILABLE", `The codec ${compression} is not available for ${job.format} writes. Available: none, gzip.`, { parameters: { codecName: compression } });
        }
        writeFileSync(tmp, bytes);
      }
      written.push({ relativePath: rel, tempPath: tmp, rows: chunk.length, bytes: statSync(tmp).size, partitionValues: g.values });
    });
  }
  // Task commit: move the attempt directory to the task directory in one rename.
  const committed = taskDir(job, taskId);
  if (existsSync(attemptRoot)) {
    rmSync(committed, { recursive: true, force: true });
    mkdirSync(dirname(committed), { recursive: true });
    renameSync(attemptRoot, committed);
  }
  return written.map((w) => ({ ...w, tempPath: join(committed, w.relativePath) }));
});

/** Driver side, after every task succeeded: publish files, clean up, write _SUCCESS. */
export function commitWrite(job: WriteJob, files: WrittenFile[]): void {
  if (job.skip) return;
  if (job.dynamicOverwrite) {
    // Replace exactly the partition directories this job wrote into.
    const dirs = new Set(files.map((f) => dirname(f.relativePath)).filter((d) => d !== "."));
    for (const d of dirs) rmSync(join(job.dir, d), { recursive: true, force: true });
  }
  for (const f of files) {
    const dest = join(job.dir, f.relativePath);
    mkdirSync(dirname(dest), { recursive: true });
    renameSync(f.tempPath, dest);
  }
  rmSync(join(job.dir, "_temporary"), { recursive: true, force: true });
  writeFileSync(join(job.dir, "_SUCCESS"), "");
}

/** Driver side, when the job failed: drop everything the tasks wrote. */
export function abortWrite(job: WriteJob): void {
  rmSync(join(job.dir, "_temporary"), { recursive: true, force: true });
}

/** Files under a directory, relative (for tests and explain output). */
export function listOutput(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}
