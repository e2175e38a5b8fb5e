// Delta tables in Structured Streaming (wired here: engine/lake and engine/streaming may not
// import each other).
//
// Source, spark.readStream.format("delta").load(path), as Delta's DeltaSource: a query first
// reads the table's snapshot at the version it starts from (every live file), then the files each
// later commit adds, in log order. An offset is the position of the last file read:
// { reservoirVersion, index, isStartingVersion } (Delta's DeltaSourceOffset fields), so a
// restarted query resumes exactly where its checkpoint says. Options: startingVersion (n or
// "latest": skip the snapshot, read the changes from that version on), startingTimestamp (the
// changes committed at or after it, from the earliest version when it precedes every commit),
// maxFilesPerTrigger
// (default 1000), maxBytesPerTrigger, and for commits that remove data (DELETE, UPDATE, MERGE,
// overwrite) Delta's rule: the query fails with DELTA_SOURCE_TABLE_IGNORE_CHANGES unless
// skipChangeCommits (skip such commits), ignoreChanges (re-emit their added files) or
// ignoreDeletes (commits that only remove files) says otherwise. Commits with dataChange=false
// (OPTIMIZE) are skipped.
//
// Sink, df.writeStream.format("delta").option("checkpointLocation", c).start(path): each
// micro-batch is one Delta commit with a txn action (appId = the query id, version = the batch
// id), so a batch replayed after a crash is skipped: exactly-once (writeDeltaBatch).

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AnalysisError } from "../common/errors";
import { type DataFrame, type SqlSession, type StructType } from "../sql";
import {
  FILES_OPTION, FILE_RANGE_OPTION, fileKey, firstVersionAtOrAfter, isDeltaTable, listLog, loadHeaderSync, loadSnapshot, readCommit, snapshotFilesInOrder, writeDeltaBatch, type AddFile,
} from "../lake";
import { registerStreamingFormat, type Offset, type StreamSink, type StreamSource } from "../streaming";
import type { BatchOutput } from "../streaming/sinks";

export interface DeltaSourceOffset {
  reservoirVersion: number;
  /** Index of the last file read within that version's files (-1: none yet). */
  index: number;
  /** The files of reservoirVersion are its snapshot (every live file), not the files it added. */
  isStartingVersion: boolean;
}

interface Entry { version: number; index: number; starting: boolean; file: AddFile }

function tableDir(path: string): string {
  return path.replace(/^file:(\/\/)?/, "");
}

export class DeltaStreamSource implements StreamSource {
  readonly schema: StructType;
  private readonly table: string;
  private readonly maxFiles: number;
  private readonly maxBytes: number;
  private readonly changesCache = new Map<number, AddFile[]>();
  private startingFiles?: { version: number; files: AddFile[] };
  /** Where this query began when it had no offset yet (fixed at its first look at the table). */
  private begin?: DeltaSourceOffset;

  constructor(session: SqlSession, path: string, private readonly options: Record<string, string>) {
    this.table = tableDir(path);
    if (!isDeltaTable(this.table)) {
      throw new AnalysisError("DELTA_SCHEMA_NOT_SET", `Table schema is not set. Write data into it or use CREATE TABLE to set the schema (no Delta table at ${this.table}).`);
    }
    this.schema = loadHeaderSync(this.table).schema;
    const o = (k: string) => Object.entries(options).find(([x]) => x.toLowerCase() === k.toLowerCase())?.[1];
    this.maxFiles = o("maxFilesPerTrigger") !== undefined ? Number(o("maxFilesPerTrigger")) : 1000;
    this.maxBytes = o("maxBytesPerTrigger") !== undefined ? Number(o("maxBytesPerTrigger")) : Infinity;
    if (!(this.maxFiles > 0)) throw new AnalysisError("INVALID_PARAMETER_VALUE", `maxFilesPerTrigger must be a positive integer, got ${o("maxFilesPerTrigger")}.`);
  }

  get description(): string { return `DeltaSource[file:${this.table}]`; }

  private opt(k: string): string | undefined {
    return Object.entries(this.options).find(([x]) => x.toLowerCase() === k.toLowerCase())?.[1];
  }
  private flag(k: string): boolean { return (this.opt(k) ?? "false").toLowerCase() === "true"; }

