// NoSQL benchmarks (issue 11), stores in the worker processes:
// - nosql.kv: key-value operations per second and p99 latency on local[3] with N=3, W=2/R=2
//   against W=1/R=1 in the same run (64 operations in flight, half reads, half writes);
// - nosql.vector: 100,000 vectors of 128 dimensions (clustered) sharded on local[2]: LSH recall@10
//   over 100 queries and its speed-up over exact search in the same run.
// `npm run bench nosql.kv nosql.vector`. Prints, never asserts.

import { KeyValueStore, SparkSession, VectorStore } from "../../engine/index";
import type { BenchResult } from "./run";

const KV_OPS = 4000, IN_FLIGHT = 64;

async function kvRun(spark: SparkSession, name: string, r: number, w: number): Promise<{ opsPerSec: number; p99: number }> {
  const kv = await KeyValueStore.create(spark, { name, numNodes: 3, replication: 3, readQuorum: r, writeQuorum: w });
  for (let i = 0; i < 200; i++) await kv.put(`k${i}`, i); // warm-up and data to read
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < KV_OPS) {
      const i = next++;
      const t = performance.now();
      if (i % 2 === 0) await kv.put(`k${i % 500}`, i); else await kv.get(`k${i % 500}`);
      lat.push(performance.now() - t);
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { opsPerSec: KV_OPS / secs, p99: lat[Math.floor(lat.length * 0.99)]! };
}

async function kvBench(): Promise<BenchResult> {
  const spark = await SparkSession.builder().master("local[3]").appName("nosql-bench").getOrCreate();
  try {
    await kvRun(spark, "warm-up", 2, 2); // the first run pays the JIT for both
    const one = await kvRun(spark, "w1r1", 1, 1);
    const quorum = await kvRun(spark, "w2r2", 2, 2);
    return {
      name: `key-value store on local[3], N=3, W=2/R=2, ${KV_OPS} operations (half get, half put), ${IN_FLIGHT} in flight`,
      value: quorum.opsPerSec, unit: "ops/s", baseline: one.opsPerSec, baselineName: "W=1/R=1, same run", ratio: quorum.opsPerSec / one.opsPerSec,
      note: `p99 latency ${quorum.p99.toFixed(2)} ms vs ${one.p99.toFixed(2)} ms at W=1/R=1 (every replica is asked either way, by a coordinator in the driver: W=1/R=1 returns at the first answer but leaves the others in flight, and the next operations queue behind them)`,
    };
  } finally { await spark.stop(); }
}

const N = Number(process.env.VECTOR_BENCH_N ?? 100_000), D = 128, QUERIES = 100;

async function vectorBench(): Promise<BenchResult> {
  let s = 17;
  const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  const centers = Array.from({ length: 1000 }, () => Array.from({ length: D }, () => rnd() * 2 - 1));
  const point = (i: number) => centers[i % centers.length]!.map((x) => x + (rnd() - 0.5) * 0.4);
  const spark = await SparkSession.builder().master("local[2]").appName("nosql-bench").getOrCreate();
  try {
    const vs = await VectorStore.create(spark, { name: "bench", dimension: D, metric: "cosine", lsh: { tables: 10, bits: 12 } });
    const t0 = performance.now();
    for (let b = 0; b < N; b += 10_000) await vs.insertMany(Array.from({ length: Math.min(10_000, N - b) }, (_, j) => ({ id: b + j, vector: point(b + j) })));
    const loadMs = performance.now() - t0;
    const queries = Array.from({ length: QUERIES }, (_, i) => point(i * 977));
    let exactMs = 0, lshMs = 0, recall = 0, examined = 0;
    for (const q of queries) {
      let t = performance.now();
      const exact = await vs.search(q, { k: 10, exact: true });
      exactMs += performance.now() - t;
      t = performance.now();
      const approx = await vs.search(q, { k: 10 });
      lshMs += performance.now() - t;
      recall += VectorStore.recallAtK(approx.results, exact.results) / QUERIES;
      examined += approx.candidatesExamined / QUERIES;
    }
    return {
      name: `vector search, ${N} vectors x ${D} dims (1,000 clusters), cosine, 2 shards on local[2], ${QUERIES} queries, LSH 10 tables x 12 bits`,
      value: exactMs / lshMs, unit: "x faster than exact", baseline: exactMs / QUERIES, baselineName: "exact scatter-gather ms/query",
      note: `recall@10 ${recall.toFixed(3)}; LSH ${(lshMs / QUERIES).toFixed(2)} ms/query examining ${examined.toFixed(0)} of ${N} vectors; load ${(loadMs / 1000).toFixed(1)} s`,
    };
  } finally { await spark.stop(); }
}

export const benches = { "nosql.kv": kvBench, "nosql.vector": vectorBench };
