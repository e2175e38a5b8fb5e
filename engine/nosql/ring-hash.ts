// Positions on a 32-bit hash ring. The engine's hashKey (FNV-1a for strings) is stable across
// processes; a murmur3 finaliser on top spreads near-identical strings ("node-1#0", "node-1#1")
// over the whole ring, which virtual-node tokens need.

import { hashKey } from "../common/keys";

/** murmur3 fmix32: avalanche a 32-bit value. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Position of a key (any engine key: string, number, array for composite keys) on the ring, 0 .. 2^32-1. */
export function ringPosition(key: unknown): number {
  return mix32(hashKey(key));
}

/** Size of the ring's hash space. */
export const RING_SIZE = 2 ** 32;
