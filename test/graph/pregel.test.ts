// The Pregel engine on real workers: PageRank agrees with local power iteration to 1e-9,
// shortest paths with Dijkstra, connected components with union-find; halting, waking and metrics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageRank, pregelConnectedComponents, pregelLabelPropagation, pregelPageRank, pregelShortestPaths, runPregel, type EdgeTuple, type VertexId } from "../../engine/graph";
import type { SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[2]")); }, 60_000);
afterAll(async () => { await spark?.stop(); });

function graph(n: number, seed: number): EdgeTuple[] {
  let s = seed;
  const rnd = (): number => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  const edges: EdgeTuple[] = [];
  for (let u = 0; u < n; u++) {
    if (u % 7 === 3) continue;
    const k = 1 + Math.floor(rnd() * 3);
    for (let j = 0; j < k; j++) { const v = Math.floor(rnd() * n); if (v !== u) edges.push([u, v, 1 + Math.floor(rnd() * 9)]); }
  }
  return edges;
}

function dijkstra(edges: EdgeTuple[], src: VertexId): Map<VertexId, number> {
  const dist = new Map<VertexId, number>([[src, 0]]);
  const done = new Set<VertexId>();
  for (;;) {
    let u: VertexId | undefined, best = Infinity;
    for (const [v, d] of dist) if (!done.has(v) && d < best) { best = d; u = v; }
    if (u === undefined) return dist;
    done.add(u);
    for (const e of edges) if (e[0] === u) { const nd = best + (e[2] ?? 1); if (nd < (dist.get(e[1]) ?? Infinity)) dist.set(e[1], nd); }
  }
}

describe("Pregel", () => {
  it("PageRank on Pregel equals local power iteration after the same number of steps (1e-9)", async () => {
    const edges = graph(50, 99);
    const rdd = spark.sparkContext.parallelize(edges, 3);
    const res = await pregelPageRank(rdd, { beta: 0.85, maxIter: 15, numPartitions: 3 });
    const local = pageRank(edges, { beta: 0.85, maxIter: 15, tol: 0 });
    expect(res.values.size).toBe(local.ranks.size);
    for (const [id, r] of local.ranks) expect(Math.abs(res.values.get(id)! - r), String(id)).toBeLessThan(1e-9);
    expect(res.supersteps).toBe(16);
    const m = res.metrics[1]!;
    expect(m.activeVertices).toBe(local.ranks.size);
    expect(m.messagesSent).toBeGreaterThan(0);
    expect(m.messagesLocal + m.messagesRemote).toBe(m.messagesSent);
    expect(m.messagesAfterCombine).toBeLessThanOrEqual(m.messagesSent);
  }, 300_000);

  it("shortest paths match Dijkstra; connected components match union-find", async () => {
    const edges = graph(40, 7);
    edges.push([100, 101, 2], [102, 101, 1]); // a separate component
    const rdd = spark.sparkContext.parallelize(edges, 2);
    const sp = await pregelShortestPaths(rdd, 0);
    const ref = dijkstra(edges, 0);
    for (const [id, d] of sp.values) expect(d, String(id)).toBe(ref.get(id) ?? null);
    expect(sp.metrics.at(-1)!.messagesSent).toBe(0);
    const cc = await pregelConnectedComponents(rdd);
    const parent = new Map<VertexId, VertexId>();
    const find = (x: VertexId): VertexId => { const p = parent.get(x) ?? x; if (p === x) return x; const r = find(p); parent.set(x, r); return r; };
    for (const [a, b] of edges) { const ra = find(a), rb = find(b); if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb); }
    for (const [id, c] of cc.values) expect(c, String(id)).toBe(find(id));
    expect(cc.values.get(102)).toBe(100);
  }, 300_000);

  it("label propagation finds the two cliques of a barbell", async () => {
    const edges: EdgeTuple[] = [];
    for (const base of [0, 10]) for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) edges.push([base + i, base + j]);
    edges.push([4, 10]);
    const lp = await pregelLabelPropagation(spark.sparkContext.parallelize(edges, 2), { maxIter: 6 });
    const labels = new Set([0, 1, 2, 3].map((i) => lp.values.get(i)));
    expect(labels.size).toBe(1);
    expect(new Set([11, 12, 13, 14].map((i) => lp.values.get(i))).size).toBe(1);
    expect(lp.values.get(0)).not.toBe(lp.values.get(12));
  }, 120_000);

  it("a halted vertex wakes on a message; runs end when all halted and no message is in flight", async () => {
    const sc = spark.sparkContext;
    // a chain 0 -> 1 -> 2 -> 3: a token travels along it; every vertex halts immediately
    const res = await runPregel<number, null, number>(
      sc.parallelize([[0, 0], [1, 0], [2, 0], [3, 0]] as Array<[VertexId, number]>, 2),
      sc.parallelize([[0, 1, null], [1, 2, null], [2, 3, null]] as Array<[VertexId, VertexId, null]>, 2),
      (v, msgs, ctx) => {
        if (ctx.superstep === 0 && v.id === 0) ctx.sendToAllNeighbors(1);
        for (const m of msgs) { v.value = ctx.superstep; ctx.sendToAllNeighbors(m + 1); ctx.aggregate("hops", 1); }
        ctx.voteToHalt();
      },
      { aggregators: { hops: (a, b) => (a as number) + (b as number) }, recordValues: true },
    );
    expect([...res.values.entries()].sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([[0, 0], [1, 1], [2, 2], [3, 3]]);
    expect(res.supersteps).toBe(4);
    expect(res.metrics.map((m) => m.activeVertices)).toEqual([4, 1, 1, 1]);
    expect(res.history).toHaveLength(4);
  }, 120_000);

  it("compute() runs once per active vertex per superstep: no superstep is recomputed through the lineage", async () => {
    const sc = spark.sparkContext;
    const calls = sc.accumulator(0);
    const edges = graph(60, 3);
    const ids = new Set<VertexId>(edges.flatMap((e) => [e[0], e[1]]));
    const res = await runPregel<number, number, number>(
      sc.parallelize([...ids].map((id) => [id, 0] as [VertexId, number]), 2),
      sc.parallelize(edges.map((e) => [e[0], e[1], 1] as [VertexId, VertexId, number]), 2),
      (v, msgs, ctx) => {
        calls.add(1);
        v.value += msgs.length;
        if (ctx.superstep >= 9) ctx.voteToHalt();
        else ctx.sendToAllNeighbors(1);
      },
      { combiner: (a, b) => a + b },
    );
    expect(res.supersteps).toBe(10);
    expect(calls.value).toBe(10 * ids.size);
  }, 120_000);

  it("rejects edges to missing vertices and duplicate vertex ids", async () => {
    const sc = spark.sparkContext;
    const noop = (): void => {};
    await expect(runPregel(sc.parallelize([[1, 0]] as Array<[VertexId, number]>, 1), sc.parallelize([[1, 2, 0]] as Array<[VertexId, VertexId, number]>, 1), noop)).rejects.toThrow(/GRAPH_MISSING_VERTEX/);
    await expect(runPregel(sc.parallelize([[1, 0], [1, 5]] as Array<[VertexId, number]>, 1), sc.parallelize([] as Array<[VertexId, VertexId, number]>, 1), noop)).rejects.toThrow(/GRAPH_DUPLICATE_VERTEX/);
  }, 60_000);
});
