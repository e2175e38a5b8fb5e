// pyspark.ml.classification.RandomForestClassifier, trained as Spark's RandomForest does: all
// trees grow together, level by level; each level is ONE treeAggregate pass on the workers that
// routes every point through every tree and fills, per frontier node, weighted class counts per
// (feature, bin) over the node's random feature subset. A point's weight in a tree is its
// bootstrap draw, Poisson(subsamplingRate), seeded per point and tree (so a pass needs no state).
// The driver picks each node's best split among its feature subset, as the single tree does.

import { AnalysisError } from "../common/errors";
import { type DataFrame, type StructType } from "../sql";
import { Estimator, Model, appendColumns, requireNumeric, requireType, trainingPoints } from "./base";
import { installAccessors, type ParamAccessors, type ParamSpecs } from "./params";
import { treeAggregate } from "./tree-aggregate";
import { DenseVector } from "./linalg";
import { bestSplit, DecisionTreeClassificationModel, DecisionTreeClassifier, splitThresholds, treeOutput } from "./tree";
import type { TreeNode } from "./aggregators";

interface RandomForestParams {
  featuresCol?: string; labelCol?: string; predictionCol?: string; probabilityCol?: string; rawPredictionCol?: string;
  maxDepth?: number; maxBins?: number; minInstancesPerNode?: number; minInfoGain?: number; impurity?: "gini" | "entropy"; seed?: number;
  numTrees?: number; featureSubsetStrategy?: string; subsamplingRate?: number; bootstrap?: boolean;
}
const RF_PARAMS = ["featuresCol", "labelCol", "predictionCol", "probabilityCol", "rawPredictionCol", "maxDepth", "maxBins", "minInstancesPerNode",
  "minInfoGain", "impurity", "seed", "numTrees", "featureSubsetStrategy", "subsamplingRate", "bootstrap"];

