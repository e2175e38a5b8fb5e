// A graph database (lecture 4; Neo4j's property graph): nodes with labels and properties,
// directed relationships with a type and properties, index-free adjacency (each node keeps its
// own relationship lists, so a traversal step costs the node's degree, not a join over a table).
// Traversals (neighbours, BFS, DFS, shortest path) and a small Cypher run where the graph lives: in
// a worker process (the "nosql.graph" service) or, without a session, in this process.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AnalysisError } from "../common/errors";
import { compareValues } from "./doc-query";
import { parseCypher, type Comparison, type CypherQuery, type Operand } from "./cypher";
import type { StoreCluster } from "./store-cluster";
import { registerShardService, ShardHost, type OpBody } from "./shard-host";

export type GraphId = string | number;
export interface GraphNode { id: GraphId; labels: string[]; properties: Record<string, unknown> }
export interface GraphRelationship { id: number; type: string; from: GraphId; to: GraphId; properties: Record<string, unknown> }
export type Direction = "out" | "in" | "both";
export interface TraversalOptions { type?: string; direction?: Direction; maxDepth?: number }

/** The graph itself (one partition: Neo4j scales reads by replicas, not by cutting the graph). */
export class PropertyGraph {
  private readonly nodes = new Map<GraphId, GraphNode>();
  private readonly rels: GraphRelationship[] = [];
  private readonly out = new Map<GraphId, number[]>();
  private readonly inc = new Map<GraphId, number[]>();
  private nextId = 1;

  addNode(labels: string[], properties: Record<string, unknown>, id?: GraphId): GraphId {
    const nid = id ?? `n${this.nextId++}`;
    if (this.nodes.has(nid)) throw new AnalysisError("GRAPH_DUPLICATE_NODE", `A node with id ${JSON.stringify(nid)} exists already.`, { parameters: { id: nid } });
    this.nodes.set(nid, { id: nid, labels, properties });
    this.out.set(nid, []); this.inc.set(nid, []);
    return nid;
  }

  private need(id: GraphId): GraphNode {
    const n = this.nodes.get(id);
    if (!n) throw new AnalysisError("GRAPH_NODE_NOT_FOUND", `No node with id ${JSON.stringify(id)}.`, { parameters: { id } });
    return n;
  }

  addRelationship(from: GraphId, type: string, to: GraphId, properties: Record<string, unknown>): number {
    this.need(from); this.need(to);
    const r: GraphRelationship = { id: this.rels.length, type, from, to, properties };
    this.rels.push(r);
    this.out.get(from)!.push(r.id); this.inc.get(to)!.push(r.id);
    return r.id;
  }

  node(id: GraphId): GraphNode | null { return this.nodes.get(id) ?? null; }
  get size(): { nodes: number; relationships: number } { return { nodes: this.nodes.size, relationships: this.rels.length }; }

  /** Steps from a node: [relationship, the node at its other end]. */
  private steps(id: GraphId, dir: Direction, type?: string): Array<[GraphRelationship, GraphId]> {
    const res: Array<[GraphRelationship, GraphId]> = [];
    if (dir !== "in") for (const r of this.out.get(id)!) { const rel = this.rels[r]!; if (!type || rel.type === type) res.push([rel, rel.to]); }
    if (dir !== "out") for (const r of this.inc.get(id)!) { const rel = this.rels[r]!; if (!type || rel.type === type) res.push([rel, rel.from]); }
    return res;
  }

  neighbours(id: GraphId, o: TraversalOptions): GraphNode[] {
    this.need(id);
    const seen = new Set<GraphId>();
    return this.steps(id, o.direction ?? "out", o.type).map(([, n]) => n).filter((n) => !seen.has(n) && seen.add(n)).map((n) => this.nodes.get(n)!);
  }

