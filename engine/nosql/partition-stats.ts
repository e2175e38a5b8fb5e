// Measuring a partitioning scheme on real keys: load per node, skew (max / mean), and how many
// keys move when the node set changes. Schemes are plain `key -> node` functions so the same
// measurements apply to the engine's HashPartitioner / RangePartitioner and to a ConsistentHashRing.

import { HashPartitioner, RangePartitioner } from "../rdd/partitioner";
import { compareKeys } from "../common/keys";
import type { ConsistentHashRing } from "./consistent-hash";

export type Assign = (key: unknown) => string;

export interface LoadStats {
  /** Keys per node (every node listed, zero when it got nothing). */
  load: Record<string, number>;
  total: number;
  mean: number;
  max: number;
  min: number;
  /** max / mean: 1 is perfectly even; a hot key drives it up. */
  skew: number;
}

export function loadPerNode(keys: Iterable<unknown>, assign: Assign, nodes: readonly string[]): LoadStats {
  const load: Record<string, number> = Object.fromEntries(nodes.map((n) => [n, 0]));
  let total = 0;
  for (const k of keys) {
    const n = assign(k);
    load[n] = (load[n] ?? 0) + 1;
    total++;
  }
  const counts = Object.values(load);
  const mean = counts.length ? total / counts.length : 0;
  const max = counts.length ? Math.max(...counts) : 0;
  const min = counts.length ? Math.min(...counts) : 0;
  return { load, total, mean, max, min, skew: mean > 0 ? max / mean : 0 };
}

export interface MovedKeys {
  moved: number;
  total: number;
  fraction: number;
}

/** How many keys change node between two assignments (a node added or removed in between). */
export function movedKeys(keys: Iterable<unknown>, before: Assign, after: Assign): MovedKeys {
  let moved = 0, total = 0;
  for (const k of keys) {
    total++;
    if (before(k) !== after(k)) moved++;
  }
  return { moved, total, fraction: total ? moved / total : 0 };
}

/** `hash(key) mod n` over named nodes, with the engine's HashPartitioner (Spark's default). */
export function hashModN(nodes: readonly string[]): Assign {
  const p = new HashPartitioner(nodes.length);
  return (k) => nodes[p.getPartition(k)]!;
}

/**
 * Range partitioning over named nodes with the engine's RangePartitioner: node i holds keys in
 * (bounds[i-1], bounds[i]]. Without bounds, they are taken as evenly spaced quantiles of `sample`.
 */
export function rangeAssign(nodes: readonly string[], opts: { bounds?: unknown[]; sample?: Iterable<unknown> }): Assign {
  const bounds = opts.bounds ?? quantileBounds(opts.sample ?? [], nodes.length);
  const p = new RangePartitioner(bounds, true, nodes.length);
  return (k) => nodes[p.getPartition(k)]!;
}

/** n-1 split points at evenly spaced quantiles of the sorted sample. */
export function quantileBounds(sample: Iterable<unknown>, n: number): unknown[] {
  const s = [...sample].sort(compareKeys);
  const out: unknown[] = [];
  if (s.length === 0) return out;
  for (let i = 1; i < n; i++) out.push(s[Math.min(s.length - 1, Math.floor((i * s.length) / n) - 1)]);
  return out;
}

/** A ring as an assignment (bound to its current node set: snapshot before add/remove). */
export function ringAssign(ring: ConsistentHashRing): Assign {
  const frozen = new (ring.constructor as typeof ConsistentHashRing)({ nodes: ring.nodes, virtualNodes: ring.virtualNodes });
  return (k) => frozen.nodeFor(k);
}

/**
 * A composite partition key: the natural key plus a second component (a time bucket, a user
 * id, a salt 0..s-1) so one hot or low-cardinality value spreads over many partitions.
 */
export function compositeKey(...parts: unknown[]): unknown[] {
  return parts;
}