  /** The data files commit `v` adds for a stream, or Delta's error for a commit that changes data. */
  private changes(v: number): AddFile[] {
    const hit = this.changesCache.get(v);
    if (hit) return hit;
    const actions = readCommit(this.table, v);
    const adds = actions.flatMap((a) => ("add" in a && a.add.dataChange !== false ? [a.add] : []));
    const removes = actions.flatMap((a) => ("remove" in a && a.remove.dataChange !== false ? [a.remove] : []));
    if (actions.some((a) => "metaData" in a) && v > 0) {
      const h = loadHeaderSync(this.table, v);
      if (h.schema.simpleString() !== this.schema.simpleString()) {
        throw new AnalysisError("DELTA_SCHEMA_CHANGED", `Detected schema change in version ${v}: streaming source schema ${this.schema.simpleString()}, data file schema ${h.schema.simpleString()}. Please try restarting the query.`, { parameters: { version: v } });
      }
    }
    let out = adds;
    if (removes.length) {
      if (this.flag("skipChangeCommits")) out = [];
      else if (this.flag("ignoreChanges")) out = adds;
      else if (this.flag("ignoreDeletes") && adds.length === 0) out = [];
      else {
        throw new AnalysisError("DELTA_SOURCE_TABLE_IGNORE_CHANGES",
          `Detected a data update (for example ${removes[0]!.path}) in the source table at version ${v}. This is currently not supported. If this is going to happen regularly and you are okay to skip changes, set the option 'skipChangeCommits' to 'true'. If you would like the data update to be reflected, please restart this query with a fresh checkpoint directory. The source table can be found at path ${this.table}.`,
          { parameters: { version: String(v), path: this.table } });
      }
    }
    out = [...out].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    this.changesCache.set(v, out);
    return out;
  }

  private async snapshotFiles(version: number): Promise<AddFile[]> {
    if (this.startingFiles?.version !== version) {
      this.startingFiles = { version, files: snapshotFilesInOrder(await loadSnapshot(this.table, version)) };
    }
    return this.startingFiles.files;
  }

  /** Where a query without an offset begins: before the starting snapshot, or before startingVersion's changes. */
  private initial(latest: number): DeltaSourceOffset {
    this.begin ??= this.initialAt(latest);
    return this.begin;
  }
  private initialAt(latest: number): DeltaSourceOffset {
    const sv = this.opt("startingVersion"), st = this.opt("startingTimestamp");
    if (sv !== undefined && st !== undefined) {
      throw new AnalysisError("DELTA_STARTING_VERSION_AND_TIMESTAMP_BOTH_SET", "Please either provide 'startingVersion' or 'startingTimestamp'.", { parameters: { version: sv, timestamp: st } });
    }
    // startingTimestamp: the changes committed at or after it, from that version on (no snapshot)
    if (st !== undefined) return { reservoirVersion: firstVersionAtOrAfter(this.table, st), index: -1, isStartingVersion: false };
    if (sv === undefined) return { reservoirVersion: latest, index: -1, isStartingVersion: true };
    if (sv.toLowerCase() === "latest") return { reservoirVersion: latest + 1, index: -1, isStartingVersion: false };
    const n = Number(sv);
    if (!Number.isInteger(n) || n < 0) throw new AnalysisError("DELTA_INVALID_STARTING_VERSION", `Invalid startingVersion ${sv}: expected a non-negative integer or 'latest'.`);
    if (n > latest) throw new AnalysisError("DELTA_VERSION_NOT_FOUND", `Cannot time travel Delta table to version ${n}. Available versions: [0, ${latest}].`, { parameters: { userVersion: n, earliest: 0, latest } });
    return { reservoirVersion: n, index: -1, isStartingVersion: false };
  }

  /** Entries strictly after `from`, at most maxFiles / maxBytes of them (always at least one). */
  private async entriesAfter(from: DeltaSourceOffset, latest: number, limit: boolean): Promise<Entry[]> {
    const out: Entry[] = [];
    let bytes = 0;
    const full = () => limit && (out.length >= this.maxFiles || bytes >= this.maxBytes);
    const push = (e: Entry) => { out.push(e); bytes += e.file.size; };
    let v = from.reservoirVersion;
    if (from.isStartingVersion) {
      const files = await this.snapshotFiles(v);
      for (let i = from.index + 1; i < files.length && !full(); i++) push({ version: v, index: i, starting: true, file: files[i]! });
      v++;
    } else {
      if (v <= latest) {
        const files = this.changes(v);
        for (let i = from.index + 1; i < files.length && !full(); i++) push({ version: v, index: i, starting: false, file: files[i]! });
      }
      v++;
    }
    for (; v <= latest && !full(); v++) {
      const files = this.changes(v);
      for (let i = 0; i < files.length && !full(); i++) push({ version: v, index: i, starting: false, file: files[i]! });
    }
    return out;
  }

  private latestVersion(): number {
    const l = listLog(this.table);
    return Math.max(l.commits.length ? l.commits[l.commits.length - 1]! : -1, l.checkpoints.length ? l.checkpoints[l.checkpoints.length - 1]!.version : -1);
  }

  async latestOffset(start: Offset | undefined): Promise<Offset | undefined> {
    const latest = this.latestVersion();
    const from = (start as DeltaSourceOffset | undefined) ?? this.initial(latest);
    const entries = await this.entriesAfter(from, latest, true);
    const last = entries[entries.length - 1];
    if (!last) return start;
    return { reservoirVersion: last.version, index: last.index, isStartingVersion: last.starting } satisfies DeltaSourceOffset;
  }

