// pyspark.ml.evaluation: RegressionEvaluator, BinaryClassificationEvaluator,
// MulticlassClassificationEvaluator, ClusteringEvaluator (silhouette), and the lecture's
// confusion matrix (TP, TN, FP, FN, sensitivity, specificity). Every metric is one aggregation
// job on the workers; only the aggregate (sums, a confusion table, counts per distinct score)
// reaches the driver.

import { AnalysisError } from "../common/errors";
import type { DataFrame } from "../sql";
import { field, requireEmbedded, requireNumeric, rowObjects } from "./base";
import { installAccessors, P, Params, type ParamAccessors, type ParamSpecs } from "./params";
import { treeAggregate } from "./tree-aggregate";
import type { RegSums } from "./aggregators";

export abstract class Evaluator extends Params {
  /** The metric for df's predictions (one job on the workers). */
  async evaluate(df: DataFrame, params?: Record<string, unknown>): Promise<number> {
    if (params && Object.keys(params).length) return this.copy(params).evaluate(df);
    requireEmbedded(df, `${this.constructor.name} (${this.uid})`);
    return this.evaluateImpl(df);
  }
  protected abstract evaluateImpl(df: DataFrame): Promise<number>;
  /** Whether larger values are better (rmse, mse, mae: no). */
  abstract isLargerBetter(): boolean;
  protected get stageName(): string { return `${this.constructor.name} (${this.uid})`; }
}

// ================================================================ regression

type RegMetric = "rmse" | "mse" | "mae" | "r2" | "var";
interface RegressionEvaluatorParams { predictionCol?: string; labelCol?: string; metricName?: RegMetric; throughOrigin?: boolean }
export interface RegressionEvaluator extends ParamAccessors<RegressionEvaluatorParams, RegressionEvaluator> {}
export class RegressionEvaluator extends Evaluator {
  readonly paramSpecs: ParamSpecs = {
    predictionCol: P.predictionCol(), labelCol: P.labelCol(),
    metricName: { doc: "metric name in evaluation - one of: rmse, mse, r2, mae, var", default: "rmse" },
    throughOrigin: { doc: "whether the regression is through the origin.", default: false },
  };
  constructor(opts: RegressionEvaluatorParams = {}) { super("RegressionEvaluator"); this.setParams({ ...opts }); }
  isLargerBetter(): boolean { return ["r2", "var"].includes(this.getOrDefault("metricName")); }
  protected async evaluateImpl(df: DataFrame): Promise<number> {
    const label = this.getOrDefault<string>("labelCol"), prediction = this.getOrDefault<string>("predictionCol");
    requireNumeric(df.schema, label, this.stageName); requireNumeric(df.schema, prediction, this.stageName);
    const s = await treeAggregate<RegSums>(await rowObjects(df, [label, prediction]), "regMetrics", { label, prediction });
    return regressionMetric(s, this.getOrDefault<RegMetric>("metricName"), this.getOrDefault<boolean>("throughOrigin"));
  }
}
installAccessors(RegressionEvaluator, ["predictionCol", "labelCol", "metricName", "throughOrigin"]);

export function regressionMetric(s: RegSums, metric: RegMetric, throughOrigin = false): number {
  const mse = s.se / s.n;
  switch (metric) {
    case "rmse": return Math.sqrt(mse);
    case "mse": return mse;
    case "mae": return s.ae / s.n;
    case "r2": return 1 - s.se / (throughOrigin ? s.syy : s.syy - (s.sy * s.sy) / s.n);
    case "var": return (s.syy - (s.sy * s.sy) / s.n) / s.n - mse; // explained variance (approximation of Spark's)
    default: throw new AnalysisError("INVALID_PARAMETER_VALUE", `RegressionEvaluator: unknown metricName '${String(metric)}'.`);
  }
}

// ================================================================ binary classification

