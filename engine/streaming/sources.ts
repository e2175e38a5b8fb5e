// Streaming sources. A source reports the latest offset it has (rate-limited by the trigger's read
// limit) and returns the rows between two offsets as a batch DataFrame, planned like any batch
// query so each micro-batch is a real job on the workers. Offsets are plain JSON values, written
// to the checkpoint's offsets log before a batch runs, so a restarted query re-reads exactly the
// same range. Sources: MemoryStream (Spark's test/notebook source), rate, file directories
// (text/csv/json/parquet) and socket.

import { readdirSync, statSync, existsSync } from "node:fs";
import { createConnection, type Socket } from "node:net";
import { join, resolve } from "node:path";
import { AnalysisError } from "../common/errors";
import { DataFrame, sqlSessionOf, type SchemaArg, type SqlSession, type SqlSessionLike, type StructType } from "../sql";
import { attrsOf } from "../sql/plan/logical-plan";
import { rateRows, type RateSlice } from "./rate-rows";
import type { MetadataLog } from "./checkpoint-log";

export type Offset = unknown;

/** What a source needs from the query that reads it. */
export interface SourceContext {
  /** The source's own log in the checkpoint (file sources record their files per batch). */
  log: MetadataLog;
}

export interface StreamSource {
  /** Spark's description, shown in progress.sources[].description. */
  readonly description: string;
  readonly schema: StructType;
  /** Called once when a query starts (or restarts) reading this source. */
  open?(ctx: SourceContext): void;
  /** The latest offset available now, at most `maxRows`/`maxFiles` beyond `start` if the source honours limits. */
  latestOffset(start: Offset | undefined): Offset | undefined | Promise<Offset | undefined>;
  /** The rows after `start` up to and including `end`. */
  getBatch(session: SqlSession, start: Offset | undefined, end: Offset): DataFrame;
  /** Rows between two offsets, when the source can tell (for numInputRows without a job). */
  rowsBetween?(start: Offset | undefined, end: Offset): number | undefined;
  /** Wake-up hook: called when new data arrives, so an idle query does not wait for its poll. */
  onData?: () => void;
  stop?(): void;
}

function emptyBatch(session: SqlSession, schema: StructType): DataFrame {
  return session.createDataFrame([], schema);
}

function hostSession(spark: unknown): SqlSession {
  return sqlSessionOf(spark as SqlSessionLike);
}

/** The last row index available, at most `max` rows after `start` (offsets are row indexes). */
function limitedOffset(available: number, start: Offset | undefined, max?: number): Offset | undefined {
  if (!available) return undefined;
  const last = available - 1;
  if (max === undefined || !(max > 0)) return last;
  const from = start === undefined ? -1 : (start as number);
  return Math.max(from, Math.min(last, from + Math.floor(max)));
}

// ---- MemoryStream -------------------------------------------------------------------------------

let memoryStreamIds = 0;

/**
 * MemoryStream (Spark's Scala test source): `const input = new MemoryStream(spark, "word STRING,
 * ts TIMESTAMP")`, `input.addData(rows)` returns the new offset, `input.toDF()` the streaming
 * DataFrame. Offsets count the rows added so far; the data lives in the driver, so a restarted
 * program must add the same rows again (as Spark's own recovery tests do).
 */
export class MemoryStream implements StreamSource {
  readonly id = memoryStreamIds++;
  readonly schema: StructType;
  private readonly rows: unknown[][] = [];
  private readonly session: SqlSession;
  onData?: () => void;
  /** Whole batches as added, so maxOffsetsPerTrigger-free reads keep addData boundaries. */
  private readonly boundaries: number[] = [];