  bfs(start: GraphId, o: TraversalOptions): Array<{ id: GraphId; depth: number }> {
    this.need(start);
    const depth = new Map<GraphId, number>([[start, 0]]);
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      const u = queue[i]!, d = depth.get(u)!;
      if (o.maxDepth !== undefined && d >= o.maxDepth) continue;
      for (const [, v] of this.steps(u, o.direction ?? "out", o.type)) if (!depth.has(v)) { depth.set(v, d + 1); queue.push(v); }
    }
    return queue.map((id) => ({ id, depth: depth.get(id)! }));
  }

  dfs(start: GraphId, o: TraversalOptions): Array<{ id: GraphId; depth: number }> {
    this.need(start);
    const seen = new Set<GraphId>(), out: Array<{ id: GraphId; depth: number }> = [];
    const visit = (u: GraphId, d: number) => {
      seen.add(u); out.push({ id: u, depth: d });
      if (o.maxDepth !== undefined && d >= o.maxDepth) return;
      for (const [, v] of this.steps(u, o.direction ?? "out", o.type)) if (!seen.has(v)) visit(v, d + 1);
    };
    visit(start, 0);
    return out;
  }

  /** Fewest relationships from `from` to `to` (BFS), as the node ids on the way; null if none. */
  shortestPath(from: GraphId, to: GraphId, o: TraversalOptions): GraphId[] | null {
    this.need(from); this.need(to);
    const prev = new Map<GraphId, GraphId | null>([[from, null]]);
    const queue = [from];
    for (let i = 0; i < queue.length && !prev.has(to); i++) {
      for (const [, v] of this.steps(queue[i]!, o.direction ?? "out", o.type)) if (!prev.has(v)) { prev.set(v, queue[i]!); queue.push(v); }
    }
    if (!prev.has(to)) return null;
    const path: GraphId[] = [];
    for (let c: GraphId | null = to; c !== null; c = prev.get(c)!) path.unshift(c);
    return path;
  }

  /** Run a parsed Cypher query: every binding of the pattern that passes WHERE, projected. */
  query(q: CypherQuery): Array<Record<string, unknown>> {
    const bindings: Array<Map<string, GraphNode | GraphRelationship>> = [];
    const fits = (n: GraphNode, p: CypherQuery["nodes"][number]) =>
      p.labels.every((l) => n.labels.includes(l)) && Object.entries(p.props).every(([k, v]) => compareValues(n.properties[k], v) === 0);
    const walk = (i: number, at: GraphNode, b: Map<string, GraphNode | GraphRelationship>, used: Set<number>) => {
      if (i === q.rels.length) { bindings.push(new Map(b)); return; }
      const r = q.rels[i]!, np = q.nodes[i + 1]!;
      for (const [rel, other] of this.steps(at.id, r.dir, r.type)) {
        if (used.has(rel.id)) continue; // Cypher: a relationship is used once per match
        const n = this.nodes.get(other)!;
        if (!fits(n, np)) continue;
        const bn = np.v ? b.get(np.v) : undefined;
        if (bn && bn !== n) continue;
        const next = new Map(b);
        if (r.v) next.set(r.v, rel);
        if (np.v) next.set(np.v, n);
        used.add(rel.id);
        walk(i + 1, n, next, used);
        used.delete(rel.id);
      }
    };
    for (const n of this.nodes.values()) if (fits(n, q.nodes[0]!)) walk(0, n, new Map(q.nodes[0]!.v ? [[q.nodes[0]!.v, n]] : []), new Set());
    const value = (o: Operand, b: Map<string, GraphNode | GraphRelationship>): unknown => {
      if (o.kind === "lit") return o.value;
      const x = b.get(o.v)!;
      if (o.kind === "prop") return o.key === "id" && !("id" in x.properties) ? x.id : x.properties[o.key] ?? null;
      return "labels" in x ? { id: x.id, labels: x.labels, ...x.properties } : { type: x.type, ...x.properties };
    };
    const test = (c: Comparison, b: Map<string, GraphNode | GraphRelationship>) => {
      const l = value(c.left, b), r = value(c.right, b);
      if (l === null || r === null) return false; // null compares to nothing, as in Cypher
      const k = compareValues(l, r);
      return c.op === "=" ? k === 0 : c.op === "<>" ? k !== 0 : c.op === "<" ? k < 0 : c.op === ">" ? k > 0 : c.op === "<=" ? k <= 0 : k >= 0;
    };
    const kept = q.where.length === 0 ? bindings : bindings.filter((b) => q.where.some((conj) => conj.every((c) => test(c, b))));
    let rows: Array<Record<string, unknown>>;
    if (q.ret.some((r) => r.expr.kind === "count")) {
      // count(*) groups by the other returned items.
      const groups = new Map<string, { row: Record<string, unknown>; n: number }>();
      for (const b of kept) {
        const row: Record<string, unknown> = {};
        for (const r of q.ret) if (r.expr.kind !== "count") row[r.alias] = value(r.expr, b);
        const key = JSON.stringify(row);
        const g = groups.get(key) ?? { row, n: 0 };
        g.n++; groups.set(key, g);
      }
      rows = [...groups.values()].map((g) => Object.fromEntries(q.ret.map((r) => [r.alias, r.expr.kind === "count" ? g.n : g.row[r.alias]])));
      if (rows.length === 0 && q.ret.every((r) => r.expr.kind === "count")) rows = [Object.fromEntries(q.ret.map((r) => [r.alias, 0]))];
    } else rows = kept.map((b) => Object.fromEntries(q.ret.map((r) => [r.alias, value(r.expr as Operand, b)])));
    if (q.distinct) { const seen = new Set<string>(); rows = rows.filter((r) => { const k = JSON.stringify(r); return !seen.has(k) && !!seen.add(k); }); }
    if (q.orderBy.length > 0) rows.sort((a, b) => { for (const o of q.orderBy) { const c = compareValues(a[o.alias], b[o.alias]); if (c !== 0) return o.desc ? -c : c; } return 0; });
    return q.limit !== undefined ? rows.slice(0, q.limit) : rows;
  }
}

