// Distributed PageRank the way lecture 9 (and the Spark paper) writes it: a links RDD
// (id → out-edges) hash-partitioned and cached once, joined every iteration with the ranks RDD
// (same partitioner, so the join is narrow and the links shuffle shows as a skipped stage),
// contributions flatMapped out and summed with reduceByKey into the next ranks.

import { AnalysisError } from "../common/errors";
import type { RDD } from "../rdd";
import type { EdgeTuple, VertexId } from "./graph-data";
import { checkBeta } from "./pagerank-local";

export interface PageRankRDDOptions {
  beta?: number;
  tol?: number;
  maxIter?: number;
  /** Teleport set S (uniform over ids, or weights per id). Dead ends jump into S. */
  teleport?: readonly VertexId[] | ReadonlyMap<VertexId, number>;
  numPartitions?: number;
}

export interface PageRankRDDResult {
  ranks: Map<VertexId, number>;
  deltas: number[];
  iterations: number;
  converged: boolean;
  /** Job ids run per iteration (the contribution job, then the delta job). */
  jobIds: number[];
}

type Out = Array<[VertexId, number]>;

/** The cached, hash-partitioned links RDD: every vertex (dead ends and pure targets too) with its out-edges. */
export function linksRDD(edges: RDD<EdgeTuple>, numPartitions: number): RDD<[VertexId, Out]> {
  return edges
    .flatMap((e: EdgeTuple) => {
      const w = e.length > 2 ? e[2] : 1;
      if (typeof w !== "number" || !Number.isFinite(w) || w < 0) throw new Error(`GRAPH_INVALID_WEIGHT: edge ${JSON.stringify(e[0])} -> ${JSON.stringify(e[1])} has weight ${JSON.stringify(w)}`);
      return [[e[0], [e[1], w]], [e[1], null]] as Array<[VertexId, [VertexId, number] | null]>;
    })
    .groupByKey(numPartitions)
    .mapValues((outs: Array<[VertexId, number] | null>) => {
      const m = new Map<VertexId, number>();
      for (const o of outs) if (o) m.set(o[0], (m.get(o[0]) ?? 0) + o[1]);
      return [...m.entries()] as Out;
    })
    .setName("links")
    .cache();
}

/** PageRank with RDD joins; returns the same numbers as pageRank() (local power iteration). */
export async function pageRankRDD(edges: RDD<EdgeTuple>, opts: PageRankRDDOptions = {}): Promise<PageRankRDDResult> {
  const beta = opts.beta ?? 0.85, tol = opts.tol ?? 1e-10, maxIter = opts.maxIter ?? 100;
  checkBeta(beta);
  const parts = opts.numPartitions ?? Math.max(edges.getNumPartitions(), 1);
  const links = linksRDD(edges, parts);
  const n = await links.count();
  const jobIds: number[] = [];
  const sc = edges.context as unknown as { lastJob?: () => { jobId: number } | undefined };
  const noteJob = (): void => { const j = sc.lastJob?.(); if (j) jobIds.push(j.jobId); };
  // teleport weights, keyed by JSON of the id (shipped in the closure)
  let tw: Record<string, number> | null = null;
  if (opts.teleport !== undefined) {
    const entries: Array<[VertexId, number]> = Array.isArray(opts.teleport) ? (opts.teleport as VertexId[]).map((v) => [v, 1]) : [...(opts.teleport as ReadonlyMap<VertexId, number>).entries()];
    const ids = new Set(await links.keys().collect());
    let total = 0;
    tw = {};
    for (const [v, w] of entries) {
      if (!ids.has(v)) throw new AnalysisError("GRAPH_MISSING_VERTEX", `Teleport vertex ${JSON.stringify(v)} is not in the graph.`, { parameters: { id: v } });
      tw[JSON.stringify(v)] = (tw[JSON.stringify(v)] ?? 0) + w;
      total += w;
    }
    if (!(total > 0)) throw new AnalysisError("GRAPH_EMPTY_TELEPORT_SET", "The teleport set is empty or has zero total weight.");
    for (const k of Object.keys(tw)) tw[k]! /= total;
  }
  const uniform = 1 / n;
  let ranks: RDD<[VertexId, number]> = links.mapValues(() => uniform).cache();
  const deltas: number[] = [];
  let converged = false;
  for (let it = 0; it < maxIter; it++) {
    const contribs = links
      .join(ranks)
      .flatMap(([id, [outs, r]]: [VertexId, [Out, number]]) => {
        const res: Array<[VertexId, number]> = [[id, 0]];
        let tot = 0;
        for (const o of outs) tot += o[1];
        if (tot > 0) for (const o of outs) res.push([o[0], (r * o[1]) / tot]);
        return res;
      })
      .reduceByKey((a: number, b: number) => a + b, parts)
      .cache();
    const passed = await contribs.values().sum();
    noteJob();
    const jump = 1 - beta * passed;
    const next = contribs
      .mapPartitions(function* (rows: IterableIterator<[VertexId, number]>) {
        for (const [id, c] of rows) yield [id, beta * c + jump * (tw === null ? uniform : (tw[JSON.stringify(id)] ?? 0))] as [VertexId, number];
      }, true)
      .setName(`ranks${it + 1}`)
      .cache();
    const d = await next.join(ranks).map(([, [a, b]]: [VertexId, [number, number]]) => Math.abs(a - b)).sum();
    noteJob();
    ranks.unpersist();
    contribs.unpersist();
    ranks = next;
    deltas.push(d);
    if (d < tol) { converged = true; break; }
  }
  const out = new Map(await ranks.collect());
  ranks.unpersist();
  links.unpersist();
  return { ranks: out, deltas, iterations: deltas.length, converged, jobIds };
}
