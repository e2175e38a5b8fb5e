// The ML layer against scikit-learn (pinned in test/python/requirements.txt) on the same data and
// settings, trained on a real local[2] cluster. test/ml/sklearn_reference.py computes the
// reference values and says how each Spark setting maps to scikit-learn's.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession } from "../../engine/session";
import { StructType, StructField, VectorUDT, DoubleType, type DataFrame } from "../../engine/sql";
import {
  Vectors, VectorAssembler, StringIndexer, OneHotEncoder, StandardScaler, MinMaxScaler, Imputer, HashingTF,
  LinearRegression, LogisticRegression, KMeans, RegressionEvaluator, BinaryClassificationEvaluator,
  MulticlassClassificationEvaluator, ClusteringEvaluator, ConfusionMatrix, DecisionTreeClassifier, NaiveBayes, type Vector,
  RandomForestClassifier, RandomForestClassificationModel, CountVectorizer, CountVectorizerModel, StopWordsRemover, PCA, PCAModel, QuantileDiscretizer, Bucketizer,
} from "../../engine/ml";
import { venvPython } from "../python/venv";

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
const r = rng(7);
const gauss = (): number => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
const n = 200;
const X = Array.from({ length: n }, () => [gauss() * 2 + 1, gauss() * 0.5 - 2, gauss() * 5]);
const y = X.map(([a, b, c]) => 2 * a! - 3 * b! + 0.5 * c! + 1 + gauss() * 0.7);
const yb = X.map(([a, b, c]) => (0.8 * a! + 1.5 * b! - 0.2 * c! + 1.5 + gauss() > 0 ? 1 : 0));
const ym = X.map(([a, b, c]) => { const s = [a! + gauss(), 2 * b! + 4 + gauss(), 0.3 * c! + gauss()]; return s.indexOf(Math.max(...s)); });
const missing: (number | null)[] = Array.from({ length: 101 }, (_, i) => (i % 4 === 0 ? null : i % 7 === 0 ? 5 : Math.round(r() * 1000) / 10));
const cats = Array.from({ length: n }, (_, i) => ["red", "green", "blue", "violet"][i % 10 < 4 ? 0 : i % 10 < 7 ? 1 : i % 10 < 9 ? 2 : 3]!);
const terms = ["spark", "big", "data", "hello", "ünïcode", "a", "ab", "abc", "abcd", "abcde"];
// Tokenized documents for CountVectorizer (scikit-learn's CountVectorizer over the same tokens is the reference).
const docs = [["spark", "big", "data", "spark"], ["big", "data", "is", "big"], ["hello", "spark"], ["data", "data", "data", "x"], ["y", "spark", "big"]];
const init = [X[0]!, X[1]!, X[2]!];
const pred = y.map((v) => v + gauss() * 0.5);
const score = yb.map((v) => Math.round((v + gauss() * 0.8) * 4) / 4); // ties on purpose
const predLabel = ym.map((v, i) => (i % 5 === 0 ? (v + 1) % 3 : v));
const clusters = X.map(([a, b]) => (a! > 1 ? (b! > -2 ? 0 : 1) : 2));
const lam = 0.05;
const treeTrain = Array.from({ length: n }, (_, i) => i).filter((i) => i % 4 !== 0);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let ref: any;
let spark: SparkSession;

beforeAll(async () => {
  const script = fileURLToPath(new URL("./sklearn_reference.py", import.meta.url));
  const input = JSON.stringify({ X, y, yb, ym, missing, cats, terms, docs, init, pred, score, predLabel, clusters, lam, treeTrain });
  ref = JSON.parse(execFileSync(venvPython(), [script], { input, encoding: "utf8", maxBuffer: 1 << 26 }));
  spark = await SparkSession.builder().master("local[2]").appName("ml-sklearn").getOrCreate();
}, 600_000);
afterAll(async () => { await spark?.stop(); });

const close = (a: number, b: number, tol: number): void => { expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b))); };
const closeAll = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) close(a[i]!, b[i]!, tol);
};
const vec = (v: unknown): number[] => Array.from((v as Vector).toArray());

