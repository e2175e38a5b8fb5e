// Local PageRank, topic-specific PageRank and HITS against networkx (pinned in test/python/requirements.txt),
// plus the lecture's y/a/m numbers, dead ends and spider traps.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { hits, pageRank, personalizedPageRank, stochasticMatrix, buildGraph, trustRank, type EdgeTuple } from "../../engine/graph";
import { venvPython } from "../python/venv";

const PY = String.raw`
import json, sys, networkx as nx
out = {}
def run(name, G, alpha, pers=None):
    pr = nx.pagerank(G, alpha=alpha, personalization=pers, tol=1e-13, max_iter=100000)
    h, a = nx.hits(G, max_iter=100000, tol=1e-14)
    out[name] = {"edges": [[u, v] for u, v in G.edges()], "nodes": list(G.nodes()), "pr": pr, "hubs": h, "auth": a}
K = nx.karate_club_graph().to_directed()
run("karate", nx.DiGraph([(u, v) for u, v in K.edges()]), 0.85)
R = nx.gnp_random_graph(80, 0.04, seed=7, directed=True)   # has dead ends and isolated vertices
run("random", R, 0.8)
run("random_topic", R, 0.85, {0: 1, 3: 2, 5: 1})
S = nx.scale_free_graph(150, seed=3)
W = nx.DiGraph()
W.add_nodes_from(S.nodes())
W.add_edges_from((u, v) for u, v in S.edges() if u != v)
run("scalefree", W, 0.9)
json.dump(out, sys.stdout)
`;

type Case = { edges: Array<[number, number]>; nodes: number[]; pr: Record<string, number>; hubs: Record<string, number>; auth: Record<string, number> };

describe("local PageRank", () => {
  it("gives the lecture's y/a/m numbers: flow equations, then teleport with a spider trap", () => {
    const yam: EdgeTuple[] = [["y", "y"], ["y", "a"], ["a", "y"], ["a", "m"], ["m", "a"]];
    expect(stochasticMatrix(buildGraph(yam))).toEqual([[0.5, 0.5, 0], [0.5, 0, 1], [0, 0.5, 0]]);
    const flow = pageRank(yam, { beta: 1, tol: 1e-15 });
    expect(flow.ranks.get("y")).toBeCloseTo(2 / 5, 12);
    expect(flow.ranks.get("a")).toBeCloseTo(2 / 5, 12);
    expect(flow.ranks.get("m")).toBeCloseTo(1 / 5, 12);
    expect(flow.deltas.at(-1)!).toBeLessThan(1e-15);
    const trap: EdgeTuple[] = [["y", "y"], ["y", "a"], ["a", "y"], ["a", "m"], ["m", "m"]];
    const r = pageRank(trap, { beta: 0.8, tol: 1e-15 }).ranks;
    expect(r.get("y")).toBeCloseTo(7 / 33, 12);
    expect(r.get("a")).toBeCloseTo(5 / 33, 12);
    expect(r.get("m")).toBeCloseTo(21 / 33, 12);
  });

  it("without teleport a dead end leaks importance and a spider trap absorbs it", () => {
    const dead: EdgeTuple[] = [["y", "y"], ["y", "a"], ["a", "y"], ["a", "m"]];
    const leak = pageRank(dead, { beta: 1, deadEnds: "leak", tol: 1e-14, maxIter: 5000 });
    const total = [...leak.ranks.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan(1e-6);
    const tele = pageRank(dead, { beta: 0.8 });
    expect([...tele.ranks.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const trap = pageRank([["y", "y"], ["y", "a"], ["a", "y"], ["a", "m"], ["m", "m"]], { beta: 1, tol: 1e-14, maxIter: 5000 });
    expect(trap.ranks.get("m")).toBeGreaterThan(1 - 1e-6);
  });

  it("rejects bad input with typed errors", () => {
    expect(() => pageRank([["a", "b", Number.NaN]])).toThrow(/GRAPH_INVALID_WEIGHT/);
    expect(() => pageRank([["a", "b", "x" as unknown as number]])).toThrow(/GRAPH_INVALID_WEIGHT/);
    expect(() => pageRank([["a", "z"]], { vertices: ["a", "b"] })).toThrow(/GRAPH_MISSING_VERTEX/);
    expect(() => pageRank([["a", "b"]], { vertices: ["a", "b", "a"] })).toThrow(/GRAPH_DUPLICATE_VERTEX/);
    expect(() => pageRank([["a", "b"]], { beta: 0 })).toThrow(/GRAPH_INVALID_PARAMETER/);
    expect(() => pageRank([["a", "b"]], { beta: 1.2 })).toThrow(/GRAPH_INVALID_PARAMETER/);
    expect(() => personalizedPageRank([["a", "b"]], ["q"])).toThrow(/GRAPH_MISSING_VERTEX/);
  });

  it("TrustRank gives spam farms a high spam mass", () => {
    // good pages 0..3 link among themselves; spam farm 10 with boosters 11..14 linking to it.
    const edges: EdgeTuple[] = [[0, 1], [1, 2], [2, 0], [3, 0], [0, 3], [2, 10]];
    for (let b = 11; b <= 14; b++) edges.push([10, b], [b, 10]);
    const t = trustRank(edges, [0, 1]);
    for (let b = 10; b <= 14; b++) expect(t.spamMass.get(b)!).toBeGreaterThan(0.3);
    for (let g = 0; g <= 3; g++) expect(t.spamMass.get(g)!).toBeLessThan(0.3);
    expect(t.spamMass.get(1)!).toBeLessThan(0);
  });

  it("agrees with networkx pagerank (plain, dead ends, topic-specific) and hits to 1e-9", () => {
    const data = JSON.parse(execFileSync(venvPython(), ["-c", PY], { encoding: "utf8", maxBuffer: 1 << 26 })) as Record<string, Case>;
    const betas: Record<string, number> = { karate: 0.85, random: 0.8, random_topic: 0.85, scalefree: 0.9 };
    for (const [name, c] of Object.entries(data)) {
      const teleport = name === "random_topic" ? new Map([[0, 1], [3, 2], [5, 1]]) : undefined;
      const ours = pageRank(c.edges, { beta: betas[name], vertices: c.nodes, tol: 1e-14, teleport });
      expect(ours.converged).toBe(true);
      for (const v of c.nodes) expect(Math.abs(ours.ranks.get(v)! - c.pr[String(v)]!), `${name} ${v}`).toBeLessThan(1e-9);
      if (name === "random_topic") continue;
      const h = hits(c.edges, { vertices: c.nodes });
      for (const v of c.nodes) {
        expect(Math.abs(h.hubs.get(v)! - c.hubs[String(v)]!), `${name} hub ${v}`).toBeLessThan(1e-7);
        expect(Math.abs(h.authorities.get(v)! - c.auth[String(v)]!), `${name} auth ${v}`).toBeLessThan(1e-7);
      }
    }
  }, 120_000);
});
