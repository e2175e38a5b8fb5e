// One shard of a vector store: dense vectors in one Float32Array, their ids and metadata, and the
// locality-sensitive hash tables that make approximate nearest-neighbour search touch a few
// buckets instead of every vector. Cosine uses random hyperplanes (a bit per plane: which side the
// vector is on), L2 uses p-stable projections (floor((a·v + b) / w) per projection). Exact search
// scans every vector. Pure computation; the store places shards in worker processes.

import { AnalysisError } from "../common/errors";
import { matches, type Filter } from "./doc-query";

export type VectorMetric = "cosine" | "dot" | "l2";

export interface LshSpec {
  /** Hash tables (more: higher recall, more candidates). */
  tables: number;
  /** Hash functions per table, i.e. bits of a bucket key for cosine (more: smaller buckets). */
  bits: number;
  /** Bucket width of the L2 projections. */
  bucketWidth: number;
  seed: number;
}

export interface VectorIndexSpec { dimension: number; metric: VectorMetric; lsh?: LshSpec }

export interface VectorHit { id: string | number; score: number; metadata?: unknown }
export interface ShardSearch { hits: VectorHit[]; examined: number }

/** Higher is better for cosine and dot; for l2 the score is the distance, lower is better. */
export function better(metric: VectorMetric, a: number, b: number): boolean {
  return metric === "l2" ? a < b : a > b;
}

/** Seeded uniforms in (0, 1) (a 32-bit LCG): the same hash functions in every process. */
function uniforms(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s + 1) / 4294967297; };
}

/** Seeded standard normals (Box-Muller). */
function gaussians(seed: number, n: number): Float32Array {
  const u = uniforms(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u())), t = 2 * Math.PI * u();
    out[i] = r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

export class VectorShard {
  private data: Float32Array;
  private norms: Float32Array;
  private readonly ids: Array<string | number> = [];
  private readonly meta: unknown[] = [];
  private readonly live: boolean[] = [];
  private readonly at = new Map<string | number, number>();
  private readonly planes?: Float32Array;
  private readonly offsets?: Float32Array;
  private readonly tables: Array<Map<string | number, number[]>> = [];
  private n = 0;

  constructor(readonly spec: VectorIndexSpec) {
    this.data = new Float32Array(spec.dimension * 64);
    this.norms = new Float32Array(64);
    const l = spec.lsh;
    if (l) {
      this.planes = gaussians(l.seed, l.tables * l.bits * spec.dimension);
      if (spec.metric === "l2") { const u = uniforms(l.seed + 1); this.offsets = new Float32Array(l.tables * l.bits).map(() => u() * l.bucketWidth); }
      for (let t = 0; t < l.tables; t++) this.tables.push(new Map());
    }
  }

  get size(): number { return this.at.size; }

  /** Insert or replace vectors (flat, `ids.length * dimension` numbers). */
  upsert(ids: Array<string | number>, flat: Float32Array | number[], metas: unknown[]): number {
    const d = this.spec.dimension;
    for (let j = 0; j < ids.length; j++) {
      const old = this.at.get(ids[j]!);
      if (old !== undefined) this.live[old] = false;
      if ((this.n + 1) * d > this.data.length) {
        const bigger = new Float32Array(this.data.length * 2); bigger.set(this.data); this.data = bigger;
        const nb = new Float32Array(this.norms.length * 2); nb.set(this.norms); this.norms = nb;
      }
      const i = this.n++;
      let norm = 0;
      for (let x = 0; x < d; x++) { const v = flat[j * d + x]!; this.data[i * d + x] = v; norm += v * v; }
      this.norms[i] = Math.sqrt(norm);
      this.ids.push(ids[j]!); this.meta.push(metas[j]); this.live.push(true);
      this.at.set(ids[j]!, i);
      for (let t = 0; t < this.tables.length; t++) {
        const key = this.bucket(t, this.data, i * d);
        const list = this.tables[t]!.get(key);
        if (list) list.push(i); else this.tables[t]!.set(key, [i]);
      }
    }
    return this.size;
  }

  delete(ids: Array<string | number>): number {
    let n = 0;
    for (const id of ids) { const i = this.at.get(id); if (i !== undefined) { this.live[i] = false; this.at.delete(id); n++; } }
    return n;
  }

  get(id: string | number): { vector: number[]; metadata: unknown } | undefined {
    const i = this.at.get(id);
    if (i === undefined) return undefined;
    const d = this.spec.dimension;
    return { vector: Array.from(this.data.subarray(i * d, (i + 1) * d)), metadata: this.meta[i] };
  }