function frame(): DataFrame {
  const rows = X.map((x, i) => ({ x0: x[0]!, x1: x[1]!, x2: x[2]!, y: y[i]!, yb: yb[i]!, ym: ym[i]!, cat: cats[i]!, pred: pred[i]!, score: score[i]!, predLabel: predLabel[i]!, cluster: clusters[i]!, id: i }));
  const df = spark.createDataFrame(rows, "x0 double, x1 double, x2 double, y double, yb double, ym double, cat string, pred double, score double, predLabel double, cluster int, id int").repartition(3);
  return new VectorAssembler({ inputCols: ["x0", "x1", "x2"], outputCol: "features" }).transform(df);
}
const byId = async (df: DataFrame): Promise<Record<string, unknown>[]> => (await df.collect()).sort((a, b) => (a.id as number) - (b.id as number));

describe("features agree with scikit-learn", () => {
  it("Imputer: mean, median, mode", async () => {
    const df = spark.createDataFrame(missing.map((v) => ({ v })), "v double").repartition(2);
    for (const [strategy, key] of [["mean", "impute_mean"], ["median", "impute_median"], ["mode", "impute_most_frequent"]] as const) {
      const m = await new Imputer({ inputCols: ["v"], outputCols: ["v_out"], strategy }).fit(df);
      close(m.surrogates[0]!, ref[key], 1e-12);
      const out = await m.transform(df).collect();
      expect(out.every((row) => typeof row.v_out === "number")).toBe(true);
      for (const row of out.filter((x) => x.v === null)) close(row.v_out as number, ref[key], 1e-12);
    }
  });

  it("StringIndexer (alphabetAsc = OrdinalEncoder; frequencyDesc by counts) and OneHotEncoder", async () => {
    const df = spark.createDataFrame(cats.map((c, id) => ({ id, cat: c })), "id int, cat string").repartition(3);
    const alpha = await new StringIndexer({ inputCol: "cat", outputCol: "idx", stringOrderType: "alphabetAsc" }).fit(df);
    const rows = await byId(alpha.transform(df));
    expect(rows.map((x) => x.idx)).toEqual(ref.ordinal);
    const freq = await new StringIndexer({ inputCol: "cat", outputCol: "idx" }).fit(df);
    expect(freq.labels).toEqual(["red", "green", "blue", "violet"]); // 80, 60, 40, 20 rows
    const ohe = await new OneHotEncoder({ inputCol: "idx", outputCol: "oh", dropLast: false }).fit(alpha.transform(df));
    const oh = await byId(ohe.transform(alpha.transform(df)));
    expect(oh.map((x) => vec(x.oh))).toEqual(ref.onehot);
    const dropped = await byId((await new OneHotEncoder({ inputCol: "idx", outputCol: "oh" }).fit(alpha.transform(df))).transform(alpha.transform(df)));
    expect(dropped.map((x) => vec(x.oh))).toEqual(ref.onehot.map((v: number[]) => v.slice(0, -1)));
  });

  it("StandardScaler (withMean, sample std) and MinMaxScaler", async () => {
    const df = frame();
    const ss = await new StandardScaler({ inputCol: "features", outputCol: "s", withMean: true }).fit(df);
    const mm = await new MinMaxScaler({ inputCol: "features", outputCol: "m" }).fit(df);
    const rows = await byId(mm.transform(ss.transform(df)));
    rows.forEach((row, i) => { closeAll(vec(row.s), ref.scaled[i], 1e-9); closeAll(vec(row.m), ref.minmax[i], 1e-12); });
  });

  it("HashingTF indices are murmur3_32(term, seed 42) mod numFeatures", async () => {
    const tf = new HashingTF({ inputCol: "w", outputCol: "tf", numFeatures: 1000 });
    terms.forEach((t, i) => expect(tf.indexOf(t)).toBe(((ref.hash[i] % 1000) + 1000) % 1000));
    const df = spark.createDataFrame([{ w: terms }, { w: ["spark", "spark"] }], "w array<string>");
    const rows = await tf.transform(df).collect();
    expect((rows[1]!.tf as Vector).toArray()[tf.indexOf("spark")]).toBe(2);
    expect((rows[0]!.tf as Vector).numNonzeros()).toBeGreaterThan(8);
  });
});

