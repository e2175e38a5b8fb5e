// Edge cut vs vertex cut (lecture 9, GraphX's PartitionStrategy): assign a graph to p partitions
// and measure what each costs. Edge cut (Pregel): vertices hash-partitioned, each stored once; an
// edge whose endpoints live in different partitions sends a remote message every iteration.
// Vertex cut (GraphX/PowerGraph): edges are assigned to partitions and a vertex is replicated
// (one master, mirrors) in every partition holding one of its edges; per iteration each mirror
// sends its partial aggregate to the master and receives the new value: 2·(replicas − 1) messages.

import { AnalysisError } from "../common/errors";
import type { EdgeTuple, VertexId } from "./graph-data";

export type PartitionStrategy = "EdgeCut" | "RandomVertexCut" | "EdgePartition2D" | "CanonicalRandomVertexCut";

export interface PartitioningReport {
  strategy: PartitionStrategy;
  numPartitions: number;
  /** Partition of each edge, in input order. */
  edgePartition: number[];
  /** Partitions holding a copy of each vertex. */
  replicas: Map<VertexId, number[]>;
  /** Mean number of copies per vertex (1 for an edge cut). */
  replicationFactor: number;
  /** Messages crossing partitions per PageRank iteration. */
  communicationPerIteration: number;
  /** Edges per partition (balance). */
  edgesPerPartition: number[];
}

/** A well-mixed 32-bit hash of a vertex id (strings and numbers), deterministic across processes. */
export function vertexHash(v: VertexId): number {
  const s = typeof v === "number" ? `n${v}` : `s${v}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
  return h >>> 0;
}

function pairHash(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h ^= h >>> 15; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 13; h = Math.imul(h, 0x27d4eb2f); h ^= h >>> 16;
  return h >>> 0;
}

export function partitionGraph(edges: readonly EdgeTuple[], numPartitions: number, strategy: PartitionStrategy): PartitioningReport {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) throw new AnalysisError("GRAPH_INVALID_PARAMETER", `numPartitions must be a positive integer, got ${numPartitions}.`);
  const p = numPartitions;
  const k = Math.ceil(Math.sqrt(p));
  const replicas = new Map<VertexId, Set<number>>();
  const add = (v: VertexId, part: number): void => { let s = replicas.get(v); if (!s) replicas.set(v, (s = new Set())); s.add(part); };
  const edgePartition: number[] = [];
  const edgesPerPartition = new Array<number>(p).fill(0);
  let cut = 0;
  for (const [s, d] of edges) {
    const hs = vertexHash(s), hd = vertexHash(d);
    let part: number;
    switch (strategy) {
      case "EdgeCut": part = hs % p; break; // the edge lives with its source vertex
      case "RandomVertexCut": part = pairHash(hs, hd) % p; break;
      case "CanonicalRandomVertexCut": part = (hs < hd ? pairHash(hs, hd) : pairHash(hd, hs)) % p; break;
      case "EdgePartition2D": part = ((hs % k) * k + (hd % k)) % p; break;
      default: throw new AnalysisError("GRAPH_INVALID_PARAMETER", `Unknown partition strategy ${String(strategy)}.`);
    }
    edgePartition.push(part);
    edgesPerPartition[part]!++;
    if (strategy === "EdgeCut") {
      add(s, hs % p); add(d, hd % p);
      if (hs % p !== hd % p) cut++;
    } else { add(s, part); add(d, part); }
  }
  const rep = new Map([...replicas].map(([v, set]) => [v, [...set].sort((a, b) => a - b)]));
  let copies = 0, sync = 0;
  for (const parts of rep.values()) { copies += parts.length; sync += 2 * (parts.length - 1); }
  return {
    strategy, numPartitions: p, edgePartition, replicas: rep, edgesPerPartition,
    replicationFactor: rep.size ? copies / rep.size : 0,
    communicationPerIteration: strategy === "EdgeCut" ? cut : sync,
  };
}

/** Expected replication factor of a random vertex cut: mean over vertices of p·(1 − (1 − 1/p)^degree). */
export function expectedRandomVertexCutReplication(degrees: readonly number[], numPartitions: number): number {
  const p = numPartitions;
  let t = 0;
  for (const d of degrees) t += p * (1 - Math.pow(1 - 1 / p, d));
  return degrees.length ? t / degrees.length : 0;
}
