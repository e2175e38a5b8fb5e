// MinHash (lecture 3): n hash functions h_i(x) = (a_i * x + b_i) mod p over the shingles' 32-bit
// hashes, p the Mersenne prime 2^31 - 1 (Spark ML's MinHashLSH uses the same family); a set's
// signature is the minimum of each h_i over its elements. The fraction of rows where two
// signatures agree estimates their Jaccard similarity.

import { AnalysisError } from "../common/errors";
import { hashKey } from "../common/keys";

export const MINHASH_PRIME = 2147483647;

/** A small seeded generator (mulberry32), so the same seed gives the same hash functions everywhere. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TWO31 = 2147483648;

/** v mod (2^31 - 1) for 0 <= v < 2^53, by folding (2^31 = 1 mod p): no floating-point remainder. */
function foldMod(v: number): number {
  let q = Math.floor(v / TWO31);
  let r = v - q * TWO31 + q;           // < 2^31 + 2^22
  q = Math.floor(r / TWO31);
  r = r - q * TWO31 + q;
  return r >= MINHASH_PRIME ? r - MINHASH_PRIME : r;
}

/** (a * x + b) mod p exactly (a, x, b < 2^31): a is split in 16-bit halves so every product is exact. */
function mulAddMod(a: number, x: number, b: number): number {
  const hi = Math.floor(a / 65536), lo = a - hi * 65536;
  return foldMod(foldMod(hi * x) * 65536 + lo * x + b);
}

export class MinHash {
  readonly a: number[];
  readonly b: number[];

  /** `numHashes` hash functions drawn from `seed`. */
  constructor(readonly numHashes: number, readonly seed = 42) {
    if (!Number.isInteger(numHashes) || numHashes < 1) throw new AnalysisError("INVALID_PARAMETER_VALUE", `numHashes must be a positive integer, got ${String(numHashes)}`);
    const rnd = seededRandom(seed);
    this.a = Array.from({ length: numHashes }, () => 1 + Math.floor(rnd() * (MINHASH_PRIME - 1)));
    this.b = Array.from({ length: numHashes }, () => Math.floor(rnd() * MINHASH_PRIME));
  }

  /** The 31-bit row number of an element (its stable hash mod p). */
  static row(x: unknown): number {
    return typeof x === "number" && Number.isInteger(x) && x >= 0 ? x % MINHASH_PRIME : hashKey(x) % MINHASH_PRIME;
  }

  /** h_i(row) for one row. */
  hash(i: number, row: number): number {
    return mulAddMod(this.a[i]!, row, this.b[i]!);
  }

  /** The signature of a set: min over its elements of each h_i (Infinity for an empty set). */
  signature(set: Iterable<unknown>): number[] {
    return minhashSignature(this.a, this.b, set);
  }

  /** The signature matrix as in the lecture: one row per hash function, one column per set. */
  signatureMatrix(sets: Iterable<unknown>[]): number[][] {
    const cols = sets.map((s) => this.signature(s));
    return Array.from({ length: this.numHashes }, (_, i) => cols.map((c) => c[i]!));
  }

  /** Estimated Jaccard similarity: the fraction of hash functions on which the signatures agree. */
  static estimate(sigA: readonly number[], sigB: readonly number[]): number {
    if (sigA.length !== sigB.length) throw new AnalysisError("INVALID_PARAMETER_VALUE", `signatures differ in length (${sigA.length} vs ${sigB.length})`);
    let eq = 0;
    for (let i = 0; i < sigA.length; i++) if (sigA[i] === sigB[i]) eq++;
    return eq / sigA.length;
  }
}

/** The MinHash signature of a set under hash functions (a_i, b_i): plain data in, so tasks can ship it. */
export function minhashSignature(a: readonly number[], b: readonly number[], set: Iterable<unknown>): number[] {
  const n = a.length;
  const sig = new Array<number>(n).fill(Infinity);
  for (const x of set) {
    const r = MinHash.row(x);
    for (let i = 0; i < n; i++) {
      const h = mulAddMod(a[i]!, r, b[i]!);
      if (h < sig[i]!) sig[i] = h;
    }
  }
  return sig;
}
