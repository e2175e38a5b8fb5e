// keyBy's routing, as Flink does it: a key hashes to one of maxParallelism key groups, and key
// groups are split into contiguous ranges, one per subtask.

export function hashKey(key: unknown): number {
  const s = JSON.stringify(key) ?? "null";
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // final avalanche (murmur3 fmix32)
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
  return h >>> 0;
}

export function keyGroupOf(key: unknown, maxParallelism: number): number {
  return hashKey(key) % maxParallelism;
}

export function subtaskOfKeyGroup(keyGroup: number, maxParallelism: number, parallelism: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}
