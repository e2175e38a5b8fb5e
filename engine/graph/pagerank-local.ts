// PageRank as lecture 9 builds it, on one machine: power iteration r ← βMr + teleport, with dead
// ends and spider traps, topic-specific (personalised) teleport sets, TrustRank, and HITS.

import { AnalysisError } from "../common/errors";
import { buildGraph, type EdgeTuple, type LocalGraph, type VertexId } from "./graph-data";

export interface PageRankOptions {
  /** Probability of following a link (the lecture's β). Default 0.85; 1 means no teleport. */
  beta?: number;
  /** Stop when the L1 change of r is below this. Default 1e-10. */
  tol?: number;
  maxIter?: number;
  /**
   * Teleport set S: ids (uniform over S) or a weight per id (normalised). Default: every vertex.
   * Dead ends teleport into S too (the random surfer jumps there).
   */
  teleport?: readonly VertexId[] | ReadonlyMap<VertexId, number> | Readonly<Record<string, number>>;
  /**
   * What a dead end does with its importance: "teleport" (default) jumps into S with
   * probability 1; "leak" drops it, as the plain flow equations do (r then sums below 1).
   */
  deadEnds?: "teleport" | "leak";
  /** Explicit vertex list (order and isolated vertices); endpoints must belong to it. */
  vertices?: readonly VertexId[];
}

export interface PageRankResult {
  ranks: Map<VertexId, number>;
  /** L1 change ‖r(t+1) − r(t)‖₁ of every iteration. */
  deltas: number[];
  iterations: number;
  converged: boolean;
  /** The rank vector after each iteration, in `ids` order (for small demos). */
  history: number[][];
  ids: VertexId[];
}

/** The teleport distribution over the graph's vertices (sums to 1). */
export function teleportVector(g: LocalGraph, teleport: PageRankOptions["teleport"]): Float64Array {
  const n = g.ids.length;
  const t = new Float64Array(n);
  if (teleport === undefined) return t.fill(1 / n);
  const entries: Array<[VertexId, number]> = Array.isArray(teleport)
    ? (teleport as VertexId[]).map((v) => [v, 1])
    : teleport instanceof Map ? [...teleport.entries()] : Object.entries(teleport as Record<string, number>).map(([k, v]) => [g.index.has(k) ? k : Number(k), v]);
  let total = 0;
  for (const [v, w] of entries) {
    const i = g.index.get(v);
    if (i === undefined) throw new AnalysisError("GRAPH_MISSING_VERTEX", `Teleport vertex ${JSON.stringify(v)} is not in the graph.`, { parameters: { id: v } });
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0) throw new AnalysisError("GRAPH_INVALID_WEIGHT", `Teleport weight of ${JSON.stringify(v)} must be a non-negative number, got ${JSON.stringify(w)}.`);
    t[i]! += w;
    total += w;
  }
  if (!(total > 0)) throw new AnalysisError("GRAPH_EMPTY_TELEPORT_SET", "The teleport set is empty or has zero total weight.");
  for (let i = 0; i < n; i++) t[i]! /= total;
  return t;
}

export function checkBeta(beta: number): void {
  if (typeof beta !== "number" || !(beta > 0 && beta <= 1)) {
    throw new AnalysisError("GRAPH_INVALID_PARAMETER", `beta must be in (0, 1] (the reset probability 1-beta in [0, 1)), got ${beta}.`, { parameters: { beta } });
  }
}

/** One power-iteration step: next = βMr + (1 − β·passed)·t, where `passed` is the mass that followed links (teleport dead ends) or next = βMr + (1−β)·sum(r)·t (leak). */
export function pageRankStep(g: LocalGraph, r: Float64Array, beta: number, t: Float64Array, deadEnds: "teleport" | "leak"): Float64Array {
  const n = g.ids.length;
  const next = new Float64Array(n);
  let passed = 0, total = 0;
  for (let i = 0; i < n; i++) {
    total += r[i]!;
    const ow = g.outWeight[i]!;
    if (ow === 0) continue;
    passed += r[i]!;
    for (const { to, w } of g.out[i]!) next[to]! += beta * r[i]! * (w / ow);
  }
  const jump = deadEnds === "teleport" ? total - beta * passed : (1 - beta) * total;
  for (let i = 0; i < n; i++) next[i]! += jump * t[i]!;
  return next;
}