export const GRAPH_SERVICE = "nosql.graph";

type Op =
  | { op: "open"; store: string; shard: number }
  | { op: "addNodes"; store: string; shard: number; nodes: Array<{ labels: string[]; properties: Record<string, unknown>; id?: GraphId }> }
  | { op: "addRels"; store: string; shard: number; rels: Array<{ from: GraphId; type: string; to: GraphId; properties: Record<string, unknown> }> }
  | { op: "node"; store: string; shard: number; id: GraphId }
  | { op: "size"; store: string; shard: number }
  | { op: "traverse"; store: string; shard: number; how: "neighbours" | "bfs" | "dfs"; id: GraphId; o: TraversalOptions }
  | { op: "path"; store: string; shard: number; from: GraphId; to: GraphId; o: TraversalOptions }
  | { op: "query"; store: string; shard: number; q: CypherQuery };

function applyOp(g: PropertyGraph, op: Op): unknown {
  switch (op.op) {
    case "open": return null;
    case "addNodes": return op.nodes.map((n) => g.addNode(n.labels, n.properties, n.id));
    case "addRels": return op.rels.map((r) => g.addRelationship(r.from, r.type, r.to, r.properties));
    case "node": return g.node(op.id);
    case "size": return g.size;
    case "traverse": return op.how === "neighbours" ? g.neighbours(op.id, op.o) : op.how === "bfs" ? g.bfs(op.id, op.o) : g.dfs(op.id, op.o);
    case "path": return g.shortestPath(op.from, op.to, op.o);
    case "query": return g.query(op.q);
  }
}

const isWrite = (op: Op) => op.op === "addNodes" || op.op === "addRels";

/** Registered by the worker process (nosql/worker.ts). */
export function registerGraphService(): void {
  registerShardService<PropertyGraph, Op>(GRAPH_SERVICE, () => new PropertyGraph(), applyOp, isWrite);
}

export class GraphStore {
  private shards!: ShardHost<PropertyGraph, Op>;
  private constructor(readonly name: string) {}

