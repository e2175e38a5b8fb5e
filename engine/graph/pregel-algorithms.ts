// Lecture 9's algorithms written vertex-centrically for the Pregel engine: PageRank (with dead
// ends handled by an aggregator), single-source shortest paths, connected components and label
// propagation.

import type { RDD } from "../rdd";
import type { EdgeTuple, VertexId } from "./graph-data";
import { checkBeta } from "./pagerank-local";
import { runPregel, type PregelResult } from "./pregel";

/** The weighted edges (both directions if undirected); the vertices are the edges' ends (vertices: null, Graph.fromEdges). */
function vertexAndEdgeRDDs(edges: RDD<EdgeTuple>, undirected: boolean): { vertices: null; edgeRDD: RDD<[VertexId, VertexId, number]> } {
  const weight = (e: EdgeTuple): number => {
    const w = e.length > 2 ? e[2] : 1;
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0) throw new Error(`GRAPH_INVALID_WEIGHT: edge ${JSON.stringify(e[0])} -> ${JSON.stringify(e[1])} has weight ${JSON.stringify(w)}`);
    return w;
  };
  const edgeRDD = undirected
    ? edges.flatMap((e: EdgeTuple) => { const w = weight(e); return [[e[0], e[1], w], [e[1], e[0], w]] as Array<[VertexId, VertexId, number]>; })
    : edges.map((e: EdgeTuple) => [e[0], e[1], weight(e)] as [VertexId, VertexId, number]);
  return { vertices: null, edgeRDD };
}

/** PageRank on Pregel: superstep k holds the ranks after k power-iteration steps (same numbers as pageRank()). */
export async function pregelPageRank(edges: RDD<EdgeTuple>, opts: { beta?: number; maxIter?: number; numPartitions?: number; checkpointInterval?: number } = {}): Promise<PregelResult<number>> {
  const beta = opts.beta ?? 0.85, maxIter = opts.maxIter ?? 20;
  checkBeta(beta);
  const { vertices, edgeRDD } = vertexAndEdgeRDDs(edges, false);
  return runPregel<number | null, number, number>(vertices, edgeRDD, (v, msgs, ctx) => {
    const n = ctx.numVertices;
    if (ctx.superstep === 0) v.value = 1 / n;
    else {
      let sum = 0;
      for (const m of msgs) sum += m;
      const dangling = ctx.getAggregatedValue<number>("dangling") ?? 0;
      v.value = beta * sum + (1 - beta * (1 - dangling)) / n;
    }
    if (ctx.superstep >= maxIter) { ctx.voteToHalt(); return; }
    let tot = 0, uniform = true;
    const es = v.edges, w0 = es.length > 0 ? es[0]!.value : 0;
    for (const e of es) { tot += e.value; if (e.value !== w0) uniform = false; }
    if (tot === 0) ctx.aggregate("dangling", v.value);
    else if (uniform) ctx.sendToAllNeighbors((v.value! * w0) / tot); // the same share on every edge
    else for (const e of es) ctx.sendMessageTo(e.target, (v.value! * e.value) / tot);
  }, { combiner: (a, b) => a + b, aggregators: { dangling: (a, b) => (a as number) + (b as number) }, numPartitions: opts.numPartitions, checkpointInterval: opts.checkpointInterval }) as Promise<PregelResult<number>>;
}

/** Single-source shortest paths (non-negative weights); unreachable vertices get null. */
export async function pregelShortestPaths(edges: RDD<EdgeTuple>, source: VertexId, opts: { numPartitions?: number } = {}): Promise<PregelResult<number | null>> {
  const { vertices, edgeRDD } = vertexAndEdgeRDDs(edges, false);
  return runPregel<number | null, number, number>(vertices, edgeRDD, (v, msgs, ctx) => {
    let best = ctx.superstep === 0 && v.id === source ? 0 : null;
    for (const m of msgs) if (best === null || m < best) best = m;
    if (best !== null && (v.value === null || best < v.value)) {
      v.value = best;
      for (const e of v.edges) ctx.sendMessageTo(e.target, best + e.value);
    }
    ctx.voteToHalt();
  }, { combiner: (a, b) => Math.min(a, b), numPartitions: opts.numPartitions });
}

/** Weakly connected components: every vertex ends with the smallest id of its component. */
export async function pregelConnectedComponents(edges: RDD<EdgeTuple>, opts: { numPartitions?: number } = {}): Promise<PregelResult<VertexId>> {
  const { vertices, edgeRDD } = vertexAndEdgeRDDs(edges, true);
  return runPregel<VertexId, number, VertexId>(vertices, edgeRDD, (v, msgs, ctx) => {
    if (ctx.superstep === 0) { v.value = v.id; ctx.sendToAllNeighbors(v.id); ctx.voteToHalt(); return; }
    let best = v.value;
    for (const m of msgs) if (m < best) best = m;
    if (best < v.value) { v.value = best; ctx.sendToAllNeighbors(best); }
    ctx.voteToHalt();
  }, { combiner: (a, b) => (a < b ? a : b), numPartitions: opts.numPartitions });
}

