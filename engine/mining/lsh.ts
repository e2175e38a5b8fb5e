// Locality-sensitive hashing over MinHash signatures (lecture 3): cut each signature into b bands
// of r rows; two sets become a candidate pair when they agree on every row of at least one band.
// The probability for sets of similarity s is the S-curve 1 - (1 - s^r)^b.

import { AnalysisError } from "../common/errors";
import { jaccard } from "./shingles";

export class MinHashLSH {
  constructor(readonly bands: number, readonly rows: number) {
    for (const [n, v] of [["bands", bands], ["rows", rows]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${n} must be a positive integer, got ${String(v)}`);
    }
  }

  /** Signature length this LSH expects (b * r). */
  get numHashes(): number {
    return this.bands * this.rows;
  }

  /** Probability that two sets of Jaccard similarity s become candidates: 1 - (1 - s^r)^b. */
  probability(s: number): number {
    return 1 - Math.pow(1 - Math.pow(s, this.rows), this.bands);
  }

  /** The similarity where the S-curve is steepest, about (1/b)^(1/r). */
  threshold(): number {
    return Math.pow(1 / this.bands, 1 / this.rows);
  }

  /** The bucket key of band `band` of a signature. */
  bandKey(sig: readonly number[], band: number): string {
    return `${band}:${sig.slice(band * this.rows, (band + 1) * this.rows).join(",")}`;
  }

  /** Candidate pairs [i, j] (i < j) of signatures that share a bucket in some band, sorted. */
  candidatePairs(signatures: ReadonlyArray<readonly number[]>): Array<[number, number]> {
    for (const s of signatures) {
      if (s.length < this.numHashes) throw new AnalysisError("INVALID_PARAMETER_VALUE", `a signature has ${s.length} rows, fewer than bands x rows = ${this.numHashes}`);
    }
    const pairs = new Set<string>();
    for (let band = 0; band < this.bands; band++) {
      const buckets = new Map<string, number[]>();
      signatures.forEach((sig, i) => {
        const k = this.bandKey(sig, band);
        const b = buckets.get(k);
        if (b) b.push(i); else buckets.set(k, [i]);
      });
      for (const ids of buckets.values()) {
        for (let x = 0; x < ids.length; x++) for (let y = x + 1; y < ids.length; y++) pairs.add(`${ids[x]},${ids[y]}`);
      }
    }
    return [...pairs].map((p) => p.split(",").map(Number) as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  }
}

/** Candidates vs the truth at a similarity threshold: true/false positives and false negatives. */
export function evaluateCandidates(sets: ReadonlyArray<Iterable<unknown>>, candidates: ReadonlyArray<readonly [number, number]>, threshold: number):
  { truePositives: number; falsePositives: number; falseNegatives: number; similarPairs: number } {
  const cand = new Set(candidates.map(([i, j]) => `${Math.min(i, j)},${Math.max(i, j)}`));
  const ss = sets.map((s) => new Set(s));
  let tp = 0, fn = 0, similar = 0;
  for (let i = 0; i < ss.length; i++) {
    for (let j = i + 1; j < ss.length; j++) {
      const sim = jaccard(ss[i]!, ss[j]!) >= threshold;
      if (sim) { similar++; if (cand.has(`${i},${j}`)) tp++; else fn++; }
    }
  }
  return { truePositives: tp, falsePositives: cand.size - tp, falseNegatives: fn, similarPairs: similar };
}
