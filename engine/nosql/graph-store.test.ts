import { describe, expect, it } from "vitest";
import { GraphStore, parseCypher } from "./index";

async function social(): Promise<GraphStore> {
  const g = await GraphStore.create(null);
  for (const [id, name, age, city] of [["ann", "Ann", 31, "Oslo"], ["bob", "Bob", 35, "Oslo"], ["cy", "Cy", 28, "Rome"], ["di", "Di", 41, "Rome"], ["eve", "Eve", 23, "Oslo"], ["fay", "Fay", 39, "Bergen"]] as const) {
    await g.addNode(["Person"], { name, age, city }, id);
  }
  await g.addNode("Company", { name: "Acme" }, "acme");
  await g.addRelationships([
    { from: "ann", type: "KNOWS", to: "bob" }, { from: "bob", type: "KNOWS", to: "di" }, { from: "di", type: "KNOWS", to: "fay" },
    { from: "ann", type: "KNOWS", to: "cy" }, { from: "cy", type: "KNOWS", to: "di" }, { from: "eve", type: "KNOWS", to: "ann" },
    { from: "bob", type: "WORKS_AT", to: "acme", properties: { since: 2019 } }, { from: "di", type: "WORKS_AT", to: "acme", properties: { since: 2021 } },
  ]);
  return g;
}

describe("GraphStore", () => {
  it("traverses: neighbours by type and direction, BFS and DFS to a depth, shortest path", async () => {
    const g = await social();
    expect(await g.size()).toEqual({ nodes: 7, relationships: 8 });
    expect((await g.neighbours("ann", { type: "KNOWS" })).map((n) => n.id)).toEqual(["bob", "cy"]);
    expect((await g.neighbours("ann", { direction: "in" })).map((n) => n.id)).toEqual(["eve"]);
    expect((await g.neighbours("acme", { direction: "in", type: "WORKS_AT" })).map((n) => n.id)).toEqual(["bob", "di"]);
    expect(await g.bfs("ann", { type: "KNOWS", maxDepth: 2 })).toEqual([{ id: "ann", depth: 0 }, { id: "bob", depth: 1 }, { id: "cy", depth: 1 }, { id: "di", depth: 2 }]);
    expect((await g.dfs("ann", { type: "KNOWS" })).map((x) => x.id)).toEqual(["ann", "bob", "di", "fay", "cy"]);
    expect(await g.shortestPath("ann", "fay", { type: "KNOWS" })).toEqual(["ann", "bob", "di", "fay"]);
    expect(await g.shortestPath("fay", "ann", { type: "KNOWS" })).toBeNull();
    expect(await g.shortestPath("fay", "ann", { type: "KNOWS", direction: "both" })).toEqual(["fay", "di", "bob", "ann"]);
  });

  it("answers Cypher: patterns with labels, inline properties, directions, WHERE, RETURN, ORDER BY, LIMIT, count", async () => {
    const g = await social();
    expect(await g.query("MATCH (a:Person)-[:KNOWS]->(b) WHERE a.name = 'Ann' RETURN b.name")).toEqual([{ "b.name": "Bob" }, { "b.name": "Cy" }]);
    // Friends of friends of Ann, each once, by name.
    expect(await g.query("MATCH (a:Person {name: 'Ann'})-[:KNOWS]->(b)-[:KNOWS]->(c) RETURN DISTINCT c.name AS fof ORDER BY fof")).toEqual([{ fof: "Di" }]);
    expect(await g.query("MATCH (p:Person)-[r:WORKS_AT]->(c:Company) WHERE r.since >= 2020 OR p.age < 36 RETURN p.name, r.since ORDER BY r.since DESC")).toEqual([{ "p.name": "Di", "r.since": 2021 }, { "p.name": "Bob", "r.since": 2019 }]);
    expect(await g.query("MATCH (a)<-[:KNOWS]-(b:Person) WHERE a.city = 'Rome' RETURN a.name AS who, count(*) AS knownBy ORDER BY knownBy DESC, who LIMIT 1")).toEqual([{ who: "Di", knownBy: 2 }]);
    expect(await g.query("MATCH (p:Person) WHERE p.city <> 'Oslo' AND p.age > 30 RETURN p.id ORDER BY p.id")).toEqual([{ "p.id": "di" }, { "p.id": "fay" }]);
    expect(await g.query("MATCH (a:Person)-[:KNOWS]-(b:Person) WHERE a.name = 'Di' RETURN count(*)")).toEqual([{ "count(*)": 3 }]);
    expect(await g.query("MATCH (c:Company) RETURN c")).toEqual([{ c: { id: "acme", labels: ["Company"], name: "Acme" } }]);
  });

  it("agrees with a nested loop over the edges on a random graph (two-hop paths)", async () => {
    const g = await GraphStore.create(null);
    let s = 5;
    const rnd = (n: number) => { s = (s * 1103515245 + 12345) % 2147483648; return s % n; };
    for (let i = 0; i < 40; i++) await g.addNode("V", { k: i % 4 }, i);
    const edges: Array<[number, number]> = [];
    for (let e = 0; e < 120; e++) { const a = rnd(40), b = rnd(40); edges.push([a, b]); await g.addRelationship(a, "E", b); }
    const got = (await g.query("MATCH (a:V {k: 1})-[:E]->(b)-[:E]->(c) WHERE c.k <> 2 RETURN a.id, c.id")).map((r) => `${r["a.id"]}>${r["c.id"]}`).sort();
    const want: string[] = [];
    edges.forEach(([a, b], i) => edges.forEach(([b2, c], j) => { if (i !== j && b === b2 && a % 4 === 1 && c % 4 !== 2) want.push(`${a}>${c}`); }));
    expect(got).toEqual(want.sort());
  });

  it("says what is wrong in a query, where, and refuses bad graph input", async () => {
    const g = await social();
    expect(() => parseCypher("MATCH (a:Person RETURN a")).toThrow(/CYPHER_SYNTAX_ERROR.*expected '\)', found 'RETURN' at column 17/);
    expect(() => parseCypher("MATCH (a)-[:KNOWS*1..3]->(b) RETURN b")).toThrow(/variable-length relationships are not supported/);
    expect(() => parseCypher("MATCH (a) RETURN b.name")).toThrow(/CYPHER_UNDEFINED_VARIABLE.*`b`/);
    expect(() => parseCypher("MATCH (a) WHERE a.x ~ 1 RETURN a")).toThrow(/unexpected character|expected a comparison/);
    expect(() => parseCypher("MATCH (a) RETURN a ORDER BY a.name")).toThrow(/must be one of the returned items/);
    await expect(g.addRelationship("ann", "KNOWS", "nobody")).rejects.toThrow(/GRAPH_NODE_NOT_FOUND.*"nobody"/);
    await expect(g.addNode("Person", {}, "ann")).rejects.toThrow(/GRAPH_DUPLICATE_NODE/);
    await expect(g.addRelationship("ann", "has space", "bob")).rejects.toThrow(/GRAPH_INVALID_TYPE/);
  });
});
