// keyBy's routing, as Flink does it: a key hashes to one of maxParallelism key groups, and key
// groups are split into contiguous ranges, one per subtask.

export function hashKey(key: unknown): number {
  return hashKeyText(JSON.stringify(key) ?? "null");
}

/** The hash of a key given as its JSON text (how keyed state stores keys). */
export function hashKeyText(s: string): number {
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

/** Whether subtask `sub` of `parallelism` owns the key whose JSON text is `keyText`. */
export function ownsKeyText(keyText: string, sub: number, maxParallelism: number, parallelism: number): boolean {
  return subtaskOfKeyGroup(hashKeyText(keyText) % maxParallelism, maxParallelism, parallelism) === sub;
}
