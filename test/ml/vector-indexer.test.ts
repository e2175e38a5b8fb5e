// VectorIndexer against real PySpark 4.0.1 (.venv, Java 17): the same category maps (sorted
// values, 0.0 first when present), the same indexed dense and sparse vectors, the same answers
// for unseen values under keep / skip / error; save/load both ways in Spark's layout
// (categoryMaps map<int, map<double, int>>).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Vectors, VectorIndexer, VectorIndexerModel, Pipeline, PipelineModel, type DataFrame, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";
import { javaAvailable, runPySpark } from "../python/venv";

type V = { dense: number[] } | { size: number; indices: number[]; values: number[] };
const TRAIN: V[] = [
  { dense: [1, 5, 0.3, -1, 7] }, { dense: [0, 7, 0.7, 2, 7] }, { dense: [3, 5, 0.9, -1, 7] }, { dense: [1, 9, 1.1, 0, 7] },
  { size: 5, indices: [1, 4], values: [5, 7] }, { dense: [3, 9, 1.3, 2, 7] },
];
const UNSEEN: V[] = [{ dense: [4, 5, 0.3, -1, 7] }, { dense: [1, 5, 2.5, 2, 7] }, { size: 5, indices: [3], values: [8] }];
const MAX = 3;

const toVec = (v: V) => ("dense" in v ? Vectors.dense(...v.dense) : Vectors.sparse(v.size, v.indices, v.values));
const fromVec = (v: unknown): V => {
  const x = v as { size: number; indices?: Int32Array; values: Float64Array };
  return x.indices ? { size: x.size, indices: [...x.indices], values: [...x.values] } : { dense: [...x.values] };
};
const mapsOf = (m: VectorIndexerModel) => Object.fromEntries([...m.categoryMaps].map(([k, c]) => [String(k), [...c].sort((a, b) => a[0] - b[0])]));

let spark: SparkSession;
let train: DataFrame, unseen: DataFrame;
beforeAll(async () => {
  ({ spark } = await startSession("local[2]"));
  train = spark.createDataFrame(TRAIN.map((v) => ({ f: toVec(v) })), "f vector");
  unseen = spark.createDataFrame(UNSEEN.map((v) => ({ f: toVec(v) })), "f vector");
}, 60_000);
afterAll(async () => spark?.stop());

describe("VectorIndexer", () => {
  it.skipIf(!javaAvailable())("agrees with PySpark: maps, indexed vectors, keep/skip/error, save/load both ways", async () => {
    const model = await new VectorIndexer({ inputCol: "f", outputCol: "i", maxCategories: MAX }).fit(train);
    const oursDir = join(mkdtempSync(join(tmpdir(), "vi-ours-")), "model");
    await model.save(oursDir);
    const theirsDir = join(mkdtempSync(join(tmpdir(), "vi-theirs-")), "model");
    const theirs = runPySpark("test/ml/python/vector_indexer.py", [JSON.stringify({ train: TRAIN, unseen: UNSEEN, maxCategories: MAX }), theirsDir, oursDir]);

    expect(model.numFeatures).toBe(theirs.numFeatures);
    expect(mapsOf(model)).toEqual(theirs.maps);
    expect(mapsOf(model)["3"]).toEqual([[-1, 1], [0, 0], [2, 2]]); // 0.0 takes index 0
    expect([...model.categoryMaps.keys()].sort()).toEqual([0, 1, 3, 4]); // feature 2 has > 3 values: continuous
    expect((await model.transform(train).collect()).map((r) => fromVec(r.i))).toEqual(theirs.train);
    for (const how of ["keep", "skip"] as const) {
      const m = await new VectorIndexer({ inputCol: "f", outputCol: "i", maxCategories: MAX, handleInvalid: how }).fit(train);
      expect((await m.transform(unseen).collect()).map((r) => fromVec(r.i))).toEqual(theirs[how]);
    }
    // Spark's message, naming the first unseen value a task meets (which one depends on the partition order).
    const invalid = /VectorIndexer encountered invalid value (4\.0 on feature index 0|8\.0 on feature index 3)\. To handle or skip invalid value, try setting VectorIndexer\.handleInvalid\./;
    expect(theirs.error).toMatch(invalid);
    await expect(model.transform(unseen).collect()).rejects.toThrow(invalid);
    // Spark's saved model loads here, and ours loads in Spark.
    const loaded = await VectorIndexerModel.load(theirsDir, spark);
    expect(mapsOf(loaded)).toEqual(theirs.maps);
    expect((await loaded.transform(train).collect()).map((r) => fromVec(r.i))).toEqual(theirs.train);
    expect(theirs.oursLoaded).toEqual({ maps: theirs.maps, train: theirs.train });
  }, 300_000);

  it("bad parameters and input: typed errors naming the stage and column", async () => {
    await expect(new VectorIndexer({ inputCol: "f", outputCol: "i", maxCategories: 1 }).fit(train)).rejects.toThrow(/parameter maxCategories given invalid value 1/);
    await expect(new VectorIndexer({ inputCol: "nope", outputCol: "i" }).fit(train)).rejects.toThrow(/nope/);
    const m = await new VectorIndexer({ inputCol: "f", outputCol: "i", maxCategories: MAX }).fit(train);
    const wrong = spark.createDataFrame([{ f: Vectors.dense(1, 2) }], "f vector");
    await expect(m.transform(wrong).collect()).rejects.toThrow(/VectorIndexer.*size 2; the model was fitted on size 5/);
  }, 120_000);

  it("works inside a saved and reloaded pipeline", async () => {
    const pm = await new Pipeline({ stages: [new VectorIndexer({ inputCol: "f", outputCol: "i", maxCategories: MAX })] }).fit(train);
    const dir = join(mkdtempSync(join(tmpdir(), "vi-pipe-")), "p");
    await pm.save(dir);
    const back = await PipelineModel.load(dir, spark);
    expect((await back.transform(train).collect()).map((r) => fromVec(r.i))).toEqual((await pm.transform(train).collect()).map((r) => fromVec(r.i)));
  }, 120_000);
});
