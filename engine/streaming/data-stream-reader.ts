// spark.readStream (PySpark's DataStreamReader): format/option/schema then load(), or the
// shortcuts json/csv/text/parquet(dir). Returns a streaming DataFrame (df.isStreaming is true).

import { AnalysisError } from "../common/errors";
import type { DataFrame, SqlSession, StructType } from "../sql";
import { streamingFormat } from "./format-registry";
import { FileStreamSource, RateSource, SocketSource, streamingDataFrame } from "./sources";

type Opt = string | number | boolean;
const FILE_FORMATS = new Set(["json", "csv", "text", "parquet"]);

export class DataStreamReader {
  private fmt = "parquet";
  private opts: Record<string, string> = {};
  private userSchema?: StructType;
  constructor(private readonly session: SqlSession) {}

  format(source: string): this { this.fmt = source.toLowerCase(); return this; }
  option(key: string, value: Opt): this { this.opts[key] = String(value); return this; }
  options(o: Record<string, Opt>): this { for (const [k, v] of Object.entries(o)) this.option(k, v); return this; }
  /** A StructType or a DDL string ("word STRING, ts TIMESTAMP"). */
  schema(s: StructType | string): this {
    this.userSchema = typeof s === "string" ? this.session.createDataFrame([], s).schema : s;
    return this;
  }

  load(path?: string, format?: string, options: Record<string, Opt> = {}): DataFrame {
    if (format) this.format(format);
    this.options(options);
    const f = this.fmt;
    if (f === "rate") return streamingDataFrame(this.session, new RateSource(this.session, this.opts));
    if (f === "socket") {
      const host = this.opts.host, port = Number(this.opts.port);
      if (!host || !port) throw new AnalysisError("INVALID_PARAMETER_VALUE", "Set a host and a port to read from with option(\"host\", ...) and option(\"port\", ...)");
      const max = this.opts.maxOffsetsPerTrigger !== undefined ? Number(this.opts.maxOffsetsPerTrigger) : undefined;
      return streamingDataFrame(this.session, new SocketSource(this.session, host, port, max));
    }
    if (FILE_FORMATS.has(f)) {
      const p = path ?? this.opts.path;
      if (!p) throw new AnalysisError("UNABLE_TO_INFER_SCHEMA", "'path' is not specified.");
      let schema = this.userSchema;
      if (!schema && f === "text") schema = this.session.createDataFrame([], "value STRING").schema;
      if (!schema && this.session.conf.get("spark.sql.streaming.schemaInference") === "true") schema = this.session.read.format(f).options(this.opts).load(p).schema;
      if (!schema) {
        throw new AnalysisError("UNABLE_TO_INFER_SCHEMA", "Schema must be specified when creating a streaming source DataFrame. If some files already exist in the directory, then depending on the file format you may be able to create a static DataFrame on that directory with 'spark.read.load(directory)' and infer schema from it.");
      }
      return streamingDataFrame(this.session, new FileStreamSource(f, p, schema, this.opts));
    }
    const registered = streamingFormat(f)?.source;
    if (registered) return streamingDataFrame(this.session, registered({ session: this.session, path: path ?? this.opts.path, options: this.opts, schema: this.userSchema }));
    throw new AnalysisError("DATA_SOURCE_NOT_FOUND", `Failed to find the data source: ${f}.`);
  }
  json(path: string, options: Record<string, Opt> = {}): DataFrame { return this.load(path, "json", options); }
  csv(path: string, options: Record<string, Opt> = {}): DataFrame { return this.load(path, "csv", options); }
  text(path: string, options: Record<string, Opt> = {}): DataFrame { return this.load(path, "text", options); }
  parquet(path: string, options: Record<string, Opt> = {}): DataFrame { return this.load(path, "parquet", options); }
}
