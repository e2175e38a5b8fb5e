// pyspark.ml.classification.LogisticRegression: binomial (one coefficient vector) or multinomial
// (softmax, K coefficient vectors, no pivot class, as Spark). Trained with L-BFGS on the driver;
// each loss/gradient evaluation is one treeAggregate pass over the cached training points on the
// workers. As Spark, training works in standardized feature space (x_j / std_j) and the penalty is
//   regParam * (1 - elasticNetParam) / 2 * sum_j (w_j * std_j)^2   with standardization = true
//   regParam * (1 - elasticNetParam) / 2 * sum_j w_j^2             with standardization = false
// on top of the mean log-loss (intercepts not penalized). With standardization = false this is
// scikit-learn's LogisticRegression(C = 1 / (n * regParam)) (l2, binary or multinomial). With
// elasticNetParam = a > 0 the penalty adds regParam * a * sum_j |w_j| (times std_j with
// standardization), minimized by OWL-QN: sklearn's penalty="elasticnet", l1_ratio = a, same C.

import { AnalysisError } from "../common/errors";
import { DoubleType, VectorUDT, type DataFrame, type StructType } from "../sql";
import { Estimator, Model, appendColumns, appendFields, requireNumeric, requireType, trainingBlocks } from "./base";
import { installAccessors, P, type ParamAccessors, type ParamSpecs } from "./params";
import { treeAggregate } from "./tree-aggregate";
import type { PointStats } from "./aggregators";
import "./logistic-aggregators"; // registers the aggregators the driver merges with
import type { LogisticGrad } from "./logistic-aggregators";
import { DenseVector } from "./linalg";
import { lbfgs, owlqn } from "./optim";
import { BinaryClassificationEvaluator, ConfusionMatrix, binaryCurves, curveChart, areaUnderCurve } from "./evaluation";

interface LogisticRegressionParams {
  featuresCol?: string; labelCol?: string; predictionCol?: string; probabilityCol?: string; rawPredictionCol?: string;
  maxIter?: number; regParam?: number; elasticNetParam?: number; tol?: number; fitIntercept?: boolean; standardization?: boolean;
  threshold?: number; family?: "auto" | "binomial" | "multinomial"; aggregationDepth?: number;
}
const LR_PARAMS = ["featuresCol", "labelCol", "predictionCol", "probabilityCol", "rawPredictionCol", "maxIter", "regParam", "elasticNetParam", "tol", "fitIntercept", "standardization", "threshold", "family", "aggregationDepth"];