/** How many features each node considers (Spark's featureSubsetStrategy for classification). */
export function featuresPerNode(strategy: string, d: number, numTrees: number, stage: string): number {
  const s = strategy.toLowerCase();
  if (s === "auto") return numTrees === 1 ? d : Math.ceil(Math.sqrt(d));
  if (s === "all") return d;
  if (s === "sqrt") return Math.ceil(Math.sqrt(d));
  if (s === "log2") return Math.max(1, Math.ceil(Math.log2(d)));
  if (s === "onethird") return Math.ceil(d / 3);
  const v = Number(s);
  if (/^[0-9]+$/.test(s) && v >= 1) return Math.min(v, d);
  if (/^[0-9]*\.[0-9]+$/.test(s) && v > 0 && v <= 1) return Math.ceil(v * d);
  throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: featureSubsetStrategy '${strategy}' is not supported; use auto, all, onethird, sqrt, log2, an integer n >= 1 or a fraction in (0, 1].`);
}

/** A seeded choice of k of d features (partial Fisher-Yates over mulberry32), sorted. */
function featureSubset(d: number, k: number, seed: number, tree: number, node: number): number[] {
  const all = Array.from({ length: d }, (_, j) => j);
  if (k >= d) return all;
  let a = (seed ^ Math.imul(tree + 1, 0x9e3779b1) ^ Math.imul(node + 1, 0x85ebca6b)) >>> 0;
  const rnd = () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  for (let i = 0; i < k; i++) { const j = i + Math.floor(rnd() * (d - i)); [all[i], all[j]] = [all[j]!, all[i]!]; }
  return all.slice(0, k).sort((x, y) => x - y);
}

export interface RandomForestClassifier extends ParamAccessors<RandomForestParams, RandomForestClassifier> {}
export class RandomForestClassifier extends Estimator<RandomForestClassificationModel> {
  readonly paramSpecs: ParamSpecs = {
    ...new DecisionTreeClassifier().paramSpecs,
    numTrees: { doc: "Number of trees to train (>= 1).", default: 20 },
    featureSubsetStrategy: { doc: "The number of features to consider for splits at each tree node. Supported options: 'auto', 'all', 'onethird', 'sqrt', 'log2', (0.0-1.0], [1-n].", default: "auto" },
    subsamplingRate: { doc: "Fraction of the training data used for learning each decision tree, in range (0, 1].", default: 1 },
    bootstrap: { doc: "Whether bootstrap samples are used when building trees.", default: true },
  };
  constructor(opts: RandomForestParams = {}) { super("RandomForestClassifier"); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("featuresCol"), this.stageName, "vector");
    requireNumeric(schema, this.getOrDefault<string>("labelCol"), this.stageName);
    return treeOutput(this, schema);
  }
  protected async fitImpl(df: DataFrame): Promise<RandomForestClassificationModel> {
    const stage = this.stageName;
    const numTrees = this.getOrDefault<number>("numTrees"), rate = this.getOrDefault<number>("subsamplingRate");
    if (!Number.isInteger(numTrees) || numTrees < 1) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: numTrees must be an integer >= 1 (got ${numTrees}).`);
    if (!(rate > 0 && rate <= 1)) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: subsamplingRate must be in (0, 1] (got ${rate}).`);
    const points = await trainingPoints(df, stage, this.getOrDefault("featuresCol"), this.getOrDefault("labelCol"));
    try {
      const maxBins = this.getOrDefault<number>("maxBins"), maxDepth = this.getOrDefault<number>("maxDepth"), seed = this.getOrDefault<number>("seed");
      const kind = this.getOrDefault<string>("impurity"), minInst = this.getOrDefault<number>("minInstancesPerNode"), minGain = this.getOrDefault<number>("minInfoGain");
      if (maxBins < 2) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: maxBins must be >= 2.`);
      const sample = (await treeAggregate<[number, number[]][]>(points, "bottomK", { k: 10000, seed })).map((p) => p[1]);
      const labels = await treeAggregate<{ max: number; bad: number; n: number }>(points, "labelRange", {});
      if (labels.n === 0) throw new AnalysisError("ML_EMPTY_INPUT", `${stage}: the training data is empty.`);
      if (labels.bad > 0) throw new AnalysisError("ML_INVALID_INPUT", `${stage}: labels must be integers 0, 1, ..., K-1 (index string labels with StringIndexer).`);
      const K = Math.max(2, labels.max + 1), d = sample[0]!.length;
      const k = featuresPerNode(this.getOrDefault<string>("featureSubsetStrategy"), d, numTrees, stage);
      const thresholds = splitThresholds(sample, maxBins);
      const leaf = (id: number, depth: number): TreeNode => ({ id, feature: -1, threshold: 0, left: -1, right: -1, counts: [], gain: 0, depth });
      const trees: TreeNode[][] = Array.from({ length: numTrees }, () => [leaf(0, 0)]);
      let frontier: Record<string, number[]> = {};
      for (let t = 0; t < numTrees; t++) frontier[`${t}:0`] = featureSubset(d, k, seed, t, 0);
      const sampling = { seed, rate, bootstrap: this.getOrDefault<boolean>("bootstrap") };
      for (let depth = 0; depth <= maxDepth && Object.keys(frontier).length; depth++) {
        const hist = await treeAggregate<Record<string, number[]>>(points, "forestHist", { trees, frontier, thresholds, K, ...sampling });
        const next: Record<string, number[]> = {};
        for (const [key, feats] of Object.entries(frontier)) {
          const [t, id] = key.split(":").map(Number) as [number, number];
          const nodes = trees[t]!, node = nodes[id]!, h = hist[key];
          if (!h) { node.counts = new Array<number>(K).fill(0); continue; }
          const best = bestSplit(h, feats, thresholds, K, kind, minInst);
          node.counts = best.total;
          if (depth === maxDepth || best.feature < 0 || best.gain <= minGain || best.gain <= 1e-12) continue;
          node.feature = best.feature; node.threshold = best.threshold; node.gain = best.gain;
          node.left = nodes.length; nodes.push(leaf(nodes.length, depth + 1));
          node.right = nodes.length; nodes.push(leaf(nodes.length, depth + 1));
          next[`${t}:${node.left}`] = featureSubset(d, k, seed, t, node.left);
          next[`${t}:${node.right}`] = featureSubset(d, k, seed, t, node.right);
        }
        frontier = next;
      }
      return this.copyValues(new RandomForestClassificationModel(trees, d, K));
    } finally { points.unpersist(); }
  }
}
installAccessors(RandomForestClassifier, RF_PARAMS);

