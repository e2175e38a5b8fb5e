// pyspark.ml.classification.NaiveBayes (modelType "multinomial"): one pass on the workers sums
// the features per class; with smoothing s, pi_k = log((n_k + s) / (n + K s)) and
// theta_kj = log((sum_kj + s) / (sum_k + d s)), as Spark.

import { AnalysisError } from "../common/errors";
import { DoubleType, VectorUDT, type DataFrame, type StructType } from "../sql";
import { Estimator, Model, appendColumns, appendFields, requireNumeric, requireType, trainingPoints } from "./base";
import { installAccessors, P, type ParamAccessors, type ParamSpecs } from "./params";
import { treeAggregate } from "./tree-aggregate";
import { DenseVector } from "./linalg";

interface NaiveBayesParams { featuresCol?: string; labelCol?: string; predictionCol?: string; probabilityCol?: string; rawPredictionCol?: string; smoothing?: number; modelType?: "multinomial" }
const NB_PARAMS = ["featuresCol", "labelCol", "predictionCol", "probabilityCol", "rawPredictionCol", "smoothing", "modelType"];

function nbOutput(st: { getOrDefault<T>(n: string): T; uid: string; constructor: { name: string } }, schema: StructType): StructType {
  return appendFields(schema, `${st.constructor.name} (${st.uid})`, [
    { name: st.getOrDefault<string>("rawPredictionCol"), dataType: VectorUDT, nullable: true },
    { name: st.getOrDefault<string>("probabilityCol"), dataType: VectorUDT, nullable: true },
    { name: st.getOrDefault<string>("predictionCol"), dataType: DoubleType, nullable: true },
  ]);
}

export interface NaiveBayes extends ParamAccessors<NaiveBayesParams, NaiveBayes> {}
export class NaiveBayes extends Estimator<NaiveBayesModel> {
  readonly paramSpecs: ParamSpecs = {
    featuresCol: P.featuresCol(), labelCol: P.labelCol(), predictionCol: P.predictionCol(), probabilityCol: P.probabilityCol, rawPredictionCol: P.rawPredictionCol,
    smoothing: { doc: "The smoothing parameter, should be >= 0.", default: 1 },
    modelType: { doc: "The model type: multinomial (the only one the workbench implements).", default: "multinomial" },
  };
  constructor(opts: NaiveBayesParams = {}) { super("NaiveBayes"); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("featuresCol"), this.stageName, "vector");
    requireNumeric(schema, this.getOrDefault<string>("labelCol"), this.stageName);
    if (this.getOrDefault("modelType") !== "multinomial") throw new AnalysisError("UNSUPPORTED_FEATURE", `${this.stageName}: modelType ${String(this.getOrDefault("modelType"))} is not implemented; use multinomial.`);
    return nbOutput(this, schema);
  }
  protected async fitImpl(df: DataFrame): Promise<NaiveBayesModel> {
    const points = await trainingPoints(df, this.stageName, this.getOrDefault("featuresCol"), this.getOrDefault("labelCol"));
    try {
      const first = await points.first().catch(() => undefined);
      if (!first) throw new AnalysisError("ML_EMPTY_INPUT", `${this.stageName}: the training data is empty.`);
      const d = first[1].length;
      const st = await treeAggregate<{ counts: Record<number, number>; sums: Record<number, number[]>; negative: number }>(points, "nbStats", { d });
      if (st.negative > 0) throw new AnalysisError("ML_INVALID_INPUT", `${this.stageName}: Naive Bayes requires nonnegative feature values; found ${st.negative} negative values in column '${this.getOrDefault<string>("featuresCol")}'.`);
      const labels = Object.keys(st.counts).map(Number);
      if (labels.some((l) => !Number.isInteger(l) || l < 0)) throw new AnalysisError("ML_INVALID_INPUT", `${this.stageName}: labels must be integers 0, 1, ..., K-1.`);
      const K = Math.max(...labels) + 1, s = this.getOrDefault<number>("smoothing");
      const n = labels.reduce((a, l) => a + st.counts[l]!, 0);
      const pi = Array.from({ length: K }, (_, k) => Math.log(((st.counts[k] ?? 0) + s) / (n + K * s)));
      const theta = Array.from({ length: K }, (_, k) => {
        const sums = st.sums[k] ?? new Array<number>(d).fill(0), total = sums.reduce((a, b) => a + b, 0);
        return sums.map((v) => Math.log((v + s) / (total + d * s)));
      });
      return this.copyValues(new NaiveBayesModel(pi, theta));
    } finally { points.unpersist(); }
  }
}
installAccessors(NaiveBayes, NB_PARAMS);

export interface NaiveBayesModel extends ParamAccessors<NaiveBayesParams, NaiveBayesModel> {}
export class NaiveBayesModel extends Model {
  readonly paramSpecs: ParamSpecs = new NaiveBayes().paramSpecs;
  constructor(readonly piArray: number[], readonly thetaMatrix: number[][]) { super("NaiveBayesModel"); }
  get pi(): DenseVector { return new DenseVector(this.piArray); }
  get numClasses(): number { return this.piArray.length; }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("featuresCol"), this.stageName, "vector");
    return nbOutput(this, schema);
  }
  protected transformImpl(df: DataFrame): DataFrame {
    const schema = this.transformSchema(df.schema);
    return appendColumns(df, { kind: "naiveBayes", stage: this.stageName, featuresCol: this.getOrDefault<string>("featuresCol"), pi: this.piArray, theta: this.thetaMatrix }, schema.fields.slice(-3));
  }
}
installAccessors(NaiveBayesModel, NB_PARAMS);