  constructor(spark: unknown, schema: SchemaArg) {
    this.session = hostSession(spark);
    if (this.session.isRemote) {
      // Spark's MemoryStream is a JVM test source: a Spark Connect client has none to feed.
      throw new AnalysisError("UNSUPPORTED_FEATURE.SPARK_CONNECT", "MemoryStream keeps its rows in the embedded driver's memory, which a Spark Connect server cannot read. On a remote session, stream from a source the server reads: spark.readStream.format(\"rate\"), files in a directory (csv, json, parquet, text) or a socket.", { parameters: { feature: "MemoryStream" } });
    }
    this.schema = this.session.createDataFrame([], schema).schema;
  }
  get description(): string {
    return `MemoryStream[${this.schema.fields.map((f) => f.name).join(",")}]`;
  }
  /** Append rows (objects or arrays); returns the new offset, as Spark's addData. */
  addData(...data: (unknown[] | Record<string, unknown> | unknown)[]): number {
    const list = data.length === 1 && Array.isArray(data[0]) && (data[0].length === 0 || typeof data[0][0] === "object") ? (data[0] as unknown[]) : data;
    const df = this.session.createDataFrame(list as unknown[], this.schema);
    const plan = df.plan as { rows: unknown[][] };
    this.rows.push(...plan.rows);
    this.boundaries.push(this.rows.length);
    this.onData?.();
    return this.rows.length - 1;
  }
  /** The streaming DataFrame over this source. */
  toDF(): DataFrame {
    return streamingDataFrame(this.session, this);
  }
  /** Rate limit: at most this many rows per micro-batch (Spark's maxOffsetsPerTrigger). */
  maxOffsetsPerTrigger?: number;
  latestOffset(start: Offset | undefined): Offset | undefined {
    return limitedOffset(this.rows.length, start, this.maxOffsetsPerTrigger);
  }
  rowsBetween(start: Offset | undefined, end: Offset): number {
    return (end as number) - (start === undefined ? -1 : (start as number));
  }
  getBatch(session: SqlSession, start: Offset | undefined, end: Offset): DataFrame {
    const from = start === undefined ? 0 : (start as number) + 1;
    const to = (end as number) + 1;
    if (to > this.rows.length) {
      throw new AnalysisError("STREAM_FAILED", `${this.description} has ${this.rows.length} rows but the checkpoint asks for offset ${end as number}: add the same data again before restarting the query.`);
    }
    return session.createDataFrame(this.rows.slice(from, to), this.schema);
  }
  toString(): string {
    return this.description;
  }
}

// ---- rate ----------------------------------------------------------------------------------------

/** format("rate"): `rowsPerSecond` rows (timestamp, value) per second in `numPartitions` partitions. */
export class RateSource implements StreamSource {
  readonly schema: StructType;
  private startMs?: number;
  private readonly rowsPerSecond: number;
  private readonly numPartitions?: number;
  constructor(session: SqlSession, options: Record<string, string>) {
    this.rowsPerSecond = Number(options.rowsPerSecond ?? 1);
    if (!(this.rowsPerSecond > 0) || !Number.isInteger(this.rowsPerSecond)) {
      throw new AnalysisError("INVALID_PARAMETER_VALUE", `Invalid value '${options.rowsPerSecond}'. The option 'rowsPerSecond' must be positive`);
    }
    this.numPartitions = options.numPartitions !== undefined ? Number(options.numPartitions) : undefined;
    this.schema = session.createDataFrame([], "timestamp TIMESTAMP, value BIGINT").schema;
  }
  get description(): string {
    return `RateStreamV2[rowsPerSecond=${this.rowsPerSecond}, rampUpTimeSeconds=0, numPartitions=${this.numPartitions ?? "default"}]`;
  }
  latestOffset(start: Offset | undefined): Offset {
    const s = start as { startMs: number } | undefined;
    this.startMs ??= s?.startMs ?? Date.now();
    const seconds = Math.floor((Date.now() - this.startMs) / 1000);
    return { startMs: this.startMs, rows: seconds * this.rowsPerSecond };
  }
  rowsBetween(start: Offset | undefined, end: Offset): number {
    return (end as { rows: number }).rows - ((start as { rows: number } | undefined)?.rows ?? 0);
  }
  getBatch(session: SqlSession, start: Offset | undefined, end: Offset): DataFrame {
    const e = end as { startMs: number; rows: number };
    const from = (start as { rows: number } | undefined)?.rows ?? 0;
    if (e.rows <= from) return emptyBatch(session, this.schema);
    // value v is emitted at startMs + v / rowsPerSecond seconds, as the rate source does; the rows
    // are generated in the tasks, split over the partitions as range() splits its values.
    const sc = session.sparkContext;
    const n = Math.max(1, this.numPartitions ?? sc.defaultParallelism), count = e.rows - from;
    const slices: RateSlice[] = [];
    for (let i = 0; i < n; i++) {
      slices.push([from + Math.floor((count * i) / n), from + Math.floor((count * (i + 1)) / n), e.startMs, this.rowsPerSecond]);
    }
    const rdd = sc.parallelize(slices, n).mapPartitions((it: Iterable<RateSlice>) => rateRows(it));
    const output = attrsOf(this.schema.fields);
    return new DataFrame(session, { kind: "RddRelation", rdd, output, name: "RateStream" });
  }
}

// ---- file directories ----------------------------------------------------------------------------

/**
 * A directory of text/csv/json/parquet files: new files are picked up once each, oldest first
 * (modification time, then name), at most maxFilesPerTrigger per batch. The files of batch N are
 * recorded in the checkpoint's `sources/<i>/N` before the batch runs.
 */
