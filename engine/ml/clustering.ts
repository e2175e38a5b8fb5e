// pyspark.ml.clustering.KMeans: Lloyd's algorithm, one treeAggregate pass per iteration (sums and
// counts per centre and the cost). Initialisation "random" takes k distinct points by a seeded
// priority; "k-means||" (default, initSteps = 2) samples candidates in parallel passes with
// probability proportional to the squared distance, weights them by the points closest to each,
// and runs weighted k-means++ on the driver over the candidates, as Spark does.
// Converged when no centre moves more than tol (Euclidean). trainingCost is the cost with the
// final centres.

import { AnalysisError } from "../common/errors";
import { IntegerType, type DataFrame, type StructType } from "../sql";
import { Estimator, Model, appendColumns, appendFields, requireType, trainingPoints } from "./base";
import { installAccessors, P, type ParamAccessors, type ParamSpecs } from "./params";
import { treeAggregate } from "./tree-aggregate";
import type { KMeansStep } from "./aggregators";
import { DenseVector } from "./linalg";
import { closest, type Point } from "./kernels";
import type { RDD } from "../rdd";

interface KMeansParams {
  featuresCol?: string; predictionCol?: string; k?: number; maxIter?: number; tol?: number; seed?: number;
  initMode?: "k-means||" | "random"; initSteps?: number; distanceMeasure?: "euclidean";
  /** Workbench extension (Scala's setInitialModel): start Lloyd's iterations from these centres. */
  initialCenters?: number[][];
}
const KM_PARAMS = ["featuresCol", "predictionCol", "k", "maxIter", "tol", "seed", "initMode", "initSteps", "distanceMeasure", "initialCenters"];

/** Deterministic PRNG (mulberry32) for the driver-side k-means++ step. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

/** Weighted k-means++ then a few weighted Lloyd iterations over the candidates (Spark's LocalKMeans). */
function localKMeansPlusPlus(points: number[][], weights: Float64Array, k: number, seed: number): number[][] {
  const rnd = prng(seed);
  const pick = (probs: number[]): number => {
    const total = probs.reduce((a, b) => a + b, 0);
    let r = rnd() * total;
    for (let i = 0; i < probs.length; i++) { r -= probs[i]!; if (r <= 0) return i; }
    return probs.length - 1;
  };
  const centers = [points[pick(Array.from(weights))]!];
  const d2 = points.map((p) => closest(centers, p)[1]);
  while (centers.length < k) {
    const c = points[pick(d2.map((d, i) => d * weights[i]!))]!;
    centers.push(c);
    points.forEach((p, i) => { d2[i] = Math.min(d2[i]!, closest([c], p)[1]); });
  }
  for (let it = 0; it < 30; it++) {
    const dim = points[0]!.length, sums = centers.map(() => new Float64Array(dim)), cnt = new Float64Array(k);
    points.forEach((p, i) => { const [c] = closest(centers, p); cnt[c]! += weights[i]!; for (let j = 0; j < dim; j++) sums[c]![j]! += weights[i]! * p[j]!; });
    let moved = false;
    for (let c = 0; c < k; c++) if (cnt[c]! > 0) { const nc = Array.from(sums[c]!, (s) => s / cnt[c]!); if (nc.some((v, j) => v !== centers[c]![j])) moved = true; centers[c] = nc; }
    if (!moved) break;
  }
  return centers;
}

