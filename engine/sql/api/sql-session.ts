// The SQL side of a SparkSession: createDataFrame, range, sql, table, catalog, read/write. Every
// action runs its plan through one QueryExecution (engine/sql/execution/query-execution.ts:
// correlated subqueries -> cache substitution -> subqueries -> optimizer -> physical planning ->
// executor). engine/session's SparkSession delegates to it (sqlSessionOf).

import { Decimal } from "../../common/decimal";
import { guardComplexity } from "../too-complex";
import { AnalysisError, WorkbenchError } from "../../common/errors";
import type { RDD } from "../../rdd";
import { StorageLevel } from "../../storage/storage-level";
import { drainToArray } from "../../rdd/rdd-actions";
import { userCallSite, withActionCallSite } from "../../rdd/call-site";
import { parseStatement, parseTableSchema, printAst } from "../parser";
import { StructType, type DataType, type StructField } from "../types";
import type { Attr } from "../expressions/expression";
import { exprPlan } from "../expressions/print";
import { literalType } from "./column";
import { widerType } from "../expressions/type-utils";
import { attrsOf, newExprId, outputOf, type LogicalPlan } from "../plan/logical-plan";
import { Catalog } from "../analysis/catalog";
import { CacheManager } from "../execution/cache-manager";
import { tableNameParts, warehouseDir } from "../analysis/catalog-tables";
import { DataFrame } from "./dataframe";
import { externalToInternal, internalToExternal } from "../row-convert";
import { plannedPartitions } from "../physical/partition-estimate";
import { QueryExecution } from "../execution/query-execution";
import type { ExecConf } from "../execution/operators";
import { readSettings, MapConf, type SqlSessionLike, type SqlSettings, type SqlConfLike, type SqlSparkContext } from "../session-types";
import { runStatement } from "./commands";
import { fromDanfo } from "../datasources/danfo";
import { DataFrameReader, DataFrameWriter, fileDataFrame } from "./readwriter";
import { DeferredRDD, isRddContext } from "../execution/deferred-rdd";
import { statementCompletion, timeTravelHandler } from "./statement-hooks";

export type SchemaArg = StructType | string | string[] | DataType;

/** The catalog API as spark.catalog offers it. */
export class CatalogApi {
  constructor(private readonly s: SqlSession) {}
  listTables(): { name: string; database: string | null; description: string | null; tableType: string; isTemporary: boolean }[] { return this.s.catalog.listTables(); }
  tableExists(name: string): boolean { return this.s.catalog.lookup(name.split(".")) !== undefined; }
  dropTempView(name: string): boolean { return this.s.catalog.drop(name); }
  dropGlobalTempView(name: string): boolean { return this.s.catalog.drop(name, true); }
  listColumns(name: string): { name: string; dataType: string; nullable: boolean }[] {
    return outputOf(this.s.catalog.get(name.split("."))).map((a) => ({ name: a.name, dataType: a.dataType.type, nullable: a.nullable }));
  }
  cacheTable(name: string): void { this.s.table(name).cache(); }
  uncacheTable(name: string): void { this.s.table(name).unpersist(); }
  isCached(name: string): boolean { return this.s.table(name).is_cached; }
  clearCache(): void { this.s.cacheManager.clear(); }
  currentDatabase(): string { return "default"; }
}

export class SqlSession {
  readonly catalog = new Catalog();
  readonly cacheManager = new CacheManager();
  readonly catalogApi: CatalogApi;
  readonly conf: SqlConfLike;

  constructor(readonly host: SqlSessionLike | { sparkContext: SqlSparkContext; conf?: SqlConfLike }) {
    this.conf = host.conf ?? new MapConf();
    this.catalogApi = new CatalogApi(this);
    this.catalog.attach({ warehouse: () => warehouseDir(this.conf), read: (t) => fileDataFrame(this, t.format, [t.path], {}).plan });
  }

  get sparkContext(): SqlSparkContext { return this.host.sparkContext; }
  settings(): SqlSettings { return readSettings(this.conf); }

  // ---- DataFrame sources ----------------------------------------------------------------------------

