// pyspark.ml.classification.DecisionTreeClassifier, trained level by level as Spark's
// RandomForest does: split candidates per feature come from a sample (up to maxBins - 1
// thresholds at quantiles), then each level is one treeAggregate pass on the workers that routes
// every point to its node and fills per-node histograms (feature x bin x class counts); the driver
// picks each node's best split by impurity gain (gini or entropy).

import { AnalysisError } from "../common/errors";
import { DoubleType, VectorUDT, type DataFrame, type StructType } from "../sql";
import { Estimator, Model, appendColumns, appendFields, requireNumeric, requireType, trainingPoints } from "./base";
import { installAccessors, P, type ParamAccessors, type ParamSpecs } from "./params";
import { treeAggregate } from "./tree-aggregate";
import { DenseVector } from "./linalg";
import type { TreeNode } from "./aggregators";

interface DecisionTreeParams {
  featuresCol?: string; labelCol?: string; predictionCol?: string; probabilityCol?: string; rawPredictionCol?: string;
  maxDepth?: number; maxBins?: number; minInstancesPerNode?: number; minInfoGain?: number; impurity?: "gini" | "entropy"; seed?: number;
}
const DT_PARAMS = ["featuresCol", "labelCol", "predictionCol", "probabilityCol", "rawPredictionCol", "maxDepth", "maxBins", "minInstancesPerNode", "minInfoGain", "impurity", "seed"];

/** Split candidates per feature: midpoints of the sample's distinct values, thinned to maxBins - 1 quantiles. */
export function splitThresholds(sample: number[][], maxBins: number): number[][] {
  const d = sample[0]?.length ?? 0;
  return Array.from({ length: d }, (_, j) => {
    const vals = [...new Set(sample.map((x) => x[j]!))].sort((a, b) => a - b);
    const mids = vals.slice(1).map((v, i) => (v + vals[i]!) / 2);
    if (mids.length <= maxBins - 1) return mids;
    return Array.from({ length: maxBins - 1 }, (_, b) => mids[Math.floor(((b + 1) * mids.length) / maxBins)]!).filter((v, i, a) => i === 0 || v !== a[i - 1]);
  });
}

/**
 * A node's class totals and its best split from its histogram, laid out feature by feature (in
 * `features` order) as bins x classes. No split (feature -1) when the node is pure or no split
 * keeps minInstancesPerNode on both sides.
 */
export function bestSplit(h: ArrayLike<number>, features: number[], thresholds: number[][], K: number, kind: string, minInst: number): { total: number[]; gain: number; feature: number; threshold: number } {
  const nb0 = thresholds[features[0]!]!.length + 1, total = new Array<number>(K).fill(0);
  for (let b = 0; b < nb0; b++) for (let k = 0; k < K; k++) total[k]! += h[b * K + k]!;
  const n = total.reduce((a, b) => a + b, 0), parentImp = impurity(total, kind);
  let best = { total, gain: -Infinity, feature: -1, threshold: 0 };
  if (parentImp === 0) return best;
  let offset = 0;
  for (const j of features) {
    const nb = thresholds[j]!.length + 1;
    const left = new Array<number>(K).fill(0);
    for (let b = 0; b < nb - 1; b++) {
      for (let k = 0; k < K; k++) left[k]! += h[offset + b * K + k]!;
      const nl = left.reduce((a, c) => a + c, 0), nr = n - nl;
      if (nl < minInst || nr < minInst) continue;
      const right = total.map((t, k) => t - left[k]!);
      const gain = parentImp - (nl / n) * impurity(left, kind) - (nr / n) * impurity(right, kind);
      if (gain > best.gain) best = { total, gain, feature: j, threshold: thresholds[j]![b]! };
    }
    offset += nb * K;
  }
  return best;
}

