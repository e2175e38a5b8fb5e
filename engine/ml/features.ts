// pyspark.ml.feature: VectorAssembler, StringIndexer, IndexToString, OneHotEncoder,
// StandardScaler, MinMaxScaler, Imputer, Bucketizer, Tokenizer, RegexTokenizer, HashingTF, IDF.
// Fits run statistics passes on the workers (treeAggregate); transforms run kernels per row.

import { AnalysisError } from "../common/errors";
import { ArrayType, DoubleType, StringType, VectorUDT, type DataFrame, type StructType } from "../sql";
import { Estimator, Model, Transformer, appendColumns, rowObjects, appendFields, field, outputName, requireNumeric, requireType } from "./base";
import { installAccessors, P, type ParamAccessors, type ParamSpecs } from "./params";
import { treeAggregate } from "./tree-aggregate";
import type { ColStats, NumStats } from "./aggregators";
import { DenseVector } from "./linalg";

const invalid = (values: string[], v: unknown, stage: string, param = "handleInvalid"): void => {
  if (!values.includes(String(v))) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: param ${param} must be one of ${values.join(", ")}; got ${JSON.stringify(v)}.`);
};

/** inputCol/outputCol or inputCols/outputCols, as pyspark's HasInputCol(s)/HasOutputCol(s). */
function ioCols(st: Transformer | Estimator, stage: string): [string[], string[]] {
  const ins = st.getOrDefault<string[] | undefined>("inputCols") ?? (st.getOrDefault<string | undefined>("inputCol") !== undefined ? [st.getOrDefault<string>("inputCol")] : undefined);
  if (!ins) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: set inputCol or inputCols.`);
  const outs = st.getOrDefault<string[] | undefined>("outputCols") ?? (st.getOrDefault<string | undefined>("outputCol") !== undefined ? [st.getOrDefault<string>("outputCol")] : ins.length === 1 ? [outputName(st)] : undefined);
  if (!outs || outs.length !== ins.length) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: inputCols and outputCols must have the same length (${ins.length} vs ${outs?.length ?? 0}).`);
  return [ins, outs];
}

// ================================================================ VectorAssembler

interface VectorAssemblerParams { inputCols?: string[]; outputCol?: string; handleInvalid?: "error" | "skip" | "keep" }
export interface VectorAssembler extends ParamAccessors<VectorAssemblerParams, VectorAssembler> {}
/** Concatenates numeric and vector columns into one vector column. */
export class VectorAssembler extends Transformer {
  readonly paramSpecs: ParamSpecs = {
    inputCols: P.inputCols, outputCol: P.outputCol,
    handleInvalid: P.handleInvalid("error", "How to handle invalid data (NULL and NaN values): 'skip' filters out rows, 'error' throws, 'keep' outputs NaN."),
  };
  constructor(opts: VectorAssemblerParams = {}) { super("VectorAssembler"); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    const cols = this.getOrDefault<string[] | undefined>("inputCols");
    if (!cols?.length) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${this.stageName}: inputCols must be set.`);
    invalid(["error", "skip", "keep"], this.getOrDefault("handleInvalid"), this.stageName);
    for (const c of cols) {
      const f = field(schema, c, this.stageName);
      if (f.dataType.type !== "vector") requireNumeric(schema, c, this.stageName);
    }
    return appendFields(schema, this.stageName, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
  protected transformImpl(df: DataFrame): DataFrame {
    this.transformSchema(df.schema);
    const cols = this.getOrDefault<string[]>("inputCols");
    // vector columns: size unknown until seen (Spark reads it from metadata); checked row by row against the first
    const sizes = cols.map((c) => (df.schema.fields.find((f) => f.name === c)!.dataType.type === "vector" ? undefined : null));
    const spec = { kind: "assemble", stage: this.stageName, cols, sizes, handleInvalid: this.getOrDefault<string>("handleInvalid") };
    return appendColumns(df, spec, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
}
installAccessors(VectorAssembler, ["inputCols", "outputCol", "handleInvalid"]);

// ================================================================ StringIndexer

type OrderType = "frequencyDesc" | "frequencyAsc" | "alphabetDesc" | "alphabetAsc";
interface StringIndexerParams { inputCol?: string; outputCol?: string; inputCols?: string[]; outputCols?: string[]; handleInvalid?: "error" | "skip" | "keep"; stringOrderType?: OrderType }
export interface StringIndexer extends ParamAccessors<StringIndexerParams, StringIndexer> {}
/** Maps string labels to indices 0..n-1, ordered by stringOrderType (ties broken alphabetically, as Spark). */
export class StringIndexer extends Estimator<StringIndexerModel> {
  readonly paramSpecs: ParamSpecs = {
    inputCol: P.inputCol, outputCol: P.outputCol, inputCols: P.inputCols, outputCols: P.outputCols,
    handleInvalid: P.handleInvalid("error", "How to handle invalid data (unseen labels or NULL values): 'skip', 'error' or 'keep' (put them in a special additional bucket, at index numLabels)."),
    stringOrderType: { doc: "How to order labels of string column: frequencyDesc, frequencyAsc, alphabetDesc, alphabetAsc.", default: "frequencyDesc" },
  };
  constructor(opts: StringIndexerParams = {}) { super("StringIndexer"); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    const [ins, outs] = ioCols(this, this.stageName);
    invalid(["error", "skip", "keep"], this.getOrDefault("handleInvalid"), this.stageName);
    invalid(["frequencyDesc", "frequencyAsc", "alphabetDesc", "alphabetAsc"], this.getOrDefault("stringOrderType"), this.stageName, "stringOrderType");
    for (const c of ins) {
      const f = field(schema, c, this.stageName);
      if (f.dataType.type !== "string" && f.dataType.type !== "boolean" && requireNumeric(schema, c, this.stageName) === undefined) break;
    }
    return appendFields(schema, this.stageName, outs.map((name) => ({ name, dataType: DoubleType, nullable: true })));
  }
  protected async fitImpl(df: DataFrame): Promise<StringIndexerModel> {
    const [ins] = ioCols(this, this.stageName);
    const counts = await treeAggregate<Map<unknown, number>[]>(await rowObjects(df, ins), "valueCounts", { cols: ins });
    const order = this.getOrDefault<OrderType>("stringOrderType");
    const labels = counts.map((m) => {
      const entries = [...m].map(([k, n]) => [String(k), n] as [string, number]);
      const alpha = (a: [string, number], b: [string, number]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
      entries.sort(order === "frequencyDesc" ? (a, b) => b[1] - a[1] || alpha(a, b)
        : order === "frequencyAsc" ? (a, b) => a[1] - b[1] || alpha(a, b)
        : order === "alphabetAsc" ? alpha : (a, b) => alpha(b, a));
      return entries.map((e) => e[0]);
    });
    return this.copyValues(new StringIndexerModel(labels));
  }
}
installAccessors(StringIndexer, ["inputCol", "outputCol", "inputCols", "outputCols", "handleInvalid", "stringOrderType"]);

export interface StringIndexerModel extends ParamAccessors<StringIndexerParams, StringIndexerModel> {}
export class StringIndexerModel extends Model {
  readonly paramSpecs: ParamSpecs = new StringIndexer().paramSpecs;
  /** Labels per input column, index order. */
  constructor(readonly labelsArray: string[][]) { super("StringIndexerModel"); }
  /** Labels of the single input column. */
  get labels(): string[] { return this.labelsArray[0]!; }
  static from_labels(labels: string[], opts: StringIndexerParams = {}): StringIndexerModel { return new StringIndexerModel([labels]).setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    const [ins, outs] = ioCols(this, this.stageName);
    ins.forEach((c) => field(schema, c, this.stageName));
    return appendFields(schema, this.stageName, outs.map((name) => ({ name, dataType: DoubleType, nullable: true })));
  }
  protected transformImpl(df: DataFrame): DataFrame {
    this.transformSchema(df.schema);
    const [ins, outs] = ioCols(this, this.stageName);
    if (ins.length !== this.labelsArray.length) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${this.stageName}: fitted on ${this.labelsArray.length} columns, given ${ins.length}.`);
    const spec = { kind: "stringIndex", stage: this.stageName, inputs: ins, labels: this.labelsArray, handleInvalid: this.getOrDefault<string>("handleInvalid") };
    return appendColumns(df, spec, outs.map((name) => ({ name, dataType: DoubleType, nullable: true })));
  }
}
installAccessors(StringIndexerModel, ["inputCol", "outputCol", "inputCols", "outputCols", "handleInvalid", "stringOrderType"]);

interface IndexToStringParams { inputCol?: string; outputCol?: string; labels?: string[] }
export interface IndexToString extends ParamAccessors<IndexToStringParams, IndexToString> {}
/** Maps indices back to labels (the inverse of a StringIndexerModel). */
export class IndexToString extends Transformer {
  readonly paramSpecs: ParamSpecs = { inputCol: P.inputCol, outputCol: P.outputCol, labels: { doc: "Optional array of labels specifying index-string mapping." } };
  constructor(opts: IndexToStringParams = {}) { super("IndexToString"); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    requireNumeric(schema, this.getOrDefault<string>("inputCol"), this.stageName);
    return appendFields(schema, this.stageName, [{ name: outputName(this), dataType: StringType, nullable: true }]);
  }
  protected transformImpl(df: DataFrame): DataFrame {
    this.transformSchema(df.schema);
    const labels = this.getOrDefault<string[] | undefined>("labels");
    if (!labels) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${this.stageName}: set labels (e.g. from StringIndexerModel.labels).`);
    return appendColumns(df, { kind: "indexToString", stage: this.stageName, input: this.getOrDefault<string>("inputCol"), labels }, [{ name: outputName(this), dataType: StringType, nullable: true }]);
  }
}
installAccessors(IndexToString, ["inputCol", "outputCol", "labels"]);

// ================================================================ OneHotEncoder

interface OneHotEncoderParams { inputCol?: string; outputCol?: string; inputCols?: string[]; outputCols?: string[]; dropLast?: boolean; handleInvalid?: "error" | "keep" }
export interface OneHotEncoder extends ParamAccessors<OneHotEncoderParams, OneHotEncoder> {}
/** Category indices to one-hot sparse vectors (the last category dropped by default). */
export class OneHotEncoder extends Estimator<OneHotEncoderModel> {
  readonly paramSpecs: ParamSpecs = {
    inputCol: P.inputCol, outputCol: P.outputCol, inputCols: P.inputCols, outputCols: P.outputCols,
    dropLast: { doc: "whether to drop the last category", default: true },
    handleInvalid: P.handleInvalid("error", "How to handle invalid data during transform: 'keep' (invalid data presented as an extra categorical feature) or 'error'."),
  };
  constructor(opts: OneHotEncoderParams = {}) { super("OneHotEncoder"); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    const [ins, outs] = ioCols(this, this.stageName);
    invalid(["error", "keep"], this.getOrDefault("handleInvalid"), this.stageName);
    ins.forEach((c) => requireNumeric(schema, c, this.stageName));
    return appendFields(schema, this.stageName, outs.map((name) => ({ name, dataType: VectorUDT, nullable: true })));
  }
  protected async fitImpl(df: DataFrame): Promise<OneHotEncoderModel> {
    const [ins] = ioCols(this, this.stageName);
    const stats = await treeAggregate<NumStats[]>(await rowObjects(df, ins), "numStats", { cols: ins, missingValue: null, stage: this.stageName });
    const sizes = stats.map((s, i) => {
      if (s.nonInteger > 0) throw new AnalysisError("ML_INVALID_INPUT", `${this.stageName}: column '${ins[i]}' holds values that are not non-negative integers (category indices); index it with StringIndexer first.`, { parameters: { column: ins[i], stage: this.stageName } });
      return s.n === 0 ? 0 : s.max + 1;
    });
    return this.copyValues(new OneHotEncoderModel(sizes));
  }
}
installAccessors(OneHotEncoder, ["inputCol", "outputCol", "inputCols", "outputCols", "dropLast", "handleInvalid"]);

export interface OneHotEncoderModel extends ParamAccessors<OneHotEncoderParams, OneHotEncoderModel> {}
export class OneHotEncoderModel extends Model {
  readonly paramSpecs: ParamSpecs = new OneHotEncoder().paramSpecs;
  constructor(readonly categorySizes: number[]) { super("OneHotEncoderModel"); }
  transformSchema(schema: StructType): StructType {
    const [ins, outs] = ioCols(this, this.stageName);
    ins.forEach((c) => requireNumeric(schema, c, this.stageName));
    return appendFields(schema, this.stageName, outs.map((name) => ({ name, dataType: VectorUDT, nullable: true })));
  }
  protected transformImpl(df: DataFrame): DataFrame {
    this.transformSchema(df.schema);
    const [ins, outs] = ioCols(this, this.stageName);
    const spec = { kind: "oneHot", stage: this.stageName, inputs: ins, sizes: this.categorySizes, dropLast: this.getOrDefault<boolean>("dropLast"), handleInvalid: this.getOrDefault<string>("handleInvalid") };
    return appendColumns(df, spec, outs.map((name) => ({ name, dataType: VectorUDT, nullable: true })));
  }
}
installAccessors(OneHotEncoderModel, ["inputCol", "outputCol", "inputCols", "outputCols", "dropLast", "handleInvalid"]);

// ================================================================ scalers

/** Fits per-component statistics of a vector column, then applies (x - shift) * scale + add. */
abstract class VectorScaler<M extends Model> extends Estimator<M> {
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("inputCol"), this.stageName, "vector");
    return appendFields(schema, this.stageName, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
  protected async colStats(df: DataFrame): Promise<ColStats> {
    const col = this.getOrDefault<string>("inputCol");
    const s = await treeAggregate<ColStats | null>(await rowObjects(df, [col]), "colStats", { col, stage: this.stageName });
    if (!s) throw new AnalysisError("ML_EMPTY_INPUT", `${this.stageName}: the input has no rows.`);
    return s;
  }
}

abstract class AffineModel extends Model {
  constructor(prefix: string, protected readonly shift: number[], protected readonly scale: number[], protected readonly add?: number[]) { super(prefix); }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("inputCol"), this.stageName, "vector");
    return appendFields(schema, this.stageName, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
  protected transformImpl(df: DataFrame): DataFrame {
    this.transformSchema(df.schema);
    const spec = { kind: "affine", stage: this.stageName, input: this.getOrDefault<string>("inputCol"), shift: this.shift, scale: this.scale, add: this.add };
    return appendColumns(df, spec, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
}

interface StandardScalerParams { inputCol?: string; outputCol?: string; withMean?: boolean; withStd?: boolean }
export interface StandardScaler extends ParamAccessors<StandardScalerParams, StandardScaler> {}
/** Standardizes by the sample standard deviation (n - 1, as Spark) and optionally the mean. */
export class StandardScaler extends VectorScaler<StandardScalerModel> {
  readonly paramSpecs: ParamSpecs = {
    inputCol: P.inputCol, outputCol: P.outputCol,
    withMean: { doc: "Center data with mean", default: false }, withStd: { doc: "Scale to unit standard deviation", default: true },
  };
  constructor(opts: StandardScalerParams = {}) { super("StandardScaler"); this.setParams({ ...opts }); }
  protected async fitImpl(df: DataFrame): Promise<StandardScalerModel> {
    const s = await this.colStats(df);
    const mean = Array.from(s.sum, (x) => x / s.n);
    const std = Array.from(s.sumSq, (q, i) => (s.n > 1 ? Math.sqrt(Math.max(0, (q - s.n * mean[i]! * mean[i]!) / (s.n - 1))) : 0));
    return this.copyValues(new StandardScalerModel(mean, std, this.getOrDefault("withMean"), this.getOrDefault("withStd")));
  }
}
installAccessors(StandardScaler, ["inputCol", "outputCol", "withMean", "withStd"]);

export interface StandardScalerModel extends ParamAccessors<StandardScalerParams, StandardScalerModel> {}
export class StandardScalerModel extends AffineModel {
  readonly paramSpecs: ParamSpecs = new StandardScaler().paramSpecs;
  constructor(readonly meanValues: number[], readonly stdValues: number[], withMean: boolean, withStd: boolean) {
    super("StandardScalerModel", meanValues.map((m) => (withMean ? m : 0)), stdValues.map((s) => (withStd ? (s === 0 ? 0 : 1 / s) : 1)));
  }
  get mean(): DenseVector { return new DenseVector(this.meanValues); }
  get std(): DenseVector { return new DenseVector(this.stdValues); }
}
installAccessors(StandardScalerModel, ["inputCol", "outputCol", "withMean", "withStd"]);

interface MinMaxScalerParams { inputCol?: string; outputCol?: string; min?: number; max?: number }
export interface MinMaxScaler extends ParamAccessors<MinMaxScalerParams, MinMaxScaler> {}
/** Rescales each feature to [min, max] (a constant feature maps to the middle, as Spark). */
export class MinMaxScaler extends VectorScaler<MinMaxScalerModel> {
  readonly paramSpecs: ParamSpecs = { inputCol: P.inputCol, outputCol: P.outputCol, min: { doc: "Lower bound of the output feature range", default: 0 }, max: { doc: "Upper bound of the output feature range", default: 1 } };
  constructor(opts: MinMaxScalerParams = {}) { super("MinMaxScaler"); this.setParams({ ...opts }); }
  protected async fitImpl(df: DataFrame): Promise<MinMaxScalerModel> {
    const s = await this.colStats(df);
    return this.copyValues(new MinMaxScalerModel(Array.from(s.min), Array.from(s.max), this.getOrDefault("min"), this.getOrDefault("max")));
  }
}
installAccessors(MinMaxScaler, ["inputCol", "outputCol", "min", "max"]);

export interface MinMaxScalerModel extends ParamAccessors<MinMaxScalerParams, MinMaxScalerModel> {}
export class MinMaxScalerModel extends AffineModel {
  readonly paramSpecs: ParamSpecs = new MinMaxScaler().paramSpecs;
  constructor(readonly originalMin: number[], readonly originalMax: number[], lo: number, hi: number) {
    super("MinMaxScalerModel", originalMin,
      originalMin.map((m, i) => (originalMax[i]! === m ? 0 : (hi - lo) / (originalMax[i]! - m))),
      originalMin.map((m, i) => (originalMax[i]! === m ? 0.5 * (hi + lo) : lo)));
  }
}
installAccessors(MinMaxScalerModel, ["inputCol", "outputCol", "min", "max"]);

// ================================================================ Imputer

interface ImputerParams { inputCol?: string; outputCol?: string; inputCols?: string[]; outputCols?: string[]; strategy?: "mean" | "median" | "mode"; missingValue?: number; relativeError?: number }
export interface Imputer extends ParamAccessors<ImputerParams, Imputer> {}
/** Replaces missing values (null, NaN and missingValue) by the column's mean, median or mode. */
export class Imputer extends Estimator<ImputerModel> {
  readonly paramSpecs: ParamSpecs = {
    inputCol: P.inputCol, outputCol: P.outputCol, inputCols: P.inputCols, outputCols: P.outputCols,
    strategy: { doc: "strategy for imputation: mean, median or mode.", default: "mean" },
    missingValue: { doc: "The placeholder for the missing values. All occurrences of missingValue will be imputed.", default: NaN },
    relativeError: { doc: "the relative target precision for the approximate quantile algorithm (the workbench computes the median exactly, which is within any relative error).", default: 0.001 },
  };
  constructor(opts: ImputerParams = {}) { super("Imputer"); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    const [ins, outs] = ioCols(this, this.stageName);
    invalid(["mean", "median", "mode"], this.getOrDefault("strategy"), this.stageName, "strategy");
    ins.forEach((c) => requireNumeric(schema, c, this.stageName));
    return appendFields(schema, this.stageName, outs.map((name) => ({ name, dataType: DoubleType, nullable: true })));
  }
  protected async fitImpl(df: DataFrame): Promise<ImputerModel> {
    const [ins] = ioCols(this, this.stageName);
    const mv = this.getOrDefault<number>("missingValue");
    const missingValue = Number.isNaN(mv) ? null : mv;
    const rows = (await rowObjects(df, ins)).cache();
    const stats = await treeAggregate<NumStats[]>(rows, "numStats", { cols: ins, missingValue, stage: this.stageName });
    stats.forEach((s, i) => {
      if (s.n === 0) throw new AnalysisError("ML_EMPTY_INPUT", `${this.stageName}: surrogate cannot be computed. All the values in ${ins[i]} are Null, Nan or missingValue(${mv}).`, { parameters: { column: ins[i], stage: this.stageName } });
    });
    const strategy = this.getOrDefault<string>("strategy");
    let surrogates: number[];
    if (strategy === "mean") surrogates = stats.map((s) => s.sum / s.n);
    else if (strategy === "mode") {
      const counts = await treeAggregate<Map<unknown, number>[]>(rows, "valueCounts", { cols: ins, skipMissing: missingValue });
      // the most frequent value; ties go to the smallest, as Spark
      surrogates = counts.map((m) => { let best = NaN, n = -1; for (const [k, c] of m) { const v = Number(k); if (c > n || (c === n && v < best)) { best = v; n = c; } } return best; });
    } else surrogates = await Promise.all(ins.map((c, i) => exactQuantile(rows, c, 0.5, stats[i]!, missingValue)));
    rows.unpersist();
    return this.copyValues(new ImputerModel(surrogates));
  }
}
installAccessors(Imputer, ["inputCol", "outputCol", "inputCols", "outputCols", "strategy", "missingValue", "relativeError"]);

/**
 * The q-quantile as Spark's approxQuantile defines it with no error: the value of rank
 * ceil(q * n) (1-based) among the non-missing values (for the median of an even count, the lower
 * middle value). Found on the workers by narrowing a histogram, never collecting the column.
 */
async function exactQuantile(rows: import("../rdd").RDD<unknown>, col: string, q: number, s: NumStats, missingValue: number | null): Promise<number> {
  let rank = Math.max(1, Math.ceil(q * s.n));
  let lo = s.min, hi = s.max, n = s.n;
  for (let round = 0; round < 8 && n > 10000 && lo < hi; round++) {
    const bins = 1024;
    const h = await treeAggregate<{ counts: number[][]; below: number[] }>(rows, "binCounts", { cols: [col], lo: [lo], hi: [hi], bins, missingValue });
    let acc = 0, b = 0;
    const counts = h.counts[0]!;
    while (b < bins - 1 && acc + counts[b]! < rank) { acc += counts[b]!; b++; }
    const w = (hi - lo) / bins;
    const nlo = lo + b * w, nhi = b === bins - 1 ? hi : lo + (b + 1) * w;
    rank -= acc; n = counts[b]!;
    lo = nlo; hi = nhi;
    if (b < bins - 1) hi = Math.max(lo, nextDown(nhi)); // bins are [lo, hi): exclude the next bin's left edge
  }
  const values = await treeAggregate<number[]>(rows, "valuesIn", { col, lo, hi, missingValue });
  values.sort((a, b) => a - b);
  return values[rank - 1]!;
}

function nextDown(x: number): number {
  const buf = new Float64Array([x]), bits = new BigInt64Array(buf.buffer);
  if (x === 0) return -Number.MIN_VALUE;
  bits[0] = x > 0 ? bits[0]! - 1n : bits[0]! + 1n;
  return buf[0]!;
}

export interface ImputerModel extends ParamAccessors<ImputerParams, ImputerModel> {}
export class ImputerModel extends Model {
  readonly paramSpecs: ParamSpecs = new Imputer().paramSpecs;
  constructor(readonly surrogates: number[]) { super("ImputerModel"); }
  /** One row with the surrogate of each input column (pyspark's surrogateDF, as plain values). */
  get surrogateDF(): Record<string, number> {
    const [ins] = ioCols(this, this.stageName);
    return Object.fromEntries(ins.map((c, i) => [c, this.surrogates[i]!]));
  }
  transformSchema(schema: StructType): StructType {
    const [ins, outs] = ioCols(this, this.stageName);
    ins.forEach((c) => requireNumeric(schema, c, this.stageName));
    return appendFields(schema, this.stageName, outs.map((name) => ({ name, dataType: DoubleType, nullable: true })));
  }
  protected transformImpl(df: DataFrame): DataFrame {
    this.transformSchema(df.schema);
    const [ins, outs] = ioCols(this, this.stageName);
    const spec = { kind: "impute", stage: this.stageName, inputs: ins, surrogates: this.surrogates, missingValue: this.getOrDefault<number>("missingValue") };
    return appendColumns(df, spec, outs.map((name) => ({ name, dataType: DoubleType, nullable: true })));
  }
}
installAccessors(ImputerModel, ["inputCol", "outputCol", "inputCols", "outputCols", "strategy", "missingValue", "relativeError"]);

// ================================================================ Bucketizer

interface BucketizerParams { inputCol?: string; outputCol?: string; inputCols?: string[]; outputCols?: string[]; splits?: number[]; splitsArray?: number[][]; handleInvalid?: "error" | "skip" | "keep" }
export interface Bucketizer extends ParamAccessors<BucketizerParams, Bucketizer> {}
/** Maps a continuous column to bucket indices given split points. */
export class Bucketizer extends Transformer {
  readonly paramSpecs: ParamSpecs = {
    inputCol: P.inputCol, outputCol: P.outputCol, inputCols: P.inputCols, outputCols: P.outputCols,
    splits: { doc: "Split points for mapping continuous features into buckets; strictly increasing, at least three values (-Infinity/Infinity allowed)." },
    splitsArray: { doc: "The array of split points, one per input column." },
    handleInvalid: P.handleInvalid("error", "how to handle invalid entries (NaN): 'skip', 'error' or 'keep' (NaN values go into a special additional bucket)."),
  };
  constructor(opts: BucketizerParams = {}) { super("Bucketizer"); this.setParams({ ...opts }); }
  private splitList(n: number): number[][] {
    const list = this.getOrDefault<number[][] | undefined>("splitsArray") ?? (this.getOrDefault<number[] | undefined>("splits") ? [this.getOrDefault<number[]>("splits")] : undefined);
    if (!list || list.length !== n) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${this.stageName}: set splits (one input column) or splitsArray (one per input column).`);
    for (const s of list) {
      if (s.length < 3 || s.some((x, i) => i > 0 && !(x > s[i - 1]!))) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${this.stageName}: splits must have at least 3 strictly increasing values; got ${JSON.stringify(s)}.`);
    }
    return list;
  }
  transformSchema(schema: StructType): StructType {
    const [ins, outs] = ioCols(this, this.stageName);
    ins.forEach((c) => requireNumeric(schema, c, this.stageName));
    this.splitList(ins.length);
    return appendFields(schema, this.stageName, outs.map((name) => ({ name, dataType: DoubleType, nullable: true })));
  }
  protected transformImpl(df: DataFrame): DataFrame {
    this.transformSchema(df.schema);
    const [ins, outs] = ioCols(this, this.stageName);
    const spec = { kind: "bucketize", stage: this.stageName, inputs: ins, splits: this.splitList(ins.length), handleInvalid: this.getOrDefault<string>("handleInvalid") };
    return appendColumns(df, spec, outs.map((name) => ({ name, dataType: DoubleType, nullable: true })));
  }
}
installAccessors(Bucketizer, ["inputCol", "outputCol", "inputCols", "outputCols", "splits", "splitsArray", "handleInvalid"]);

interface QuantileDiscretizerParams {
  inputCol?: string; outputCol?: string; inputCols?: string[]; outputCols?: string[];
  numBuckets?: number; numBucketsArray?: number[]; relativeError?: number; handleInvalid?: "error" | "skip" | "keep";
}
export interface QuantileDiscretizer extends ParamAccessors<QuantileDiscretizerParams, QuantileDiscretizer> {}
/**
 * Bins a continuous column into numBuckets buckets of about equal counts: fit finds the
 * quantiles 1/numBuckets, 2/numBuckets, ... on the workers (exact, so within any relativeError)
 * and returns the Bucketizer with splits [-Infinity, distinct quantiles..., Infinity], as Spark.
 */
export class QuantileDiscretizer extends Estimator<Bucketizer> {
  readonly paramSpecs: ParamSpecs = {
    inputCol: P.inputCol, outputCol: P.outputCol, inputCols: P.inputCols, outputCols: P.outputCols,
    numBuckets: { doc: "Maximum number of buckets (quantiles, or categories) into which data points are grouped. Must be >= 2.", default: 2 },
    numBucketsArray: { doc: "Array of number of buckets (quantiles, or categories) into which data points are grouped. This is for multiple columns input." },
    relativeError: { doc: "The relative target precision for the approximate quantile algorithm. Must be in the range [0, 1]", default: 0.001 },
    handleInvalid: P.handleInvalid("error", "how to handle invalid entries (NaN): 'skip', 'error' or 'keep' (NaN values go into a special additional bucket)."),
  };
  constructor(opts: QuantileDiscretizerParams = {}) { super("QuantileDiscretizer"); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    const [ins, outs] = ioCols(this, this.stageName);
    for (const c of ins) requireNumeric(schema, c, this.stageName);
    return appendFields(schema, this.stageName, outs.map((name) => ({ name, dataType: DoubleType, nullable: true })));
  }
  protected async fitImpl(df: DataFrame): Promise<Bucketizer> {
    const stage = this.stageName;
    const [ins, outs] = ioCols(this, stage);
    const counts = this.getOrDefault<number[] | undefined>("numBucketsArray") ?? ins.map(() => this.getOrDefault<number>("numBuckets"));
    if (counts.length !== ins.length) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: numBucketsArray must have one entry per input column (${ins.length}).`);
    for (const b of counts) if (!Number.isInteger(b) || b < 2) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: numBuckets must be an integer >= 2 (got ${String(b)}).`);
    const rows = (await rowObjects(df, ins)).cache();
    try {
      const stats = await treeAggregate<NumStats[]>(rows, "numStats", { cols: ins, missingValue: null, stage });
      const splitsArray: number[][] = [];
      for (let i = 0; i < ins.length; i++) {
        const s = stats[i]!;
        if (s.n === 0) throw new AnalysisError("ML_EMPTY_INPUT", `${stage}: column '${ins[i]}' has no non-null, non-NaN values to find quantiles in.`);
        const qs: number[] = [];
        for (let k = 1; k < counts[i]!; k++) qs.push(await exactQuantile(rows, ins[i]!, k / counts[i]!, s, null));
        const inner = [...new Set(qs)].sort((a, b) => a - b).filter((x) => Number.isFinite(x));
        splitsArray.push([-Infinity, ...inner, Infinity]);
      }
      const b = new Bucketizer({ handleInvalid: this.getOrDefault("handleInvalid") });
      if (ins.length === 1) b.setParams({ inputCol: ins[0]!, outputCol: outs[0]!, splits: splitsArray[0]! });
      else b.setParams({ inputCols: ins, outputCols: outs, splitsArray });
      return b;
    } finally { rows.unpersist(); }
  }
}
installAccessors(QuantileDiscretizer, ["inputCol", "outputCol", "inputCols", "outputCols", "numBuckets", "numBucketsArray", "relativeError", "handleInvalid"]);

// ================================================================ text

interface RegexTokenizerParams { inputCol?: string; outputCol?: string; pattern?: string; gaps?: boolean; toLowercase?: boolean; minTokenLength?: number }
export interface RegexTokenizer extends ParamAccessors<RegexTokenizerParams, RegexTokenizer> {}
/** Splits text by a regex (gaps = true) or extracts regex matches (gaps = false). */
export class RegexTokenizer extends Transformer {
  readonly paramSpecs: ParamSpecs = {
    inputCol: P.inputCol, outputCol: P.outputCol,
    pattern: { doc: "regex pattern used for tokenizing", default: "\\s+" }, gaps: { doc: "whether regex splits on gaps (true) or matches tokens (false)", default: true },
    toLowercase: { doc: "whether to convert all characters to lowercase before tokenizing", default: true },
    minTokenLength: { doc: "minimum token length (>= 0)", default: 1 },
  };
  constructor(opts: RegexTokenizerParams = {}, prefix = "RegexTokenizer") { super(prefix); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("inputCol"), this.stageName, "string");
    return appendFields(schema, this.stageName, [{ name: outputName(this), dataType: ArrayType(StringType, true), nullable: true }]);
  }
  protected transformImpl(df: DataFrame): DataFrame {
    this.transformSchema(df.schema);
    const spec = { kind: "tokenize", stage: this.stageName, input: this.getOrDefault<string>("inputCol"), pattern: this.getOrDefault<string>("pattern"), gaps: this.getOrDefault<boolean>("gaps"), toLowercase: this.getOrDefault<boolean>("toLowercase"), minTokenLength: this.getOrDefault<number>("minTokenLength") };
    return appendColumns(df, spec, [{ name: outputName(this), dataType: ArrayType(StringType, true), nullable: true }]);
  }
}
installAccessors(RegexTokenizer, ["inputCol", "outputCol", "pattern", "gaps", "toLowercase", "minTokenLength"]);