/** Points of the ROC and PR curves from counts per distinct score (descending thresholds). */
export interface BinaryCurves { roc: [number, number][]; pr: [number, number][]; thresholds: number[] }
export function binaryCurves(counts: Map<number, [number, number]>): BinaryCurves {
  const scores = [...counts.keys()].sort((a, b) => b - a);
  let P = 0, N = 0;
  for (const [p, n] of counts.values()) { P += p; N += n; }
  let tp = 0, fp = 0;
  const roc: [number, number][] = [[0, 0]], pr: [number, number][] = [];
  for (const s of scores) {
    const [p, n] = counts.get(s)!;
    tp += p; fp += n;
    roc.push([N ? fp / N : 0, P ? tp / P : 0]);
    pr.push([P ? tp / P : 0, tp + fp ? tp / (tp + fp) : 1]);
  }
  roc.push([1, 1]);
  // Spark's PR curve starts at (recall 0, precision of the first threshold)
  if (pr.length) pr.unshift([0, pr[0]![1]]);
  return { roc, pr, thresholds: scores };
}

function trapezoid(points: [number, number][]): number {
  let a = 0;
  for (let i = 1; i < points.length; i++) a += ((points[i]![0] - points[i - 1]![0]) * (points[i]![1] + points[i - 1]![1])) / 2;
  return a;
}

interface BinaryEvaluatorParams { rawPredictionCol?: string; labelCol?: string; metricName?: "areaUnderROC" | "areaUnderPR"; numBins?: number }
export interface BinaryClassificationEvaluator extends ParamAccessors<BinaryEvaluatorParams, BinaryClassificationEvaluator> {}
/** Area under the ROC or PR curve; the score is rawPrediction[1] (or a numeric column). Exact (numBins is accepted, not used). */
export class BinaryClassificationEvaluator extends Evaluator {
  readonly paramSpecs: ParamSpecs = {
    rawPredictionCol: P.rawPredictionCol, labelCol: P.labelCol(),
    metricName: { doc: "metric name in evaluation (areaUnderROC|areaUnderPR)", default: "areaUnderROC" },
    numBins: { doc: "Number of bins to down-sample the curves (the workbench computes the exact curve).", default: 1000 },
  };
  constructor(opts: BinaryEvaluatorParams = {}) { super("BinaryClassificationEvaluator"); this.setParams({ ...opts }); }
  isLargerBetter(): boolean { return true; }
  async curves(df: DataFrame): Promise<BinaryCurves> {
    const label = this.getOrDefault<string>("labelCol"), score = this.getOrDefault<string>("rawPredictionCol");
    requireNumeric(df.schema, label, this.stageName);
    const f = field(df.schema, score, this.stageName);
    if (f.dataType.type !== "vector") requireNumeric(df.schema, score, this.stageName);
    return binaryCurves(await treeAggregate<Map<number, [number, number]>>(await rowObjects(df, [label, score]), "scoreCounts", { label, score }));
  }
  protected async evaluateImpl(df: DataFrame): Promise<number> {
    const c = await this.curves(df);
    return this.getOrDefault("metricName") === "areaUnderPR" ? trapezoid(c.pr) : trapezoid(c.roc);
  }
}
installAccessors(BinaryClassificationEvaluator, ["rawPredictionCol", "labelCol", "metricName", "numBins"]);
export { trapezoid as areaUnderCurve };

// ================================================================ multiclass

type McMetric = "f1" | "accuracy" | "weightedPrecision" | "weightedRecall" | "weightedTruePositiveRate" | "weightedFalsePositiveRate" | "weightedFMeasure"
  | "truePositiveRateByLabel" | "falsePositiveRateByLabel" | "precisionByLabel" | "recallByLabel" | "fMeasureByLabel" | "hammingLoss";
