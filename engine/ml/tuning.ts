// pyspark.ml.tuning: ParamGridBuilder, CrossValidator and TrainValidationSplit. Each candidate
// param map is fitted and evaluated (all distributed jobs); `parallelism` candidates run at
// once (their jobs interleave on the cluster, as Spark's thread pool does).

import { AnalysisError } from "../common/errors";
import type { DataFrame, StructType } from "../sql";
import { Estimator, Model, type PipelineStage } from "./base";
import { Pipeline } from "./pipeline";
import { installAccessors, type Param, type ParamAccessors, type ParamMap, type ParamSpecs, Params } from "./params";
import type { Evaluator } from "./evaluation";


export function param(stage: Params, name: string): Param {
  if (!stage.hasParam(name)) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage.constructor.name} (${stage.uid}) has no param '${name}'.`);
  return { parent: stage.uid, name };
}

/** Builds the cartesian product of param values: `new ParamGridBuilder().addGrid(lr, "regParam", [0.1, 0.01]).build()`. */
export class ParamGridBuilder {
  private grid: Array<[Param, unknown[]]> = [];
  /** addGrid(param, values) or addGrid(stage, name, values). */
  addGrid(p: Param | Params, nameOrValues: string | unknown[], values?: unknown[]): this {
    if (!(p instanceof Params) && !Array.isArray(nameOrValues)) throw new AnalysisError("INVALID_PARAMETER_VALUE", "ParamGridBuilder.addGrid(param, values): values must be an array.");
    const prm = p instanceof Params ? param(p, nameOrValues as string) : p;
    this.grid.push([prm, p instanceof Params ? values! : (nameOrValues as unknown[])]);
    return this;
  }
  baseOn(...pairs: Array<[Param, unknown]>): this { for (const [p, v] of pairs) this.grid.push([p, [v]]); return this; }
  build(): ParamMap[] {
    let maps: ParamMap[] = [[]];
    for (const [p, values] of this.grid) maps = maps.flatMap((m) => values.map((v) => [...m, [p, v]] as ParamMap));
    return maps;
  }
}

/** A copy of `stage` with the map's values set on it and on nested pipeline stages (matched by uid). */
export function withParams<T extends PipelineStage>(stage: T, map: ParamMap): T {
  const own = Object.fromEntries(map.filter(([p]) => p.parent === stage.uid).map(([p, v]) => [p.name, v]));
  const c = stage.copy(own);
  if (c instanceof Pipeline) c.set("stages", (c.getOrDefault<PipelineStage[]>("stages") ?? []).map((s) => withParams(s, map)));
  return c;
}

export function describeParamMap(map: ParamMap): string {
  return map.map(([p, v]) => `${p.name}=${JSON.stringify(v)}`).join(", ");
}

interface TuningParams { estimator?: Estimator; estimatorParamMaps?: ParamMap[]; evaluator?: Evaluator; seed?: number; parallelism?: number; collectSubModels?: boolean }

abstract class Tuner<M extends Model> extends Estimator<M> {
  protected spec(): { est: Estimator; maps: ParamMap[]; ev: Evaluator } {
    const est = this.getOrDefault<Estimator | undefined>("estimator"), ev = this.getOrDefault<Evaluator | undefined>("evaluator");
    if (!est || !ev) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${this.stageName}: set estimator and evaluator.`);
    const maps = this.getOrDefault<ParamMap[] | undefined>("estimatorParamMaps") ?? [[]];
    return { est, maps, ev };
  }
  transformSchema(schema: StructType): StructType { return this.spec().est.transformSchema(schema); }
  /** Metric per param map for one train/validation split. */
  protected async evaluateSplit(train: DataFrame, validation: DataFrame): Promise<number[]> {
    const { est, maps, ev } = this.spec();
    const out = new Array<number>(maps.length);
    const par = Math.max(1, this.getOrDefault<number>("parallelism"));
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(par, maps.length) }, async () => {
      while (next < maps.length) {
        const i = next++;
        const model = await withParams(est, maps[i]!).fit(train);
        out[i] = await ev.evaluate(model.transform(validation));
      }
    }));
    return out;
  }
  protected best(metrics: number[]): number {
    const larger = this.spec().ev.isLargerBetter();
    let b = 0;
    metrics.forEach((m, i) => { if (larger ? m > metrics[b]! : m < metrics[b]!) b = i; });
    return b;
  }
}

