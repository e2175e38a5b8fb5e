// Near-duplicate detection over a corpus as RDD jobs (lecture 3's pipeline): shingle every
// document, compute its MinHash signature, hash each band of the signature to a bucket, group by
// bucket, and emit the pairs that share one; candidates are then checked on their signatures
// (estimated similarity) and, if asked, on their exact shingle sets.

import { registerShippable } from "../common/closure";
import type { RDD } from "../rdd";
import { MinHash, minhashSignature } from "./minhash";
import { jaccard, shingles, type ShingleOptions } from "./shingles";

export interface NearDuplicateOptions extends ShingleOptions {
  k?: number;
  bands?: number;
  rows?: number;
  seed?: number;
  /** Keep candidates whose estimated similarity is at least this (default 0: every candidate). */
  threshold?: number;
}

export interface NearDuplicatePair { a: string; b: string; estimate: number; jaccard: number }

const shingleDoc = registerShippable("mining.shingles", shingles);
const signatureOf = registerShippable("mining.minhashSignature", minhashSignature);
const jaccardOf = registerShippable("mining.jaccard", jaccard);

/** Candidate near-duplicate pairs of (id, text) documents, found with MinHash + LSH on the cluster. */
export async function nearDuplicatesRDD(docs: RDD<[string, string]>, opts: NearDuplicateOptions = {}): Promise<NearDuplicatePair[]> {
  const k = opts.k ?? 5, bands = opts.bands ?? 20, rows = opts.rows ?? 5, threshold = opts.threshold ?? 0;
  const unit = opts.unit ?? "char", normalize = opts.normalize ?? true;
  const mh = new MinHash(bands * rows, opts.seed ?? 42);
  const a = mh.a, b = mh.b;
  const withSig = docs.map(([id, text]: [string, string]) => {
    const sh = [...shingleDoc(text, k, { unit, normalize })];
    return [id, { sig: signatureOf(a, b, sh), sh }] as [string, { sig: number[]; sh: string[] }];
  }).cache();
  const pairs = await withSig
    .flatMap(([id, d]: [string, { sig: number[]; sh: string[] }]) =>
      Array.from({ length: bands }, (_, band) => [`${band}:${d.sig.slice(band * rows, (band + 1) * rows).join(",")}`, id] as [string, string]))
    .groupByKey()
    .flatMap(([, ids]: [string, string[]]) => {
      const s = [...new Set(ids)].sort();
      const out: Array<[string, string]> = [];
      for (let x = 0; x < s.length; x++) for (let y = x + 1; y < s.length; y++) out.push([s[x]!, s[y]!]);
      return out;
    })
    .distinct()
    .collect();
  const docsById = new Map(await withSig.collect());
  withSig.unpersist();
  const out: NearDuplicatePair[] = [];
  for (const [x, y] of pairs) {
    const dx = docsById.get(x)!, dy = docsById.get(y)!;
    let eq = 0;
    for (let i = 0; i < dx.sig.length; i++) if (dx.sig[i] === dy.sig[i]) eq++;
    const estimate = eq / dx.sig.length;
    if (estimate >= threshold) out.push({ a: x, b: y, estimate, jaccard: jaccardOf(dx.sh, dy.sh) });
  }
  return out.sort((p, q) => q.estimate - p.estimate || (p.a < q.a ? -1 : p.a > q.a ? 1 : p.b < q.b ? -1 : 1));
}
