// spark.read, spark.readStream and df.write on a remote session: the same reader and writer API
// (format, option, schema, mode, partitionBy, csv/json/parquet/text, saveAsTable, insertInto), but
// the files are the server's: a read is a Spark Connect `Read` relation the server lists and infers
// (a streaming one for readStream), a write a `WriteOperation` command.

import { AnalysisError } from "../common/errors";
import type { DataFrame } from "../sql/api/dataframe";
import { DataFrameReader, DataFrameWriter, type ReadOptions } from "../sql/api/readwriter";
import { WriteOperation_SaveMode, WriteOperation_SaveTable_TableSaveMethod } from "./gen/spark/connect/commands_pb";
import type { Relation } from "./gen/spark/connect/relations_pb";
import type { RemoteSqlSession } from "./remote-sql-session";

const MODES: Record<string, WriteOperation_SaveMode> = {
  append: WriteOperation_SaveMode.APPEND,
  overwrite: WriteOperation_SaveMode.OVERWRITE,
  errorifexists: WriteOperation_SaveMode.ERROR_IF_EXISTS,
  ignore: WriteOperation_SaveMode.IGNORE,
};

/** Options as Spark Connect's string map (undefined values left out). */
export const strings = (o: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));

export class RemoteDataFrameReader extends DataFrameReader {
  /** @internal `streaming`: the reader of spark.readStream (streaming reads; rate and socket sources take no path). */
  constructor(private readonly remote: RemoteSqlSession, private readonly streaming = false) {
    super(remote);
  }

  override load(path?: string | string[], format?: string, options: ReadOptions = {}): DataFrame {
    const { schema, format: fmtOpt, ...rest } = options;
    if (schema !== undefined) this.schema(schema);
    const paths = path === undefined ? [] : Array.isArray(path) ? path : [path];
    const fmt = format ?? fmtOpt ?? this.fmt;
    const opts = strings({ ...this.opts, ...rest });
    return this.remote.leaf({
      case: "read",
      value: { isStreaming: this.streaming, readType: { case: "dataSource", value: { format: fmt, schema: this.userSchema?.toDDL(), options: opts, paths } } },
    }, `${this.streaming ? "StreamingRelation" : "Relation"} ${fmt} ${paths.join(", ")}`.trim(), this.streaming);
  }

  override table(name: string): DataFrame {
    if (!this.streaming) return this.remote.table(name);
    return this.remote.leaf({ case: "read", value: { isStreaming: true, readType: { case: "namedTable", value: { unparsedIdentifier: name } } } }, `StreamingRelation ${name}`, true);
  }
}

export class RemoteDataFrameWriter extends DataFrameWriter {
  private get remote(): RemoteSqlSession { return this.df.sparkSession as RemoteSqlSession; }

  private input(): Relation {
    return this.remote.planOf(this.df.plan).opType.value as Relation;
  }

  private base() {
    return {
      input: this.input(),
      source: this.fmtSet || this.fmt !== "parquet" ? this.fmt : undefined,
      mode: MODES[this.saveMode] ?? WriteOperation_SaveMode.ERROR_IF_EXISTS,
      partitioningColumns: this.partitionCols,
      options: strings(this.opts),
    };
  }

  /** Writes the rows at `path` on the server's file system (or its object store). */
  override async save(path?: string): Promise<void> {
    const p = path ?? (this.opts.path !== undefined ? String(this.opts.path) : undefined);
    if (!p) throw new AnalysisError("UNABLE_TO_WRITE", "'path' is not specified.");
    await this.remote.command({ commandType: { case: "writeOperation", value: { ...this.base(), saveType: { case: "path", value: p } } } }, "save");
  }

  override async saveAsTable(name: string): Promise<void> {
    await this.remote.command({ commandType: { case: "writeOperation", value: { ...this.base(), saveType: { case: "table", value: { tableName: name, saveMethod: WriteOperation_SaveTable_TableSaveMethod.SAVE_AS_TABLE } } } } }, "saveAsTable");
  }

  override async insertInto(name: string, overwrite = false): Promise<void> {
    this.mode(overwrite ? "overwrite" : "append");
    await this.remote.command({ commandType: { case: "writeOperation", value: { ...this.base(), saveType: { case: "table", value: { tableName: name, saveMethod: WriteOperation_SaveTable_TableSaveMethod.INSERT_INTO } } } } }, "insertInto");
  }
}
