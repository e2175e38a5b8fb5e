import { describe, expect, it } from "vitest";
import type { EdgeTuple } from "./graph-data";
import { expectedRandomVertexCutReplication, partitionGraph } from "./partitioning";

function powerLaw(n: number, m: number, seed: number): EdgeTuple[] {
  // preferential attachment: each new vertex links to m earlier endpoints chosen by degree
  let s = seed;
  const rnd = (): number => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  const ends: number[] = [0, 1];
  const edges: EdgeTuple[] = [[0, 1]];
  for (let v = 2; v < n; v++) for (let j = 0; j < m; j++) { const u = ends[Math.floor(rnd() * ends.length)]!; edges.push([v, u]); ends.push(v, u); }
  return edges;
}

describe("edge cut vs vertex cut", () => {
  const edges = powerLaw(4000, 3, 11);
  const deg = new Map<number, number>();
  for (const [s, d] of edges) { deg.set(s as number, (deg.get(s as number) ?? 0) + 1); deg.set(d as number, (deg.get(d as number) ?? 0) + 1); }

  it("random vertex cut replication matches p(1-(1-1/p)^d) within 3%", () => {
    for (const p of [4, 8, 16]) {
      const r = partitionGraph(edges, p, "RandomVertexCut");
      const want = expectedRandomVertexCutReplication([...deg.values()], p);
      expect(Math.abs(r.replicationFactor - want) / want).toBeLessThan(0.03);
      expect(r.edgesPerPartition.reduce((a, b) => a + b, 0)).toBe(edges.length);
    }
  });

  it("2D partitioning bounds replicas by 2*sqrt(p)-1; edge cut stores each vertex once and counts cut edges", () => {
    const r = partitionGraph(edges, 16, "EdgePartition2D");
    for (const parts of r.replicas.values()) expect(parts.length).toBeLessThanOrEqual(7);
    const e = partitionGraph(edges, 16, "EdgeCut");
    expect(e.replicationFactor).toBe(1);
    let cut = 0;
    for (let i = 0; i < edges.length; i++) if (e.replicas.get(edges[i]![0])![0] !== e.replicas.get(edges[i]![1])![0]) cut++;
    expect(e.communicationPerIteration).toBe(cut);
    expect(() => partitionGraph(edges, 0, "EdgeCut")).toThrow(/GRAPH_INVALID_PARAMETER/);
  });
});
