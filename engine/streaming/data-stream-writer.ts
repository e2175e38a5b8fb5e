// df.writeStream (PySpark's DataStreamWriter): outputMode, trigger, format, queryName, options
// (checkpointLocation, numRows, truncate, path), foreachBatch / foreach, then start(path?) which
// checks the query as Spark does and returns a running StreamingQuery.

import { streamingFormat } from "./format-registry";
import { AnalysisError } from "../common/errors";
import type { DataFrame } from "../sql";
import { streamsOf } from "./query-manager";
import { ConsoleSink, FileSink, ForeachBatchSink, ForeachSink, MemorySink, type StreamSink } from "./sinks";
import type { OutputMode } from "./streaming-plan";
import { StreamingQuery, type Trigger } from "./streaming-query";

type Opt = string | number | boolean;
type ForeachWriter = ConstructorParameters<typeof ForeachSink>[0];

export class DataStreamWriter {
  private mode: OutputMode = "append";
  private fmt = "parquet";
  private name?: string;
  private trig?: Trigger;
  private opts: Record<string, string> = {};
  private batchFn?: (df: DataFrame, batchId: number) => unknown;
  private rowFn?: ForeachWriter;
  private partitionCols: string[] = [];
  constructor(private readonly df: DataFrame) {}

  outputMode(mode: string): this {
    const m = mode.toLowerCase();
    if (m !== "append" && m !== "update" && m !== "complete") {
      throw new AnalysisError("STREAMING_OUTPUT_MODE.INVALID", `Unknown output mode ${mode}. Accepted output modes are 'append', 'complete', 'update'.`);
    }
    this.mode = m;
    return this;
  }
  format(source: string): this { this.fmt = source.toLowerCase(); return this; }
  queryName(name: string): this { this.name = name; return this; }
  option(key: string, value: Opt): this { this.opts[key] = String(value); return this; }
  options(o: Record<string, Opt>): this { for (const [k, v] of Object.entries(o)) this.option(k, v); return this; }
  /** trigger({ processingTime: "2 seconds" }) | ({ once: true }) | ({ availableNow: true }). */
  trigger(t: Trigger): this { this.trig = t; return this; }
  /** File sinks write Hive-style `col=value/` folders (other sinks refuse it when the query starts). */
  partitionBy(...cols: (string | string[])[]): this { this.partitionCols = cols.flat(); return this; }
  foreachBatch(fn: (df: DataFrame, batchId: number) => unknown): this { this.batchFn = fn; this.fmt = "foreachbatch"; return this; }
  foreach(fn: ForeachWriter): this { this.rowFn = fn; this.fmt = "foreach"; return this; }

  private makeSink(path?: string): StreamSink {
    if (this.partitionCols.length && !["json", "csv", "parquet", "text"].includes(this.fmt)) {
      throw new AnalysisError("UNSUPPORTED_FEATURE", `partitionBy is supported by the file sinks (parquet, json, csv, text), not by the ${this.fmt} sink.`);
    }
    switch (this.fmt) {
      case "memory":
        if (!this.name) throw new AnalysisError("STREAMING_QUERY_NAME_REQUIRED", "queryName must be specified for memory sink");
        return new MemorySink(this.name);
      case "console": return new ConsoleSink(Number(this.opts.numRows ?? 20), this.opts.truncate !== "false");
      case "foreachbatch": return new ForeachBatchSink(this.batchFn!);
      case "foreach": return new ForeachSink(this.rowFn!);
      case "json": case "csv": case "parquet": case "text": {
        const p = path ?? this.opts.path;
        if (!p) throw new AnalysisError("UNABLE_TO_INFER_SCHEMA", "'path' is not specified");
        if (this.mode !== "append") throw new AnalysisError("STREAMING_OUTPUT_MODE.UNSUPPORTED_DATASOURCE", `Data source ${this.fmt} does not support ${this.mode} output mode.`);
        if (!this.opts.checkpointLocation) throw new AnalysisError("CHECKPOINT_LOCATION_REQUIRED", "checkpointLocation must be specified either through option(\"checkpointLocation\", ...) or SparkSession.conf.set(\"spark.sql.streaming.checkpointLocation\", ...)");
        const { checkpointLocation: _c, path: _p, ...rest } = this.opts;
        for (const c of this.partitionCols) {
          if (!this.df.columns.includes(c)) throw new AnalysisError("COLUMN_NOT_FOUND", `Partition column \`${c}\` not found in schema ${this.df.schema.simpleString()}.`, { parameters: { colName: c } });
        }
        return new FileSink(this.fmt, p, rest, this.partitionCols);
      }
      default: {
        const registered = streamingFormat(this.fmt)?.sink;
        if (registered) return registered({ session: this.df.sparkSession, path: path ?? this.opts.path, options: this.opts, outputMode: this.mode, queryName: this.name });
        throw new AnalysisError("DATA_SOURCE_NOT_FOUND", `Failed to find the data source: ${this.fmt}.`);
      }
    }
  }

  /** Start the query; analysis errors are thrown here, as in Spark. */
  start(path?: string): StreamingQuery {
    const session = this.df.sparkSession;
    const manager = streamsOf(session);
    const sink = this.makeSink(path);
    const root = session.conf.get("spark.sql.streaming.checkpointLocation");
    const checkpointLocation = this.opts.checkpointLocation ?? (root && this.name ? `${root}/${this.name}` : undefined);
    const q = new StreamingQuery({ session, df: this.df, sink, outputMode: this.mode, trigger: this.trig, queryName: this.name, checkpointLocation, host: manager });
    manager.checkStart(q);
    q._start();
    return q;
  }
  /** toTable(name): a memory-backed table named `name` (as memory sink with that query name). */
  toTable(name: string): StreamingQuery {
    this.name ??= name;
    this.fmt = "memory";
    return this.start();
  }
}
