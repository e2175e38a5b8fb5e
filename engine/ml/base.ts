// Transformer, Estimator and Model (pyspark.ml.base), and the DataFrame plumbing every stage
// shares: column checks that name the stage, and appending computed columns by running a kernel
// (./kernels.ts) over the partitions on the workers. A transform is lazy, as in Spark: it returns
// a DataFrame over an RDD that runs when an action needs it.

import { AnalysisError } from "../common/errors";
import type { RDD } from "../rdd";
import { StorageLevel } from "../storage";
import { BooleanType, StructType, isNumeric, simpleString, udf, type Column, type DataFrame, type DataType, type StructField } from "../sql";
import { internalToExternal } from "../sql/row-convert";
import { Params } from "./params";
import { saveStage, loadStage, type MLSession } from "./persistence";
import { kernelValue, toPoints, toPointBlocks, type KernelSpec, type Point, type PointBlock } from "./kernels";

export abstract class PipelineStage extends Params {
  /** The session of the last DataFrame this stage fitted or transformed (used by save). */
  session?: MLSession;
  /** Save in Spark's layout (metadata JSON + Parquet data); needs a session when the stage never saw a DataFrame. */
  save(path: string, spark?: MLSession): Promise<void> { return this.write().save(path, spark); }
  /** pyspark's write(): `model.write().overwrite().save(path)`. */
  write(): { overwrite(): ReturnType<PipelineStage["write"]>; save(path: string, spark?: MLSession): Promise<void> } {
    let over = false;
    const w = {
      overwrite: () => { over = true; return w; },
      save: (path: string, spark?: MLSession) => {
        const s = spark ?? this.session;
        if (!s) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${this.stageName}: save(path, spark) needs the session (this stage has not seen a DataFrame yet).`);
        return saveStage(this, path, s, over);
      },
    };
    return w;
  }
  /** Load a saved stage of this class: `await PipelineModel.load(path, spark)`. */
  static async load<T extends PipelineStage>(this: abstract new (...a: never[]) => T, path: string, spark: MLSession): Promise<T> {
    const st = await loadStage(path, spark);
    if (!(st instanceof this)) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${path} holds a ${st.constructor.name}, not a ${this.name}.`);
    st.session = spark;
    return st;
  }
  /** Check the input schema and return the output schema (pyspark's transformSchema). */
  abstract transformSchema(schema: StructType): StructType;
  /** Name used in error messages: Class(uid). */
  protected get stageName(): string { return `${this.constructor.name} (${this.uid})`; }
}

/**
 * The ML stages run their kernels in the embedded engine's tasks. Spark 4 runs pyspark.ml on a
 * Spark Connect server through its ML commands (MlCommand), which this client does not send: a
 * remote session's DataFrame is refused here, before any work, with the reason.
 */
export function requireEmbedded(df: DataFrame, stage: string): void {
  if (!df.sparkSession.isRemote) return;
  throw new AnalysisError("UNSUPPORTED_FEATURE.SPARK_CONNECT", `${stage}: the workbench's ML stages run on the embedded engine; on a remote (Spark Connect) session they are not supported (Spark 4 runs pyspark.ml there through ML commands this client does not send). Collect a sample to an embedded session, or run the ML cells without --remote.`, { parameters: { feature: "ML" } });
}

export abstract class Transformer extends PipelineStage {
  /** A lazy DataFrame with this stage's output columns appended. `params` override this stage's params for this call. */
  transform(df: DataFrame, params?: Record<string, unknown>): DataFrame {
    if (params && Object.keys(params).length) return this.copy(params).transform(df);
    requireEmbedded(df, this.stageName);
    this.session = df.sparkSession;
    return this.transformImpl(df);
  }
  protected abstract transformImpl(df: DataFrame): DataFrame;
}

export abstract class Model extends Transformer {
  /** The estimator that produced this model, when known. */
  parent?: Estimator;
}

export abstract class Estimator<M extends Model = Model> extends PipelineStage {
  /** Fit on the workers; resolves to the fitted model. */
  async fit(df: DataFrame, params?: Record<string, unknown>): Promise<M> {
    if (params && Object.keys(params).length) return this.copy(params).fit(df);
    requireEmbedded(df, this.stageName);
    this.transformSchema(df.schema);
    this.session = df.sparkSession;
    const m = await this.fitImpl(df);
    m.parent = this;
    m.session = df.sparkSession;
    return m;
  }
  protected abstract fitImpl(df: DataFrame): Promise<M>;
}

// ---------------------------------------------------------------- schema checks

export function field(schema: StructType, col: string, stage: string): StructField {
  const f = schema.fields.find((x) => x.name === col);
  if (!f) {
    throw new AnalysisError("UNRESOLVED_COLUMN.WITH_SUGGESTION", `${stage}: input column '${col}' does not exist. Available: ${schema.fieldNames.join(", ")}.`, { parameters: { objectName: col, stage } });
  }
  return f;
}

export function requireNumeric(schema: StructType, col: string, stage: string): StructField {
  const f = field(schema, col, stage);
  if (!isNumeric(f.dataType) && f.dataType.type !== "boolean") {
    throw new AnalysisError("DATATYPE_MISMATCH", `${stage}: column '${col}' must be of type numeric but was actually of type ${simpleString(f.dataType)}.`, { parameters: { column: col, stage } });
  }
  return f;
}

export function requireType(schema: StructType, col: string, stage: string, ...types: DataType["type"][]): StructField {
  const f = field(schema, col, stage);
  if (!types.includes(f.dataType.type)) {
    throw new AnalysisError("DATATYPE_MISMATCH", `${stage}: column '${col}' must be of type ${types.join(" or ")} but was actually of type ${simpleString(f.dataType)}.`, { parameters: { column: col, stage } });
  }
  return f;
}

export function requireAbsent(schema: StructType, col: string, stage: string): void {
  if (schema.fields.some((x) => x.name === col)) {
    throw new AnalysisError("COLUMN_ALREADY_EXISTS", `${stage}: output column '${col}' already exists.`, { parameters: { columnName: col, stage } });
  }
}

export function appendFields(schema: StructType, stage: string, fields: StructField[]): StructType {
  for (const f of fields) requireAbsent(schema, f.name, stage);
  return new StructType([...schema.fields, ...fields]);
}

// ---------------------------------------------------------------- running kernels

/**
 * df with the kernel's values appended as `fields` (checked against the schema first). Each new
 * column is a UDF over the row's columns, so the transform stays in the query plan (explain()
 * shows it) and runs in the tasks; handleInvalid = "skip" becomes a filter by the same kernel.
 */
export function appendColumns(df: DataFrame, spec: KernelSpec, fields: StructField[]): DataFrame {
  appendFields(df.schema, spec.stage, fields);
  const names = df.columns;
  const args = names.map((n) => df.col(n));
  let out = df;
  if (spec.handleInvalid === "skip") {
    const keep = udf((...vals: unknown[]) => kernelValue(spec, names, -1, vals) as boolean, BooleanType);
    out = out.filter(keep(...args));
  }
  const cols: Record<string, Column> = {};
  fields.forEach((f, i) => {
    const fn = udf((...vals: unknown[]) => kernelValue(spec, names, i, vals), f.dataType);
    cols[f.name] = fn(...args);
  });
  return out.withColumns(cols);
}

/**
 * The rows of `cols` as objects keyed by column name, as an RDD whose partitions are known (the
 * query is planned now, so statistics passes can size their aggregation tree).
 */
export async function rowObjects(df: DataFrame, cols: string[]): Promise<RDD<Record<string, unknown>>> {
  const sel = df.select(...cols);
  const names = sel.columns, types = sel.schema.fields.map((f) => f.dataType);
  const rdd = await sel.toInternalRdd();
  return rdd.map((r: unknown[]) => internalToExternal(names, types, r));
}

/**
 * Training points [label, features] as a persisted RDD (callers unpersist it when done). Kept as
 * live objects in memory and spilled to disk, as Spark persists its training instances
 * (MEMORY_AND_DISK): every optimiser pass reads them without decoding.
 */
export async function trainingPoints(df: DataFrame, stage: string, featuresCol: string, labelCol: string | null): Promise<RDD<Point>> {
  const rows = await trainingRows(df, stage, featuresCol, labelCol);
  return rows.mapPartitions((it: Iterable<unknown[]>) => toPoints(stage, featuresCol, labelCol, it)).persist(StorageLevel.MEMORY_AND_DISK_DESER);
}

/** The training points as blocks (Spark's InstanceBlock), persisted like trainingPoints: for the gradient passes of LogisticRegression. */
export async function trainingBlocks(df: DataFrame, stage: string, featuresCol: string, labelCol: string): Promise<RDD<PointBlock>> {
  const rows = await trainingRows(df, stage, featuresCol, labelCol);
  return rows.mapPartitions((it: Iterable<unknown[]>) => toPointBlocks(stage, featuresCol, labelCol, it)).persist(StorageLevel.MEMORY_AND_DISK_DESER);
}

/** The internal rows [features, label?] of the training columns, checked (no row objects per point). */
async function trainingRows(df: DataFrame, stage: string, featuresCol: string, labelCol: string | null): Promise<RDD<unknown[]>> {
  requireType(df.schema, featuresCol, stage, "vector");
  if (labelCol !== null) requireNumeric(df.schema, labelCol, stage);
  return df.select(...(labelCol !== null ? [featuresCol, labelCol] : [featuresCol])).toInternalRdd();
}

/** Output column name: the param's value, or Spark's default `uid__output`. */
export function outputName(stage: Params, param = "outputCol"): string {
  return stage.getOrDefault<string | undefined>(param) ?? `${stage.uid}__output`;
}
