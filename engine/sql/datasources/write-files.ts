// Writing files: each task writes its partition's rows into its own attempt directory under
// <dir>/_temporary/ and commits them to a task directory; the driver then commits the job by
// moving every task's files into <dir> and writing _SUCCESS (Hadoop's FileOutputCommitter,
// algorithm v1). Readers skip _temporary and _SUCCESS, so a failed job leaves nothing visible.
// The jobs are the SQL core's WriteJob (datasource-contract.ts); the format writes each file.

import { setField } from "../../common/fields";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { AnalysisError } from "../../common/errors";
import { dataSourceOptions, saveMode, type OptionValue, type SaveMode, type WriteJob, type WrittenFile } from "../datasource-contract";
import { StructType } from "../types";
import { fileFormat, type FileFormat } from "./file-format";
import { escapePathName, fileUri, localPath } from "./file-listing";
import { Options } from "./options";
import { partitionValueText } from "./partition-values";
import { registerShippable } from "./shippable";
import type { Row } from "./types";

/** A write job for `format` files at `path` (writeLocal, tests, and formats that write files for others, like Delta). */
export function fileWriteJob(
  format: string,
  path: string,
  schema: StructType,
  opts: { mode?: SaveMode | "default" | string; partitionBy?: string[]; options?: Record<string, OptionValue | null | undefined>; jobId?: string } = {},
): WriteJob {
  return {
    format, path, mode: saveMode(opts.mode ?? "errorifexists"), options: dataSourceOptions(opts.options ?? {}),
    partitionBy: opts.partitionBy ?? [], schema, jobId: opts.jobId ?? randomUUID(),
  };
}

/** Does this overwrite replace only the partitions it writes (partitionOverwriteMode=dynamic, Spark's INSERT OVERWRITE of a partitioned table)? */
export function isDynamicOverwrite(job: WriteJob): boolean {
  const o = new Options(job.options);
  const m = (o.get("partitionOverwriteMode") ?? o.get("spark.sql.sources.partitionOverwriteMode") ?? "static").toLowerCase();
  return job.mode === "overwrite" && job.partitionBy.length > 0 && m === "dynamic";
}

/** The job's partition columns as the schema spells them. */
function partitionFields(job: WriteJob, schema: StructType) {
  return job.partitionBy.map((c) => schema.field(c)!);
}

/**
 * Driver side, before the job: check the schema and partition columns, apply the save mode.
 * Throws AnalysisError PATH_ALREADY_EXISTS for mode error/errorifexists on an existing path.
 * Rewrites `job.partitionBy` to the schema's spelling. `skip`: mode ignore found data.
 */
export function prepareWrite(job: WriteJob): { skip: boolean } {
  const format = fileFormat(job.format);
  const dir = localPath(job.path);
  const schema = StructType.of(job.schema);
  const resolved = job.partitionBy.map((c) => {
    const f = schema.field(c);
    if (!f) {
      throw new AnalysisError("UNRESOLVED_COLUMN.WITH_SUGGESTION", `A column or function parameter with name \`${c}\` cannot be resolved. Did you mean one of the following? [${schema.fieldNames.map((n) => "`" + n + "`").join(", ")}].`, { parameters: { objectName: c } });
    }
    return f.name;
  });
  job.partitionBy.splice(0, job.partitionBy.length, ...resolved);
  const dataSchema = new StructType(schema.fields.filter((f) => !resolved.includes(f.name)));
  if (resolved.length && dataSchema.length === 0) {
    throw new AnalysisError("ALL_PARTITION_COLUMNS_NOT_ALLOWED", "Cannot use all columns for partition columns.", {});
  }
  format.checkWriteSchema?.(dataSchema);
  let skip = false;
  if (existsSync(dir)) {
    if (job.mode === "error" || job.mode === "errorifexists") {
      throw new AnalysisError("PATH_ALREADY_EXISTS", `Path ${fileUri(dir)} already exists. Set mode as "overwrite" to overwrite the existing path.`, {
        parameters: { outputPath: fileUri(dir) }, context: { file: dir },
      });
    }
    if (job.mode === "ignore") skip = true;
    if (job.mode === "overwrite" && !isDynamicOverwrite(job)) rmSync(dir, { recursive: true, force: true });
  }
  if (!skip) mkdirSync(dir, { recursive: true });
  return { skip };
}