describe("text features", () => {
  it("CountVectorizer: vocabulary by corpus frequency over terms in >= minDF documents; counts equal scikit-learn's document-term matrix", async () => {
    const df = spark.createDataFrame(docs.map((w, id) => ({ id, w })), "id int, w array<string>").repartition(2);
    const m = await new CountVectorizer({ inputCol: "w", outputCol: "v", minDF: 2 }).fit(df);
    // big 4, spark 4, data 5 occurrences; terms in one document only are out.
    expect(m.vocabulary).toEqual(["data", "big", "spark"]);
    expect(new Set(m.vocabulary)).toEqual(new Set(Object.keys(ref.cvVocabulary)));
    const rows = (await m.transform(df).collect()).sort((a, b) => Number(a.id) - Number(b.id));
    rows.forEach((r, i) => {
      const got = (r.v as Vector).toArray();
      for (const [term, j] of Object.entries(ref.cvVocabulary as Record<string, number>)) expect(got[m.vocabulary.indexOf(term)]).toBe(ref.cvCounts[i][j]);
    });
    const top = await new CountVectorizer({ inputCol: "w", outputCol: "v", vocabSize: 2, binary: true }).fit(df);
    expect(top.vocabulary).toEqual(["data", "big"]);
    expect([...((await top.transform(df).collect()).find((r) => r.id === 3)!.v as Vector).toArray()]).toEqual([1, 0]);
    const tf = CountVectorizerModel.fromVocabulary(["spark", "data"], { inputCol: "w", outputCol: "v", minTF: 2 });
    expect([...((await tf.transform(df).collect()).find((r) => r.id === 0)!.v as Vector).toArray()]).toEqual([2, 0]);
    await expect(new CountVectorizer({ inputCol: "w", outputCol: "v", minDF: 10 }).fit(df)).rejects.toThrow(/vocabulary is empty/);
  });

  it("StopWordsRemover: Spark's English list (as shipped in Spark's own jar), case-insensitive by default", async () => {
    const jar = join(fileURLToPath(new URL("../..", import.meta.url)), ".venv/lib/python3.11/site-packages/pyspark/jars/spark-mllib_2.13-4.0.1.jar");
    const sparkList = execFileSync("unzip", ["-p", jar, "org/apache/spark/ml/feature/stopwords/english.txt"], { encoding: "utf8" }).split("\n").filter(Boolean);
    expect(StopWordsRemover.loadDefaultStopWords("english")).toEqual(sparkList);
    const df = spark.createDataFrame([{ w: ["The", "quick", "fox", "is", "NOT", "here"] }, { w: null }], "w array<string>");
    const rows = await new StopWordsRemover({ inputCol: "w", outputCol: "kept" }).transform(df).collect();
    expect(rows.map((r) => r.kept)).toEqual([["quick", "fox"], null]);
    const cs = await new StopWordsRemover({ inputCol: "w", outputCol: "kept", caseSensitive: true, stopWords: ["The", "fox"] }).transform(df).collect();
    expect(cs[0]!.kept).toEqual(["quick", "is", "NOT", "here"]);
  });
});

describe("QuantileDiscretizer", () => {
  it("fits a Bucketizer whose splits are the quartiles (numpy's inverted_cdf), with -Infinity/Infinity ends", async () => {
    const df = spark.createDataFrame(X.map((x, id) => ({ id, x0: x[0]! })), "id int, x0 double").repartition(3);
    const b = await new QuantileDiscretizer({ inputCol: "x0", outputCol: "bucket", numBuckets: 4 }).fit(df);
    expect(b).toBeInstanceOf(Bucketizer);
    expect(b.getSplits()).toEqual([-Infinity, ...ref.quantileSplits, Infinity]);
    const rows = await b.transform(df).collect();
    const sizes = [0, 0, 0, 0];
    for (const r of rows) sizes[Number(r.bucket)]!++;
    for (const s of sizes) expect(Math.abs(s - n / 4)).toBeLessThanOrEqual(2);
    await expect(new QuantileDiscretizer({ inputCol: "x0", outputCol: "b", numBuckets: 1 }).fit(df)).rejects.toThrow(/numBuckets must be an integer >= 2/);
  });
});

describe("PCA", () => {
  it("components (up to sign) and explained variance equal scikit-learn's; the projection is pcᵀx without centring, as Spark", async () => {
    const df = frame();
    const m = await new PCA({ inputCol: "features", outputCol: "p", k: 2 }).fit(df);
    const pc = m.pc; // d x k
    for (let j = 0; j < 2; j++) {
      const col = pc.map((r) => r[j]!), ref1 = ref.pcaComponents[j] as number[];
      const sign = Math.sign(col.reduce((a, x, i) => a + x * ref1[i]!, 0));
      closeAll(col.map((x) => x * sign), ref1, 1e-9);
    }
    closeAll(m.explainedVariance.toArray(), ref.pcaRatio, 1e-9);
    const mean = X[0]!.map((_, i) => X.reduce((a, x) => a + x[i]!, 0) / n);
    const rows = await byId(m.transform(df));
    rows.forEach((r, i) => {
      const got = vec(r.p);
      for (let j = 0; j < 2; j++) {
        const centred = got[j]! - pc.reduce((a, row, f) => a + row[j]! * mean[f]!, 0);
        close(Math.abs(centred), Math.abs(ref.pcaProjected[i][j]), 1e-9);
      }
    });
    const dir = mkdtempSync(join(tmpdir(), "pca-"));
    await m.save(join(dir, "m"));
    expect((await PCAModel.load(join(dir, "m"), spark)).pc).toEqual(pc);
    await expect(new PCA({ inputCol: "features", outputCol: "p", k: 4 }).fit(df)).rejects.toThrow(/k = 4 must be at most the number of features, 3/);
  });
});