/** PageRank by power iteration from r = [1/N…] until ‖Δr‖₁ < tol. */
export function pageRank(edges: readonly EdgeTuple[], opts: PageRankOptions = {}): PageRankResult {
  const g = buildGraph(edges, opts.vertices);
  return pageRankOn(g, opts);
}

export function pageRankOn(g: LocalGraph, opts: PageRankOptions = {}): PageRankResult {
  const beta = opts.beta ?? 0.85, tol = opts.tol ?? 1e-10, maxIter = opts.maxIter ?? 1000;
  checkBeta(beta);
  const n = g.ids.length;
  if (n === 0) return { ranks: new Map(), deltas: [], iterations: 0, converged: true, history: [], ids: [] };
  const t = teleportVector(g, opts.teleport);
  let r = new Float64Array(n).fill(1 / n);
  const deltas: number[] = [], history: number[][] = [];
  let converged = false;
  for (let it = 0; it < maxIter; it++) {
    const next = pageRankStep(g, r, beta, t, opts.deadEnds ?? "teleport");
    let d = 0;
    for (let i = 0; i < n; i++) d += Math.abs(next[i]! - r[i]!);
    r = next;
    deltas.push(d);
    if (n <= 64) history.push([...r]);
    if (d < tol) { converged = true; break; }
  }
  return { ranks: new Map(g.ids.map((id, i) => [id, r[i]!])), deltas, iterations: deltas.length, converged, history, ids: g.ids };
}

/** Topic-specific PageRank: teleport only into `topic` (uniform or weighted). */
export function personalizedPageRank(edges: readonly EdgeTuple[], topic: NonNullable<PageRankOptions["teleport"]>, opts: Omit<PageRankOptions, "teleport"> = {}): PageRankResult {
  return pageRank(edges, { ...opts, teleport: topic });
}

/**
 * TrustRank: topic-specific PageRank with the trusted seed pages as the teleport set. Spam
 * mass of p is (r_p − r⁺_p)/r_p, where r is plain PageRank and r⁺ TrustRank.
 */
export function trustRank(edges: readonly EdgeTuple[], trusted: readonly VertexId[], opts: Omit<PageRankOptions, "teleport"> = {}): PageRankResult & { spamMass: Map<VertexId, number> } {
  const plain = pageRank(edges, opts);
  const trust = pageRank(edges, { ...opts, teleport: trusted });
  const spamMass = new Map<VertexId, number>();
  for (const [id, r] of plain.ranks) spamMass.set(id, r > 0 ? (r - trust.ranks.get(id)!) / r : 0);
  return { ...trust, spamMass };
}

export interface HitsResult { hubs: Map<VertexId, number>; authorities: Map<VertexId, number>; iterations: number; converged: boolean }

/**
 * HITS (hubs and authorities): a = Aᵀh, h = Aa, each normalised to sum 1 (as networkx does;
 * the lecture scales by the maximum, which gives the same ranking) until both change < tol (L1).
 */
export function hits(edges: readonly EdgeTuple[], opts: { tol?: number; maxIter?: number; vertices?: readonly VertexId[] } = {}): HitsResult {
  const g = buildGraph(edges.map((e) => [e[0], e[1]] as const), opts.vertices);
  const n = g.ids.length, tol = opts.tol ?? 1e-12, maxIter = opts.maxIter ?? 10_000;
  let h = new Float64Array(n).fill(1 / n), a = new Float64Array(n);
  let it = 0, converged = false;
  const norm = (x: Float64Array): void => { let s = 0; for (const v of x) s += v; if (s > 0) for (let i = 0; i < n; i++) x[i]! /= s; };
  while (it < maxIter) {
    it++;
    const na = new Float64Array(n);
    for (let i = 0; i < n; i++) for (const { to } of g.out[i]!) na[to]! += h[i]!;
    norm(na);
    const nh = new Float64Array(n);
    for (let i = 0; i < n; i++) for (const { to } of g.out[i]!) nh[i]! += na[to]!;
    norm(nh);
    let d = 0;
    for (let i = 0; i < n; i++) d += Math.abs(nh[i]! - h[i]!) + Math.abs(na[i]! - a[i]!);
    h = nh; a = na;
    if (d < tol) { converged = true; break; }
  }
  return { hubs: new Map(g.ids.map((id, i) => [id, h[i]!])), authorities: new Map(g.ids.map((id, i) => [id, a[i]!])), iterations: it, converged };
}
