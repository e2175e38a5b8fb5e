// Deterministic per-point sampling for the ML aggregators: a point's uniform number depends on
// its values, a seed and a salt, never on partitioning, so samples are the same on any cluster.

/** A deterministic uniform number in [0, 1) for a point, a seed and a salt (independent of partitioning). */
export function pointUniform(x: Float64Array, seed: number, salt: number): number {
  let h = (seed ^ Math.imul(salt + 1, 0x9e3779b1)) >>> 0;
  const bytes = new Uint32Array(x.buffer, x.byteOffset, x.length * 2);
  for (const w of bytes) { h = Math.imul(h ^ w, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16; }
  return (h >>> 0) / 4294967296;
}

/** Poisson(lambda) draw from one uniform (inverse CDF): a point's bootstrap weight in one tree. */
export function poissonFromUniform(u: number, lambda: number): number {
  let p = Math.exp(-lambda), f = p, k = 0;
  while (u > f && k < 1000) { k++; p *= lambda / k; f += p; }
  return k;
}

/** A point's weight in tree t of a forest: bootstrap (Poisson(rate)) or subsampling without replacement. */
export function forestWeight(x: Float64Array, t: number, s: { seed: number; rate: number; bootstrap: boolean }): number {
  if (!s.bootstrap && s.rate >= 1) return 1;
  const u = pointUniform(x, s.seed, 1000 + t);
  return s.bootstrap ? poissonFromUniform(u, s.rate) : u < s.rate ? 1 : 0;
}
