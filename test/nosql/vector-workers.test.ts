// A vector store sharded over the worker processes (local[2]) answers exactly as the same store
// in one process: the same exact top k, and the same approximate top k (the LSH functions come from
// the seed, identical in every process); filters travel to the shards. A lost worker's shard makes
// a search fail naming the worker.
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

  it("a search that needs a shard on a lost worker fails naming the worker", async () => {
    const vs = await VectorStore.create(spark, { name: "lost", dimension: 2, lsh: false });
    await vs.insertMany([{ id: 1, vector: [0, 1] }, { id: 2, vector: [1, 0] }]);
    const victim = vs.hosts()[0]!;
    await spark.cluster.kill(victim);
    await expect(vs.search([0, 1])).rejects.toThrow(new RegExp(`WORKER_LOST|${victim}`));
  }, 60_000);
});