export interface RandomForestClassificationModel extends ParamAccessors<RandomForestParams, RandomForestClassificationModel> {}
export class RandomForestClassificationModel extends Model {
  readonly paramSpecs: ParamSpecs = new RandomForestClassifier().paramSpecs;
  /** The trees, each as a DecisionTreeClassificationModel (Spark's `trees`). */
  readonly trees: DecisionTreeClassificationModel[];
  constructor(readonly treeNodes: TreeNode[][], readonly numFeatures: number, readonly numClasses: number) {
    super("RandomForestClassificationModel");
    this.trees = treeNodes.map((nodes) => new DecisionTreeClassificationModel(nodes, numFeatures, numClasses));
  }
  get treeWeights(): number[] { return this.trees.map(() => 1); }
  get totalNumNodes(): number { return this.trees.reduce((a, t) => a + t.numNodes, 0); }
  /** Spark's: each tree's importances normalized to sum 1, summed over the trees, normalized again. */
  get featureImportances(): DenseVector {
    const imp = new Float64Array(this.numFeatures);
    for (const t of this.trees) { const ti = t.featureImportances.toArray(); for (let j = 0; j < ti.length; j++) imp[j]! += ti[j]!; }
    const s = imp.reduce((a, b) => a + b, 0);
    return new DenseVector(s > 0 ? imp.map((v) => v / s) : imp);
  }
  /** Class probabilities: the trees' normalized leaf counts averaged. */
  predictProbability(x: ArrayLike<number>): DenseVector {
    const raw = new Array<number>(this.numClasses).fill(0);
    for (const nodes of this.treeNodes) {
      let n = nodes[0]!;
      while (n.feature >= 0) n = nodes[x[n.feature]! <= n.threshold ? n.left : n.right]!;
      const total = n.counts.reduce((a, b) => a + b, 0);
      if (total > 0) n.counts.forEach((c, k) => { raw[k]! += c / total; });
    }
    const s = raw.reduce((a, b) => a + b, 0) || 1;
    return new DenseVector(raw.map((r) => r / s));
  }
  predict(x: ArrayLike<number>): number {
    const p = this.predictProbability(x).toArray();
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
    return best;
  }
  get toDebugString(): string {
    const head = `RandomForestClassificationModel: uid=${this.uid}, numTrees=${this.trees.length}, numClasses=${this.numClasses}, numFeatures=${this.numFeatures}`;
    return [head, ...this.trees.map((t, i) => `  Tree ${i} (weight 1.0):\n` + t.toDebugString.split("\n").slice(1).map((l) => "  " + l).join("\n"))].join("\n");
  }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("featuresCol"), this.stageName, "vector");
    return treeOutput(this, schema);
  }
  protected transformImpl(df: DataFrame): DataFrame {
    const schema = this.transformSchema(df.schema);
    const spec = { kind: "forest", stage: this.stageName, featuresCol: this.getOrDefault<string>("featuresCol"), trees: this.treeNodes, numFeatures: this.numFeatures, numClasses: this.numClasses };
    return appendColumns(df, spec, schema.fields.slice(-3));
  }
}
installAccessors(RandomForestClassificationModel, RF_PARAMS);