describe("estimators agree with scikit-learn", () => {
  it("LinearRegression: OLS (normal equation and l-bfgs), ridge, lasso", async () => {
    const df = frame();
    const ols = await new LinearRegression({ labelCol: "y" }).fit(df);
    closeAll(ols.coefficientsArray, ref.ols[0], 1e-9); close(ols.intercept, ref.ols[1], 1e-9);
    const iter = await new LinearRegression({ labelCol: "y", solver: "l-bfgs", tol: 1e-12, maxIter: 200 }).fit(df);
    closeAll(iter.coefficientsArray, ref.ols[0], 1e-4); close(iter.intercept, ref.ols[1], 1e-4);
    const ridge = await new LinearRegression({ labelCol: "y", regParam: lam, standardization: false }).fit(df);
    closeAll(ridge.coefficientsArray, ref.ridge[0], 1e-9); close(ridge.intercept, ref.ridge[1], 1e-9);
    const lasso = await new LinearRegression({ labelCol: "y", regParam: lam, elasticNetParam: 1, standardization: false, tol: 1e-9 }).fit(df);
    closeAll(lasso.coefficientsArray, ref.lasso[0], 1e-6); close(lasso.intercept, ref.lasso[1], 1e-6);
    const lassoIter = await new LinearRegression({ labelCol: "y", regParam: lam, elasticNetParam: 1, standardization: false, solver: "l-bfgs", tol: 1e-12, maxIter: 500 }).fit(df);
    closeAll(lassoIter.coefficientsArray, ref.lasso[0], 1e-4); close(lassoIter.intercept, ref.lasso[1], 1e-4);
    const s = await ols.evaluate(df);
    expect(s.r2).toBeGreaterThan(0.9);
    expect(s.numInstances).toBe(n);
  }, 120_000);

  it("LogisticRegression: binomial and multinomial with L2", async () => {
    const df = frame();
    const lr = await new LogisticRegression({ labelCol: "yb", regParam: lam, standardization: false, tol: 1e-12, maxIter: 300 }).fit(df);
    closeAll(lr.coefficients.toArray(), ref.logistic[0], 1e-4); close(lr.intercept, ref.logistic[1], 1e-4);
    expect(lr.summary.objectiveHistory.length).toBeGreaterThan(1);
    const h = lr.summary.objectiveHistory;
    expect(h[h.length - 1]).toBeLessThan(h[0]!);
    const rows = await lr.transform(df).collect();
    for (const row of rows.slice(0, 5)) {
      const p = vec(row.probability);
      close(p[0]! + p[1]!, 1, 1e-12);
      expect(row.prediction).toBe(p[1]! > 0.5 ? 1 : 0);
    }
    // elastic net (OWL-QN) = sklearn's penalty="elasticnet", l1_ratio = elasticNetParam, same C
    const en = await new LogisticRegression({ labelCol: "yb", regParam: lam, elasticNetParam: 0.5, standardization: false, tol: 1e-12, maxIter: 500 }).fit(df);
    closeAll(en.coefficients.toArray(), ref.elasticNet[0], 1e-3); close(en.intercept, ref.elasticNet[1], 1e-3);
    const mlr = await new LogisticRegression({ labelCol: "ym", regParam: lam, standardization: false, tol: 1e-12, maxIter: 300 }).fit(df);
    expect(mlr.numClasses).toBe(3);
    mlr.coefficientMatrix.forEach((row, k) => closeAll(row, ref.multinomial[0][k], 1e-4));
    closeAll(mlr.interceptVector, ref.multinomial[1], 1e-4);
  }, 300_000);

  it("KMeans from the same initial centres: cost and centres; seeds are deterministic", async () => {
    const df = frame();
    const km = await new KMeans({ k: 3, initialCenters: init, maxIter: 300, tol: 0 }).fit(df);
    close(km.summary!.trainingCost, ref.kmeans[0], 1e-9);
    const sorted = (cs: number[][]) => [...cs].sort((a, b) => a[0]! - b[0]!);
    sorted(km.centers).forEach((c, i) => closeAll(c, sorted(ref.kmeans[1])[i]!, 1e-9));
    const a = await new KMeans({ k: 3, seed: 11 }).fit(df), b = await new KMeans({ k: 3, seed: 11 }).fit(df);
    expect(a.centers).toEqual(b.centers);
    const rnd = await new KMeans({ k: 3, seed: 3, initMode: "random" }).fit(df);
    expect(rnd.summary!.initialCenters.every((c) => X.some((x) => x.every((v, i) => v === c[i])))).toBe(true);
    expect(km.summary!.clusterSizes.reduce((s, v) => s + v, 0)).toBe(n);
  }, 120_000);
});