export interface KMeans extends ParamAccessors<KMeansParams, KMeans> {}
export class KMeans extends Estimator<KMeansModel> {
  readonly paramSpecs: ParamSpecs = {
    featuresCol: P.featuresCol(), predictionCol: P.predictionCol(), k: { doc: "The number of clusters to create. Must be > 1.", default: 2 },
    maxIter: P.maxIter(20), tol: P.tol(1e-4), seed: P.seed,
    initMode: { doc: 'The initialization algorithm. Supported options: "random" and "k-means||".', default: "k-means||" },
    initSteps: { doc: "The number of steps for k-means|| initialization mode. Must be > 0.", default: 2 },
    distanceMeasure: { doc: "the distance measure: euclidean.", default: "euclidean" },
    initialCenters: { doc: "Workbench extension: initial cluster centres (overrides initMode)." },
  };
  constructor(opts: KMeansParams = {}) { super("KMeans"); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("featuresCol"), this.stageName, "vector");
    if (this.getOrDefault<number>("k") < 2) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${this.stageName}: k must be > 1.`);
    return appendFields(schema, this.stageName, [{ name: this.getOrDefault<string>("predictionCol"), dataType: IntegerType, nullable: true }]);
  }
  private async init(points: RDD<Point>, k: number, seed: number): Promise<number[][]> {
    const given = this.getOrDefault<number[][] | undefined>("initialCenters");
    if (given) {
      if (given.length !== k) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${this.stageName}: initialCenters has ${given.length} centres, k = ${k}.`);
      return given.map((c) => [...c]);
    }
    if (this.getOrDefault("initMode") === "random") {
      return (await treeAggregate<[number, number[]][]>(points, "bottomK", { k, seed })).map((p) => p[1]);
    }
    // k-means||
    let centers = (await treeAggregate<[number, number[]][]>(points, "bottomK", { k: 1, seed })).map((p) => p[1]);
    const candidates = [...centers];
    for (let step = 0; step < this.getOrDefault<number>("initSteps"); step++) {
      const cost = await treeAggregate<number>(points, "kmeansCost", { centers });
      if (cost === 0) break;
      const chosen = await treeAggregate<number[][]>(points, "kmeansParallelSample", { centers, l: 2 * k, cost, seed, step });
      candidates.push(...chosen);
      centers = candidates;
    }
    const uniq = [...new Map(candidates.map((c) => [c.join(","), c])).values()];
    if (uniq.length <= k) return uniq;
    const weights = await treeAggregate<Float64Array>(points, "closestCounts", { centers: uniq });
    return localKMeansPlusPlus(uniq, weights, k, seed);
  }
  protected async fitImpl(df: DataFrame): Promise<KMeansModel> {
    const points = await trainingPoints(df, this.stageName, this.getOrDefault("featuresCol"), null);
    try {
      const k = this.getOrDefault<number>("k"), seed = this.getOrDefault<number>("seed"), tol = this.getOrDefault<number>("tol");
      let centers = await this.init(points, k, seed);
      const initialCenters = centers.map((c) => [...c]);
      let iter = 0, converged = false;
      while (iter < this.getOrDefault<number>("maxIter") && !converged) {
        const st = await treeAggregate<KMeansStep>(points, "kmeansStep", { centers });
        const d = centers[0]!.length;
        converged = true;
        centers = centers.map((c, j) => {
          const n = st.counts[j]!;
          if (n === 0) return c; // an empty cluster keeps its centre, as Spark
          const nc = Array.from({ length: d }, (_, i) => st.sums[j * d + i]! / n);
          if (closest([c], nc)[1] > tol * tol) converged = false;
          return nc;
        });
        iter++;
      }
      const final = await treeAggregate<KMeansStep>(points, "kmeansStep", { centers });
      const m = new KMeansModel(centers);
      this.copyValues(m);
      m.summary = { trainingCost: final.cost, clusterSizes: Array.from(final.counts), k: centers.length, numIter: iter, initialCenters };
      return m;
    } finally { points.unpersist(); }
  }
}
installAccessors(KMeans, KM_PARAMS);

export interface KMeansSummary { trainingCost: number; clusterSizes: number[]; k: number; numIter: number; initialCenters: number[][] }

export interface KMeansModel extends ParamAccessors<KMeansParams, KMeansModel> {}
export class KMeansModel extends Model {
  readonly paramSpecs: ParamSpecs = new KMeans().paramSpecs;
  summary?: KMeansSummary;
  constructor(readonly centers: number[][]) { super("KMeansModel"); }
  clusterCenters(): DenseVector[] { return this.centers.map((c) => new DenseVector(c)); }
  get hasSummary(): boolean { return this.summary !== undefined; }
  predict(v: DenseVector | ArrayLike<number>): number { return closest(this.centers, v instanceof DenseVector ? v.values : v)[0]; }
  transformSchema(schema: StructType): StructType {
    requireType(schema, this.getOrDefault<string>("featuresCol"), this.stageName, "vector");
    return appendFields(schema, this.stageName, [{ name: this.getOrDefault<string>("predictionCol"), dataType: IntegerType, nullable: true }]);
  }
  protected transformImpl(df: DataFrame): DataFrame {
    this.transformSchema(df.schema);
    return appendColumns(df, { kind: "kmeans", stage: this.stageName, featuresCol: this.getOrDefault<string>("featuresCol"), centers: this.centers }, [{ name: this.getOrDefault<string>("predictionCol"), dataType: IntegerType, nullable: true }]);
  }
}
installAccessors(KMeansModel, KM_PARAMS);
