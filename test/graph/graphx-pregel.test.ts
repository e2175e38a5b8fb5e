// GraphX's Pregel operator over RDD joins on real workers: single-source shortest paths (the
// GraphX guide's example) against Dijkstra in plain JS, connected components against union-find,
// active-direction semantics and bad parameters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pregel, type EdgeTriplet, type VertexId } from "../../engine/graph";
import type { SparkContext, SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession, sc: SparkContext;
beforeAll(async () => { ({ spark, sc } = await startSession("local[2]")); }, 60_000);
afterAll(async () => { await spark?.stop(); });

function randomGraph(n: number, m: number, seed: number): Array<[number, number, number]> {
  let s = seed;
  const rnd = (): number => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  return Array.from({ length: m }, () => [Math.floor(rnd() * n), Math.floor(rnd() * n), 1 + Math.floor(rnd() * 9)] as [number, number, number]);
}

describe("GraphX pregel(initialMsg, maxIterations, vprog, sendMsg, mergeMsg)", () => {
  it("single-source shortest paths equal Dijkstra's", async () => {
    const n = 40, edges = randomGraph(n, 120, 7);
    const vertices = sc.parallelize(Array.from({ length: n }, (_, i) => [i, i === 0 ? 0 : Infinity] as [VertexId, number]), 3);
    const res = await pregel<number, number, number>({ vertices, edges: sc.parallelize(edges, 3) }, Infinity, 100,
      (_id, dist, msg) => Math.min(dist, msg),
      (t: EdgeTriplet<number, number>) => (t.srcAttr + t.attr < t.dstAttr ? [[t.dstId, t.srcAttr + t.attr] as [VertexId, number]] : []),
      (a, b) => Math.min(a, b));
    const got = new Map(await res.vertices.collect());
    const dist = new Array<number>(n).fill(Infinity);
    dist[0] = 0;
    const done = new Set<number>();
    for (let k = 0; k < n; k++) {
      let u = -1;
      for (let i = 0; i < n; i++) if (!done.has(i) && (u < 0 || dist[i]! < dist[u]!)) u = i;
      if (dist[u] === Infinity) break;
      done.add(u);
      for (const [s, d, w] of edges) if (s === u && dist[u]! + w < dist[d]!) dist[d] = dist[u]! + w;
    }
    for (let i = 0; i < n; i++) expect(got.get(i), String(i)).toBe(dist[i]);
    expect(res.iterations).toBeGreaterThan(1);
    expect(res.messages[res.messages.length - 1]).toBe(0);
  }, 180_000);

  it("connected components (messages both ways, Either direction) equal union-find; maxIterations bounds the run", async () => {
    const n = 30, edges = randomGraph(n, 25, 3);
    const vertices = sc.parallelize(Array.from({ length: n }, (_, i) => [i, i] as [VertexId, number]), 2);
    const run = (max: number) => pregel<number, number, number>({ vertices, edges: sc.parallelize(edges, 2) }, Infinity, max,
      (_id, c, msg) => Math.min(c, msg),
      (t) => (t.srcAttr < t.dstAttr ? [[t.dstId, t.srcAttr] as [VertexId, number]] : t.dstAttr < t.srcAttr ? [[t.srcId, t.dstAttr] as [VertexId, number]] : []),
      (a, b) => Math.min(a, b));
    const parent = Array.from({ length: n }, (_, i) => i);
    const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x]!)));
    for (const [s, d] of edges) { const a = find(s), b = find(d); if (a !== b) parent[Math.max(a, b)] = Math.min(a, b); }
    const comp = (i: number) => { let m = i; for (let j = 0; j < n; j++) if (find(j) === find(i)) m = Math.min(m, j); return m; };
    const got = new Map(await (await run(50)).vertices.collect());
    for (let i = 0; i < n; i++) expect(got.get(i), String(i)).toBe(comp(i));
    expect((await run(1)).iterations).toBe(1);
    await expect(run(-1)).rejects.toThrow(/maxIterations must be an integer >= 0/);
  }, 180_000);
});
