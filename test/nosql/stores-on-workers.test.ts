// Stores hosted in the worker processes (local[2]) answer exactly as the same stores in one
// process: a wide-column table over a random sequence of puts, deletes, gets and scans, and a graph
// database over traversals and Cypher queries on a random graph; and after the worker holding a
// region or the graph is killed, the next operations reopen it on a live worker from its write log.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphStore, WideColumnStore, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[2]", { "spark.network.timeout": "5s" })); }, 60_000);
afterAll(async () => { await spark?.stop(); });

describe("WideColumnStore on the workers", () => {
  it("gives the same answers as the table in one process over random operations", async () => {
    const opts = { name: "events", families: ["d", "m"], maxVersions: 2, splits: ["g", "n", "t"] };
    const remote = await WideColumnStore.create(spark, opts);
    const local = await WideColumnStore.create(null, opts);
    expect(new Set(remote.hosts())).toEqual(new Set(spark.cluster.workers().map((w) => w.id)));
    let s = 3;
    const rnd = (n: number) => { s = (s * 1103515245 + 12345) % 2147483648; return s % n; };
    const rowOf = () => `${String.fromCharCode(97 + rnd(26))}${rnd(5)}`;
    for (let step = 0; step < 300; step++) {
      const row = rowOf(), r = rnd(10), ts = step + 1;
      if (r < 6) {
        const cells = { [`${rnd(2) ? "d" : "m"}:c${rnd(6)}`]: rnd(100), ...(rnd(2) ? { "d:tag": `t${rnd(3)}` } : {}) };
        await remote.put(row, cells, { timestamp: ts }); await local.put(row, cells, { timestamp: ts });
      } else if (r < 7) {
        expect(await remote.delete(row)).toBe(await local.delete(row));
      } else if (r < 9) {
        expect(await remote.get(row, { versions: 2 })).toEqual(await local.get(row, { versions: 2 }));
      } else {
        const a = rowOf(), b = rowOf(), range = { start: a < b ? a : b, stop: a < b ? b : a, families: rnd(2) ? ["d"] : undefined };
        expect(await remote.scan(range)).toEqual(await local.scan(range));
      }
    }
    expect(await remote.scan()).toEqual(await local.scan());
    expect(await remote.storage()).toEqual(await local.storage());
  }, 120_000);
});

describe("GraphStore on a worker", () => {
  it("lives on a worker and answers traversals and Cypher as the graph in one process", async () => {
    const remote = await GraphStore.create(spark, { name: "social" });
    const local = await GraphStore.create(null, { name: "social" });
    expect(spark.cluster.workers().map((w) => w.id)).toContain(remote.host);
    let s = 21;
    const rnd = (n: number) => { s = (s * 1103515245 + 12345) % 2147483648; return s % n; };
    const nodes = Array.from({ length: 60 }, (_, i) => ({ labels: [i % 3 ? "Person" : "Place"], properties: { name: `v${i}`, age: 20 + rnd(40) }, id: i }));
    const rels = Array.from({ length: 200 }, () => ({ from: rnd(60), type: rnd(3) ? "KNOWS" : "VISITED", to: rnd(60), properties: { w: rnd(10) } }));
    for (const g of [remote, local]) { await g.addNodes(nodes); await g.addRelationships(rels); }
    for (let t = 0; t < 10; t++) {
      const a = rnd(60), b = rnd(60);
      expect(await remote.bfs(a, { type: "KNOWS", maxDepth: 3 })).toEqual(await local.bfs(a, { type: "KNOWS", maxDepth: 3 }));
      expect(await remote.shortestPath(a, b, { direction: "both" })).toEqual(await local.shortestPath(a, b, { direction: "both" }));
    }
    for (const q of [
      "MATCH (a:Person)-[:KNOWS]->(b:Person) WHERE a.age > 40 RETURN a.name, b.name ORDER BY a.name, b.name",
      "MATCH (a)-[r:VISITED]->(p:Place) RETURN p.name AS place, count(*) AS visits ORDER BY visits DESC, place LIMIT 5",
      "MATCH (a:Person)-[:KNOWS]->(b)-[:KNOWS]->(c) WHERE a.name = 'v1' OR a.name = 'v2' RETURN DISTINCT c.name ORDER BY c.name",
    ]) expect(await remote.query(q)).toEqual(await local.query(q));
  }, 120_000);
});

describe("stores after a lost worker", () => {
  it("a wide-column table and a graph reopen on a live worker from their logs and answer as before", async () => {
    const opts = { name: "durable", families: ["d"], splits: ["m"] };
    const remote = await WideColumnStore.create(spark, opts);
    const local = await WideColumnStore.create(null, opts);
    const g = await GraphStore.create(spark, { name: "durable-graph" });
    const gl = await GraphStore.create(null, { name: "durable-graph" });
    let s = 8;
    const rnd = (n: number) => { s = (s * 1103515245 + 12345) % 2147483648; return s % n; };
    const step = async (i: number) => {
      const row = `${String.fromCharCode(97 + rnd(26))}${rnd(4)}`;
      if (rnd(5) === 0) { await remote.delete(row); await local.delete(row); }
      else { const cells = { [`d:c${rnd(4)}`]: i }; await remote.put(row, cells, { timestamp: i + 1 }); await local.put(row, cells, { timestamp: i + 1 }); }
    };
    for (let i = 0; i < 100; i++) await step(i);
    for (const x of [g, gl]) { await x.addNodes(Array.from({ length: 20 }, (_, i) => ({ labels: ["V"], properties: { n: i }, id: i }))); await x.addRelationships(Array.from({ length: 40 }, (_, i) => ({ from: i % 20, type: "E", to: (i * 7) % 20 }))); }
    const victim = remote.hosts()[0]!;
    expect(g.host).toBe(victim); // both placed on the first live worker
    await spark.cluster.kill(victim);
    for (let i = 100; i < 200; i++) await step(i);
    expect(await remote.scan()).toEqual(await local.scan());
    expect(remote.reopenedRegions).toBeGreaterThanOrEqual(1);
    expect(remote.hosts()).not.toContain(victim);
    const q = "MATCH (a:V)-[:E]->(b)-[:E]->(c) RETURN a.n, c.n ORDER BY a.n, c.n";
    expect(await g.query(q)).toEqual(await gl.query(q));
    expect(g.host).not.toBe(victim);
    expect(g.reopened).toBe(1);
  }, 120_000);
});
