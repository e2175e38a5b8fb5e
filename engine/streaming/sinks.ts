// Streaming sinks. Each receives a batch's result rows with its batch id and the output mode.
// Idempotence makes the end-to-end guarantee exactly-once: a batch that is re-run after a crash
// (same id, same offsets, same rows) must not duplicate output. The memory sink keeps rows in the
// driver and serves them as a temp view; console prints them; foreachBatch hands a DataFrame and
// the batch id to user code (which sees the same id again on replay); file sinks write
// `part-<batch>-<n>` files and log them in `<path>/_spark_metadata/<batch>` - a logged batch is
// skipped on replay, an unlogged one first deletes its partial files.

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { formatShowString, type DataFrame, type SqlSession, type StructType } from "../sql";
import { MetadataLog } from "./checkpoint-log";
import type { OutputMode } from "./streaming-plan";

export interface BatchOutput {
  batchId: number;
  rows: unknown[][];
  schema: StructType;
  mode: OutputMode;
  session: SqlSession;
}

export interface StreamSink {
  readonly description: string;
  addBatch(b: BatchOutput): Promise<void>;
  /** Rows the sink wrote in the last batch (progress.sink.numOutputRows). */
  lastOutputRows?: number;
}

function batchFrame(b: BatchOutput): DataFrame {
  return b.session.createDataFrame(b.rows, b.schema);
}

/** format("memory"): the result table in the driver, readable with spark.table(queryName). */
export class MemorySink implements StreamSink {
  private all: unknown[][] = [];
  private lastBatch = -1;
  lastOutputRows = 0;
  constructor(readonly queryName: string, private schema?: StructType) {}
  get description(): string { return "MemorySink"; }
  async addBatch(b: BatchOutput): Promise<void> {
    this.schema = b.schema;
    this.lastOutputRows = b.rows.length;
    if (b.batchId <= this.lastBatch) return; // replayed in the same process
    this.lastBatch = b.batchId;
    this.all = b.mode === "complete" ? b.rows.slice() : this.all.concat(b.rows);
    b.session.createDataFrame(this.all, b.schema).createOrReplaceTempView(this.queryName);
  }
  /** All rows so far as objects. */
  rows(): Record<string, unknown>[] {
    const names = this.schema?.fields.map((f) => f.name) ?? [];
    return this.all.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
  }
  rawRows(): unknown[][] { return this.all; }
  get resultSchema(): StructType | undefined { return this.schema; }
}

/** format("console"): prints each batch as Spark's console sink does. */
export class ConsoleSink implements StreamSink {
  lastOutputRows = 0;
  constructor(private readonly numRows = 20, private readonly truncate = true, private readonly print: (s: string) => void = (s) => console.log(s)) {}
  get description(): string { return "org.apache.spark.sql.execution.streaming.ConsoleTable$@console"; }
  async addBatch(b: BatchOutput): Promise<void> {
    this.lastOutputRows = b.rows.length;
    const names = b.schema.fields.map((f) => f.name), types = b.schema.fields.map((f) => f.dataType);
    this.print(`-------------------------------------------\nBatch: ${b.batchId}\n-------------------------------------------\n` +
      formatShowString(names, types, b.rows, this.numRows, this.truncate));
  }
}

/** foreachBatch((df, batchId) => ...): user code per batch; a replayed batch gets the same id. */
export class ForeachBatchSink implements StreamSink {
  lastOutputRows = 0;
  constructor(private readonly fn: (df: DataFrame, batchId: number) => unknown) {}
  get description(): string { return "ForeachBatchSink"; }
  async addBatch(b: BatchOutput): Promise<void> {
    this.lastOutputRows = b.rows.length;
    await this.fn(batchFrame(b), b.batchId);
  }
}

/** foreach(row => ...) or foreach({ open, process, close }): called for every output row. */
export class ForeachSink implements StreamSink {
  lastOutputRows = 0;
  constructor(private readonly writer: ((row: Record<string, unknown>) => unknown) | { open?(partitionId: number, epochId: number): boolean | void; process(row: Record<string, unknown>): unknown; close?(error?: unknown): unknown }) {}
  get description(): string { return "ForeachWriterTable"; }
  async addBatch(b: BatchOutput): Promise<void> {
    this.lastOutputRows = b.rows.length;
    const names = b.schema.fields.map((f) => f.name);
    const w = typeof this.writer === "function" ? { process: this.writer } : this.writer;
    if (w.open && w.open(0, b.batchId) === false) return;
    try {
      for (const r of b.rows) await w.process(Object.fromEntries(names.map((n, i) => [n, r[i]])));
      await w.close?.();
    } catch (e) {
      await w.close?.(e);
      throw e;
    }
  }
}

/**
 * format("json" | "csv" | "parquet" | "text"): files in a directory, exactly once via
 * _spark_metadata; with partitionBy, in Hive-style `col=value/` folders as the batch writer makes them.
 */
export class FileSink implements StreamSink {
  lastOutputRows = 0;
  private readonly dir: string;
  private readonly log: MetadataLog;
  constructor(private readonly format: string, path: string, private readonly options: Record<string, string>, private readonly partitionCols: string[] = []) {
    this.dir = resolve(path.replace(/^file:(\/\/)?/, ""));
    mkdirSync(this.dir, { recursive: true });
    this.log = new MetadataLog(join(this.dir, "_spark_metadata"));
  }
  get description(): string { return `FileSink[${this.dir}]`; }
  async addBatch(b: BatchOutput): Promise<void> {
    this.lastOutputRows = b.rows.length;
    if (this.log.get(b.batchId)) return; // already written by an earlier attempt
    const prefix = `part-${String(b.batchId).padStart(5, "0")}-`;
    // files an earlier, uncommitted attempt of this batch left (in any partition folder)
    for (const f of dataFiles(this.dir)) if (basename(f).startsWith(prefix)) rmSync(join(this.dir, f), { force: true });
    const staging = join(this.dir, `_temporary-${b.batchId}`);
    rmSync(staging, { recursive: true, force: true });
    const files: string[] = [];
    if (b.rows.length) {
      await batchFrame(b).write.mode("overwrite").format(this.format).options(this.options).partitionBy(...this.partitionCols).save(staging);
      let i = 0;
      for (const rel of dataFiles(staging).sort()) {
        const name = basename(rel);
        const target = join(dirname(rel), `${prefix}${String(i++).padStart(5, "0")}${name.slice(name.indexOf("."))}`);
        mkdirSync(join(this.dir, dirname(rel)), { recursive: true });
        renameSync(join(staging, rel), join(this.dir, target));
        files.push(target);
      }
    }
    rmSync(staging, { recursive: true, force: true });
    this.log.add(b.batchId, files.map((f) => JSON.stringify({ path: join(this.dir, f), action: "add" })));
  }
  /** The files committed so far (what a reader that honours _spark_metadata sees). */
  committedFiles(): string[] {
    return this.log.batchIds().flatMap((id) => this.log.get(id)!.filter((l) => l.trim()).map((l) => (JSON.parse(l) as { path: string }).path));
  }
  static exists(path: string): boolean { return existsSync(path); }
}

/** Data files under `dir` (relative paths), through `col=value` folders; no _ or . entries. */
function dataFiles(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    if (e.name.startsWith("_") || e.name.startsWith(".")) continue;
    const r = rel ? join(rel, e.name) : e.name;
    if (e.isDirectory()) { if (e.name.includes("=")) out.push(...dataFiles(dir, r)); }
    else out.push(r);
  }
  return out;
}
