// Pipelines, model selection, params, typed errors for bad input and determinism, on a real
// local[2] cluster.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SparkSession } from "../../engine/session";
import { AnalysisError, WorkbenchError } from "../../engine/common/errors";
import type { DataFrame } from "../../engine/sql";
import {
  Pipeline, PipelineModel, StringIndexer, OneHotEncoder, VectorAssembler, LogisticRegression, LogisticRegressionModel, Imputer,
  BinaryClassificationEvaluator, CrossValidator, CrossValidatorModel, TrainValidationSplit, ParamGridBuilder, LinearRegression,
  MulticlassClassificationEvaluator, Vectors,
} from "../../engine/ml";

let spark: SparkSession;
beforeAll(async () => { spark = await SparkSession.builder().master("local[2]").appName("ml-pipeline").getOrCreate(); }, 120_000);
afterAll(async () => { await spark?.stop(); });

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
function patients(): DataFrame {
  const r = rng(3);
  const rows = Array.from({ length: 240 }, (_, i) => {
    const age = 20 + Math.floor(r() * 60), smoker = ["yes", "no", "former"][i % 3]!, bmi = i % 11 === 0 ? null : 18 + r() * 15;
    const risk = 0.06 * (age - 50) + (smoker === "yes" ? 1.2 : smoker === "former" ? 0.4 : -0.6) + 0.1 * ((bmi ?? 25) - 25) + (r() - 0.5) * 2;
    return { age, smoker, bmi, sick: risk > 0 ? 1 : 0 };
  });
  return spark.createDataFrame(rows, "age int, smoker string, bmi double, sick int").repartition(3);
}
const stages = () => [
  new Imputer({ inputCols: ["bmi"], outputCols: ["bmi_i"], strategy: "median" }),
  new StringIndexer({ inputCol: "smoker", outputCol: "smoker_idx" }),
  new OneHotEncoder({ inputCols: ["smoker_idx"], outputCols: ["smoker_oh"] }),
  new VectorAssembler({ inputCols: ["age", "bmi_i", "smoker_oh"], outputCol: "features" }),
];

describe("pipelines", () => {
  it("fit a pipeline: each estimator sees the output of the stages before it; the model chains the transformers", async () => {
    const lr = new LogisticRegression({ labelCol: "sick", maxIter: 50 });
    const model = await new Pipeline({ stages: [...stages(), lr] }).fit(patients());
    expect(model).toBeInstanceOf(PipelineModel);
    expect(model.stages.map((s) => s.constructor.name)).toEqual(["ImputerModel", "StringIndexerModel", "OneHotEncoderModel", "VectorAssembler", "LogisticRegressionModel"]);
    const out = model.transform(patients());
    expect(out.columns).toEqual(["age", "smoker", "bmi", "sick", "bmi_i", "smoker_idx", "smoker_oh", "features", "rawPrediction", "probability", "prediction"]);
    const auc = await new BinaryClassificationEvaluator({ labelCol: "sick" }).evaluate(out);
    expect(auc).toBeGreaterThan(0.8);
    const acc = await new MulticlassClassificationEvaluator({ labelCol: "sick", metricName: "accuracy" }).evaluate(out);
    expect(acc).toBeGreaterThan(0.7);
    expect(out.explainString()).toContain("udf");
  }, 120_000);

  it("CrossValidator: avgMetrics are the means over the seeded folds; bestModel is refitted with the best params", async () => {
    const df = patients();
    const lr = new LogisticRegression({ labelCol: "sick", maxIter: 30 });
    const pipeline = new Pipeline({ stages: [...stages(), lr] });
    const grid = new ParamGridBuilder().addGrid(lr.regParam, [0.3, 0.001]).addGrid(lr, "fitIntercept", [true]).build();
    expect(grid.length).toBe(2);
    const ev = new BinaryClassificationEvaluator({ labelCol: "sick" });
    const cvm = await new CrossValidator({ estimator: pipeline, estimatorParamMaps: grid, evaluator: ev, numFolds: 3, seed: 7, parallelism: 2 }).fit(df);
    expect(cvm).toBeInstanceOf(CrossValidatorModel);
    // the same folds by hand
    const folds = df.randomSplit([1, 1, 1], 7);
    for (let j = 0; j < grid.length; j++) {
      let sum = 0;
      for (let i = 0; i < 3; i++) {
        const train = folds.filter((_, k) => k !== i).reduce((a, b) => a.union(b));
        const lrj = new LogisticRegression({ labelCol: "sick", maxIter: 30, regParam: grid[j]![0]![1] as number });
        const mj = await new Pipeline({ stages: [...stages(), lrj] }).fit(train);
        sum += await ev.evaluate(mj.transform(folds[i]!));
      }
      expect(cvm.avgMetrics[j]).toBeCloseTo(sum / 3, 10);
    }
    const best = cvm.avgMetrics[0]! >= cvm.avgMetrics[1]! ? 0.3 : 0.001;
    const bestLr = (cvm.bestModel as PipelineModel).stages[4] as LogisticRegressionModel;
    expect(bestLr.getRegParam()).toBe(best);
    const tvs = await new TrainValidationSplit({ estimator: pipeline, estimatorParamMaps: grid, evaluator: ev, trainRatio: 0.7, seed: 1 }).fit(df);
    expect(tvs.validationMetrics.length).toBe(2);
  }, 300_000);
});