  /**
   * What (start, end] covers: a range of the starting snapshot's files (read through the delta
   * source, which lists the snapshot when the batch is planned) and the files later commits added.
   * Deterministic (the log is immutable), so a replayed batch reads the same files.
   */
  private span(start: DeltaSourceOffset | undefined, end: DeltaSourceOffset): { starting?: { version: number; from: number; to: number | null }; changes: Entry[] } {
    const from = start ?? this.initial(end.isStartingVersion ? end.reservoirVersion : this.latestVersion());
    const out: { starting?: { version: number; from: number; to: number | null }; changes: Entry[] } = { changes: [] };
    let v = from.reservoirVersion;
    let firstIndex = from.index + 1;
    if (from.isStartingVersion) {
      const to = end.isStartingVersion && end.reservoirVersion === v ? end.index : null;
      if (to === null || to >= firstIndex) out.starting = { version: v, from: firstIndex, to };
      v++;
      firstIndex = 0;
    }
    for (; v <= end.reservoirVersion; v++, firstIndex = 0) {
      if (end.isStartingVersion) break;
      const files = this.changes(v);
      const last = v === end.reservoirVersion ? Math.min(end.index, files.length - 1) : files.length - 1;
      for (let i = firstIndex; i <= last; i++) out.changes.push({ version: v, index: i, starting: false, file: files[i]! });
    }
    return out;
  }

  getBatch(session: SqlSession, start: Offset | undefined, end: Offset): DataFrame {
    const sp = this.span(start as DeltaSourceOffset | undefined, end as DeltaSourceOffset);
    const parts: DataFrame[] = [];
    if (sp.starting) {
      parts.push(session.read.format("delta").option("versionAsOf", sp.starting.version).option(FILE_RANGE_OPTION, JSON.stringify({ from: sp.starting.from, to: sp.starting.to })).load(this.table));
    }
    const byVersion = new Map<number, string[]>();
    for (const x of sp.changes) byVersion.set(x.version, [...(byVersion.get(x.version) ?? []), fileKey(x.file.path)]);
    for (const [v, keys] of byVersion) parts.push(session.read.format("delta").option("versionAsOf", v).option(FILES_OPTION, JSON.stringify(keys)).load(this.table));
    return parts.length ? parts.reduce((a, b) => a.unionByName(b)) : session.createDataFrame([], this.schema);
  }

  rowsBetween(start: Offset | undefined, end: Offset): number | undefined {
    try {
      const sp = this.span(start as DeltaSourceOffset | undefined, end as DeltaSourceOffset);
      let files = sp.changes.map((e) => e.file);
      if (sp.starting) {
        if (this.startingFiles?.version !== sp.starting.version) return undefined;
        files = [...this.startingFiles.files.slice(sp.starting.from, sp.starting.to === null ? undefined : sp.starting.to + 1), ...files];
      }
      let n = 0;
      for (const f of files) {
        const stats = f.stats ? (JSON.parse(f.stats) as { numRecords?: number }) : undefined;
        if (stats?.numRecords === undefined) return undefined;
        n += Number(stats.numRecords);
      }
      return n;
    } catch {
      return undefined;
    }
  }
}

/** writeStream.format("delta"): one commit per micro-batch, exactly once through the txn action. */
export class DeltaStreamSink implements StreamSink {
  lastOutputRows = 0;
  private queryId?: string;
  constructor(private readonly table: string, private readonly checkpointLocation: string, private readonly mode: "append" | "complete") {}
  get description(): string { return `DeltaSink[file:${this.table}]`; }
  async addBatch(b: BatchOutput): Promise<void> {
    this.lastOutputRows = b.rows.length;
    // Delta's appId is the query id, which lives in the checkpoint (written when the query started).
    if (!this.queryId) {
      const meta = join(this.checkpointLocation, "metadata");
      if (!existsSync(meta)) throw new AnalysisError("INTERNAL_ERROR", `The streaming query's checkpoint has no metadata file at ${meta}.`);
      this.queryId = (JSON.parse(readFileSync(meta, "utf8")) as { id: string }).id;
    }
    await writeDeltaBatch(b.session.createDataFrame(b.rows, b.schema), this.table, this.queryId, b.batchId, this.mode);
  }
}

registerStreamingFormat("delta", {
  source: ({ session, path, options }) => {
    if (!path) throw new AnalysisError("DELTA_PATH_NOT_SPECIFIED", "'path' is not specified: readStream.format(\"delta\").load(path).");
    return new DeltaStreamSource(session, path, options);
  },
  sink: ({ session, path, options, outputMode, queryName }) => {
    if (!path) throw new AnalysisError("DELTA_PATH_NOT_SPECIFIED", "'path' is not specified: writeStream.format(\"delta\").start(path).");
    if (outputMode === "update") throw new AnalysisError("STREAMING_OUTPUT_MODE.UNSUPPORTED_DATASOURCE", "Data source delta does not support Update output mode.");
    const root = session.conf.get("spark.sql.streaming.checkpointLocation");
    const cp = options.checkpointLocation ?? options.checkpointlocation ?? (root && queryName ? `${root}/${queryName}` : undefined);
    if (!cp) throw new AnalysisError("CHECKPOINT_LOCATION_REQUIRED", "checkpointLocation must be specified either through option(\"checkpointLocation\", ...) or SparkSession.conf.set(\"spark.sql.streaming.checkpointLocation\", ...)");
    return new DeltaStreamSink(tableDir(path), cp, outputMode);
  },
});
