// Lecture 9's algorithms written vertex-centrically for the Pregel engine: PageRank (with dead
// ends handled by an aggregator), single-source shortest paths, connected components and label
// propagation.

import type { RDD } from "../rdd";
import type { EdgeTuple, VertexId } from "./graph-data";
import { checkBeta } from "./pagerank-local";
import { runPregel, type PregelOptions, type PregelResult } from "./pregel";
import type { EdgeInput } from "./pregel-partition";

/** The algorithms' edges: [src, dst, weight?] records read by the build (weight 1 when absent), in both directions if undirected. */
function weightedEdges(edges: RDD<EdgeTuple>, undirected: boolean): { vertices: null; edgeRDD: RDD<[VertexId, VertexId, number]>; input: EdgeInput } {
  return { vertices: null, edgeRDD: edges as unknown as RDD<[VertexId, VertexId, number]>, input: { weights: true, undirected } };
}

/** PageRank on Pregel: superstep k holds the ranks after k power-iteration steps (same numbers as pageRank()). */
export async function pregelPageRank(edges: RDD<EdgeTuple>, opts: { beta?: number; maxIter?: number } & Pick<PregelOptions<number>, "numPartitions" | "checkpointInterval" | "barrier" | "onSuperstep"> = {}): Promise<PregelResult<number>> {
  const beta = opts.beta ?? 0.85, maxIter = opts.maxIter ?? 20;
  checkBeta(beta);
  const { vertices, edgeRDD, input } = weightedEdges(edges, false);
  // A vertex's value is [rank, sum of out-edge weights, the weight of every out-edge when all are
  // equal (else NaN)]: the weights are read once, in superstep 0, as GraphX's PageRank keeps each
  // edge's share in the graph; the result is the rank.
  const res = await runPregel<number[] | null, number, number>(vertices, edgeRDD, (v, msgs, ctx) => {
    const n = ctx.numVertices;
    let st = v.value!;
    if (ctx.superstep === 0) {
      const ws = v.edgeValues(), w0 = ws.length > 0 ? ws[0]! : 0;
      let tot = 0, uniform = true;
      for (let k = 0; k < ws.length; k++) { const w = ws[k]!; tot += w; if (w !== w0) uniform = false; }
      st = v.value = [1 / n, tot, uniform ? w0 : Number.NaN];
    }
    // The update runs in superstep 0 too (no messages, result unused): the code after superstep 0
    // is the code before it, so V8's optimized compute() is not thrown away at superstep 1.
    let sum = 0;
    for (const m of msgs) sum += m;
    const dangling = ctx.getAggregatedValue<number>("dangling") ?? 0;
    const rank = beta * sum + (1 - beta * (1 - dangling)) / n;
    if (ctx.superstep > 0) st[0] = rank;
    if (ctx.superstep >= maxIter) { ctx.voteToHalt(); return; }
    const r = st[0]!, tot = st[1]!, w0 = st[2]!;
    if (tot === 0) ctx.aggregate("dangling", r);
    else if (!Number.isNaN(w0)) ctx.sendToAllNeighbors((r * w0) / tot); // the same share on every edge
    else for (let k = 0; k < v.numEdges; k++) ctx.sendMessageTo(v.edgeTarget(k), (r * v.edgeValue(k)) / tot);
  }, { combiner: (a, b) => a + b, aggregators: { dangling: (a, b) => (a as number) + (b as number) }, numPartitions: opts.numPartitions, checkpointInterval: opts.checkpointInterval, barrier: opts.barrier, onSuperstep: opts.onSuperstep }, input);
  const ranks = new Map<VertexId, number>();
  for (const [id, st] of res.values) ranks.set(id, st![0]!);
  return { ...res, values: ranks } as unknown as PregelResult<number>;
}

/** Single-source shortest paths (non-negative weights); unreachable vertices get null. */
export async function pregelShortestPaths(edges: RDD<EdgeTuple>, source: VertexId, opts: { numPartitions?: number } = {}): Promise<PregelResult<number | null>> {
  const { vertices, edgeRDD, input } = weightedEdges(edges, false);
  return runPregel<number | null, number, number>(vertices, edgeRDD, (v, msgs, ctx) => {
    let best = ctx.superstep === 0 && v.id === source ? 0 : null;
    for (const m of msgs) if (best === null || m < best) best = m;
    if (best !== null && (v.value === null || best < v.value)) {
      v.value = best;
      for (const e of v.edges) ctx.sendMessageTo(e.target, best + e.value);
    }
    ctx.voteToHalt();
  }, { combiner: (a, b) => Math.min(a, b), numPartitions: opts.numPartitions }, input);
}

/** Weakly connected components: every vertex ends with the smallest id of its component. */
export async function pregelConnectedComponents(edges: RDD<EdgeTuple>, opts: { numPartitions?: number } = {}): Promise<PregelResult<VertexId>> {
  const { vertices, edgeRDD, input } = weightedEdges(edges, true);
  return runPregel<VertexId, number, VertexId>(vertices, edgeRDD, (v, msgs, ctx) => {
    if (ctx.superstep === 0) { v.value = v.id; ctx.sendToAllNeighbors(v.id); ctx.voteToHalt(); return; }
    let best = v.value;
    for (const m of msgs) if (m < best) best = m;
    if (best < v.value) { v.value = best; ctx.sendToAllNeighbors(best); }
    ctx.voteToHalt();
  }, { combiner: (a, b) => (a < b ? a : b), numPartitions: opts.numPartitions }, input);
}

/** Label propagation (synchronous, as GraphFrames): each superstep a vertex takes its neighbours' most frequent label (ties: smallest). */
export async function pregelLabelPropagation(edges: RDD<EdgeTuple>, opts: { maxIter?: number; numPartitions?: number } = {}): Promise<PregelResult<VertexId>> {
  const maxIter = opts.maxIter ?? 5;
  const { vertices, edgeRDD, input } = weightedEdges(edges, true);
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
  }, { numPartitions: opts.numPartitions }, input);
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
      const fwd = weightedEdges(live as unknown as RDD<EdgeTuple>, false);
      const colours = (await runPregel<VertexId | null, number, VertexId>(fwd.vertices, fwd.edgeRDD, (v, msgs, ctx) => {
        let best = ctx.superstep === 0 ? v.id : v.value!;
        for (const m of msgs) if (m < best) best = m;
        if (ctx.superstep === 0 || best < v.value!) { v.value = best; ctx.sendToAllNeighbors(best); }
        ctx.voteToHalt();
      }, { combiner: (a, b) => (a < b ? a : b), numPartitions: opts.numPartitions }, fwd.input)).values as Map<VertexId, VertexId>;
      const colour = colours;
      const back = live.filter((e: [VertexId, VertexId]) => colour.get(e[0]) === colour.get(e[1])).map((e: [VertexId, VertexId]) => [e[1], e[0]] as [VertexId, VertexId]);
      const bwd = weightedEdges(back as unknown as RDD<EdgeTuple>, false);
      const reached = (await runPregel<boolean | null, number, boolean>(bwd.vertices, bwd.edgeRDD, (v, msgs, ctx) => {
        const start = ctx.superstep === 0 && colour.get(v.id) === v.id;
        if ((start || msgs.length > 0) && v.value !== true) { v.value = true; ctx.sendToAllNeighbors(true); }
        else if (v.value === null) v.value = false;
        ctx.voteToHalt();
      }, { combiner: () => true, numPartitions: opts.numPartitions }, bwd.input)).values;
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