  /** A graph database on one of the session's workers, or here without a session. */
  static async create(spark: { cluster?: StoreCluster } | null | undefined, opts: { name?: string; dir?: string } = {}): Promise<GraphStore> {
    const g = new GraphStore(opts.name ?? "graph");
    const cluster = spark?.cluster;
    g.shards = await ShardHost.open<PropertyGraph, Op>(cluster, GRAPH_SERVICE, 1, () => new PropertyGraph(), applyOp, () => ({ op: "open", store: g.name, shard: 0 }),
      cluster ? { logDir: opts.dir ?? mkdtempSync(join(tmpdir(), `graph-${g.name}-`)), isWrite } : {});
    return g;
  }

  /** Times the graph was opened again (from its log) after its worker was lost. */
  get reopened(): number { return this.shards.reopened; }

  /** Where the graph lives: a worker id or "driver". */
  get host(): string { return this.shards.hosts()[0]!; }

  private call(op: OpBody<Op>): Promise<unknown> {
    return this.shards.call(0, { ...op, store: this.name, shard: 0 } as Op);
  }

  async addNode(labels: string | string[], properties: Record<string, unknown> = {}, id?: GraphId): Promise<GraphId> {
    return (await this.addNodes([{ labels: typeof labels === "string" ? [labels] : labels, properties, ...(id !== undefined ? { id } : {}) }]))[0]!;
  }

  async addNodes(nodes: Array<{ labels: string[]; properties?: Record<string, unknown>; id?: GraphId }>): Promise<GraphId[]> {
    return await this.call({ op: "addNodes", nodes: nodes.map((n) => ({ labels: n.labels, properties: n.properties ?? {}, ...(n.id !== undefined ? { id: n.id } : {}) })) }) as GraphId[];
  }

  async addRelationship(from: GraphId, type: string, to: GraphId, properties: Record<string, unknown> = {}): Promise<number> {
    return (await this.addRelationships([{ from, type, to, properties }]))[0]!;
  }

  async addRelationships(rels: Array<{ from: GraphId; type: string; to: GraphId; properties?: Record<string, unknown> }>): Promise<number[]> {
    for (const r of rels) if (typeof r.type !== "string" || !/^[A-Za-z_]\w*$/.test(r.type)) throw new AnalysisError("GRAPH_INVALID_TYPE", `Relationship type ${JSON.stringify(r.type)} is not a name.`, { parameters: { type: r.type } });
    return await this.call({ op: "addRels", rels: rels.map((r) => ({ ...r, properties: r.properties ?? {} })) }) as number[];
  }

  async node(id: GraphId): Promise<GraphNode | null> { return await this.call({ op: "node", id }) as GraphNode | null; }
  async size(): Promise<{ nodes: number; relationships: number }> { return await this.call({ op: "size" }) as { nodes: number; relationships: number }; }
  async neighbours(id: GraphId, o: TraversalOptions = {}): Promise<GraphNode[]> { return await this.call({ op: "traverse", how: "neighbours", id, o }) as GraphNode[]; }
  async bfs(id: GraphId, o: TraversalOptions = {}): Promise<Array<{ id: GraphId; depth: number }>> { return await this.call({ op: "traverse", how: "bfs", id, o }) as Array<{ id: GraphId; depth: number }>; }
  async dfs(id: GraphId, o: TraversalOptions = {}): Promise<Array<{ id: GraphId; depth: number }>> { return await this.call({ op: "traverse", how: "dfs", id, o }) as Array<{ id: GraphId; depth: number }>; }
  async shortestPath(from: GraphId, to: GraphId, o: TraversalOptions = {}): Promise<GraphId[] | null> { return await this.call({ op: "path", from, to, o }) as GraphId[] | null; }

  /** A Cypher query (MATCH ... [WHERE ...] RETURN ... [ORDER BY ...] [LIMIT n]), parsed here, run where the graph lives. */
  async query(cypher: string): Promise<Array<Record<string, unknown>>> {
    return await this.call({ op: "query", q: parseCypher(cypher) }) as Array<Record<string, unknown>>;
  }
}