interface MulticlassEvaluatorParams { predictionCol?: string; labelCol?: string; metricName?: McMetric; metricLabel?: number; beta?: number }
export interface MulticlassClassificationEvaluator extends ParamAccessors<MulticlassEvaluatorParams, MulticlassClassificationEvaluator> {}
export class MulticlassClassificationEvaluator extends Evaluator {
  readonly paramSpecs: ParamSpecs = {
    predictionCol: P.predictionCol(), labelCol: P.labelCol(),
    metricName: { doc: "metric name in evaluation (f1|accuracy|weightedPrecision|weightedRecall|weightedTruePositiveRate|weightedFalsePositiveRate|weightedFMeasure|truePositiveRateByLabel|falsePositiveRateByLabel|precisionByLabel|recallByLabel|fMeasureByLabel|hammingLoss)", default: "f1" },
    metricLabel: { doc: "The class whose metric will be computed in *ByLabel metrics.", default: 0 },
    beta: { doc: "The beta value used in weightedFMeasure|fMeasureByLabel.", default: 1 },
  };
  constructor(opts: MulticlassEvaluatorParams = {}) { super("MulticlassClassificationEvaluator"); this.setParams({ ...opts }); }
  isLargerBetter(): boolean { return !["weightedFalsePositiveRate", "falsePositiveRateByLabel", "hammingLoss"].includes(this.getOrDefault("metricName")); }
  async confusion(df: DataFrame): Promise<ConfusionMatrix> {
    const label = this.getOrDefault<string>("labelCol"), prediction = this.getOrDefault<string>("predictionCol");
    requireNumeric(df.schema, label, this.stageName); requireNumeric(df.schema, prediction, this.stageName);
    return ConfusionMatrix.fromPairs(await treeAggregate<Map<string, number>>(await rowObjects(df, [label, prediction]), "pairCounts", { label, prediction }));
  }
  protected async evaluateImpl(df: DataFrame): Promise<number> {
    return (await this.confusion(df)).metric(this.getOrDefault<McMetric>("metricName"), this.getOrDefault<number>("metricLabel"), this.getOrDefault<number>("beta"));
  }
}
installAccessors(MulticlassClassificationEvaluator, ["predictionCol", "labelCol", "metricName", "metricLabel", "beta"]);

// ================================================================ confusion matrix (lecture 7)

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(4));

/**
 * Counts of (actual, predicted) labels. Rows are actual labels, columns predicted ones, as in the
 * lecture and in Spark's MulticlassMetrics.confusionMatrix. For two classes, `positive` (default
 * 1) names the positive class: TP, TN, FP, FN, sensitivity = TP / (TP + FN) (recall, true
 * positive rate), specificity = TN / (TN + FP) (true negative rate).
 */
export class ConfusionMatrix {
  constructor(readonly labels: number[], readonly matrix: number[][]) {}

  static fromPairs(pairs: Map<string, number>): ConfusionMatrix {
    const set = new Set<number>();
    for (const k of pairs.keys()) { const [a, p] = k.split("|").map(Number); set.add(a!); set.add(p!); }
    const labels = [...set].sort((a, b) => a - b);
    const idx = new Map(labels.map((l, i) => [l, i]));
    const matrix = labels.map(() => labels.map(() => 0));
    for (const [k, n] of pairs) { const [a, p] = k.split("|").map(Number); matrix[idx.get(a!)!]![idx.get(p!)!]! += n; }
    return new ConfusionMatrix(labels, matrix);
  }

  /** Confusion matrix of a predictions DataFrame (one job on the workers). */
  static async of(df: DataFrame, labelCol = "label", predictionCol = "prediction"): Promise<ConfusionMatrix> {
    return new MulticlassClassificationEvaluator({ labelCol, predictionCol }).confusion(df);
  }

  get total(): number { return this.matrix.flat().reduce((a, b) => a + b, 0); }
  private i(label: number): number { return this.labels.indexOf(label); }
  private count(actual: number, predicted: number): number { const a = this.i(actual), p = this.i(predicted); return a < 0 || p < 0 ? 0 : this.matrix[a]![p]!; }
  private actual(label: number): number { const a = this.i(label); return a < 0 ? 0 : this.matrix[a]!.reduce((x, y) => x + y, 0); }
  private predicted(label: number): number { const p = this.i(label); return p < 0 ? 0 : this.matrix.reduce((s, r) => s + r[p]!, 0); }

  /** For a positive class: true/false positives/negatives and the lecture's rates. */
  binary(positive = 1): { TP: number; TN: number; FP: number; FN: number; sensitivity: number; specificity: number; precision: number; accuracy: number } {
    const TP = this.count(positive, positive), FN = this.actual(positive) - TP, FP = this.predicted(positive) - TP;
    const TN = this.total - TP - FN - FP;
    return { TP, TN, FP, FN, sensitivity: TP / (TP + FN), specificity: TN / (TN + FP), precision: TP / (TP + FP), accuracy: (TP + TN) / this.total };
  }
  get TP(): number { return this.binary().TP; }
  get TN(): number { return this.binary().TN; }
  get FP(): number { return this.binary().FP; }
  get FN(): number { return this.binary().FN; }
  get sensitivity(): number { return this.binary().sensitivity; }
  get specificity(): number { return this.binary().specificity; }

