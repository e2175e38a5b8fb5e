// pyspark.ml.regression.LinearRegression. Solvers: "normal" (one pass on the workers collects
// n, sums, X'X and X'y; the d x d system is solved on the driver, with coordinate descent when an
// L1 term is present) and "l-bfgs" (one gradient pass per iteration). "auto" picks normal, as
// Spark does for up to 4096 features.
//
// Objective (Spark's, with the label standardized as Spark's WeightedLeastSquares does):
//   1/(2n) sum (y - w.x - b)^2 + regParam * ((1 - a)/2 * sum (s_j w_j)^2 + a * sigma_y * sum |s_j w_j|)
// where a = elasticNetParam, s_j = std of feature j when standardization is on (else 1), sigma_y =
// the label's sample std. For pure L2 the sigma_y factor cancels, so with standardization = false
// this is scikit-learn's Ridge(alpha = n * regParam); with a = 1 it is Lasso(alpha = regParam * sigma_y).

import { AnalysisError } from "../common/errors";
import { DoubleType, type DataFrame, type StructType } from "../sql";
import { Estimator, Model, appendColumns, appendFields, requireNumeric, requireType, trainingPoints } from "./base";
import { installAccessors, P, type ParamAccessors, type ParamSpecs } from "./params";
import { treeAggregate } from "./tree-aggregate";
import type { LsStats } from "./aggregators";
import { DenseVector } from "./linalg";
import { solveSpd, lbfgs, owlqn } from "./optim";
import { RegressionEvaluator } from "./evaluation";