function impurity(counts: ArrayLike<number>, kind: string): number {
  let n = 0;
  for (let k = 0; k < counts.length; k++) n += counts[k]!;
  if (n === 0) return 0;
  let s = kind === "gini" ? 1 : 0;
  for (let k = 0; k < counts.length; k++) {
    const p = counts[k]! / n;
    if (kind === "gini") s -= p * p; else if (p > 0) s -= p * Math.log2(p);
  }
  return s;
}

export interface DecisionTreeClassifier extends ParamAccessors<DecisionTreeParams, DecisionTreeClassifier> {}
export class DecisionTreeClassifier extends Estimator<DecisionTreeClassificationModel> {
  readonly paramSpecs: ParamSpecs = {
    featuresCol: P.featuresCol(), labelCol: P.labelCol(), predictionCol: P.predictionCol(), probabilityCol: P.probabilityCol, rawPredictionCol: P.rawPredictionCol,
    maxDepth: { doc: "Maximum depth of the tree (>= 0). E.g., depth 0 means 1 leaf node.", default: 5 },
    maxBins: { doc: "Max number of bins for discretizing continuous features. Must be >= 2.", default: 32 },
    minInstancesPerNode: { doc: "Minimum number of instances each child must have after split.", default: 1 },
    minInfoGain: { doc: "Minimum information gain for a split to be considered at a tree node.", default: 0 },
    impurity: { doc: "Criterion used for information gain calculation: gini, entropy.", default: "gini" }, seed: P.seed,
  };
  constructor(opts: DecisionTreeParams = {}) { super("DecisionTreeClassifier"); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("featuresCol"), this.stageName, "vector");
    requireNumeric(schema, this.getOrDefault<string>("labelCol"), this.stageName);
    return treeOutput(this, schema);
  }
  protected async fitImpl(df: DataFrame): Promise<DecisionTreeClassificationModel> {
    const stage = this.stageName;
    const points = await trainingPoints(df, stage, this.getOrDefault("featuresCol"), this.getOrDefault("labelCol"));
    try {
      const maxBins = this.getOrDefault<number>("maxBins"), maxDepth = this.getOrDefault<number>("maxDepth");
      const kind = this.getOrDefault<string>("impurity"), minInst = this.getOrDefault<number>("minInstancesPerNode"), minGain = this.getOrDefault<number>("minInfoGain");
      if (maxBins < 2) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: maxBins must be >= 2.`);
      const sample = (await treeAggregate<[number, number[]][]>(points, "bottomK", { k: 10000, seed: this.getOrDefault<number>("seed") })).map((p) => p[1]);
      const labels = await treeAggregate<{ max: number; bad: number; n: number }>(points, "labelRange", {});
      if (labels.n === 0) throw new AnalysisError("ML_EMPTY_INPUT", `${stage}: the training data is empty.`);
      if (labels.bad > 0) throw new AnalysisError("ML_INVALID_INPUT", `${stage}: labels must be integers 0, 1, ..., K-1 (index string labels with StringIndexer).`);
      const K = Math.max(2, labels.max + 1), d = sample[0]!.length;
      const thresholds = splitThresholds(sample, maxBins);
      const all = Array.from({ length: d }, (_, j) => j);
      const nodes: TreeNode[] = [{ id: 0, feature: -1, threshold: 0, left: -1, right: -1, counts: [], gain: 0, depth: 0 }];
      let frontier = [0];
      for (let depth = 0; depth <= maxDepth && frontier.length; depth++) {
        const hist = await treeAggregate<Record<number, number[]>>(points, "treeHist", { nodes, frontier, thresholds, K });
        const next: number[] = [];
        for (const id of frontier) {
          const h = hist[id];
          const node = nodes[id]!;
          if (!h) { node.counts = new Array<number>(K).fill(0); continue; }
          const best = bestSplit(h, all, thresholds, K, kind, minInst);
          node.counts = best.total;
          if (depth === maxDepth) continue;
          if (best.feature < 0 || best.gain <= minGain || best.gain <= 1e-12) continue;
          node.feature = best.feature; node.threshold = best.threshold; node.gain = best.gain;
          node.left = nodes.length; nodes.push({ id: nodes.length, feature: -1, threshold: 0, left: -1, right: -1, counts: [], gain: 0, depth: depth + 1 });
          node.right = nodes.length; nodes.push({ id: nodes.length, feature: -1, threshold: 0, left: -1, right: -1, counts: [], gain: 0, depth: depth + 1 });
          next.push(node.left, node.right);
        }
        frontier = next;
      }
      return this.copyValues(new DecisionTreeClassificationModel(nodes, d, K));
    } finally { points.unpersist(); }
  }
}
installAccessors(DecisionTreeClassifier, DT_PARAMS);

export function treeOutput(st: { getOrDefault<T>(n: string): T; uid: string; constructor: { name: string } }, schema: StructType): StructType {
  return appendFields(schema, `${st.constructor.name} (${st.uid})`, [
    { name: st.getOrDefault<string>("rawPredictionCol"), dataType: VectorUDT, nullable: true },
    { name: st.getOrDefault<string>("probabilityCol"), dataType: VectorUDT, nullable: true },
    { name: st.getOrDefault<string>("predictionCol"), dataType: DoubleType, nullable: true },
  ]);
}

export interface DecisionTreeClassificationModel extends ParamAccessors<DecisionTreeParams, DecisionTreeClassificationModel> {}
export class DecisionTreeClassificationModel extends Model {
  readonly paramSpecs: ParamSpecs = new DecisionTreeClassifier().paramSpecs;
  constructor(readonly nodes: TreeNode[], readonly numFeatures: number, readonly numClasses: number) { super("DecisionTreeClassificationModel"); }
  get depth(): number { return Math.max(...this.nodes.filter((n) => n.counts.length).map((n) => n.depth)); }
  get numNodes(): number { return this.nodes.filter((n) => n.counts.length).length; }
  /** Importance per feature: total impurity decrease weighted by the node's count, normalized to sum 1 (Spark's). */
  get featureImportances(): DenseVector {
    const imp = new Float64Array(this.numFeatures);
    for (const n of this.nodes) if (n.feature >= 0) imp[n.feature]! += n.gain * n.counts.reduce((a, b) => a + b, 0);
    const s = imp.reduce((a, b) => a + b, 0);
    return new DenseVector(s > 0 ? imp.map((v) => v / s) : imp);
  }
  predict(x: ArrayLike<number>): number {
    let n = this.nodes[0]!;
    while (n.feature >= 0) n = this.nodes[x[n.feature]! <= n.threshold ? n.left : n.right]!;
    return n.counts.indexOf(Math.max(...n.counts));
  }
  get toDebugString(): string {
    const lines = [`DecisionTreeClassificationModel: uid=${this.uid}, depth=${this.depth}, numNodes=${this.numNodes}, numClasses=${this.numClasses}, numFeatures=${this.numFeatures}`];
    const walk = (id: number, ind: string): void => {
      const n = this.nodes[id]!;
      if (n.feature < 0) { lines.push(`${ind}Predict: ${n.counts.indexOf(Math.max(...n.counts)).toFixed(1)}`); return; }
      lines.push(`${ind}If (feature ${n.feature} <= ${n.threshold})`); walk(n.left, ind + " ");
      lines.push(`${ind}Else (feature ${n.feature} > ${n.threshold})`); walk(n.right, ind + " ");
    };
    walk(0, "  ");
    return lines.join("\n");
  }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("featuresCol"), this.stageName, "vector");
    return treeOutput(this, schema);
  }
  protected transformImpl(df: DataFrame): DataFrame {
    const schema = this.transformSchema(df.schema);
    const spec = { kind: "tree", stage: this.stageName, featuresCol: this.getOrDefault<string>("featuresCol"), nodes: this.nodes, numFeatures: this.numFeatures };
    return appendColumns(df, spec, schema.fields.slice(-3));
  }
}
installAccessors(DecisionTreeClassificationModel, DT_PARAMS);