  /**
   * createDataFrame(rows) infers a schema from objects (keys in insertion order) or arrays;
   * createDataFrame(rows, ["a", "b"]) names columns; a StructType or DDL string ("a int, b
   * string") fixes the types.
   */
  createDataFrame(data: unknown[] | RDD<unknown> | object, schema?: SchemaArg): DataFrame {
    if (!Array.isArray(data) && isDanfo(data)) {
      const { schema: ds, rows } = fromDanfo(data);
      return this.createDataFrame(rows, schema ?? ds);
    }
    if (!Array.isArray(data)) return this.createFromRdd(data as RDD<unknown>, schema);
    let struct: StructType;
    let names: string[] | undefined;
    if (schema instanceof StructType) struct = schema;
    else if (typeof schema === "string") struct = parseTableSchema(schema);
    else if (schema && !Array.isArray(schema)) struct = StructType.fromDataType(schema);
    else {
      names = schema as string[] | undefined;
      struct = inferSchema(data, names);
    }
    const fields = struct.fields;
    const rows = data.map((r) => {
      const arr = Array.isArray(r) ? r : r !== null && typeof r === "object" ? fields.map((f) => (r as Record<string, unknown>)[f.name]) : [r];
      if (arr.length !== fields.length) {
        throw new AnalysisError("AXIS_LENGTH_MISMATCH", `Length mismatch: Expected axis has ${fields.length} elements, new values have ${arr.length} elements.`);
      }
      return fields.map((f, i) => checkValue(externalToInternal(arr[i], f.dataType), f));
    });
    const output = attrsOf(fields);
    return new DataFrame(this, { kind: "LocalRelation", output, rows });
  }

  private createFromRdd(rdd: RDD<unknown>, schema?: SchemaArg): DataFrame {
    if (!schema || Array.isArray(schema)) {
      throw new WorkbenchError("CANNOT_INFER_SCHEMA_FROM_RDD", "createDataFrame(rdd) needs a schema (StructType or DDL string) here: the workbench does not sample RDDs to infer one.");
    }
    const struct = schema instanceof StructType ? schema : typeof schema === "string" ? parseTableSchema(schema) : StructType.fromDataType(schema);
    const names = struct.fieldNames;
    const rows = rdd.map((r: unknown) => (Array.isArray(r) ? r : r !== null && typeof r === "object" ? names.map((n) => (r as Record<string, unknown>)[n] ?? null) : [r]));
    const output = attrsOf(struct.fields);
    return new DataFrame(this, { kind: "RddRelation", rdd: rows, output, name: "" });
  }

  range(start: number, end?: number, step = 1, numPartitions?: number): DataFrame {
    const [s, e] = end === undefined ? [0, start] : [start, end];
    if (step === 0) throw new AnalysisError("INVALID_PARAMETER_VALUE", "The value of parameter(s) `step` in `range` is invalid: step cannot be 0.");
    const output: Attr[] = [{ kind: "attr", id: newExprId(), name: "id", dataType: { type: "long" }, nullable: false }];
    return new DataFrame(this, { kind: "Range", start: s, end: e, step, numPartitions, output });
  }

  table(name: string): DataFrame {
    const parts = tableNameParts(name);
    const plan = this.catalog.get(parts);
    return new DataFrame(this, { kind: "SubqueryAlias", alias: parts[parts.length - 1]!, child: plan });
  }

  /** Run one SQL statement. Queries are lazy; commands (CREATE VIEW, SET, ...) take effect now. */
  sql(text: string): DataFrame {
    return guardComplexity(() => runStatement(this, parseStatement(text), text));
  }

  /** Kept for older notebooks: the same as sql() (file views infer their schema synchronously now). */
  async sqlAsync(text: string): Promise<DataFrame> {
    const df = this.sql(text);
    await statementCompletion(df); // a table format's command (Delta's DELETE, ...) has finished
    return df;
  }

  /** A table format's version of a relation (Delta's time travel), if a format claims it. */
  timeTravelRelation(format: string, path: string, at: { version?: number; timestamp?: string }): DataFrame | undefined {
    return timeTravelHandler()?.(this, format, path, at);
  }

  /** The DataFrame of a file view (SELECT * FROM parquet.`path`): its schema is inferred now, as Spark does per query. */
  fileRelation(format: string, path: string): DataFrame {
    return fileDataFrame(this, format.toLowerCase(), [path], {});
  }

