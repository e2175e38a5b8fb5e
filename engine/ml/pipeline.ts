// pyspark.ml.Pipeline / PipelineModel: fit runs the stages in order, fitting each estimator on the
// output of the stages before it (each fit is its own jobs on the workers); the fitted model
// chains the transformers.

import { AnalysisError } from "../common/errors";
import type { DataFrame, StructType } from "../sql";
import { Estimator, Model, PipelineStage, Transformer } from "./base";
import { installAccessors, type ParamAccessors, type ParamSpecs } from "./params";

interface PipelineParams { stages?: PipelineStage[] }
export interface Pipeline extends ParamAccessors<PipelineParams, Pipeline> {}
export class Pipeline extends Estimator<PipelineModel> {
  readonly paramSpecs: ParamSpecs = { stages: { doc: "a list of pipeline stages" } };
  constructor(opts: PipelineParams = {}) { super("Pipeline"); this.setParams({ ...opts }); }
  private stageList(): PipelineStage[] {
    const stages = this.getOrDefault<PipelineStage[] | undefined>("stages") ?? [];
    stages.forEach((s, i) => {
      if (!(s instanceof Estimator) && !(s instanceof Transformer)) throw new AnalysisError("INVALID_PARAMETER_VALUE", `Pipeline (${this.uid}): stage ${i} is neither an Estimator nor a Transformer.`);
    });
    return stages;
  }
  transformSchema(schema: StructType): StructType {
    return this.stageList().reduce((s, st) => st.transformSchema(s), schema);
  }
  protected async fitImpl(df: DataFrame): Promise<PipelineModel> {
    const stages = this.stageList();
    let lastEstimator = -1;
    stages.forEach((s, i) => { if (s instanceof Estimator) lastEstimator = i; });
    const fitted: Transformer[] = [];
    let cur = df;
    for (let i = 0; i < stages.length; i++) {
      const s = stages[i]!;
      const t = s instanceof Estimator ? await s.fit(cur) : (s as Transformer);
      fitted.push(t);
      if (i < lastEstimator) cur = t.transform(cur);
    }
    const m = new PipelineModel(fitted);
    m.uid = this.uid;
    return m;
  }
  override copy(extra: Record<string, unknown> = {}): this {
    const c = super.copy({});
    c.set("stages", this.stageList().map((s) => s.copy(extra)));
    return c;
  }
}
installAccessors(Pipeline, ["stages"]);

export class PipelineModel extends Model {
  readonly paramSpecs: ParamSpecs = {};
  constructor(readonly stages: Transformer[]) { super("PipelineModel"); }
  transformSchema(schema: StructType): StructType { return this.stages.reduce((s, st) => st.transformSchema(s), schema); }
  protected transformImpl(df: DataFrame): DataFrame { return this.stages.reduce((d, st) => st.transform(d), df); }
  override copy(extra: Record<string, unknown> = {}): this {
    const c = super.copy({});
    (c as { stages: Transformer[] }).stages = this.stages.map((s) => s.copy(extra));
    return c;
  }
}
