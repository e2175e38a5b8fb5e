// GraphX's Pregel operator, Pregel(graph, initialMsg, maxIterations, activeDirection)(vprog,
// sendMsg, mergeMsg), over RDDs as GraphX runs it: vprog on every vertex with the initial message;
// then each iteration joins the edges with both endpoints' attributes (triplets), calls sendMsg
// on the triplets of edges next to a vertex that received a message in the previous iteration
// (activeDirection), merges the messages per destination with mergeMsg (a reduceByKey), and runs
// vprog on the vertices that received one. It stops when no message is sent or after
// maxIterations. Each iteration's joins and shuffle are jobs the DAG view shows.
// (The vertex-centric engine in ./pregel.ts is the other model: compute(vertex, messages, ctx).)

import { AnalysisError } from "../common/errors";
import type { RDD } from "../rdd";
import type { VertexId } from "./graph-data";

export interface EdgeTriplet<V, E> { srcId: VertexId; dstId: VertexId; srcAttr: V; dstAttr: V; attr: E }

/** Which edges' triplets sendMsg sees after the first iteration (GraphX's EdgeDirection). */
export type EdgeDirection = "Either" | "Out" | "In" | "Both";

export interface GraphXPregelResult<V> {
  vertices: RDD<[VertexId, V]>;
  /** Iterations that sent messages. */
  iterations: number;
  /** Messages sent (after merging) per iteration. */
  messages: number[];
}

export async function pregel<V, E, M>(
  graph: { vertices: RDD<[VertexId, V]>; edges: RDD<[VertexId, VertexId, E]> },
  initialMsg: M,
  maxIterations: number,
  vprog: (id: VertexId, attr: V, msg: M) => V,
  sendMsg: (t: EdgeTriplet<V, E>) => Iterable<[VertexId, M]>,
  mergeMsg: (a: M, b: M) => M,
  activeDirection: EdgeDirection = "Either",
): Promise<GraphXPregelResult<V>> {
  if (!Number.isInteger(maxIterations) || maxIterations < 0) throw new AnalysisError("GRAPH_INVALID_PARAMETER", `maxIterations must be an integer >= 0, got ${String(maxIterations)}.`);
  if (!["Either", "Out", "In", "Both"].includes(activeDirection)) throw new AnalysisError("GRAPH_INVALID_PARAMETER", `activeDirection must be Either, Out, In or Both, got ${String(activeDirection)}.`);
  const edges = graph.edges.cache();
  let verts = graph.vertices.map(([id, a]: [VertexId, V]) => [id, vprog(id, a, initialMsg)] as [VertexId, V]).cache();
  let active: Set<VertexId> | undefined; // undefined: every edge (the first iteration)
  const counts: number[] = [];
  let iterations = 0;
  try {
    for (; iterations < maxIterations; iterations++) {
      const act = active, dir = activeDirection;
      const triplets = edges.map(([s, d, e]: [VertexId, VertexId, E]) => [s, [d, e]] as [VertexId, [VertexId, E]])
        .join(verts)
        .map(([s, [[d, e], sa]]: [VertexId, [[VertexId, E], V]]) => [d, [s, e, sa]] as [VertexId, [VertexId, E, V]])
        .join(verts)
        .map(([d, [[s, e, sa], da]]: [VertexId, [[VertexId, E, V], V]]) => ({ srcId: s, dstId: d, srcAttr: sa, dstAttr: da, attr: e }) as EdgeTriplet<V, E>)
        .filter((t: EdgeTriplet<V, E>) => {
          if (!act) return true;
          const s = act.has(t.srcId), d = act.has(t.dstId);
          return dir === "Either" ? s || d : dir === "Out" ? s : dir === "In" ? d : s && d;
        });
      const msgs = triplets.flatMap((t: EdgeTriplet<V, E>) => [...sendMsg(t)]).reduceByKey(mergeMsg).cache();
      const received = (await msgs.keys().collect()) as VertexId[];
      counts.push(received.length);
      if (received.length === 0) { msgs.unpersist(); break; }
      const next = verts.leftOuterJoin(msgs)
        .map(([id, [a, m]]: [VertexId, [V, M | null]]) => [id, m === null || m === undefined ? a : vprog(id, a, m)] as [VertexId, V]).cache();
      await next.count();
      verts.unpersist();
      msgs.unpersist();
      verts = next;
      active = new Set(received);
    }
  } finally {
    edges.unpersist();
  }
  return { vertices: verts, iterations: counts.filter((n) => n > 0).length, messages: counts };
}