  truePositiveRate(l: number): number { return this.count(l, l) / this.actual(l); }
  falsePositiveRate(l: number): number { return (this.predicted(l) - this.count(l, l)) / (this.total - this.actual(l)); }
  precision(l: number): number { const p = this.predicted(l); return p === 0 ? 0 : this.count(l, l) / p; }
  recall(l: number): number { return this.truePositiveRate(l); }
  fMeasure(l: number, beta = 1): number {
    const p = this.precision(l), r = this.recall(l), b2 = beta * beta;
    return p + r === 0 ? 0 : ((1 + b2) * p * r) / (b2 * p + r);
  }
  get accuracy(): number { return this.labels.reduce((s, l) => s + this.count(l, l), 0) / this.total; }
  /** Weighted by the actual count of each label (Spark's weighted metrics). */
  private weighted(f: (l: number) => number): number {
    return this.labels.reduce((s, l) => s + (this.actual(l) / this.total) * (this.actual(l) ? f(l) : 0), 0);
  }

  metric(name: McMetric, label = 0, beta = 1): number {
    switch (name) {
      case "accuracy": return this.accuracy;
      case "f1": return this.weighted((l) => this.fMeasure(l, 1));
      case "weightedFMeasure": return this.weighted((l) => this.fMeasure(l, beta));
      case "weightedPrecision": return this.weighted((l) => this.precision(l));
      case "weightedRecall": case "weightedTruePositiveRate": return this.weighted((l) => this.recall(l));
      case "weightedFalsePositiveRate": return this.weighted((l) => this.falsePositiveRate(l));
      case "truePositiveRateByLabel": case "recallByLabel": return this.recall(label);
      case "falsePositiveRateByLabel": return this.falsePositiveRate(label);
      case "precisionByLabel": return this.precision(label);
      case "fMeasureByLabel": return this.fMeasure(label, beta);
      case "hammingLoss": return 1 - this.accuracy;
      default: throw new AnalysisError("INVALID_PARAMETER_VALUE", `MulticlassClassificationEvaluator: unknown metricName '${String(name)}'.`);
    }
  }

  /** Spark's MulticlassMetrics.confusionMatrix: a dense matrix, rows = actual labels. */
  toArray(): number[][] { return this.matrix.map((r) => [...r]); }

  toString(): string {
    const w = Math.max(...this.matrix.flat().map((x) => String(x).length), ...this.labels.map((l) => String(l).length), 9);
    const pad = (s: string): string => s.padStart(w);
    const lines = [`${pad("actual\\pred")} ${this.labels.map((l) => pad(String(l))).join(" ")}`];
    this.labels.forEach((l, i) => lines.push(`${pad(String(l))} ${this.matrix[i]!.map((x) => pad(String(x))).join(" ")}`));
    if (this.labels.length === 2) {
      const b = this.binary(this.labels[1]);
      lines.push(`TP=${b.TP} TN=${b.TN} FP=${b.FP} FN=${b.FN} sensitivity=${fmt(b.sensitivity)} specificity=${fmt(b.specificity)}`);
    }
    return lines.join("\n");
  }

  /** A heatmap table (cell shade by share of the row) with the lecture's rates underneath. */
  _repr_html_(): string {
    const rowMax = this.matrix.map((r) => Math.max(1, r.reduce((a, b) => a + b, 0)));
    const head = `<tr><th>actual \\ predicted</th>${this.labels.map((l) => `<th>${esc(String(l))}</th>`).join("")}</tr>`;
    const body = this.labels.map((l, i) => `<tr><th>${esc(String(l))}</th>${this.matrix[i]!.map((x, j) => {
      const a = x / rowMax[i]!;
      const bg = i === j ? `rgba(46,125,50,${(0.15 + 0.75 * a).toFixed(2)})` : `rgba(198,40,40,${(0.1 * (a > 0 ? 1 : 0) + 0.7 * a).toFixed(2)})`;
      return `<td style="background:${bg};text-align:right;padding:4px 10px">${x}</td>`;
    }).join("")}</tr>`).join("");
    let rates = "";
    if (this.labels.length === 2) {
      const b = this.binary(this.labels[1]);
      rates = `<p>TP = ${b.TP}, TN = ${b.TN}, FP = ${b.FP}, FN = ${b.FN}; sensitivity = TP/(TP+FN) = ${fmt(b.sensitivity)}, specificity = TN/(TN+FP) = ${fmt(b.specificity)}</p>`;
    }
    return `<table class="bdw-confusion">${head}${body}</table>${rates}`;
  }
}