/** Lowercases and splits on whitespace. */
export class Tokenizer extends RegexTokenizer {
  constructor(opts: { inputCol?: string; outputCol?: string } = {}) { super({ ...opts, pattern: "\\s", gaps: true, toLowercase: true, minTokenLength: 0 }, "Tokenizer"); }
}

interface HashingTFParams { inputCol?: string; outputCol?: string; numFeatures?: number; binary?: boolean }
export interface HashingTF extends ParamAccessors<HashingTFParams, HashingTF> {}
/** Term frequencies by the hashing trick: index = nonNegativeMod(murmur3_32(term, seed 42), numFeatures). */
export class HashingTF extends Transformer {
  readonly paramSpecs: ParamSpecs = {
    inputCol: P.inputCol, outputCol: P.outputCol,
    numFeatures: { doc: "Number of features. Should be greater than 0.", default: 1 << 18 },
    binary: { doc: "If true, all non zero counts are set to 1.", default: false },
  };
  constructor(opts: HashingTFParams = {}) { super("HashingTF"); this.setParams({ ...opts }); }
  /** The index of a term (pyspark's indexOf). */
  indexOf(term: string): number { const n = this.getOrDefault<number>("numFeatures"); const h = murmur3Of(term); return ((h % n) + n) % n; }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("inputCol"), this.stageName, "array");
    return appendFields(schema, this.stageName, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
  protected transformImpl(df: DataFrame): DataFrame {
    this.transformSchema(df.schema);
    const spec = { kind: "hashingTF", stage: this.stageName, input: this.getOrDefault<string>("inputCol"), numFeatures: this.getOrDefault<number>("numFeatures"), binary: this.getOrDefault<boolean>("binary") };
    return appendColumns(df, spec, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
}
installAccessors(HashingTF, ["inputCol", "outputCol", "numFeatures", "binary"]);
import { murmur3 } from "./kernels";
const murmur3Of = (t: string): number => murmur3(t, 42);

interface IDFParams { inputCol?: string; outputCol?: string; minDocFreq?: number }
export interface IDF extends ParamAccessors<IDFParams, IDF> {}
/** Inverse document frequency: idf = log((m + 1) / (df + 1)); terms in fewer than minDocFreq documents get 0. */
export class IDF extends Estimator<IDFModel> {
  readonly paramSpecs: ParamSpecs = { inputCol: P.inputCol, outputCol: P.outputCol, minDocFreq: { doc: "minimum number of documents in which a term should appear for filtering", default: 0 } };
  constructor(opts: IDFParams = {}) { super("IDF"); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("inputCol"), this.stageName, "vector");
    return appendFields(schema, this.stageName, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
  protected async fitImpl(df: DataFrame): Promise<IDFModel> {
    const col = this.getOrDefault<string>("inputCol");
    const r = await treeAggregate<{ m: number; df: Float64Array | null }>(await rowObjects(df, [col]), "docFreq", { col });
    const minDf = this.getOrDefault<number>("minDocFreq");
    const idf = Array.from(r.df ?? [], (d) => (d >= minDf ? Math.log((r.m + 1) / (d + 1)) : 0));
    return this.copyValues(new IDFModel(idf, Array.from(r.df ?? []), r.m));
  }
}
installAccessors(IDF, ["inputCol", "outputCol", "minDocFreq"]);

export interface IDFModel extends ParamAccessors<IDFParams, IDFModel> {}
export class IDFModel extends Model {
  readonly paramSpecs: ParamSpecs = new IDF().paramSpecs;
  constructor(readonly idfValues: number[], readonly docFreq: number[], readonly numDocs: number) { super("IDFModel"); }
  get idf(): DenseVector { return new DenseVector(this.idfValues); }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("inputCol"), this.stageName, "vector");
    return appendFields(schema, this.stageName, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
  protected transformImpl(df: DataFrame): DataFrame {
    this.transformSchema(df.schema);
    return appendColumns(df, { kind: "idf", stage: this.stageName, input: this.getOrDefault<string>("inputCol"), idf: this.idfValues }, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
}
installAccessors(IDFModel, ["inputCol", "outputCol", "minDocFreq"]);