describe("params", () => {
  it("options object, setters, getters, defaults, Param objects and explainParams, with PySpark names", () => {
    const lr = new LogisticRegression({ maxIter: 10 }).setRegParam(0.1).setElasticNetParam(0);
    expect(lr.getMaxIter()).toBe(10);
    expect(lr.getRegParam()).toBe(0.1);
    expect(lr.getThreshold()).toBe(0.5);
    expect(lr.getFeaturesCol()).toBe("features");
    expect(lr.regParam).toMatchObject({ parent: lr.uid, name: "regParam" });
    expect(lr.explainParams()).toContain("regParam: regularization parameter (>= 0). (default: 0, current: 0.1)");
    expect(() => new LinearRegression({ nope: 1 } as never)).toThrow(/has no param 'nope'/);
    const c = lr.copy({ maxIter: 5 });
    expect([c.getMaxIter(), lr.getMaxIter(), c.uid]).toEqual([5, 10, lr.uid]);
  });
});

describe("bad input gets typed errors naming the column and the stage", () => {
  const df = () => spark.createDataFrame([{ a: 1, s: "x", v: null as number | null, label: 1 }, { a: 2, s: "y", v: 2, label: 0 }], "a int, s string, v double, label int");

  it("a string column where a number is expected, a missing column", () => {
    const va = new VectorAssembler({ inputCols: ["a", "s"], outputCol: "f" });
    expect(() => va.transform(df())).toThrow(AnalysisError);
    expect(() => va.transform(df())).toThrow(/VectorAssembler \(VectorAssembler_\w+\): column 's' must be of type numeric but was actually of type string/);
    expect(() => new VectorAssembler({ inputCols: ["a", "zz"], outputCol: "f" }).transform(df())).toThrow(/UNRESOLVED_COLUMN.*VectorAssembler.*'zz' does not exist/);
    expect(() => new VectorAssembler({ inputCols: ["a"], outputCol: "a" }).transform(df())).toThrow(/output column 'a' already exists/);
  });

  it("a null feature without an Imputer; keep and skip", async () => {
    const va = new VectorAssembler({ inputCols: ["a", "v"], outputCol: "f" });
    await expect(va.transform(df()).collect()).rejects.toThrow(/Encountered null while assembling a row with handleInvalid = "error" \(column 'v'\)/);
    expect(await va.setHandleInvalid("skip").transform(df()).count()).toBe(1);
    const kept = await va.setHandleInvalid("keep").transform(df()).collect();
    expect(Number.isNaN((kept[0]!.f as { toArray(): Float64Array }).toArray()[1])).toBe(true);
  }, 60_000);

  it("an unseen label with handleInvalid = error; keep gives index numLabels; skip drops the row", async () => {
    const si = await new StringIndexer({ inputCol: "s", outputCol: "i" }).fit(df());
    const other = spark.createDataFrame([{ s: "x" }, { s: "new" }], "s string");
    await expect(si.transform(other).collect()).rejects.toThrow(/StringIndexerModel.*Unseen label: new in column 's'/);
    const kept = await si.setHandleInvalid("keep").transform(other).collect();
    expect(kept.map((r) => r.i)).toEqual([si.labels.indexOf("x"), 2]);
    expect(await si.setHandleInvalid("skip").transform(other).count()).toBe(1);
  }, 60_000);

  it("a vector size mismatch, and a label that is not an index", async () => {
    const train = spark.createDataFrame([{ features: Vectors.dense(1, 2), label: 0 }, { features: Vectors.dense(2, 1), label: 1 }], new (await import("../../engine/sql")).StructType([
      { name: "features", dataType: { type: "vector" }, nullable: true }, { name: "label", dataType: { type: "double" }, nullable: true }]));
    const m = await new LinearRegression().fit(train);
    const wrong = spark.createDataFrame([{ features: Vectors.dense(1, 2, 3) }], new (await import("../../engine/sql")).StructType([{ name: "features", dataType: { type: "vector" }, nullable: true }]));
    await expect(m.transform(wrong).collect()).rejects.toThrow(/LinearRegressionModel.*features vector of size 3 in column 'features', the model expects 2/);
    const bad = spark.createDataFrame([{ features: Vectors.dense(1), label: 0.5 }], new (await import("../../engine/sql")).StructType([
      { name: "features", dataType: { type: "vector" }, nullable: true }, { name: "label", dataType: { type: "double" }, nullable: true }]));
    await expect(new LogisticRegression().fit(bad)).rejects.toThrow(WorkbenchError);
    await expect(new LogisticRegression().fit(bad)).rejects.toThrow(/labels in column 'label' must be integers/);
  }, 60_000);
});