function attemptDir(dir: string, job: WriteJob, taskId: number, attempt: number): string {
  return join(dir, "_temporary", "0", "_temporary", `attempt_${job.jobId}_${taskId}_${attempt}`);
}
function taskDir(dir: string, job: WriteJob, taskId: number): string {
  return join(dir, "_temporary", "0", `task_${job.jobId}_${taskId}`);
}

function compressionOf(format: FileFormat, o: Options): string {
  const c = (o.get("compression") ?? o.get("codec") ?? format.defaultCompression).toLowerCase();
  return c === "uncompressed" ? "none" : c;
}

/**
 * Worker side: write one task's rows (grouped by partition values when partitionBy is set) and
 * commit them to the task directory. Returns the files for the driver's job commit.
 */
export const writeTaskFiles = registerShippable("sql.datasources.writeTaskFiles", function writeTaskFiles(job: WriteJob, taskId: number, rows: Iterable<Row>, attempt = 0): WrittenFile[] {
  const format = fileFormat(job.format);
  const dir = localPath(job.path);
  const schema = StructType.of(job.schema);
  const o = new Options(job.options);
  const compression = compressionOf(format, o);
  const partFields = partitionFields(job, schema);
  const dataSchema = new StructType(schema.fields.filter((f) => !partFields.includes(f)));
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
  const attemptRoot = attemptDir(dir, job, taskId, attempt);
  const written: WrittenFile[] = [];
  const ext = format.fileExtension(compression);
  for (const [key, g] of groups) {
    const chunks: Row[][] = [];
    if (maxPerFile > 0) for (let i = 0; i < g.rows.length; i += maxPerFile) chunks.push(g.rows.slice(i, i + maxPerFile));
    else chunks.push(g.rows);
    const partitionValues = Object.fromEntries(partFields.map((f) => [f.name, partitionValueText(g.values[f.name], f.dataType)]));
    chunks.forEach((chunk, ci) => {
      const name = `part-${String(taskId).padStart(5, "0")}-${job.jobId}-c${String(ci).padStart(3, "0")}${ext}`;
      const rel = key ? join(key, name) : name;
      const tmp = join(attemptRoot, rel);
      mkdirSync(dirname(tmp), { recursive: true });
      format.writeFile(tmp, chunk, dataSchema, o, compression);
      written.push({ path: join(dir, rel), relativePath: rel, tempPath: tmp, rows: chunk.length, bytes: statSync(tmp).size, partitionValues });
    });
  }
  // Task commit: move the attempt directory to the task directory in one rename.
  const committed = taskDir(dir, job, taskId);
  if (existsSync(attemptRoot)) {
    rmSync(committed, { recursive: true, force: true });
    mkdirSync(dirname(committed), { recursive: true });
    renameSync(attemptRoot, committed);
  }
  return written.map((w) => ({ ...w, tempPath: join(committed, w.relativePath!) }));
});

/** Driver side, after every task succeeded: publish files, clean up, write _SUCCESS. */
export function commitWrite(job: WriteJob, files: WrittenFile[]): void {
  const dir = localPath(job.path);
  const mine = files.filter((f): f is WrittenFile & { relativePath: string; tempPath: string } => f.relativePath !== undefined && f.tempPath !== undefined);
  if (isDynamicOverwrite(job)) {
    // Replace exactly the partition directories this job wrote into.
    const dirs = new Set(mine.map((f) => dirname(f.relativePath)).filter((d) => d !== "."));
    for (const d of dirs) rmSync(join(dir, d), { recursive: true, force: true });
  }
  for (const f of mine) {
    const dest = join(dir, f.relativePath);
    mkdirSync(dirname(dest), { recursive: true });
    renameSync(f.tempPath, dest);
  }
  rmSync(join(dir, "_temporary"), { recursive: true, force: true });
  writeFileSync(join(dir, "_SUCCESS"), "");
}

/** Driver side, when the job failed: drop everything the tasks wrote. */
export function abortWrite(job: WriteJob): void {
  rmSync(join(localPath(job.path), "_temporary"), { recursive: true, force: true });
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
