// ML benchmarks (`npm run bench ml.logistic ml.kmeans`): logistic regression on N rows x 20
// features on local[2] (features assembled from SQL rand columns, trained by L-BFGS over
// treeAggregate passes) vs the same optimiser over the same-size data in one process (plain JS
// arrays); k-means on N points x 10 dimensions. N = ML_BENCH_ROWS (default 1,000,000).
// Prints, never asserts.

import { SparkSession } from "../../engine/session";
import { F } from "../../engine/sql";
import { VectorAssembler, LogisticRegression, KMeans } from "../../engine/ml";
import { lbfgs } from "../../engine/ml/optim";
import type { BenchResult } from "./run";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** scikit-learn's time (ms) for the same problem size, data made in numpy; undefined without the .venv. */
function sklearnMs(body: string): number | undefined {
  const py = join(fileURLToPath(new URL("../..", import.meta.url)), ".venv", "bin", "python");
  if (!existsSync(py)) return undefined;
  const script = `
import time, numpy as np
rng = np.random.default_rng(1)
N = ${N}
${body}
print((time.perf_counter() - t) * 1000)
`;
  try { return Number(execFileSync(py, ["-c", script], { encoding: "utf8", maxBuffer: 1 << 20, env: { ...process.env, OMP_NUM_THREADS: "2", OPENBLAS_NUM_THREADS: "2" } }).trim()); } catch { return undefined; }
}

const N = Number(process.env.ML_BENCH_ROWS ?? 1_000_000);

async function features(spark: SparkSession, d: number, label: boolean) {
  const cols = Array.from({ length: d }, (_, j) => F.rand(j + 1).minus(0.5).alias(`x${j}`));
  let df = spark.range(0, N, 1, 2).select(...cols);
  if (label) {
    let margin = F.lit(0.1);
    for (let j = 0; j < d; j++) margin = margin.plus(F.col(`x${j}`).multiply((j % 3) - 1));
    df = df.withColumn("label", margin.plus(F.randn(99).multiply(0.3)).gt(0).cast("double"));
  }
  return new VectorAssembler({ inputCols: Array.from({ length: d }, (_, j) => `x${j}`), outputCol: "features" }).transform(df).cache();
}

async function logistic(): Promise<BenchResult> {
  const spark = await SparkSession.builder().master("local[2]").appName("ml-bench").config("spark.workbench.cache.memory", "1g").getOrCreate();
  try {
    const d = 20, maxIter = 20;
    const df = await features(spark, d, true);
    await df.count();
    let t = performance.now();
    await new LogisticRegression({ maxIter, tol: 0, standardization: false }).fit(df);
    const cluster = performance.now() - t;
    // single process, same optimiser and iteration count, same data size
    const X = new Float64Array(N * d), y = new Float64Array(N);
    for (let i = 0; i < N; i++) { let m = 0.1; for (let j = 0; j < d; j++) { const v = Math.random() - 0.5; X[i * d + j] = v; m += v * ((j % 3) - 1); } y[i] = m > 0 ? 1 : 0; }
    t = performance.now();
    await lbfgs(async (w) => {
      const g = new Float64Array(d + 1);
      let loss = 0;
      for (let i = 0; i < N; i++) {
        let m = w[d]!;
        for (let j = 0; j < d; j++) m += w[j]! * X[i * d + j]!;
        loss += (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m))) - y[i]! * m;
        const e = 1 / (1 + Math.exp(-m)) - y[i]!;
        for (let j = 0; j < d; j++) g[j]! += e * X[i * d + j]!;
        g[d]! += e;
      }
      return { loss: loss / N, grad: g.map((v) => v / N) };
    }, new Float64Array(d + 1), { maxIter, tol: 0 });
    const single = performance.now() - t;
    const sk = sklearnMs(`
from sklearn.linear_model import LogisticRegression
X = rng.random((N, ${d})) - 0.5
y = (0.1 + X @ np.array([(j % 3) - 1 for j in range(${d})]) > 0).astype(float)
t = time.perf_counter()
LogisticRegression(C=1e12, max_iter=${maxIter}, tol=0, solver="lbfgs").fit(X, y)`);
    const note = sk === undefined ? "scikit-learn: not in .venv" : `scikit-learn lbfgs, ${maxIter} iterations, 2 BLAS threads: ${sk.toFixed(0)} ms (ratio ${(cluster / sk).toFixed(2)})`;
    return { name: `LogisticRegression ${N} x ${d}, ${maxIter} L-BFGS iterations, local[2] (fit, incl. reading the cached DataFrame)`, value: cluster, unit: "ms", baseline: single, baselineName: "single-process JS, same optimiser", ratio: cluster / single, target: "<= 0.7", pass: cluster / single <= 0.7, note };
  } finally { await spark.stop(); }
}

async function kmeans(): Promise<BenchResult> {
  const spark = await SparkSession.builder().master("local[2]").appName("ml-bench").config("spark.workbench.cache.memory", "1g").getOrCreate();
  try {
    const df = await features(spark, 10, false);
    await df.count();
    const t = performance.now();
    const m = await new KMeans({ k: 8, maxIter: 10, seed: 1 }).fit(df);
    const ms = performance.now() - t;
    const sk = sklearnMs(`
from sklearn.cluster import KMeans
X = rng.random((N, 10)) - 0.5
t = time.perf_counter()
KMeans(n_clusters=8, max_iter=${m.summary!.numIter}, n_init=1, init="k-means++", random_state=1, algorithm="lloyd").fit(X)`);
    return { name: `KMeans ${N} x 10, k = 8, ${m.summary!.numIter} iterations, local[2]`, value: ms, unit: "ms", ...(sk === undefined ? {} : { baseline: sk, baselineName: "scikit-learn KMeans (lloyd, same iterations, 2 threads)", ratio: ms / sk }), note: `cost ${m.summary!.trainingCost.toFixed(1)}` };
  } finally { await spark.stop(); }
}

export const benches = { "ml.logistic": logistic, "ml.kmeans": kmeans };
