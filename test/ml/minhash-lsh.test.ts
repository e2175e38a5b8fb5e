// Spark ML's MinHashLSH on DataFrames (ml.MinHashLSH): the same seed gives PySpark's hashes, and so
// PySpark's similarity join and nearest neighbours, row for row (real PySpark 4.0.1 from .venv,
// Java 17); distances against a plain Jaccard computation; the bucket rule of the join (every
// pair it returns shares a bucket and is below the threshold, and no such pair is missed); bad
// input; save/load in Spark's layout.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ml, Vectors, type DataFrame, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";
import { venvPython } from "../python/venv";

const ROOT = new URL("../..", import.meta.url).pathname;
const SIZE = 40;
// Small sets with overlaps of several sizes (ids 0..11 in A, 100.. in B).
const A: Array<[number, number[]]> = Array.from({ length: 12 }, (_, i) => [i, Array.from({ length: 4 + (i % 5) }, (_, k) => (i * 3 + k * (1 + (i % 3))) % SIZE).filter((v, j, arr) => arr.indexOf(v) === j).sort((x, y) => x - y)]);
const B: Array<[number, number[]]> = A.slice(0, 8).map(([i, idx]) => [100 + i, (i % 2 ? [...idx.slice(1), (idx[0]! + 17) % SIZE] : idx.slice(0, -1)).filter((v, j, arr) => arr.indexOf(v) === j).sort((x, y) => x - y)]);
const KEY = A[3]![1];
const SPEC = { size: SIZE, a: A, b: B, tables: 5, seed: 12345, threshold: 0.6, key: KEY, k: 3 };

const jaccardDist = (x: number[], y: number[]) => { const s = new Set(x); const inter = y.filter((v) => s.has(v)).length; return 1 - inter / (x.length + y.length - inter); };
const sparse = (idx: number[]) => Vectors.sparse(SIZE, idx, idx.map(() => 1));

function javaAvailable(): boolean {
  try { execFileSync("java", ["-version"], { stdio: "ignore" }); return true; } catch { return false; }
}

let spark: SparkSession;
let dfA: DataFrame, dfB: DataFrame;
beforeAll(async () => {
  ({ spark } = await startSession("local[2]"));
  dfA = spark.createDataFrame(A.map(([id, idx]) => ({ id, features: sparse(idx) })), "id long, features vector");
  dfB = spark.createDataFrame(B.map(([id, idx]) => ({ id, features: sparse(idx) })), "id long, features vector");
}, 60_000);
afterAll(async () => spark?.stop());

async function ours() {
  const model = await new ml.MinHashLSH({ inputCol: "features", outputCol: "hashes", numHashTables: SPEC.tables, seed: SPEC.seed }).fit(dfA);
  const rows = (await model.transform(dfA).collect()) as Array<{ id: number; hashes: Array<{ values: Float64Array }> }>;
  const hashes = Object.fromEntries(rows.map((r) => [String(r.id), r.hashes.map((v) => v.values[0]!)]));
  const joined = (await model.approxSimilarityJoin(dfA, dfB, SPEC.threshold, "distCol").selectExpr("datasetA.id as a", "datasetB.id as b", "distCol").collect()) as Array<{ a: number; b: number; distCol: number }>;
  const join = joined.map((r) => [Number(r.a), Number(r.b), Math.round(r.distCol * 1e12) / 1e12]).sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);
  const nnRows = (await model.approxNearestNeighbors(dfA, sparse(KEY), SPEC.k).collect()) as Array<{ id: number; distCol: number }>;
  const nn = nnRows.map((r) => [Number(r.id), Math.round(r.distCol * 1e12) / 1e12]);
  return { model, hashes, join, nn };
}

describe("ml.MinHashLSH (Spark ML's estimator on DataFrames)", () => {
  it("join and nearest neighbours follow the bucket rule, with exact Jaccard distances", async () => {
    const { model, hashes, join, nn } = await ours();
    const shares = (x: number, y: number) => model.hashesOf(sparse(A.find(([i]) => i === x)![1])).some((h, k) => h === model.hashesOf(sparse(B.find(([i]) => i === y)![1]))[k]);
    const expected: number[][] = [];
    for (const [ia, xa] of A) for (const [ib, xb] of B) {
      const d = jaccardDist(xa, xb);
      if (d < SPEC.threshold && shares(ia, ib)) expected.push([ia, ib, Math.round(d * 1e12) / 1e12]);
    }
    expect(join).toEqual(expected);
    expect(join.length).toBeGreaterThan(0);
    expect(Object.keys(hashes)).toHaveLength(A.length);
    // nearest neighbours: the key itself first (distance 0), then by distance, all sharing a bucket
    expect(nn[0]).toEqual([3, 0]);
    expect(nn.map((r) => r[1])).toEqual([...nn.map((r) => r[1]!)].sort((x, y) => x - y));
  });

  it.skipIf(!javaAvailable())("the same seed gives PySpark's hashes, join and nearest neighbours", async () => {
    const out = execFileSync(venvPython(), [join(ROOT, "test/ml/python/minhash_lsh.py"), JSON.stringify(SPEC)],
      { encoding: "utf8", env: { ...process.env, PYSPARK_PYTHON: venvPython() }, stdio: ["ignore", "pipe", "ignore"], timeout: 300_000 });
    const line = out.split("\n").find((l) => l.startsWith("RESULT "));
    expect(line, out).toBeDefined();
    const theirs = JSON.parse(line!.slice(7)) as { hashes: Record<string, number[]>; join: number[][]; nn: number[][] };
    const mine = await ours();
    expect(mine.hashes).toEqual(theirs.hashes);
    expect(mine.join).toEqual(theirs.join);
    expect(mine.nn).toEqual(theirs.nn);
  }, 320_000);

  it("refuses an empty vector with Spark's requirement; round-trips through save/load", async () => {
    const model = await new ml.MinHashLSH({ inputCol: "features", outputCol: "h", numHashTables: 3, seed: 7 }).fit(dfA);
    const empty = spark.createDataFrame([{ id: 1, features: Vectors.sparse(SIZE, [], []) }], "id long, features vector");
    await expect(model.transform(empty).collect()).rejects.toThrow(/Must have at least 1 non zero entry/);
    await expect(new ml.MinHashLSH({ inputCol: "features", outputCol: "h", numHashTables: 0 }).fit(dfA)).rejects.toThrow(/numHashTables/);
    const dir = join(mkdtempSync(join(tmpdir(), "mhlsh-")), "m");
    await model.save(dir);
    const back = await ml.loadStage(dir, spark) as InstanceType<typeof ml.MinHashLSHModel>;
    expect(back.randCoefficients).toEqual(model.randCoefficients);
    expect(back.getOrDefault("outputCol")).toBe("h");
  });
});
