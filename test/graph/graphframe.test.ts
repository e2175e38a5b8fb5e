// GraphFrame on real workers: degrees, triplets, filters, PageRank (two DataFrame stages per
// iteration) against a plain-JS recurrence, connected components, shortest paths, bad input.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphFrame } from "../../engine/graph";
import { col, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[2]")); }, 60_000);
afterAll(async () => { await spark?.stop(); });

const V = ["a", "b", "c", "d", "e", "f"].map((id, i) => ({ id, age: 20 + i }));
const E = [["a", "b"], ["b", "c"], ["c", "b"], ["f", "c"], ["e", "f"], ["e", "d"], ["d", "a"], ["a", "e"]].map(([src, dst]) => ({ src, dst, rel: "x" }));
const byId = (rows: Array<Record<string, unknown>>) => Object.fromEntries(rows.map((r) => [String(r.id), r]));

describe("GraphFrame", () => {
  it("degrees, triplets, filters", async () => {
    const g = new GraphFrame(spark.createDataFrame(V), spark.createDataFrame(E));
    const ind = byId(await g.inDegrees.collect());
    expect(ind.b!.inDegree).toBe(2);
    expect(ind.c!.inDegree).toBe(2);
    expect(byId(await g.outDegrees.collect()).e!.outDegree).toBe(2);
    expect(byId(await g.degrees.collect()).a!.degree).toBe(3);
    const t = await g.triplets.filter(col("src").eq("f")).collect();
    expect(t).toHaveLength(1);
    expect(t[0]).toMatchObject({ src: "f", dst: "c", src_age: 25, dst_age: 22 });
    const old = g.filterVertices(col("age").gt(21));
    expect((await old.edges.collect()).length).toBe(3); // f->c, e->f, e->d survive
    const iso = new GraphFrame(spark.createDataFrame([...V, { id: "z", age: 1 }]), spark.createDataFrame(E)).dropIsolatedVertices();
    expect(await iso.vertices.count()).toBe(6);
  }, 120_000);

  it("pageRank matches the GraphX recurrence computed in plain JS; personalised with sourceId", async () => {
    const g = new GraphFrame(spark.createDataFrame(V), spark.createDataFrame(E));
    for (const sourceId of [undefined, "a"]) {
      const res = await g.pageRank({ resetProbability: 0.15, maxIter: 8, sourceId });
      let pr = new Map(V.map((v) => [v.id, sourceId === undefined || v.id === sourceId ? 1 : 0]));
      const outd = new Map<string, number>();
      for (const e of E) outd.set(e.src, (outd.get(e.src) ?? 0) + 1);
      for (let i = 0; i < 8; i++) {
        const s = new Map<string, number>();
        for (const e of E) s.set(e.dst, (s.get(e.dst) ?? 0) + pr.get(e.src)! / outd.get(e.src)!);
        pr = new Map(V.map((v) => [v.id, (sourceId === undefined || v.id === sourceId ? 0.15 : 0) + 0.85 * (s.get(v.id) ?? 0)]));
      }
      const got = byId(await res.vertices.collect());
      for (const [id, r] of pr) expect(Math.abs(Number(got[id]!.pagerank) - r), id).toBeLessThan(1e-9);
      const w = await res.edges.filter(col("src").eq("e")).collect();
      expect(w.map((x) => x.weight)).toEqual([0.5, 0.5]);
    }
  }, 300_000);

  it("connected components and shortest paths", async () => {
    const g = new GraphFrame(spark.createDataFrame([...V, { id: "z", age: 1 }, { id: "y", age: 2 }]), spark.createDataFrame([...E, { src: "y", dst: "z", rel: "x" }]));
    const cc = byId(await (await g.connectedComponents()).collect());
    expect(cc.f!.component).toBe("a");
    expect(cc.z!.component).toBe("y");
    const sp = byId(await (await g.shortestPaths({ landmarks: ["a"] })).collect());
    expect(sp.e!.distances).toMatchObject({ a: 2 });
    expect(sp.a!.distances).toMatchObject({ a: 0 });
  }, 300_000);

  it("bad input: missing columns, edges to missing vertices, duplicate ids, bad resetProbability", async () => {
    expect(() => new GraphFrame(spark.createDataFrame([{ name: "a" }]), spark.createDataFrame(E))).toThrow(/GRAPH_MISSING_COLUMN/);
    const g = new GraphFrame(spark.createDataFrame(V.slice(0, 3)), spark.createDataFrame(E));
    await expect(g.pageRank({ maxIter: 2 })).rejects.toThrow(/GRAPH_MISSING_VERTEX/);
    const d = new GraphFrame(spark.createDataFrame([...V, { id: "a", age: 3 }]), spark.createDataFrame(E));
    await expect(d.connectedComponents()).rejects.toThrow(/GRAPH_DUPLICATE_VERTEX/);
    const ok = new GraphFrame(spark.createDataFrame(V), spark.createDataFrame(E));
    await expect(ok.pageRank({ resetProbability: 0, maxIter: 2 })).rejects.toThrow(/GRAPH_INVALID_PARAMETER/);
    await expect(ok.pageRank({ resetProbability: -0.1, maxIter: 2 })).rejects.toThrow(/GRAPH_INVALID_PARAMETER/);
  }, 120_000);
});

describe("GraphFrame motifs and triangles", () => {
  const adj = new Set(E.map((e) => `${e.src}>${e.dst}`));
  const ids = V.map((v) => v.id);

  it("find: named and anonymous elements, cycles, negation; vertex and edge structs", async () => {
    const g = new GraphFrame(spark.createDataFrame(V), spark.createDataFrame(E));
    // (a)-[e]->(b); (b)-[e2]->(a): mutual edges, both orders.
    const mutual = await g.find("(a)-[e]->(b); (b)-[e2]->(a)").collect();
    const want = E.filter((e) => adj.has(`${e.dst}>${e.src}`)).map((e) => `${e.src}${e.dst}`).sort();
    expect(mutual.map((r) => `${(r.a as { id: string }).id}${(r.b as { id: string }).id}`).sort()).toEqual(want);
    expect(Object.keys(mutual[0]!).sort()).toEqual(["a", "b", "e", "e2"]);
    expect(mutual[0]!.e).toMatchObject({ src: (mutual[0]!.a as { id: string }).id, rel: "x" });
    expect(typeof (mutual[0]!.a as { age: number }).age).toBe("number");
    // Paths of length 2 without the shortcut edge, anonymous middle edges.
    const rows = await g.find("(a)-[]->(b); (b)-[]->(c); !(a)-[]->(c)").collect();
    const ref: string[] = [];
    for (const a of ids) for (const b of ids) for (const c of ids) if (adj.has(`${a}>${b}`) && adj.has(`${b}>${c}`) && !adj.has(`${a}>${c}`)) ref.push(`${a}${b}${c}`);
    expect(rows.map((r) => ["a", "b", "c"].map((k) => (r[k] as { id: string }).id).join("")).sort()).toEqual(ref.sort());
    expect(Object.keys(rows[0]!).sort()).toEqual(["a", "b", "c"]);
    await expect(async () => g.find("(a)-[e]-(b)")).rejects.toThrow(/GRAPH_INVALID_MOTIF|not \(a\)-\[e\]->\(b\)/);
    expect(() => g.find("(a)-[e]->(b); (b)-[e]->(c)")).toThrow(/edge name 'e' is used twice/);
  }, 120_000);

  it("triangleCount counts each vertex's triangles in the undirected simple graph", async () => {
    const E2 = [...E, { src: "b", dst: "a", rel: "y" }, { src: "a", dst: "a", rel: "loop" }, { src: "d", dst: "f", rel: "x" }, { src: "b", dst: "d", rel: "x" }];
    const g = new GraphFrame(spark.createDataFrame(V), spark.createDataFrame(E2));
    const und = new Set<string>();
    for (const e of E2) if (e.src !== e.dst) { und.add(`${e.src}|${e.dst}`); und.add(`${e.dst}|${e.src}`); }
    const ref = new Map(ids.map((id) => [id, 0]));
    for (const a of ids) for (const b of ids) for (const c of ids) {
      if (a < b && b < c && und.has(`${a}|${b}`) && und.has(`${b}|${c}`) && und.has(`${a}|${c}`)) for (const v of [a, b, c]) ref.set(v, ref.get(v)! + 1);
    }
    const got = byId(await g.triangleCount().collect());
    for (const id of ids) expect(Number(got[id]!.count), id).toBe(ref.get(id));
    expect([...ref.values()].some((n) => n > 0)).toBe(true);
  }, 120_000);

  it("bfs: every shortest path as from, e0, v1, …, to; edge filters; no path", async () => {
    const E3 = [...E, { src: "a", dst: "c", rel: "slow" }];
    const g = new GraphFrame(spark.createDataFrame(V), spark.createDataFrame(E3));
    const ids = (r: Record<string, unknown>) => Object.keys(r).filter((k) => k === "from" || /^v\d+$/.test(k) || k === "to").map((k) => (r[k] as { id: string }).id).join("");
    const direct = await g.bfs({ fromExpr: "id = 'a'", toExpr: "id = 'c'" }).then((d) => d.collect());
    expect(direct.map(ids)).toEqual(["ac"]);
    expect(Object.keys(direct[0]!)).toEqual(["from", "e0", "to"]);
    const two = await (await g.bfs({ fromExpr: "id = 'd'", toExpr: "age = 22", edgeFilter: "rel != 'slow'" })).collect();
    expect(two.map(ids)).toEqual(["dabc"]);
    expect(Object.keys(two[0]!)).toEqual(["from", "e0", "v1", "e1", "v2", "e2", "to"]);
    expect(two[0]!.e1).toMatchObject({ src: "a", dst: "b" });
    // Two shortest paths of equal length are both returned.
    const both = await (await g.bfs({ fromExpr: "id = 'e'", toExpr: "id IN ('a', 'f')" })).collect();
    expect(both.map(ids).sort()).toEqual(["ef"]);
    const ends = await (await g.bfs({ fromExpr: "id = 'e'", toExpr: "id IN ('a', 'c')", maxPathLength: 2 })).collect();
    expect(ends.map(ids).sort()).toEqual(["eda", "efc"]);
    expect(await (await g.bfs({ fromExpr: "id = 'c'", toExpr: "id = 'a'" })).count()).toBe(0);
  }, 120_000);

  it("stronglyConnectedComponents: each vertex gets the smallest id of its SCC (checked against Tarjan's algorithm in plain JS)", async () => {
    const V2 = [...V, { id: "g", age: 1 }, { id: "h", age: 2 }, { id: "i", age: 3 }];
    const E4 = [...E, { src: "g", dst: "h", rel: "x" }, { src: "h", dst: "g", rel: "x" }, { src: "h", dst: "i", rel: "x" }, { src: "c", dst: "c", rel: "self" }];
    const g = new GraphFrame(spark.createDataFrame(V2), spark.createDataFrame(E4));
    // Tarjan
    const out = new Map<string, string[]>(V2.map((v) => [v.id, []]));
    for (const e of E4) out.get(e.src)!.push(e.dst);
    let index = 0;
    const idx = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>(), comp = new Map<string, string>();
    const visit = (v: string): void => {
      idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
      for (const w of out.get(v)!) {
        if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const members: string[] = [];
        let w: string;
        do { w = stack.pop()!; on.delete(w); members.push(w); } while (w !== v);
        const min = members.sort()[0]!;
        for (const m of members) comp.set(m, min);
      }
    };
    for (const v of V2) if (!idx.has(v.id)) visit(v.id);
    const got = byId(await (await g.stronglyConnectedComponents()).collect());
    for (const v of V2) expect(got[v.id]!.component, v.id).toBe(comp.get(v.id));
    expect(new Set(comp.values()).size).toBeGreaterThan(2);
  }, 300_000);

  it("parallelPersonalizedPageRank: one pass per iteration carries every source's rank; each equals pageRank with that sourceId", async () => {
    const g = new GraphFrame(spark.createDataFrame(V), spark.createDataFrame(E));
    const multi = byId(await (await g.parallelPersonalizedPageRank({ sourceIds: ["a", "e"], resetProbability: 0.15, maxIter: 6 })).vertices.collect());
    for (const [k, sourceId] of ["a", "e"].entries()) {
      const one = byId(await (await g.pageRank({ resetProbability: 0.15, maxIter: 6, sourceId })).vertices.collect());
      for (const v of V) expect(Math.abs((multi[v.id]!.pageranks as number[])[k]! - Number(one[v.id]!.pagerank)), `${sourceId} ${v.id}`).toBeLessThan(1e-12);
    }
    await expect(g.parallelPersonalizedPageRank({ sourceIds: ["nope"], maxIter: 2 })).rejects.toThrow(/source vertex "nope" is not in the vertices/);
  }, 300_000);
});