/** ROC or PR curve as a Vega-Lite chart bundle (the kernel renders it). */
export function curveChart(points: [number, number][], kind: "roc" | "pr", title?: string): { _repr_mimebundle_(): Record<string, unknown>; points: [number, number][] } {
  const [x, y] = kind === "roc" ? ["FPR", "TPR"] : ["recall", "precision"];
  const values = points.map(([a, b]) => ({ [x]: a, [y]: b }));
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: title ?? (kind === "roc" ? `ROC curve (AUC = ${trapezoid(points).toFixed(4)})` : `Precision-recall curve (AUC = ${trapezoid(points).toFixed(4)})`),
    width: 320, height: 320, data: { values },
    layer: [
      { mark: { type: "line", point: points.length <= 60, interpolate: kind === "roc" ? "linear" : "step-after" }, encoding: { x: { field: x, type: "quantitative", scale: { domain: [0, 1] } }, y: { field: y, type: "quantitative", scale: { domain: [0, 1] } } } },
      ...(kind === "roc" ? [{ data: { values: [{ [x]: 0, [y]: 0 }, { [x]: 1, [y]: 1 }] }, mark: { type: "line", strokeDash: [4, 4], color: "gray" }, encoding: { x: { field: x, type: "quantitative" }, y: { field: y, type: "quantitative" } } }] : []),
    ],
  };
  const text = `${kind === "roc" ? "ROC" : "PR"} curve: ${points.length} points, area ${trapezoid(points).toFixed(4)}`;
  return { points, _repr_mimebundle_: () => ({ "application/vnd.vegalite.v5+json": spec, "text/plain": text }) };
}

// ================================================================ clustering

interface ClusteringEvaluatorParams { predictionCol?: string; featuresCol?: string; metricName?: "silhouette"; distanceMeasure?: "squaredEuclidean" }
export interface ClusteringEvaluator extends ParamAccessors<ClusteringEvaluatorParams, ClusteringEvaluator> {}
/**
 * Silhouette with squared Euclidean distance, computed as Spark does in two passes: per-cluster
 * statistics (count, sum of vectors, sum of squared norms), then each point's mean distance to
 * every cluster from those statistics.
 */
export class ClusteringEvaluator extends Evaluator {
  readonly paramSpecs: ParamSpecs = {
    predictionCol: P.predictionCol(), featuresCol: P.featuresCol(),
    metricName: { doc: "metric name in evaluation (silhouette)", default: "silhouette" },
    distanceMeasure: { doc: "The distance measure: squaredEuclidean.", default: "squaredEuclidean" },
  };
  constructor(opts: ClusteringEvaluatorParams = {}) { super("ClusteringEvaluator"); this.setParams({ ...opts }); }
  isLargerBetter(): boolean { return true; }
  protected async evaluateImpl(df: DataFrame): Promise<number> {
    const features = this.getOrDefault<string>("featuresCol"), prediction = this.getOrDefault<string>("predictionCol");
    requireNumeric(df.schema, prediction, this.stageName);
    const rows = (await rowObjects(df, [features, prediction])).cache();
    try {
      const stats = await treeAggregate<Map<number, [number, Float64Array, number]>>(rows, "clusterStats", { features, prediction });
      const spec = { features, prediction, clusters: [...stats].map(([c, [n, sum, sq]]) => [c, n, Array.from(sum), sq]) };
      const s = await treeAggregate<[number, number]>(rows, "silhouette", spec);
      return s[0] / s[1];
    } finally { rows.unpersist(); }
  }
}
installAccessors(ClusteringEvaluator, ["predictionCol", "featuresCol", "metricName", "distanceMeasure"]);