/** Label propagation (synchronous, as GraphFrames): each superstep a vertex takes its neighbours' most frequent label (ties: smallest). */
export async function pregelLabelPropagation(edges: RDD<EdgeTuple>, opts: { maxIter?: number; numPartitions?: number } = {}): Promise<PregelResult<VertexId>> {
  const maxIter = opts.maxIter ?? 5;
  const { vertices, edgeRDD } = vertexAndEdgeRDDs(edges, true);
  return runPregel<VertexId, number, VertexId>(vertices, edgeRDD, (v, msgs, ctx) => {
    if (ctx.superstep === 0) v.value = v.id;
    else if (msgs.length > 0) {
      const count = new Map<VertexId, number>();
      for (const m of msgs) count.set(m, (count.get(m) ?? 0) + 1);
      let best: VertexId | undefined, bc = -1;
      for (const [l, c] of count) if (c > bc || (c === bc && l < best!)) { best = l; bc = c; }
      v.value = best!;
    }
    if (ctx.superstep >= maxIter) { ctx.voteToHalt(); return; }
    ctx.sendToAllNeighbors(v.value);
  }, { numPartitions: opts.numPartitions });
}

/**
 * Strongly connected components by forward-backward colouring, each step a Pregel run on the
 * workers: (1) every vertex takes the smallest id that reaches it (colours flow along edges);
 * (2) from each vertex whose colour is its own id, walk the edges backwards through vertices of
 * the same colour: those reached form that vertex's SCC. Assigned vertices leave the graph and
 * the rounds repeat. Every vertex ends with the smallest id of its SCC (GraphX's convention).
 */
export async function pregelStronglyConnectedComponents(edges: RDD<EdgeTuple>, vertexIds: VertexId[], opts: { maxIter?: number; numPartitions?: number } = {}): Promise<Map<VertexId, VertexId>> {
  const scc = new Map<VertexId, VertexId>();
  const maxIter = opts.maxIter ?? 100;
  const plain = edges.map((e: EdgeTuple) => [e[0], e[1]] as [VertexId, VertexId]).filter((e: [VertexId, VertexId]) => e[0] !== e[1]).cache();
  try {
    for (let round = 0; round < maxIter && scc.size < vertexIds.length; round++) {
      const assigned = new Set(scc.keys());
      const live = plain.filter((e: [VertexId, VertexId]) => !assigned.has(e[0]) && !assigned.has(e[1]));
      const fwd = vertexAndEdgeRDDs(live as unknown as RDD<EdgeTuple>, false);
      const colours = (await runPregel<VertexId | null, number, VertexId>(fwd.vertices, fwd.edgeRDD, (v, msgs, ctx) => {
        let best = ctx.superstep === 0 ? v.id : v.value!;
        for (const m of msgs) if (m < best) best = m;
        if (ctx.superstep === 0 || best < v.value!) { v.value = best; ctx.sendToAllNeighbors(best); }
        ctx.voteToHalt();
      }, { combiner: (a, b) => (a < b ? a : b), numPartitions: opts.numPartitions })).values as Map<VertexId, VertexId>;
      const colour = colours;
      const back = live.filter((e: [VertexId, VertexId]) => colour.get(e[0]) === colour.get(e[1])).map((e: [VertexId, VertexId]) => [e[1], e[0]] as [VertexId, VertexId]);
      const bwd = vertexAndEdgeRDDs(back as unknown as RDD<EdgeTuple>, false);
      const reached = (await runPregel<boolean | null, number, boolean>(bwd.vertices, bwd.edgeRDD, (v, msgs, ctx) => {
        const start = ctx.superstep === 0 && colour.get(v.id) === v.id;
        if ((start || msgs.length > 0) && v.value !== true) { v.value = true; ctx.sendToAllNeighbors(true); }
        else if (v.value === null) v.value = false;
        ctx.voteToHalt();
      }, { combiner: () => true, numPartitions: opts.numPartitions })).values;
      for (const [id, c] of colour) if (c === id || reached.get(id) === true) scc.set(id, c);
      // Vertices with no live edge left are their own component.
      const inLive = new Set(colour.keys());
      for (const id of vertexIds) if (!scc.has(id) && !inLive.has(id)) scc.set(id, id);
    }
  } finally {
    plain.unpersist();
  }
  return scc;
}