export interface LogisticRegression extends ParamAccessors<LogisticRegressionParams, LogisticRegression> {}
export class LogisticRegression extends Estimator<LogisticRegressionModel> {
  readonly paramSpecs: ParamSpecs = {
    featuresCol: P.featuresCol(), labelCol: P.labelCol(), predictionCol: P.predictionCol(), probabilityCol: P.probabilityCol, rawPredictionCol: P.rawPredictionCol,
    maxIter: P.maxIter(100), regParam: P.regParam, elasticNetParam: P.elasticNetParam, tol: P.tol(1e-6), fitIntercept: P.fitIntercept,
    standardization: P.standardization, threshold: { doc: "Threshold in binary classification prediction, in range [0, 1].", default: 0.5 },
    family: { doc: "The name of family: auto, binomial, multinomial.", default: "auto" }, aggregationDepth: P.aggregationDepth,
  };
  constructor(opts: LogisticRegressionParams = {}) { super("LogisticRegression"); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("featuresCol"), this.stageName, "vector");
    requireNumeric(schema, this.getOrDefault<string>("labelCol"), this.stageName);
    return outputSchema(this, schema);
  }
  protected async fitImpl(df: DataFrame): Promise<LogisticRegressionModel> {
    const stage = this.stageName;
    const lambda = this.getOrDefault<number>("regParam"), alpha = this.getOrDefault<number>("elasticNetParam");
    const labelCol = this.getOrDefault<string>("labelCol"), featuresCol = this.getOrDefault<string>("featuresCol");
    const points = await trainingBlocks(df, stage, featuresCol, labelCol);
    try {
      const depth = this.getOrDefault<number>("aggregationDepth");
      // one pass: feature statistics (std for standardization) and the label range
      const { features: fs, label } = await treeAggregate<PointStats>(points, "blockStats", { featuresCol, stage }, depth);
      const ls = [label];
      if (!fs || ls[0]!.n === 0) throw new AnalysisError("ML_EMPTY_INPUT", `${stage}: the training data is empty.`);
      if (ls[0]!.nonInteger > 0) throw new AnalysisError("ML_INVALID_INPUT", `${stage}: labels in column '${labelCol}' must be integers 0, 1, ..., K-1 (index string labels with StringIndexer).`, { parameters: { column: labelCol, stage } });
      const n = fs.n, d = fs.sum.length;
      const numClasses = ls[0]!.max + 1;
      const family = this.getOrDefault<string>("family");
      if (family === "binomial" && numClasses > 2) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: Binomial family only supports 1 or 2 outcome classes but found ${numClasses}.`);
      const binary = family === "binomial" || (family === "auto" && numClasses <= 2);
      const K = binary ? 1 : numClasses;
      const std = Array.from(fs.sumSq, (q, i) => Math.sqrt(Math.max(0, (q - (fs.sum[i]! * fs.sum[i]!) / n) / Math.max(n - 1, 1))));
      const scale = Float64Array.from(std, (s) => (s > 0 ? 1 / s : 0));
      const standardization = this.getOrDefault<boolean>("standardization"), fit = this.getOrDefault<boolean>("fitIntercept");
      // penalty weight on the scaled coefficient w'_j (w_j = w'_j / std_j)
      const penW = Float64Array.from(std, (s) => (standardization ? 1 : s > 0 ? 1 / (s * s) : 0));
      const l2 = lambda * (1 - alpha);
      const nParams = K * d + (fit ? K : 0);
      const x0 = new Float64Array(nParams);
      if (fit && binary) { // start from the log odds of the label, as Spark
        const p1 = ls[0]!.sum / n;
        if (p1 > 0 && p1 < 1) x0[K * d] = Math.log(p1 / (1 - p1));
      }
      // L1 part (elastic net): on the scaled coefficients, weighted like the L2 part (OWL-QN)
      const l1Weights = new Float64Array(nParams);
      for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) l1Weights[k * d + j] = lambda * alpha * (standardization ? 1 : std[j]! > 0 ? 1 / std[j]! : 0);
      const optimizer = alpha > 0 && lambda > 0 ? (fn: Parameters<typeof lbfgs>[0], x: Float64Array, o: Parameters<typeof lbfgs>[2]) => owlqn(fn, x, l1Weights, o) : lbfgs;
      const res = await optimizer(async (x) => {
        const w = x.slice(0, K * d), b = fit ? x.slice(K * d) : new Float64Array(K);
        const g = await treeAggregate<LogisticGrad>(points, "logisticGradient", { d, K, binary, w, b, scale }, depth);
        const grad = new Float64Array(nParams);
        let reg = 0;
        for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) {
          const i = k * d + j;
          grad[i] = (g.gw[i]! * scale[j]!) / g.n + l2 * penW[j]! * w[i]!; // the workers sum unscaled features
          reg += penW[j]! * w[i]! * w[i]!;
        }
        if (fit) for (let k = 0; k < K; k++) grad[K * d + k] = g.gb[k]! / g.n;
        return { loss: g.loss / g.n + (l2 / 2) * reg, grad };
      }, x0, { maxIter: this.getOrDefault("maxIter"), tol: this.getOrDefault("tol") });
      const W: number[][] = [], b: number[] = [];
      for (let k = 0; k < K; k++) {
        W.push(Array.from({ length: d }, (_, j) => res.x[k * d + j]! * scale[j]!));
        b.push(fit ? res.x[K * d + k]! : 0);
      }
      if (!binary && fit && lambda === 0) { // Spark centres the intercepts of an unpenalized multinomial model
        const mean = b.reduce((s, v) => s + v, 0) / K;
        for (let k = 0; k < K; k++) b[k]! -= mean;
      }
      const m = new LogisticRegressionModel(W, b, binary, numClasses);
      this.copyValues(m);
      m.trainingHistory = res.objectiveHistory; m.trainingIterations = res.iterations;
      m.trainingData = df;
      return m;
    } finally { points.unpersist(); }
  }
}
installAccessors(LogisticRegression, LR_PARAMS);

function outputSchema(st: LogisticRegression | LogisticRegressionModel, schema: StructType): StructType {
  return appendFields(schema, `${st.constructor.name} (${st.uid})`, [
    { name: st.getOrDefault<string>("rawPredictionCol"), dataType: VectorUDT, nullable: true },
    { name: st.getOrDefault<string>("probabilityCol"), dataType: VectorUDT, nullable: true },
    { name: st.getOrDefault<string>("predictionCol"), dataType: DoubleType, nullable: true },
  ]);
}

/** The training summary: objective history, and (binary) ROC / PR curves and areas, computed lazily on the workers. */
export class LogisticRegressionTrainingSummary {
  constructor(private readonly model: LogisticRegressionModel, readonly predictions: DataFrame, readonly objectiveHistory: number[], readonly totalIterations: number) {}
  private curves?: Promise<ReturnType<typeof binaryCurves>>;
  private getCurves(): Promise<ReturnType<typeof binaryCurves>> {
    if (!this.model.isBinary) throw new AnalysisError("UNSUPPORTED_OPERATION", "ROC and PR curves are defined for binary logistic regression only.");
    return (this.curves ??= new BinaryClassificationEvaluator({ labelCol: this.model.getOrDefault("labelCol"), rawPredictionCol: this.model.getOrDefault("rawPredictionCol") }).curves(this.predictions));
  }
  /** ROC curve points [FPR, TPR]; display it with `summary.rocChart()`. */
  async roc(): Promise<{ FPR: number; TPR: number }[]> { return (await this.getCurves()).roc.map(([FPR, TPR]) => ({ FPR, TPR })); }
  async pr(): Promise<{ recall: number; precision: number }[]> { return (await this.getCurves()).pr.map(([recall, precision]) => ({ recall, precision })); }
  async areaUnderROC(): Promise<number> { return areaUnderCurve((await this.getCurves()).roc); }
  async areaUnderPR(): Promise<number> { return areaUnderCurve((await this.getCurves()).pr); }
  async rocChart(): Promise<ReturnType<typeof curveChart>> { return curveChart((await this.getCurves()).roc, "roc"); }
  async prChart(): Promise<ReturnType<typeof curveChart>> { return curveChart((await this.getCurves()).pr, "pr"); }
  async confusionMatrix(): Promise<ConfusionMatrix> { return ConfusionMatrix.of(this.predictions, this.model.getOrDefault("labelCol"), this.model.getOrDefault("predictionCol")); }
  async accuracy(): Promise<number> { return (await this.confusionMatrix()).accuracy; }
}

export interface LogisticRegressionModel extends ParamAccessors<LogisticRegressionParams, LogisticRegressionModel> {}
export class LogisticRegressionModel extends Model {
  readonly paramSpecs: ParamSpecs = new LogisticRegression().paramSpecs;
  trainingHistory: number[] = [];
  trainingIterations = 0;
  trainingData?: DataFrame;
  constructor(readonly coefficientMatrix: number[][], readonly interceptVector: number[], readonly isBinary: boolean, readonly numClasses: number) { super("LogisticRegressionModel"); }
  /** Binary models: the coefficient vector. */
  get coefficients(): DenseVector {
    if (!this.isBinary) throw new AnalysisError("UNSUPPORTED_OPERATION", "Multinomial models contain a matrix of coefficients, use coefficientMatrix instead.");
    return new DenseVector(this.coefficientMatrix[0]!);
  }
  get intercept(): number {
    if (!this.isBinary) throw new AnalysisError("UNSUPPORTED_OPERATION", "Multinomial models contain a vector of intercepts, use interceptVector instead.");
    return this.interceptVector[0]!;
  }
  get numFeatures(): number { return this.coefficientMatrix[0]!.length; }
  get hasSummary(): boolean { return this.trainingData !== undefined; }
  get summary(): LogisticRegressionTrainingSummary {
    if (!this.trainingData) throw new AnalysisError("UNSUPPORTED_OPERATION", "No training summary available for this LogisticRegressionModel");
    return new LogisticRegressionTrainingSummary(this, this.transform(this.trainingData), this.trainingHistory, this.trainingIterations);
  }
  evaluate(df: DataFrame): LogisticRegressionTrainingSummary { return new LogisticRegressionTrainingSummary(this, this.transform(df), [], 0); }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("featuresCol"), this.stageName, "vector");
    return outputSchema(this, schema);
  }
  protected transformImpl(df: DataFrame): DataFrame {
    const schema = this.transformSchema(df.schema);
    const spec = { kind: "logistic", stage: this.stageName, featuresCol: this.getOrDefault<string>("featuresCol"), coefficientMatrix: this.coefficientMatrix, interceptVector: this.interceptVector, binary: this.isBinary, threshold: this.getOrDefault<number>("threshold") };
    return appendColumns(df, spec, schema.fields.slice(-3));
  }
}
installAccessors(LogisticRegressionModel, LR_PARAMS);