export class FileStreamSource implements StreamSource {
  private log?: MetadataLog;
  private readonly seen = new Set<string>();
  private readonly batches = new Map<number, string[]>();
  private lastLogId = -1;
  private readonly dir: string;
  constructor(readonly format: string, path: string, readonly schema: StructType, private readonly options: Record<string, string>) {
    this.dir = resolve(path.replace(/^file:(\/\/)?/, ""));
  }
  get description(): string {
    return `FileStreamSource[file:${this.dir}]`;
  }
  open(ctx: SourceContext): void {
    this.log = ctx.log;
    for (const id of ctx.log.batchIds()) {
      const files = JSON.parse(ctx.log.get(id)![0]!) as string[];
      this.batches.set(id, files);
      for (const f of files) this.seen.add(f);
      this.lastLogId = Math.max(this.lastLogId, id);
    }
  }
  latestOffset(): Offset | undefined {
    if (existsSync(this.dir)) {
      const fresh = readdirSync(this.dir).filter((n) => !n.startsWith("_") && !n.startsWith("."))
        .map((n) => join(this.dir, n)).filter((p) => !this.seen.has(p) && statSync(p).isFile())
        .map((p) => ({ p, t: statSync(p).mtimeMs })).sort((a, b) => a.t - b.t || (a.p < b.p ? -1 : 1)).map((x) => x.p);
      const max = this.options.maxFilesPerTrigger !== undefined ? Number(this.options.maxFilesPerTrigger) : Infinity;
      const take = fresh.slice(0, max);
      if (take.length) {
        const id = ++this.lastLogId;
        this.log!.add(id, [JSON.stringify(take)]);
        this.batches.set(id, take);
        for (const f of take) this.seen.add(f);
      }
    }
    return this.lastLogId >= 0 ? { logOffset: this.lastLogId } : undefined;
  }
  getBatch(session: SqlSession, start: Offset | undefined, end: Offset): DataFrame {
    const from = (start as { logOffset: number } | undefined)?.logOffset ?? -1;
    const to = (end as { logOffset: number }).logOffset;
    const files: string[] = [];
    for (let i = from + 1; i <= to; i++) files.push(...(this.batches.get(i) ?? []));
    if (!files.length) return emptyBatch(session, this.schema);
    const { maxFilesPerTrigger: _m, latestFirst: _l, ...readOpts } = this.options;
    return session.read.format(this.format).schema(this.schema).options(readOpts).load(files);
  }
}

// ---- socket --------------------------------------------------------------------------------------

/** format("socket"): lines of text from host:port (one column `value`), for demos as in Spark. */
export class SocketSource implements StreamSource {
  readonly schema: StructType;
  private readonly lines: string[] = [];
  private socket?: Socket;
  private buffer = "";
  onData?: () => void;
  constructor(session: SqlSession, private readonly host: string, private readonly port: number, private readonly maxOffsetsPerTrigger?: number) {
    this.schema = session.createDataFrame([], "value STRING").schema;
  }
  get description(): string {
    return `TextSocketV2[host: ${this.host}, port: ${this.port}]`;
  }
  open(): void {
    if (this.socket) return;
    this.socket = createConnection({ host: this.host, port: this.port });
    this.socket.setEncoding("utf8");
    this.socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      const parts = this.buffer.split("\n");
      this.buffer = parts.pop()!;
      this.lines.push(...parts.map((l) => l.replace(/\r$/, "")));
      if (parts.length) this.onData?.();
    });
    this.socket.on("error", () => undefined);
  }
  latestOffset(start: Offset | undefined): Offset | undefined {
    return limitedOffset(this.lines.length, start, this.maxOffsetsPerTrigger);
  }
  rowsBetween(start: Offset | undefined, end: Offset): number {
    return (end as number) - ((start as number | undefined) ?? -1);
  }
  getBatch(session: SqlSession, start: Offset | undefined, end: Offset): DataFrame {
    const from = start === undefined ? 0 : (start as number) + 1;
    return session.createDataFrame(this.lines.slice(from, (end as number) + 1).map((v) => [v]), this.schema);
  }
  stop(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }
}

// ---- the streaming leaf ----------------------------------------------------------------------------

const leaves = new WeakMap<object, StreamSource>();

/** A DataFrame whose plan is a streaming leaf for `source` (an empty relation with its schema). */
export function streamingDataFrame(session: SqlSession, source: StreamSource): DataFrame {
  const empty = session.createDataFrame([], source.schema);
  const leaf = { ...(empty.plan as object) } as DataFrame["plan"];
  leaves.set(leaf, source);
  return new (empty.constructor as new (s: SqlSession, p: DataFrame["plan"]) => DataFrame)(session, leaf);
}

/** The source behind a streaming leaf, if the plan node is one. */
export function sourceOfLeaf(plan: object): StreamSource | undefined {
  return leaves.get(plan);
}
