// Mining on the cluster: near-duplicate detection as RDD jobs and as MapReduce jobs (the same
// candidate pairs as the in-process LSH), and k-means V1 / V2 as MapReduce iterations reaching
// the same centres as the reference Lloyd's iteration, with V2 shuffling fewer records and bytes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  kmeansMapReduce, kmeansPlusPlus, lloyd, MapReduceJob, MinHash, MinHashLSH, minhashSignature, nearDuplicatesRDD, seededRandom, shingles,
  type SparkSession,
} from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[2]")); });
afterAll(async () => { await spark?.stop(); });

const rnd = seededRandom(21);
const vocab = Array.from({ length: 300 }, (_, i) => `w${i}`);
const base = Array.from({ length: 30 }, () => Array.from({ length: 40 }, () => vocab[Math.floor(rnd() * vocab.length)]).join(" "));
// Near-duplicates: copies of the first 6 documents with a few words changed.
const docs: Array<[string, string]> = [
  ...base.map((t, i) => [`d${i}`, t] as [string, string]),
  ...base.slice(0, 6).map((t, i) => {
    const ws = t.split(" ");
    for (let j = 0; j < 2; j++) ws[Math.floor(rnd() * ws.length)] = "changed";
    return [`dup${i}`, ws.join(" ")] as [string, string];
  }),
];

describe("near-duplicate detection", () => {
  const opts = { k: 3, unit: "word" as const, bands: 10, rows: 4, seed: 5 };
  const local = () => {
    const mh = new MinHash(40, 5);
    const sigs = docs.map(([, t]) => mh.signature(shingles(t, 3, { unit: "word" })));
    return new MinHashLSH(10, 4).candidatePairs(sigs).map(([i, j]) => [docs[i]![0], docs[j]![0]].sort().join("|")).sort();
  };

  it("as RDD jobs: the same candidates as in-process LSH, every planted duplicate found", async () => {
    const pairs = await nearDuplicatesRDD(spark.sparkContext.parallelize(docs, 3), opts);
    expect(pairs.map((p) => [p.a, p.b].sort().join("|")).sort()).toEqual(local());
    for (let i = 0; i < 6; i++) expect(pairs.some((p) => [p.a, p.b].sort().join("|") === [`d${i}`, `dup${i}`].sort().join("|"))).toBe(true);
    for (const p of pairs) expect(p.jaccard).toBeGreaterThanOrEqual(0);
  });

  it("as MapReduce jobs: map emits (band bucket, doc id), reduce emits the pairs in each bucket", async () => {
    const mh = new MinHash(40, 5);
    const a = mh.a, b = mh.b;
    const res = await new MapReduceJob(spark, {
      name: "LSH candidates", input: { data: docs, numSplits: 3, keyValue: true }, numReduceTasks: 2,
      conf: { a, b, bands: 10, rows: 4 },
      mapper: {
        map(id: string, text: string, ctx: any) {
          const c = ctx.getConfiguration();
          const s = minhashSignature(c.a, c.b, shingles(text, 3, { unit: "word" }));
          for (let band = 0; band < c.bands; band++) ctx.write(`${band}:${s.slice(band * c.rows, (band + 1) * c.rows).join(",")}`, id);
        },
      },
      reducer: (_bucket: string, ids: string[], ctx: any) => {
        const s = [...new Set(ids)].sort();
        for (let x = 0; x < s.length; x++) for (let y = x + 1; y < s.length; y++) ctx.write(`${s[x]}|${s[y]}`, null);
      },
    }).waitForCompletion();
    expect([...new Set(res.readOutput().map(([k]) => String(k)))].sort()).toEqual(local());
  });
});

describe("k-means on MapReduce", () => {
  const r = seededRandom(4);
  const blobs = [[0, 0], [5, 5], [0, 7], [8, 0]];
  const points = Array.from({ length: 800 }, (_, i) => { const c = blobs[i % 4]!; return [c[0]! + r() * 3 - 1.5, c[1]! + r() * 3 - 1.5]; });

  it("V1 and V2 reach the reference Lloyd centres from the same k-means++ start; V2 shuffles less", async () => {
    const initial = kmeansPlusPlus(points, 4, 3);
    const ref = lloyd(points, initial, { tolerance: 1e-9, maxIterations: 100 });
    const v1 = await kmeansMapReduce(spark, points, { initial, version: "V1", tolerance: 1e-9, numSplits: 4 });
    const v2 = await kmeansMapReduce(spark, points, { initial, version: "V2", tolerance: 1e-9, numSplits: 4 });
    for (const res of [v1, v2]) {
      expect(res.converged).toBe(true);
      expect(res.iterations).toBe(ref.iterations);
      for (let i = 0; i < 4; i++) for (let j = 0; j < 2; j++) expect(res.centres[i]![j]!).toBeCloseTo(ref.centres[i]![j]!, 9);
    }
    expect(v1.history[0]!.mapOutputRecords).toBe(points.length);
    expect(v2.history[0]!.mapOutputRecords).toBeLessThanOrEqual(4 * 4);
    expect(v2.history[0]!.reduceShuffleBytes).toBeLessThan(v1.history[0]!.reduceShuffleBytes);
  });
});