interface LinearRegressionParams {
  featuresCol?: string; labelCol?: string; predictionCol?: string; maxIter?: number; regParam?: number; elasticNetParam?: number;
  tol?: number; fitIntercept?: boolean; standardization?: boolean; solver?: "auto" | "normal" | "l-bfgs"; aggregationDepth?: number; loss?: "squaredError";
}
export interface LinearRegression extends ParamAccessors<LinearRegressionParams, LinearRegression> {}
export class LinearRegression extends Estimator<LinearRegressionModel> {
  readonly paramSpecs: ParamSpecs = {
    featuresCol: P.featuresCol(), labelCol: P.labelCol(), predictionCol: P.predictionCol(), maxIter: P.maxIter(100), regParam: P.regParam,
    elasticNetParam: P.elasticNetParam, tol: P.tol(1e-6), fitIntercept: P.fitIntercept, standardization: P.standardization,
    solver: { doc: "The solver algorithm for optimization: auto, normal, l-bfgs.", default: "auto" }, aggregationDepth: P.aggregationDepth,
    loss: { doc: "The loss function to be optimized: squaredError.", default: "squaredError" },
  };
  constructor(opts: LinearRegressionParams = {}) { super("LinearRegression"); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("featuresCol"), this.stageName, "vector");
    requireNumeric(schema, this.getOrDefault<string>("labelCol"), this.stageName);
    return appendFields(schema, this.stageName, [{ name: this.getOrDefault<string>("predictionCol"), dataType: DoubleType, nullable: true }]);
  }
  protected async fitImpl(df: DataFrame): Promise<LinearRegressionModel> {
    const stage = this.stageName;
    const lambda = this.getOrDefault<number>("regParam"), alpha = this.getOrDefault<number>("elasticNetParam");
    if (lambda < 0 || alpha < 0 || alpha > 1) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: regParam must be >= 0 and elasticNetParam in [0, 1].`);
    const points = await trainingPoints(df, stage, this.getOrDefault("featuresCol"), this.getOrDefault("labelCol"));
    try {
      const first = await points.first().catch(() => undefined);
      if (!first) throw new AnalysisError("ML_EMPTY_INPUT", `${stage}: the training data is empty.`);
      const d = first[1].length;
      const depth = this.getOrDefault<number>("aggregationDepth");
      const st = await treeAggregate<LsStats>(points, "leastSquares", { d }, depth);
      const n = st.n, fit = this.getOrDefault<boolean>("fitIntercept"), std = this.getOrDefault<boolean>("standardization");
      const mx = Array.from(st.sx, (v) => (fit ? v / n : 0)), my = fit ? st.sy / n : 0;
      const full = (i: number, j: number): number => (i <= j ? st.xx[i * d + j]! : st.xx[j * d + i]!);
      // centred (when fitting an intercept) second moments, divided by n
      const C = new Float64Array(d * d), c = new Float64Array(d);
      for (let i = 0; i < d; i++) {
        c[i] = st.xy[i]! / n - mx[i]! * (fit ? st.sy / n : 0);
        for (let j = 0; j < d; j++) C[i * d + j] = full(i, j) / n - mx[i]! * mx[j]!;
      }
      const meanX = Array.from(st.sx, (v) => v / n);
      const sd = meanX.map((m, i) => Math.sqrt(Math.max(0, (full(i, i) - n * m * m) / Math.max(n - 1, 1))));
      const yStd = Math.sqrt(Math.max(0, (st.syy - (st.sy * st.sy) / n) / Math.max(n - 1, 1)));
      const pen = sd.map((s) => (std ? s * s : 1)); // L2 weight per coefficient
      const l1w = sd.map((s) => (std ? s : 1));
      let solver = this.getOrDefault<string>("solver");
      if (solver === "auto") solver = d <= 4096 ? "normal" : "l-bfgs";
      let w: Float64Array, history: number[] = [], iterations = 0;
      const objective = (x: Float64Array): number => {
        let q = 0, l2 = 0, l1 = 0;
        for (let i = 0; i < d; i++) {
          q += x[i]! * c[i]!;
          for (let j = 0; j < d; j++) q -= 0.5 * x[i]! * C[i * d + j]! * x[j]!;
          l2 += pen[i]! * x[i]! * x[i]!; l1 += l1w[i]! * Math.abs(x[i]!);
        }
        const syyc = (st.syy / n - my * my * (fit ? 1 : 0)) / 2;
        return syyc - q + lambda * ((1 - alpha) / 2 * l2 + alpha * yStd * l1);
      };
      if (solver === "normal" && alpha === 0) {
        const A = Float64Array.from(C);
        for (let i = 0; i < d; i++) A[i * d + i]! += lambda * pen[i]!;
        w = solveSpd(A, c, d);
        history = [objective(w)];
      } else if (solver === "normal") {
        // coordinate descent on the normal equations (glmnet's covariance updates)
        w = new Float64Array(d);
        const l1 = lambda * alpha * yStd, l2 = lambda * (1 - alpha);
        const maxIter = this.getOrDefault<number>("maxIter"), tol = this.getOrDefault<number>("tol");
        for (iterations = 0; iterations < Math.max(maxIter, 1) * 100; iterations++) {
          let maxDelta = 0;
          for (let j = 0; j < d; j++) {
            let r = c[j]!;
            for (let k = 0; k < d; k++) if (k !== j) r -= C[j * d + k]! * w[k]!;
            const t = l1 * l1w[j]!;
            const z = Math.sign(r) * Math.max(Math.abs(r) - t, 0) / (C[j * d + j]! + l2 * pen[j]! || 1);
            maxDelta = Math.max(maxDelta, Math.abs(z - w[j]!));
            w[j] = z;
          }
          history.push(objective(w));
          if (maxDelta < tol * 1e-3) break;
        }
      } else {
        const l1Weights = new Float64Array(d + (fit ? 1 : 0));
        for (let i = 0; i < d; i++) l1Weights[i] = lambda * alpha * yStd * l1w[i]!;
        const optimizer = alpha > 0 && lambda > 0 ? (fn: Parameters<typeof lbfgs>[0], x: Float64Array, o: Parameters<typeof lbfgs>[2]) => owlqn(fn, x, l1Weights, o) : lbfgs;
        // gradient of the same objective from the workers' sufficient statistics would be the normal solver;
        // here the loss is evaluated as Spark's l-bfgs does: one pass per iteration
        const res = await optimizer(async (x) => {
          const wv = x.subarray(0, d), b = fit ? x[d]! : 0;
          const g = await treeAggregate<{ loss: number; g: Float64Array; gb: number; n: number }>(points, "squaredGradient", { w: Float64Array.from(wv), b, d }, depth);
          const grad = new Float64Array(x.length);
          let reg = 0;
          for (let i = 0; i < d; i++) { grad[i] = g.g[i]! / g.n + lambda * (1 - alpha) * pen[i]! * wv[i]!; reg += pen[i]! * wv[i]! * wv[i]!; }
          if (fit) grad[d] = g.gb / g.n;
          return { loss: g.loss / g.n + (lambda * (1 - alpha) / 2) * reg, grad };
        }, new Float64Array(d + (fit ? 1 : 0)), { maxIter: this.getOrDefault("maxIter"), tol: this.getOrDefault("tol") });
        const model = this.makeModel(Array.from(res.x.subarray(0, d)), fit ? res.x[d]! : 0);
        model.trainingHistory = res.objectiveHistory; model.trainingIterations = res.iterations;
        return model;
      }
      const b = fit ? my - w.reduce((s, v, i) => s + v * mx[i]!, 0) : 0;
      const model = this.makeModel(Array.from(w), b);
      model.trainingHistory = history; model.trainingIterations = iterations;
      return model;
    } finally { points.unpersist(); }
  }
  private makeModel(w: number[], b: number): LinearRegressionModel {
    return this.copyValues(new LinearRegressionModel(w, b));
  }
  /** The summary is computed on the training data: fit, then await model.summary(df) — see LinearRegressionModel.evaluate. */
}
installAccessors(LinearRegression, ["featuresCol", "labelCol", "predictionCol", "maxIter", "regParam", "elasticNetParam", "tol", "fitIntercept", "standardization", "solver", "aggregationDepth", "loss"]);

export interface LinearRegressionSummary { r2: number; rootMeanSquaredError: number; meanSquaredError: number; meanAbsoluteError: number; r2adj: number; numInstances: number; objectiveHistory: number[]; totalIterations: number; predictions: DataFrame }

export interface LinearRegressionModel extends ParamAccessors<LinearRegressionParams, LinearRegressionModel> {}
export class LinearRegressionModel extends Model {
  readonly paramSpecs: ParamSpecs = new LinearRegression().paramSpecs;
  trainingHistory: number[] = [];
  trainingIterations = 0;
  constructor(readonly coefficientsArray: number[], readonly intercept: number) { super("LinearRegressionModel"); }
  get coefficients(): DenseVector { return new DenseVector(this.coefficientsArray); }
  get numFeatures(): number { return this.coefficientsArray.length; }
  predict(features: DenseVector | ArrayLike<number>): number {
    const x = features instanceof DenseVector ? features.values : features;
    return this.coefficientsArray.reduce((s, w, i) => s + w * x[i]!, this.intercept);
  }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("featuresCol"), this.stageName, "vector");
    return appendFields(schema, this.stageName, [{ name: this.getOrDefault<string>("predictionCol"), dataType: DoubleType, nullable: true }]);
  }
  protected transformImpl(df: DataFrame): DataFrame {
    this.transformSchema(df.schema);
    const spec = { kind: "linear", stage: this.stageName, featuresCol: this.getOrDefault<string>("featuresCol"), coefficients: this.coefficientsArray, intercept: this.intercept };
    return appendColumns(df, spec, [{ name: this.getOrDefault<string>("predictionCol"), dataType: DoubleType, nullable: true }]);
  }
  /** Metrics of this model on df (Spark's model.evaluate(df); the training summary is evaluate(trainingData)). */
  async evaluate(df: DataFrame): Promise<LinearRegressionSummary> {
    const predictions = this.transform(df);
    const ev = (metricName: "r2" | "rmse" | "mse" | "mae") => new RegressionEvaluator({ metricName, labelCol: this.getOrDefault("labelCol"), predictionCol: this.getOrDefault("predictionCol") }).evaluate(predictions);
    const [r2, rmse, mse, mae, n] = await Promise.all([ev("r2"), ev("rmse"), ev("mse"), ev("mae"), df.count()]);
    const p = this.numFeatures, icpt = this.getOrDefault<boolean>("fitIntercept") ? 1 : 0;
    return { r2, rootMeanSquaredError: rmse, meanSquaredError: mse, meanAbsoluteError: mae, r2adj: 1 - ((1 - r2) * (n - icpt)) / (n - p - icpt), numInstances: n, objectiveHistory: this.trainingHistory, totalIterations: this.trainingIterations, predictions };
  }
}
installAccessors(LinearRegressionModel, ["featuresCol", "labelCol", "predictionCol", "maxIter", "regParam", "elasticNetParam", "tol", "fitIntercept", "standardization", "solver", "aggregationDepth", "loss"]);