export interface CrossValidator extends ParamAccessors<TuningParams & { numFolds?: number }, CrossValidator> {}
/** k-fold cross-validation: folds from a seeded random split; the best param map is refitted on all the data. */
export class CrossValidator extends Tuner<CrossValidatorModel> {
  readonly paramSpecs: ParamSpecs = {
    estimator: { doc: "estimator to be cross-validated" }, estimatorParamMaps: { doc: "estimator param maps" }, evaluator: { doc: "evaluator used to select hyper-parameters that maximize the validator metric" },
    numFolds: { doc: "number of folds for cross validation", default: 3 }, seed: { doc: "random seed.", default: 42 },
    parallelism: { doc: "the number of threads to use when running parallel algorithms (>= 1).", default: 1 },
    collectSubModels: { doc: "whether to collect a list of sub-models trained during tuning.", default: false },
  };
  constructor(opts: TuningParams & { numFolds?: number } = {}) { super("CrossValidator"); this.setParams({ ...opts }); }
  protected async fitImpl(df: DataFrame): Promise<CrossValidatorModel> {
    const { est, maps } = this.spec();
    const k = this.getOrDefault<number>("numFolds");
    if (k < 2) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${this.stageName}: numFolds must be >= 2.`);
    const folds = df.randomSplit(Array.from({ length: k }, () => 1), this.getOrDefault<number>("seed"));
    const sums = new Array<number>(maps.length).fill(0);
    const foldMetrics: number[][] = [];
    for (let i = 0; i < k; i++) {
      const train = folds.filter((_, j) => j !== i).reduce((a, b) => a.union(b));
      const m = await this.evaluateSplit(train, folds[i]!);
      foldMetrics.push(m);
      m.forEach((v, j) => { sums[j]! += v; });
    }
    const avg = sums.map((s) => s / k);
    const b = this.best(avg);
    const bestModel = await withParams(est, maps[b]!).fit(df);
    const cvm = new CrossValidatorModel(bestModel, avg, foldMetrics, maps);
    cvm.uid = this.uid;
    return cvm;
  }
}
installAccessors(CrossValidator, ["estimator", "estimatorParamMaps", "evaluator", "numFolds", "seed", "parallelism", "collectSubModels"]);

export class CrossValidatorModel extends Model {
  readonly paramSpecs: ParamSpecs = {};
  constructor(readonly bestModel: Model, readonly avgMetrics: number[], readonly foldMetrics: number[][], readonly estimatorParamMaps: ParamMap[]) { super("CrossValidatorModel"); }
  /** Standard deviation of each param map's metric over the folds (pyspark's stdMetrics). */
  get stdMetrics(): number[] {
    return this.avgMetrics.map((a, j) => Math.sqrt(this.foldMetrics.reduce((s, f) => s + (f[j]! - a) ** 2, 0) / Math.max(this.foldMetrics.length - 1, 1)));
  }
  /** The param maps with their average metric, best first is not implied: same order as estimatorParamMaps. */
  table(): { params: string; avgMetric: number }[] { return this.estimatorParamMaps.map((m, i) => ({ params: describeParamMap(m), avgMetric: this.avgMetrics[i]! })); }
  transformSchema(schema: StructType): StructType { return this.bestModel.transformSchema(schema); }
  protected transformImpl(df: DataFrame): DataFrame { return this.bestModel.transform(df); }
}

export interface TrainValidationSplit extends ParamAccessors<TuningParams & { trainRatio?: number }, TrainValidationSplit> {}
/** One seeded train/validation split (trainRatio); the best param map is refitted on all the data. */
export class TrainValidationSplit extends Tuner<TrainValidationSplitModel> {
  readonly paramSpecs: ParamSpecs = {
    estimator: { doc: "estimator to be tuned" }, estimatorParamMaps: { doc: "estimator param maps" }, evaluator: { doc: "evaluator used to select hyper-parameters" },
    trainRatio: { doc: "Param for ratio between train and validation data. Must be between 0 and 1.", default: 0.75 }, seed: { doc: "random seed.", default: 42 },
    parallelism: { doc: "the number of threads to use when running parallel algorithms (>= 1).", default: 1 },
    collectSubModels: { doc: "whether to collect a list of sub-models trained during tuning.", default: false },
  };
  constructor(opts: TuningParams & { trainRatio?: number } = {}) { super("TrainValidationSplit"); this.setParams({ ...opts }); }
  protected async fitImpl(df: DataFrame): Promise<TrainValidationSplitModel> {
    const { est, maps } = this.spec();
    const ratio = this.getOrDefault<number>("trainRatio");
    const [train, validation] = df.randomSplit([ratio, 1 - ratio], this.getOrDefault<number>("seed"));
    const metrics = await this.evaluateSplit(train!, validation!);
    const bestModel = await withParams(est, maps[this.best(metrics)]!).fit(df);
    const m = new TrainValidationSplitModel(bestModel, metrics, maps);
    m.uid = this.uid;
    return m;
  }
}
installAccessors(TrainValidationSplit, ["estimator", "estimatorParamMaps", "evaluator", "trainRatio", "seed", "parallelism", "collectSubModels"]);

export class TrainValidationSplitModel extends Model {
  readonly paramSpecs: ParamSpecs = {};
  constructor(readonly bestModel: Model, readonly validationMetrics: number[], readonly estimatorParamMaps: ParamMap[]) { super("TrainValidationSplitModel"); }
  transformSchema(schema: StructType): StructType { return this.bestModel.transformSchema(schema); }
  protected transformImpl(df: DataFrame): DataFrame { return this.bestModel.transform(df); }
}
