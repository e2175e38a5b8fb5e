// spark.read (DataFrameReader) and df.write (DataFrameWriter) over the registered data sources
// (engine/sql/datasource-contract.ts). As in PySpark, a load returns a DataFrame at once: the
// schema is inferred by synchronous, bounded reads on the driver (listing, a CSV/JSON pass,
// Parquet footers): `const df = spark.read.option("header", true).csv(path)`.

import { randomUUID } from "node:crypto";
import { AnalysisError } from "../../common/errors";
import { writePartition } from "../execution/write-task";
import { parseTableSchema } from "../parser";
import { StructType, type DataType } from "../types";
import { dataSourceOptions, getDataSource, saveMode, registeredFormats, TABLE_OPERATION_OPTION, type OptionValue, type DataSource, type DataSourceOptions, type ScanSpec, type WriteJob, type WrittenFile } from "../datasource-contract";
import { attrsOf, newExprId } from "../plan/logical-plan";
import { localPath } from "../datasources/file-listing";
import { DataFrame } from "./dataframe";
import type { SqlSession } from "./sql-session";
import { locationExistsError, locationInUse, managedLocation, tableExistsError, tableIdent, tableNameParts, warehouseDir } from "../analysis/catalog-tables";

/** Reader options; `schema` and `format` are PySpark's keyword arguments of the same names. */
export type ReadOptions = Record<string, OptionValue | StructType | undefined> & { schema?: StructType | string; format?: string };

function dataSource(format: string): DataSource {
  const ds = getDataSource(format);
  if (!ds) {
    throw new AnalysisError("DATA_SOURCE_NOT_FOUND", `Failed to find the data source: ${format}. Available: ${registeredFormats().join(", ") || "(none registered)"}.`, { parameters: { provider: format } });
  }
  return ds;
}

/** The user's schema plus the partition columns of the files' directories; as given when they cannot be listed now (the scan reports that). */
function withPartitions(ds: DataSource, paths: string[], options: DataSourceOptions, userSchema: StructType): StructType {
  try {
    return ds.userSchemaWithPartitions?.(paths, options, userSchema) ?? userSchema;
  } catch {
    return userSchema;
  }
}

/** Build a DataFrame over files: infer the schema unless given (a synchronous driver-side read, as in Spark). */
export function fileDataFrame(session: SqlSession, format: string, paths: string[], options0: DataSourceOptions, userSchema?: StructType): DataFrame {
  const ds = dataSource(format);
  // Spark's timeZone option defaults to the session time zone (timestamps without an offset).
  const options: DataSourceOptions = { timezone: session.settings().timeZone, ...options0 };
  const schema = userSchema ? withPartitions(ds, paths, options, userSchema) : ds.inferSchema(paths, options);
  if (!(schema instanceof StructType)) {
    throw new AnalysisError("UNABLE_TO_INFER_SCHEMA", `The ${format} data source did not infer a schema synchronously: give one with spark.read.schema(...).`, { parameters: { format } });
  }
  const spec: ScanSpec = {
    format: ds.format,
    paths,
    options,
    userSchema: userSchema ? (userSchema.asDataType() as ScanSpec["userSchema"]) : undefined,
    dataSchema: schema.asDataType() as ScanSpec["dataSchema"],
  };
  const output = attrsOf(schema.fields);
  return new DataFrame(session, { kind: "Scan", spec, output });
}

export class DataFrameReader {
  protected fmt = "parquet";
  protected opts: Record<string, OptionValue> = {};
  protected userSchema?: StructType;

  constructor(protected readonly session: SqlSession) {}

  format(f: string): this { this.fmt = f; return this; }
  option(key: string, value: OptionValue): this { this.opts[key] = value; return this; }
  options(o: Record<string, OptionValue>): this { Object.assign(this.opts, o); return this; }
  schema(s: StructType | string | DataType): this {
    this.userSchema = s instanceof StructType ? s : typeof s === "string" ? parseTableSchema(s) : StructType.fromDataType(s);
    return this;
  }

  /**
   * load(path, format?, options?): PySpark's keyword arguments go in `options`, including
   * `schema` (a StructType or DDL string) and `format`.
   */
  load(path?: string | string[], format?: string, options: ReadOptions = {}): DataFrame {
    const paths = path === undefined ? (this.opts.path !== undefined ? [String(this.opts.path)] : []) : Array.isArray(path) ? path : [path];
    if (!paths.length) throw new AnalysisError("UNABLE_TO_INFER_SCHEMA", "'path' is not specified.");
    const { schema, format: fmtOpt, ...rest } = options;
    if (schema !== undefined) this.schema(schema);
    return fileDataFrame(this.session, format ?? fmtOpt ?? this.fmt, paths, dataSourceOptions({ ...this.opts, ...(rest as Record<string, OptionValue>) }), this.userSchema);
  }
  /** csv(path, { header: true, inferSchema: true, sep: ";", schema: "a int, b string" }) like PySpark's keywords. */
  csv(path: string | string[], options: ReadOptions = {}): DataFrame { return this.load(path, "csv", options); }
  json(path: string | string[], options: ReadOptions = {}): DataFrame { return this.load(path, "json", options); }
  parquet(...paths: (string | string[])[]): DataFrame { return this.load(paths.flat(), "parquet"); }
  text(path: string | string[], options: ReadOptions = {}): DataFrame { return this.load(path, "text", options); }
  table(name: string): DataFrame { return this.session.table(name); }
}

export class DataFrameWriter {
  protected fmt = "parquet";
  protected fmtSet = false;
  protected saveMode: WriteJob["mode"] = "errorifexists";
  protected opts: Record<string, OptionValue> = {};
  protected partitionCols: string[] = [];

