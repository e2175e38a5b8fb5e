// A vector store sharded over the worker processes (local[2]) answers exactly as the same store
// in one process: the same exact top k, and the same approximate top k (the LSH functions come from
// the seed, identical in every process); filters travel to the shards. A lost worker's shard is
// opened again on a live worker, which replays the shard's write log.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VectorStore, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[2]", { "spark.network.timeout": "5s" })); }, 60_000);
afterAll(async () => { await spark?.stop(); });

function clustered(n: number, d: number, centers: number, seed: number): number[][] {
  let s = seed;
  const r = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  const cs = Array.from({ length: centers }, () => Array.from({ length: d }, () => r() * 2 - 1));
  return Array.from({ length: n }, (_, i) => cs[i % centers]!.map((x) => x + (r() - 0.5) * 0.3));
}

describe("VectorStore on the workers", () => {
  it("gives the same exact and approximate results as the store in one process, with filters", async () => {
    const data = clustered(3000, 24, 30, 5);
    const items = data.map((vector, id) => ({ id, vector, metadata: { parity: id % 2 } }));
    const remote = await VectorStore.create(spark, { name: "docs", dimension: 24, shards: 4 });
    const local = await VectorStore.create(null, { name: "docs", dimension: 24, shards: 4 });
    expect(new Set(remote.hosts()).size).toBe(2);
    expect(remote.hosts().every((h) => h.startsWith("worker-"))).toBe(true);
    await remote.insertMany(items);
    await local.insertMany(items);
    for (let t = 0; t < 10; t++) {
      const q = data[t * 211]!.map((x, i) => x + (i % 4) * 0.03);
      for (const opts of [{ k: 10, exact: true }, { k: 10 }, { k: 5, filter: { parity: 1 } }]) {
        const a = await remote.search(q, opts), b = await local.search(q, opts);
        expect(a.results.map((h) => h.id)).toEqual(b.results.map((h) => h.id));
        expect(a.candidatesExamined).toBe(b.candidatesExamined);
      }
    }
    expect((await remote.search(data[0]!, { k: 5, filter: { parity: 1 } })).results.every((h) => (h.metadata as { parity: number }).parity === 1)).toBe(true);
  }, 120_000);

  it("a shard whose worker is lost is opened again on a live worker from its log, and answers the same", async () => {
    const vs = await VectorStore.create(spark, { name: "lost", dimension: 8, lsh: false, shards: 2 });
    const items = clustered(400, 8, 5, 9).map((vector, id) => ({ id, vector }));
    await vs.insertMany(items);
    await vs.delete(7);
    const before = await vs.search(items[3]!.vector, { k: 10 });
    const victim = vs.hosts()[0]!;
    await spark.cluster.kill(victim);
    const after = await vs.search(items[3]!.vector, { k: 10 });
    expect(after.results).toEqual(before.results);
    expect(vs.reopenedShards).toBeGreaterThanOrEqual(1);
    expect(vs.hosts()).not.toContain(victim);
    expect(await vs.get(7)).toBeUndefined();
    await vs.insert(1000, items[3]!.vector);
    expect((await vs.search(items[3]!.vector, { k: 1 })).results[0]!.score).toBeCloseTo(1, 6);
  }, 60_000);
});