describe("decision trees", () => {
  it("DecisionTreeClassifier: held-out accuracy close to scikit-learn's with the same depth; importances; debug string", async () => {
    const df = frame();
    const train = df.filter(df.col("id").mod(4).notEqual(0)), test = df.filter(df.col("id").mod(4).eqNullSafe(0));
    const dt = await new DecisionTreeClassifier({ labelCol: "ym", maxDepth: 5 }).fit(train);
    const acc = await new MulticlassClassificationEvaluator({ labelCol: "ym", metricName: "accuracy" }).evaluate(dt.transform(test));
    expect(Math.abs(acc - ref.treeAccuracy)).toBeLessThanOrEqual(0.1);
    expect(dt.depth).toBeLessThanOrEqual(5);
    const imp = dt.featureImportances.toArray();
    close(imp.reduce((a, b) => a + b, 0), 1, 1e-12);
    expect(dt.toDebugString).toMatch(/^DecisionTreeClassificationModel: uid=.*depth=\d+, numNodes=\d+, numClasses=3, numFeatures=3\n  If \(feature \d+ <= /);
    // the model's own predict agrees with the distributed transform
    const rows = await byId(dt.transform(test));
    for (const r of rows) expect(r.prediction).toBe(dt.predict(vec(r.features)));
  }, 120_000);
});

describe("random forests", () => {
  it("RandomForestClassifier: held-out accuracy close to scikit-learn's forest with Spark's defaults; seeded; importances; votes; save/load", async () => {
    const df = frame();
    const train = df.filter(df.col("id").mod(4).notEqual(0)), test = df.filter(df.col("id").mod(4).eqNullSafe(0));
    const rf = new RandomForestClassifier({ labelCol: "ym", seed: 7 });
    const m = await rf.fit(train);
    expect(m.trees).toHaveLength(20);
    const acc = await new MulticlassClassificationEvaluator({ labelCol: "ym", metricName: "accuracy" }).evaluate(m.transform(test));
    expect(Math.abs(acc - ref.forestAccuracy)).toBeLessThanOrEqual(0.1);
    // Bootstrap and feature subsets make the trees differ; the same seed gives the same forest.
    expect(new Set(m.trees.map((t) => JSON.stringify(t.nodes))).size).toBeGreaterThan(1);
    expect(JSON.stringify((await rf.fit(train)).treeNodes)).toBe(JSON.stringify(m.treeNodes));
    close(m.featureImportances.toArray().reduce((a, b) => a + b, 0), 1, 1e-12);
    expect(m.toDebugString).toMatch(/^RandomForestClassificationModel: uid=.*numTrees=20, numClasses=3, numFeatures=3\n  Tree 0 \(weight 1\.0\):\n    If \(feature \d+ <= /);
    const rows = await byId(m.transform(test));
    for (const r of rows) {
      const p = m.predictProbability(vec(r.features)).toArray();
      closeAll(vec(r.probability), p, 1e-12);
      close(vec(r.rawPrediction).reduce((a, b) => a + b, 0), 20, 1e-9); // each tree votes a distribution
      expect(r.prediction).toBe(m.predict(vec(r.features)));
    }
    const dir = mkdtempSync(join(tmpdir(), "rf-"));
    await m.save(join(dir, "m"));
    const back = await RandomForestClassificationModel.load(join(dir, "m"), spark);
    expect(JSON.stringify(back.treeNodes)).toBe(JSON.stringify(m.treeNodes));
    await expect(new RandomForestClassifier({ labelCol: "ym", featureSubsetStrategy: "most" }).fit(train)).rejects.toThrow(/featureSubsetStrategy 'most'/);
  }, 180_000);
});

describe("naive Bayes", () => {
  it("NaiveBayes (multinomial): theta equals MultinomialNB's feature_log_prob_, pi is Spark's smoothed prior", async () => {
    const rows = X.map((x, i) => ({ features: Vectors.dense(x.map((v) => Math.abs(Math.round(v)))), label: ym[i]! }));
    const df = spark.createDataFrame(rows, new StructType([StructField("features", VectorUDT), StructField("label", DoubleType)])).repartition(2);
    const m = await new NaiveBayes().fit(df);
    m.thetaMatrix.forEach((row, k) => closeAll(row, ref.nbTheta[k], 1e-12));
    const counts = [0, 1, 2].map((k) => ym.filter((v) => v === k).length);
    closeAll(m.piArray, counts.map((c) => Math.log((c + 1) / (n + 3))), 1e-12);
    const out = await m.transform(df).collect();
    expect(out.every((r) => Math.abs(vec(r.probability).reduce((a, b) => a + b, 0) - 1) < 1e-12)).toBe(true);
    const neg = spark.createDataFrame([{ features: Vectors.dense(-1, 2), label: 0 }], new StructType([StructField("features", VectorUDT), StructField("label", DoubleType)]));
    await expect(new NaiveBayes().fit(neg)).rejects.toThrow(/requires nonnegative feature values/);
  }, 120_000);
});

describe("evaluators agree with scikit-learn", () => {
  it("regression, binary, multiclass, clustering metrics and the confusion matrix", async () => {
    const df = frame();
    for (const m of ["rmse", "mse", "mae", "r2"] as const) close(await new RegressionEvaluator({ labelCol: "y", predictionCol: "pred", metricName: m }).evaluate(df), ref.reg[m], 1e-12);
    for (const m of ["areaUnderROC", "areaUnderPR"] as const) close(await new BinaryClassificationEvaluator({ labelCol: "yb", rawPredictionCol: "score", metricName: m }).evaluate(df), ref.bin[m], 1e-12);
    for (const m of ["accuracy", "f1", "weightedPrecision", "weightedRecall"] as const) close(await new MulticlassClassificationEvaluator({ labelCol: "ym", predictionCol: "predLabel", metricName: m }).evaluate(df), ref.multi[m], 1e-12);
    close(await new MulticlassClassificationEvaluator({ labelCol: "ym", predictionCol: "predLabel", metricName: "truePositiveRateByLabel", metricLabel: 1 }).evaluate(df), ref.multi.tpr1, 1e-12);
    const cm = await ConfusionMatrix.of(df, "ym", "predLabel");
    expect(cm.toArray()).toEqual(ref.multi.confusion);
    close(await new ClusteringEvaluator({ predictionCol: "cluster" }).evaluate(df), ref.silhouette, 1e-9);
    // the lecture's binary definitions, against the counts
    const b = await ConfusionMatrix.of(df.withColumn("p", df.col("score").gt(0.5).cast("double")), "yb", "p");
    const counts = { TP: 0, TN: 0, FP: 0, FN: 0 };
    yb.forEach((v, i) => { const p = score[i]! > 0.5 ? 1 : 0; counts[v === 1 ? (p === 1 ? "TP" : "FN") : p === 1 ? "FP" : "TN"]++; });
    expect(b.binary()).toMatchObject({ ...counts, sensitivity: counts.TP / (counts.TP + counts.FN), specificity: counts.TN / (counts.TN + counts.FP) });
    expect(b._repr_html_()).toContain("sensitivity");
  }, 120_000);
});

describe("vectors", () => {
  it("print as Spark does and survive a round trip through the workers", async () => {
    expect(String(Vectors.dense(1, 2.5))).toBe("[1.0,2.5]");
    expect(String(Vectors.sparse(4, [0, 2], [1, 3]))).toBe("(4,[0,2],[1.0,3.0])");
    const df = spark.createDataFrame([{ v: Vectors.dense(1, 2) }, { v: Vectors.sparse(3, { 1: 4 }) }], new StructType([StructField("v", VectorUDT)]));
    expect(df.schema.simpleString()).toBe("struct<v:vector>");
    const rows = await df.repartition(2).collect();
    expect(rows.map((x) => String(x.v)).sort()).toEqual(["(3,[1],[4.0])", "[1.0,2.0]"]);
  });
});
