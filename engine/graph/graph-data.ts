// A small in-memory directed graph for lecture 9's local algorithms: vertex ids, weighted edges,
// and the validation every graph entry point shares (missing endpoints, duplicate ids, bad weights).

import { AnalysisError } from "../common/errors";

export type VertexId = string | number;
/** [src, dst] or [src, dst, weight]; the weight defaults to 1. */
export type EdgeTuple = readonly [VertexId, VertexId] | readonly [VertexId, VertexId, number];

export interface LocalGraph {
  /** Vertex ids in a fixed order; index i is the row/column of M. */
  ids: VertexId[];
  index: Map<VertexId, number>;
  /** Out-edges per vertex index: target index and weight (parallel edges summed). */
  out: Array<Array<{ to: number; w: number }>>;
  /** Total out-weight per vertex (0 for a dead end). */
  outWeight: Float64Array;
}

/**
 * Build a graph from edges, optionally with an explicit vertex list (isolated vertices, order).
 * Edges naming a vertex missing from an explicit list are an error, as are duplicate ids,
 * and non-numeric, non-finite or negative weights.
 */
export function buildGraph(edges: readonly EdgeTuple[], vertices?: readonly VertexId[]): LocalGraph {
  const ids: VertexId[] = [];
  const index = new Map<VertexId, number>();
  if (vertices) {
    for (const v of vertices) {
      if (index.has(v)) throw new AnalysisError("GRAPH_DUPLICATE_VERTEX", `Duplicate vertex id ${JSON.stringify(v)}.`, { parameters: { id: v } });
      index.set(v, ids.length);
      ids.push(v);
    }
  }
  const add = (v: VertexId): number => {
    let i = index.get(v);
    if (i === undefined) {
      if (vertices) throw new AnalysisError("GRAPH_MISSING_VERTEX", `Edge endpoint ${JSON.stringify(v)} is not a vertex of the graph.`, { parameters: { id: v } });
      i = ids.length;
      index.set(v, i);
      ids.push(v);
    }
    return i;
  };
  const pending: Array<[number, number, number]> = [];
  for (const e of edges) {
    const w = e.length > 2 ? e[2] : 1;
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0) {
      throw new AnalysisError("GRAPH_INVALID_WEIGHT", `Edge ${JSON.stringify(e[0])} -> ${JSON.stringify(e[1])} has weight ${JSON.stringify(w)}; weights must be finite non-negative numbers.`, { parameters: { src: e[0], dst: e[1], weight: w } });
    }
    pending.push([add(e[0]), add(e[1]), w]);
  }
  const out: LocalGraph["out"] = ids.map(() => []);
  const outWeight = new Float64Array(ids.length);
  for (const [s, d, w] of pending) {
    const existing = out[s]!.find((x) => x.to === d);
    if (existing) existing.w += w;
    else out[s]!.push({ to: d, w });
    outWeight[s]! += w;
  }
  return { ids, index, out, outWeight };
}

/** The column-stochastic matrix M of the flow equations: M[j][i] = w(i→j) / out(i); dead-end columns are zero. */
export function stochasticMatrix(g: LocalGraph): number[][] {
  const n = g.ids.length;
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) for (const { to, w } of g.out[i]!) if (g.outWeight[i]! > 0) m[to]![i]! += w / g.outWeight[i]!;
  return m;
}