  constructor(protected readonly df: DataFrame) {}

  format(f: string): this { this.fmt = f; this.fmtSet = true; return this; }
  mode(m: string): this { this.saveMode = saveMode(m); return this; }
  option(key: string, value: OptionValue): this { this.opts[key] = value; return this; }
  options(o: Record<string, OptionValue>): this { Object.assign(this.opts, o); return this; }
  partitionBy(...cols: (string | string[])[]): this { this.partitionCols = cols.flat(); return this; }

  async save(path?: string): Promise<void> {
    const p = path ?? (this.opts.path !== undefined ? String(this.opts.path) : undefined);
    if (!p) throw new AnalysisError("UNABLE_TO_WRITE", "'path' is not specified.");
    const ds = dataSource(this.fmt);
    const job: WriteJob = {
      format: ds.format, path: p, mode: this.saveMode, options: dataSourceOptions({ timeZone: this.df.sparkSession.settings().timeZone, ...this.opts }), partitionBy: this.partitionCols,
      schema: this.df.schema, jobId: randomUUID(),
    };
    const prep = ds.prepareWrite ? await ds.prepareWrite(job) : { skip: false };
    if (prep.skip) return;
    // The schema crosses the wire as plain data; data sources rebuild it with StructType.of(job.schema).
    const shipped = { ...job, schema: job.schema.asDataType() } as unknown as WriteJob;
    try {
      const rdd = await this.df.toInternalRdd();
      const results = (await rdd.mapPartitionsWithIndex((i, it) => writePartition(shipped, i, it)).collect()) as WrittenFile[][];
      if (ds.commitWrite) await ds.commitWrite(job, results);
    } catch (e) {
      if (ds.abortWrite) await ds.abortWrite(job);
      throw e;
    }
  }
  csv(path: string, options: Record<string, OptionValue> = {}): Promise<void> { this.options(options); return this.format("csv").save(path); }
  json(path: string, options: Record<string, OptionValue> = {}): Promise<void> { this.options(options); return this.format("json").save(path); }
  parquet(path: string, options: Record<string, OptionValue> = {}): Promise<void> { this.options(options); return this.format("parquet").save(path); }
  text(path: string, options: Record<string, OptionValue> = {}): Promise<void> { this.options(options); return this.format("text").save(path); }
  /**
   * Write the DataFrame as a catalog table (engine/sql/analysis/catalog-tables.ts): a managed table in the
   * warehouse, or an external one at option("path"). Modes as Spark's: errorifexists refuses an
   * existing table, ignore leaves it, append adds rows to it in its own format, overwrite replaces
   * its rows (a Delta table gets a new version).
   */
  async saveAsTable(name: string): Promise<void> {
    const session = this.df.sparkSession;
    const parts = tableNameParts(name);
    const [db, table] = tableIdent(parts);
    const existing = session.catalog.tableEntry(parts);
    if (existing) {
      if (this.saveMode === "errorifexists") throw tableExistsError(existing.database, existing.name);
      if (this.saveMode === "ignore") return;
      if (this.fmtSet && this.fmt.toLowerCase() !== existing.format && this.saveMode === "append") {
        throw new AnalysisError("_LEGACY_ERROR_TEMP_1159", `The format of the existing table ${existing.database}.${existing.name} is \`${existing.format}\`. It doesn't match the specified format \`${this.fmt}\`.`);
      }
      const fmt = this.saveMode === "overwrite" && this.fmtSet ? this.fmt : existing.format;
      // Overwriting a table replaces it, schema included (Delta: CREATE OR REPLACE TABLE AS SELECT).
      if (this.saveMode === "overwrite") this.option(TABLE_OPERATION_OPTION, "CREATE OR REPLACE TABLE AS SELECT").option("overwriteSchema", "true");
      await this.format(fmt).save(existing.path);
      session.catalog.registerTable({ ...existing, format: fmt.toLowerCase() });
      return;
    }
    const external = this.opts.path !== undefined;
    const path = external ? localPath(String(this.opts.path)) : managedLocation(warehouseDir(session.conf), db, table);
    if (!external && this.saveMode !== "overwrite" && locationInUse(path)) throw locationExistsError(db.toLowerCase(), table.toLowerCase(), path);
    await this.option(TABLE_OPERATION_OPTION, "CREATE TABLE AS SELECT").save(path);
    session.catalog.registerTable({ name: table.toLowerCase(), database: db.toLowerCase(), format: this.fmt.toLowerCase(), path, managed: !external });
  }

  /** insertInto(table, overwrite): the rows, by position, into an existing catalog table. */
  async insertInto(name: string, overwrite = false): Promise<void> {
    const session = this.df.sparkSession;
    const t = session.catalog.tableEntry(tableNameParts(name));
    if (!t) { session.catalog.get(tableNameParts(name)); return; } // TABLE_OR_VIEW_NOT_FOUND
    const target = session.table(name);
    const cols = this.df.columns, names = target.columns;
    if (cols.length !== names.length) {
      throw new AnalysisError("INSERT_COLUMN_ARITY_MISMATCH", `Cannot write to \`${t.database}\`.\`${t.name}\`: the table has ${names.length} columns, the data has ${cols.length}.`);
    }
    const types = target.schema.fields.map((f: { dataType: DataType }) => f.dataType);
    const conformed = this.df.select(...cols.map((c, i) => this.df.col(c).cast(types[i]!).alias(names[i]!)));
    await new DataFrameWriter(conformed).format(t.format).mode(overwrite ? "overwrite" : "append").save(t.path);
  }
}

export { newExprId };