  /** The bucket of the vector at `off` in `v` in table t. */
  private bucket(t: number, v: Float32Array, off: number): string | number {
    const l = this.spec.lsh!, d = this.spec.dimension, P = this.planes!;
    if (this.spec.metric !== "l2") {
      let key = 0;
      for (let b = 0; b < l.bits; b++) {
        const p = (t * l.bits + b) * d;
        let s = 0;
        for (let x = 0; x < d; x++) s += P[p + x]! * v[off + x]!;
        if (s >= 0) key |= 1 << b;
      }
      return key;
    }
    let key = "";
    for (let b = 0; b < l.bits; b++) {
      const p = (t * l.bits + b) * d;
      let s = this.offsets![t * l.bits + b]!;
      for (let x = 0; x < d; x++) s += P[p + x]! * v[off + x]!;
      key += `${Math.floor(s / l.bucketWidth)},`;
    }
    return key;
  }

  private score(q: Float32Array, qNorm: number, i: number): number {
    const d = this.spec.dimension, D = this.data, off = i * d;
    if (this.spec.metric === "l2") {
      let s = 0;
      for (let x = 0; x < d; x++) { const e = q[x]! - D[off + x]!; s += e * e; }
      return Math.sqrt(s);
    }
    let s = 0;
    for (let x = 0; x < d; x++) s += q[x]! * D[off + x]!;
    return this.spec.metric === "dot" ? s : s / (qNorm * this.norms[i]! || 1);
  }

  /**
   * The k best vectors for q: every vector (exact), or the vectors sharing a bucket with q in some
   * table (with `probes` > 0 also the buckets one bit away, cosine only). `filter` is a
   * MongoDB-style filter on the metadata.
   */
  search(q: Float32Array, k: number, exact: boolean, filter?: Filter, probes = 0): ShardSearch {
    let qn = 0;
    for (let x = 0; x < q.length; x++) qn += q[x]! * q[x]!;
    qn = Math.sqrt(qn);
    const top: VectorHit[] = [];
    const metric = this.spec.metric;
    let examined = 0;
    const consider = (i: number) => {
      if (!this.live[i]) return;
      if (filter && !matches((this.meta[i] ?? {}) as Record<string, unknown>, filter)) return;
      examined++;
      const s = this.score(q, qn, i);
      if (top.length === k && !better(metric, s, top[k - 1]!.score)) return;
      let p = top.length < k ? top.length : k - 1;
      while (p > 0 && better(metric, s, top[p - 1]!.score)) p--;
      top.splice(p, 0, { id: this.ids[i]!, score: s, ...(this.meta[i] !== undefined ? { metadata: this.meta[i] } : {}) });
      if (top.length > k) top.pop();
    };
    if (exact || !this.spec.lsh) {
      for (let i = 0; i < this.n; i++) consider(i);
      return { hits: top, examined };
    }
    const seen = new Set<number>();
    for (let t = 0; t < this.tables.length; t++) {
      const key = this.bucket(t, q, 0);
      const keys = [key];
      if (typeof key === "number") for (let b = 0; b < Math.min(probes, this.spec.lsh.bits); b++) keys.push(key ^ (1 << b));
      for (const kk of keys) for (const i of this.tables[t]!.get(kk) ?? []) if (!seen.has(i)) { seen.add(i); consider(i); }
    }
    return { hits: top, examined };
  }
}

/** Check a vector: an array (or typed array) of `dimension` finite numbers. */
export function checkVector(v: unknown, dimension: number, what: string): Float32Array {
  const arr = v instanceof Float32Array || v instanceof Float64Array || Array.isArray(v) ? v as ArrayLike<unknown> : undefined;
  if (!arr) throw new AnalysisError("INVALID_VECTOR", `${what}: expected an array of ${dimension} numbers, got ${v === null ? "null" : typeof v}.`, { parameters: { what } });
  if (arr.length !== dimension) throw new AnalysisError("VECTOR_DIMENSION_MISMATCH", `${what} has ${arr.length} dimensions; the store holds ${dimension}-dimensional vectors.`, { parameters: { what, got: arr.length, expected: dimension } });
  const out = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) {
    const x = arr[i];
    if (typeof x !== "number" || !Number.isFinite(x)) throw new AnalysisError("INVALID_VECTOR", `${what}: component ${i} is ${JSON.stringify(x) ?? String(x)}, not a finite number.`, { parameters: { what, index: i } });
    out[i] = x;
  }
  return out;
}
