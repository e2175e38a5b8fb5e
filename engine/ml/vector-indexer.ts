// pyspark.ml.feature.VectorIndexer: decides which features of a vector column are categorical
// (at most maxCategories distinct values, found in one pass on the workers) and indexes them:
// category indices follow the sorted values, with 0.0 always mapped to 0 when present (to keep
// sparse vectors sparse), as Spark. handleInvalid: error | skip | keep (unseen values get index
// numCategories).

import { AnalysisError } from "../common/errors";
import { VectorUDT, type DataFrame, type StructType } from "../sql";
import { Estimator, Model, appendColumns, appendFields, outputName, requireType, rowObjects } from "./base";
import { installAccessors, P, type ParamAccessors, type ParamSpecs } from "./params";
import { treeAggregate } from "./tree-aggregate";
import type { FeatureValues } from "./vector-indexer-kernels";
import "./vector-indexer-kernels";

interface VectorIndexerParams { inputCol?: string; outputCol?: string; maxCategories?: number; handleInvalid?: "error" | "skip" | "keep" }

const HANDLE = ["error", "skip", "keep"];

export interface VectorIndexer extends ParamAccessors<VectorIndexerParams, VectorIndexer> {}
export class VectorIndexer extends Estimator<VectorIndexerModel> {
  readonly paramSpecs: ParamSpecs = {
    inputCol: P.inputCol, outputCol: P.outputCol,
    maxCategories: { doc: "Threshold for the number of values a categorical feature can take (>= 2). If a feature is found to have > maxCategories values, then it is declared continuous.", default: 20 },
    handleInvalid: { doc: "How to handle invalid data (unseen labels or NULL values). Options are 'skip' (filter out rows with invalid data), 'error' (throw an error), or 'keep' (put invalid data in a special additional bucket, at index of the number of categories of the feature).", default: "error" },
  };
  constructor(opts: VectorIndexerParams = {}) { super("VectorIndexer"); this.setParams({ ...opts }); }
  transformSchema(schema: StructType): StructType {
    checkParams(this, this.stageName);
    requireType(schema, this.getOrDefault<string>("inputCol"), this.stageName, "vector");
    return appendFields(schema, this.stageName, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
  protected async fitImpl(df: DataFrame): Promise<VectorIndexerModel> {
    this.transformSchema(df.schema);
    const stage = this.stageName, col = this.getOrDefault<string>("inputCol"), max = this.getOrDefault<number>("maxCategories");
    const s = await treeAggregate<FeatureValues | null>(await rowObjects(df, [col]), "featureValues", { col, stage, max });
    if (!s) throw new AnalysisError("ML_EMPTY_INPUT", `${stage}: the training data is empty.`);
    const maps = new Map<number, Map<number, number>>();
    s.values.forEach((set, i) => {
      if (!set) return;
      const sorted = [...set].sort((a, b) => a - b);
      const ordered = set.has(0) ? [0, ...sorted.filter((x) => x !== 0)] : sorted;
      maps.set(i, new Map(ordered.map((x, k) => [x, k])));
    });
    return this.copyValues(new VectorIndexerModel(s.d, maps));
  }
}
installAccessors(VectorIndexer, ["inputCol", "outputCol", "maxCategories", "handleInvalid"]);

function checkParams(st: VectorIndexer | VectorIndexerModel, stage: string): void {
  const max = st.getOrDefault<number>("maxCategories");
  if (!Number.isInteger(max) || max < 2) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${st.uid} parameter maxCategories given invalid value ${String(max)}.`, { parameters: { stage, param: "maxCategories" } });
  const h = st.getOrDefault<string>("handleInvalid");
  if (!HANDLE.includes(h)) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${stage}: param handleInvalid must be one of ${HANDLE.join(", ")}; got ${JSON.stringify(h)}.`);
}

export interface VectorIndexerModel extends ParamAccessors<VectorIndexerParams, VectorIndexerModel> {}
export class VectorIndexerModel extends Model {
  readonly paramSpecs: ParamSpecs = new VectorIndexer().paramSpecs;
  /** `categoryMaps`: feature index -> (feature value -> category index), for the categorical features only. */
  constructor(readonly numFeatures: number, readonly categoryMaps: Map<number, Map<number, number>>) { super("VectorIndexerModel"); }
  transformSchema(schema: StructType): StructType {
    checkParams(this, this.stageName);
    requireType(schema, this.getOrDefault<string>("inputCol"), this.stageName, "vector");
    return appendFields(schema, this.stageName, [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
  protected transformImpl(df: DataFrame): DataFrame {
    this.transformSchema(df.schema);
    const maps = [...this.categoryMaps].map(([i, m]) => [i, [...m]] as [number, Array<[number, number]>]);
    return appendColumns(df, { kind: "vectorIndex", stage: this.stageName, input: this.getOrDefault<string>("inputCol"), numFeatures: this.numFeatures, maps, handleInvalid: this.getOrDefault<string>("handleInvalid") },
      [{ name: outputName(this), dataType: VectorUDT, nullable: true }]);
  }
}
installAccessors(VectorIndexerModel, ["inputCol", "outputCol", "maxCategories", "handleInvalid"]);