  get read(): DataFrameReader { return new DataFrameReader(this); }
  writerFor(df: DataFrame): DataFrameWriter { return new DataFrameWriter(df); }

  // ---- the query pipeline ---------------------------------------------------------------------------

  /** The conf that tasks evaluate expressions with (ANSI mode, time zone, the query's now). */
  execConf(s: SqlSettings = this.settings()): ExecConf {
    return { ansi: s.ansi, nowMillis: Date.now(), seed: 42, columnar: s.columnar, timeZone: s.timeZone };
  }

  /** The last query run by an action (plans and per-operator metrics for the plan graph). */
  lastExecution?: QueryExecution;

  /** The RDD of an analyzed plan's rows (one QueryExecution: optimized, planned and executed once). */
  async executePlan(plan: LogicalPlan): Promise<RDD<unknown[]>> {
    const qe = new QueryExecution(this, plan);
    const rdd = await qe.toRdd();
    this.lastExecution = qe;
    return rdd;
  }

  /** A plan's schema (its output's names, types and nullability). */
  schemaOf(plan: LogicalPlan): StructType {
    return new StructType(outputOf(plan).map((a) => ({ name: a.name, dataType: a.dataType, nullable: a.nullable })));
  }

  /** True for a session whose queries run on a Spark Connect server (engine/connect). */
  get isRemote(): boolean { return false; }

  /**
   * The rows of a plan as internal arrays, in one job named after the DataFrame action that asked
   * ("count at <cell 3>:2", as Spark names a Dataset's jobs), the call site taken before planning
   * awaits. A remote session sends the plan to its server instead.
   */
  async collectPlan(plan: LogicalPlan, op = "collect"): Promise<unknown[][]> {
    const callSite = userCallSite(op);
    return withActionCallSite(callSite, async () => {
      const rdd = await this.executePlan(plan);
      // A session without a cluster (the SQL layer's own tests) plans to RDDs that only collect.
      if (typeof (rdd as { context?: { runJob?: unknown } }).context?.runJob !== "function") return rdd.collect();
      const parts = await rdd.context.runJob(rdd, drainToArray, { callSite }) as unknown[][][];
      return parts.flat();
    });
  }

  /** df.cache() / df.persist(level): the plan's rows are kept once an action has computed them. */
  persistPlan(plan: LogicalPlan, level?: StorageLevel): void { this.cacheManager.cache(plan, level); }
  unpersistPlan(plan: LogicalPlan, _blocking = false): void { this.cacheManager.uncache(plan); }
  /** The storage level of a cached plan (cache() and persist() keep deserialized rows in memory and on disk, as Spark); undefined when not cached. */
  storageLevelOf(plan: LogicalPlan): StorageLevel | undefined {
    if (!this.cacheManager.isCached(plan)) return undefined;
    return this.cacheManager.levelOf(plan) ?? StorageLevel.MEMORY_AND_DISK_DESER;
  }

  /**
   * Hooks for a session whose streaming queries run elsewhere (a Spark Connect server): the plan
   * of df.withWatermark and df.writeStream's writer. The embedded session's streaming engine
   * (engine/streaming) provides both itself, so these say "not mine" here.
   */
  watermarkPlan(_plan: LogicalPlan, _eventTime: string, _delay: string): LogicalPlan | undefined { return undefined; }
  streamWriterFor(_df: DataFrame): unknown { return undefined; }

  /** df.createTempView and its variants: the plan under `name` in this session's catalog. */
  createTempView(name: string, plan: LogicalPlan, replace: boolean, global = false): void {
    this.catalog.createTempView(name, plan, replace, global);
  }

