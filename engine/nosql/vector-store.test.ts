import { describe, expect, it } from "vitest";
import { VectorStore, type VectorMetric } from "./index";

function rng(seed: number): () => number {
  let s = seed;
  return () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
}

/** Points around `centers` random centres (vector search is meaningful on clustered data). */
function clustered(n: number, d: number, centers: number, seed: number): number[][] {
  const r = rng(seed);
  const cs = Array.from({ length: centers }, () => Array.from({ length: d }, () => r() * 2 - 1));
  return Array.from({ length: n }, (_, i) => cs[i % centers]!.map((x) => x + (r() - 0.5) * 0.3));
}

function bruteForce(data: number[][], q: number[], k: number, metric: VectorMetric): number[] {
  const score = (v: number[]) => {
    if (metric === "l2") return -Math.sqrt(v.reduce((a, x, i) => a + (x - q[i]!) ** 2, 0));
    const dot = v.reduce((a, x, i) => a + x * q[i]!, 0);
    return metric === "dot" ? dot : dot / (Math.hypot(...v) * Math.hypot(...q));
  };
  return data.map((v, i) => [i, score(v)] as const).sort((a, b) => b[1] - a[1]).slice(0, k).map(([i]) => i);
}

describe("VectorStore (shards in this process)", () => {
  it("exact search equals a brute-force scan for cosine, dot and L2, across shards", async () => {
    const data = clustered(600, 16, 12, 1);
    for (const metric of ["cosine", "dot", "l2"] as const) {
      const vs = await VectorStore.create(null, { dimension: 16, metric, shards: 3 });
      await vs.insertMany(data.map((vector, id) => ({ id, vector })));
      for (let t = 0; t < 5; t++) {
        const q = data[t * 97]!.map((x, i) => x + (i % 3) * 0.01);
        const got = await vs.search(q, { k: 7, exact: true });
        expect(got.results.map((h) => h.id), metric).toEqual(bruteForce(data, q, 7, metric));
        expect(got.candidatesExamined).toBe(600);
      }
    }
  });

  it("LSH finds most of the exact top 10 while examining a fraction of the vectors (cosine and L2)", async () => {
    const data = clustered(4000, 32, 40, 2);
    for (const [metric, lsh] of [["cosine", { tables: 8, bits: 10 }], ["l2", { tables: 8, bits: 4, bucketWidth: 2 }]] as const) {
      const vs = await VectorStore.create(null, { dimension: 32, metric, shards: 2, lsh });
      await vs.insertMany(data.map((vector, id) => ({ id, vector })));
      let recall = 0, examined = 0;
      for (let t = 0; t < 20; t++) {
        const q = data[t * 151]!.map((x, i) => x + ((i * 7) % 5) * 0.02);
        const exact = await vs.search(q, { k: 10, exact: true });
        const approx = await vs.search(q, { k: 10 });
        recall += VectorStore.recallAtK(approx.results, exact.results) / 20;
        examined += approx.candidatesExamined / 20;
      }
      expect(recall, metric).toBeGreaterThanOrEqual(0.8);
      expect(examined, metric).toBeLessThan(4000 / 3);
    }
  });

  it("filters on metadata, replaces on insert of an existing id, deletes, and gets", async () => {
    const vs = await VectorStore.create(null, { dimension: 2, metric: "l2", lsh: false });
    await vs.insertMany([
      { id: "a", vector: [0, 0], metadata: { lang: "en", year: 2019 } },
      { id: "b", vector: [1, 0], metadata: { lang: "de", year: 2021 } },
      { id: "c", vector: [2, 0], metadata: { lang: "en", year: 2022 } },
    ]);
    expect((await vs.search([0.1, 0], { k: 2 })).results.map((h) => h.id)).toEqual(["a", "b"]);
    expect((await vs.search([0.1, 0], { k: 2, filter: { lang: "en", year: { $gte: 2020 } } })).results.map((h) => h.id)).toEqual(["c"]);
    await vs.insert("c", [0.05, 0], { lang: "en", year: 2022 });
    expect((await vs.search([0.1, 0], { k: 1 })).results[0]).toMatchObject({ id: "c", metadata: { year: 2022 } });
    expect(await vs.delete("c")).toBe(true);
    expect(await vs.get("c")).toBeUndefined();
    expect((await vs.get("b"))?.vector).toEqual([1, 0]);
  });

  it("refuses vectors of the wrong dimension, non-numbers, bad ids and bad options, naming them", async () => {
    const vs = await VectorStore.create(null, { dimension: 3 });
    await expect(vs.insert("x", [1, 2])).rejects.toThrow(/VECTOR_DIMENSION_MISMATCH.*vector "x" has 2 dimensions; the store holds 3-dimensional/);
    await expect(vs.insert("y", [1, NaN, 2])).rejects.toThrow(/INVALID_VECTOR.*vector "y": component 1 is/);
    await expect(vs.insert("", [1, 2, 3])).rejects.toThrow(/INVALID_KEY/);
    await expect(vs.search([1, 2])).rejects.toThrow(/the query has 2 dimensions/);
    await expect(VectorStore.create(null, { dimension: 0 })).rejects.toThrow(/dimension=0 is invalid/);
    await expect(VectorStore.create(null, { dimension: 2, metric: "manhattan" as "l2" })).rejects.toThrow(/expected cosine, dot or l2/);
  });
});