describe("determinism", () => {
  it("the same seed gives the same split and the same model", async () => {
    const df = patients();
    const [a1, b1] = df.randomSplit([0.7, 0.3], 5), [a2] = df.randomSplit([0.7, 0.3], 5);
    const key = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();
    expect(key(await a1!.collect())).toEqual(key(await a2!.collect()));
    expect((await a1!.count()) + (await b1!.count())).toBe(240);
    const fit = async () => ((await new Pipeline({ stages: [...stages(), new LogisticRegression({ labelCol: "sick", maxIter: 20 })] }).fit(a1!)).stages[4] as LogisticRegressionModel).coefficientMatrix;
    expect(await fit()).toEqual(await fit());
  }, 120_000);
});

describe("save and load", () => {
  it("a fitted pipeline model and every model kind round-trip in Spark's layout and predict the same", async () => {
    const { mkdtempSync, readFileSync, existsSync, readdirSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { StandardScaler, KMeans, NaiveBayes, DecisionTreeClassifier, loadStage } = await import("../../engine/ml");
    const dir = mkdtempSync(join(tmpdir(), "ml-save-"));
    const df = patients();
    const model = await new Pipeline({ stages: [...stages(), new StandardScaler({ inputCol: "features", outputCol: "scaled" }), new LogisticRegression({ labelCol: "sick", featuresCol: "scaled", maxIter: 20 })] }).fit(df);
    await model.save(join(dir, "pm"));
    const meta = JSON.parse(readFileSync(join(dir, "pm", "metadata", "part-00000"), "utf8"));
    expect(meta).toMatchObject({ class: "org.apache.spark.ml.PipelineModel", uid: model.uid });
    expect(readdirSync(join(dir, "pm", "stages"))).toHaveLength(6);
    const lrDir = readdirSync(join(dir, "pm", "stages")).find((d) => d.startsWith("5_"))!;
    expect(existsSync(join(dir, "pm", "stages", lrDir, "data"))).toBe(true);
    await expect(model.save(join(dir, "pm"))).rejects.toThrow(/already exists/);
    await model.write().overwrite().save(join(dir, "pm"));
    const back = await PipelineModel.load(join(dir, "pm"), spark);
    const key = async (m: PipelineModel) => (await m.transform(df).select("age", "bmi", "prediction", "probability").collect()).map((r) => `${r.age}|${r.bmi}|${r.prediction}|${String(r.probability)}`).sort();
    expect(await key(back)).toEqual(await key(model));
    expect((back.stages[5] as LogisticRegressionModel).getMaxIter()).toBe(20);

    const feats = model.stages.slice(0, 4).reduce((d, s) => s.transform(d), df);
    for (const est of [new KMeans({ k: 3, seed: 2 }), new NaiveBayes({ labelCol: "sick" }), new DecisionTreeClassifier({ labelCol: "sick", maxDepth: 3 }), new LinearRegression({ labelCol: "age" })]) {
      const m = await est.fit(feats);
      const path = join(dir, est.uid);
      await m.save(path);
      const loaded = await loadStage(path, spark);
      expect(loaded.constructor).toBe(m.constructor);
      const rows = async (x: { transform(d: DataFrame): DataFrame }) => (await x.transform(feats).select("prediction").collect()).map((r) => r.prediction);
      expect(await rows(loaded as unknown as typeof m)).toEqual(await rows(m));
    }
    const p2 = await Pipeline.load(join(dir, "p"), spark).catch((e: Error) => e);
    expect(p2).toBeInstanceOf(Error);
    const unfitted = new Pipeline({ stages: stages() });
    await unfitted.save(join(dir, "p"), spark);
    const p3 = await Pipeline.load(join(dir, "p"), spark);
    expect(p3.getStages().map((s) => s.uid)).toEqual(unfitted.getStages().map((s) => s.uid));
  }, 180_000);
});