  /**
   * df.rdd: a lazy RDD of row objects, planned (with the jobs planning needs) when its first action
   * is submitted; its partition count is known before that when the plan alone decides it.
   */
  rowRdd(plan: LogicalPlan): RDD<Record<string, unknown>> {
    const out = outputOf(plan);
    const names = out.map((a) => a.name), types = out.map((a) => a.dataType);
    const sc = this.sparkContext;
    if (isRddContext(sc)) {
      const estimate = () => {
        try {
          return plannedPartitions(new QueryExecution(this, plan).physicalPlan, sc.defaultParallelism);
        } catch {
          return undefined;
        }
      };
      return new DeferredRDD<Record<string, unknown>>(sc, () => this.executePlan(plan), undefined, "rdd", { names, types }, estimate);
    }
    if (sc.deferredRdd) return sc.deferredRdd(() => this.executePlan(plan)).map((row) => internalToExternal(names, types, row));
    throw new WorkbenchError("UNSUPPORTED_OPERATION", "This SparkContext cannot create lazy RDDs (df.rdd).");
  }

  explainPlan(plan: LogicalPlan, mode: string, parsed?: string): string {
    return guardComplexity(() => new QueryExecution(this, plan).explainString(mode, parsed));
  }
}

function isDanfo(x: unknown): x is { columns: string[]; dtypes: string[]; values: unknown[] } {
  const o = x as { columns?: unknown; dtypes?: unknown; values?: unknown; map?: unknown };
  return !!o && Array.isArray(o.columns) && Array.isArray(o.dtypes) && o.values !== undefined && typeof o.map !== "function";
}

function checkValue(v: unknown, f: StructField): unknown {
  if (v === null && !f.nullable) {
    throw new WorkbenchError("FIELD_NOT_NULLABLE", `Field \`${f.name}\`: This field is not nullable, but got None.`);
  }
  return v;
}

/** Infer a schema from local data (PySpark's _infer_schema, merging types across rows). */
export function inferSchema(data: unknown[], names?: string[]): StructType {
  const first = data.find((r) => r !== null && r !== undefined);
  let cols: string[];
  let get: (r: unknown, i: number) => unknown;
  if (Array.isArray(first)) {
    cols = names ?? first.map((_, i) => `_${i + 1}`);
    get = (r, i) => (r as unknown[])[i];
  } else if (first !== null && typeof first === "object" && !(first instanceof Date)) {
    const keys: string[] = [];
    for (const r of data) for (const k of Object.keys(r as object)) if (!keys.includes(k)) keys.push(k);
    cols = keys;
    get = (r, i) => (r as Record<string, unknown>)[keys[i]!];
    if (names) cols = names;
  } else {
    cols = names ?? ["value"];
    get = (r) => r;
  }
  const fields = cols.map((name, i) => {
    let t: DataType = { type: "null" };
    let nullable = false;
    for (const r of data) {
      const v = get(r, i);
      if (v === null || v === undefined) { nullable = true; continue; }
      const vt = inferValueType(v);
      t = widerType(t, vt) ?? { type: "string" };
    }
    if (t.type === "null") {
      throw new WorkbenchError("CANNOT_DETERMINE_TYPE", "Some of types cannot be determined after inferring.");
    }
    return { name, dataType: t, nullable: true || nullable };
  });
  return new StructType(fields);
}

/** PySpark infers Python ints as bigint; JS numbers are bigint when integral, double otherwise. */
function inferValueType(v: unknown): DataType {
  if (typeof v === "number") return Number.isInteger(v) ? { type: "long" } : { type: "double" };
  // PySpark infers a Python Decimal as decimal(38,18).
  if (v instanceof Decimal) return { type: "decimal", precision: 38, scale: 18 };
  if (Array.isArray(v)) {
    let el: DataType = { type: "null" };
    for (const x of v) if (x !== null && x !== undefined) el = widerType(el, inferValueType(x)) ?? { type: "string" };
    return { type: "array", elementType: el.type === "null" ? { type: "string" } : el, containsNull: true };
  }
  if (v instanceof Map) {
    const vals = [...v.values()].filter((x) => x !== null);
    return { type: "map", keyType: { type: "string" }, valueType: vals.length ? inferValueType(vals[0]) : { type: "string" }, valueContainsNull: true };
  }
  if (v !== null && typeof v === "object" && !(v instanceof Date) && !(v instanceof Uint8Array)) {
    return { type: "struct", fields: Object.entries(v).map(([name, x]) => ({ name, dataType: x === null || x === undefined ? { type: "string" } : inferValueType(x), nullable: true })) };
  }
  return literalType(v);
}

export { printAst, exprPlan };
