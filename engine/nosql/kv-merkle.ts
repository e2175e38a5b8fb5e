// Anti-entropy with Merkle trees (Dynamo, section 4.7): two replicas compare, for the keys both
// should hold, a hash tree whose leaves are buckets of keys; equal roots mean nothing to do, and
// walking down only the subtrees that differ finds the few buckets to exchange, so replicas that
// mostly agree exchange a handful of hashes instead of every key. Pure functions, run where a node
// lives (worker or driver).

import { ConsistentHashRing } from "./consistent-hash";
import { hashModN, rangeAssign } from "./partition-stats";
import { ringPosition } from "./ring-hash";
import type { Version } from "./storage-node";

/** How a store places keys, enough to compute any key's preference list anywhere. */
export interface PlacementSpec {
  partitioning: "consistent" | "hash" | "range";
  nodes: string[];
  virtualNodes: number;
  rangeBounds: string[];
  replication: number;
}

export function preferenceFn(spec: PlacementSpec): (key: string) => string[] {
  if (spec.partitioning === "consistent") {
    const ring = new ConsistentHashRing({ nodes: spec.nodes, virtualNodes: spec.virtualNodes });
    return (key) => ring.preferenceList(key, spec.replication);
  }
  const first = spec.partitioning === "hash" ? hashModN(spec.nodes) : rangeAssign(spec.nodes, { bounds: spec.rangeBounds });
  return (key) => {
    const i = spec.nodes.indexOf(first(key));
    return Array.from({ length: spec.replication }, (_, j) => spec.nodes[(i + j) % spec.nodes.length]!);
  };
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}

/** The leaf (bucket) of a key in a tree with 2^depth leaves. */
export function leafOf(key: string, depth: number): number {
  return depth === 0 ? 0 : ringPosition(key) >>> (32 - depth);
}

function versionsDigest(vs: Version[]): string {
  return vs.map((v) => JSON.stringify([v.timestamp, v.clock, v.deleted ?? false])).sort().join("|");
}

/** The keys of `entries` that both `self` and `peer` hold under the placement. */
export function sharedEntries(entries: Iterable<[string, Version[]]>, spec: PlacementSpec, self: string, peer: string): Array<[string, Version[]]> {
  const pref = preferenceFn(spec);
  const out: Array<[string, Version[]]> = [];
  for (const [k, vs] of entries) { const p = pref(k); if (p.includes(self) && p.includes(peer)) out.push([k, vs]); }
  return out;
}

/** A complete binary hash tree in heap order (root at 0, children of i at 2i+1, 2i+2), 2^depth leaves. */
export function merkleTree(entries: Array<[string, Version[]]>, depth: number): number[] {
  const leaves = 1 << depth;
  const buckets: string[][] = Array.from({ length: leaves }, () => []);
  for (const [k, vs] of entries) buckets[leafOf(k, depth)]!.push(`${k}=${versionsDigest(vs)}`);
  const tree = new Array<number>(2 * leaves - 1).fill(0);
  for (let i = 0; i < leaves; i++) tree[leaves - 1 + i] = fnv(buckets[i]!.sort().join("\n"));
  for (let i = leaves - 2; i >= 0; i--) tree[i] = fnv(`${tree[2 * i + 1]},${tree[2 * i + 2]}`);
  return tree;
}

/** The leaves where two trees differ, found top-down, and how many hashes were compared. */
export function diffLeaves(a: number[], b: number[]): { leaves: number[]; compared: number } {
  const leaves: number[] = [], first = (a.length + 1) / 2 - 1;
  let compared = 0;
  const walk = (i: number) => {
    compared++;
    if (a[i] === b[i]) return;
    if (i >= first) { leaves.push(i - first); return; }
    walk(2 * i + 1); walk(2 * i + 2);
  };
  walk(0);
  return { leaves, compared };
}
