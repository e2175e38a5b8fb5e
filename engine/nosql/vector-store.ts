// A vector database (lecture 4): dense vectors with ids and metadata, sharded by id over the
// session's worker processes (or this process without a session). Search scatters the query to
// every shard, each returns its own top k (exact scan, or the LSH buckets the query falls in),
// and the driver merges them into the global top k. Metadata filters use the document store's
// MongoDB-style operators.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AnalysisError } from "../common/errors";
import { partitionForKey } from "../common/keys";
import type { Filter } from "./doc-query";
import { liveWorkers, type StoreCluster } from "./store-cluster";
import { ShardHost } from "./shard-host";
import { better, checkVector, VectorShard, type LshSpec, type ShardSearch, type VectorHit, type VectorIndexSpec, type VectorMetric } from "./vector-shard";

export const VECTOR_SERVICE = "nosql.vector";

export type VectorShardOp =
  | { op: "open"; store: string; shard: number; spec: VectorIndexSpec }
  | { op: "upsert"; store: string; shard: number; ids: Array<string | number>; data: Float32Array; metas: unknown[] }
  | { op: "delete"; store: string; shard: number; ids: Array<string | number> }
  | { op: "get"; store: string; shard: number; id: string | number }
  | { op: "search"; store: string; shard: number; q: Float32Array; k: number; exact: boolean; filter?: Filter; probes: number };

/** Run one shard operation on a shard object (the worker service and the local host share this). */
export function applyShardOp(shard: VectorShard, op: VectorShardOp): unknown {
  switch (op.op) {
    case "open": return shard.size;
    case "upsert": return shard.upsert(op.ids, op.data, op.metas);
    case "delete": return shard.delete(op.ids);
    case "get": return shard.get(op.id) ?? null;
    case "search": return shard.search(op.q, op.k, op.exact, op.filter, op.probes);
  }
}

export interface VectorStoreOptions {
  name?: string;
  dimension: number;
  metric?: VectorMetric;
  /** Shards (default: one per live worker, 2 without a session). */
  shards?: number;
  /** Locality-sensitive hashing for approximate search (default on: 8 tables of 10 bits; false for exact only). */
  lsh?: boolean | Partial<LshSpec>;
  /** Directory of the shards' write logs when they live on workers (default: a fresh temp dir). */
  dir?: string;
}

/** Operations that change a shard (logged on the workers). */
export const isVectorWrite = (op: VectorShardOp): boolean => op.op === "upsert" || op.op === "delete";

export interface SearchOptions {
  k?: number;
  /** Scan every vector instead of the LSH buckets (default: false when the store has LSH). */
  exact?: boolean;
  /** MongoDB-style filter on the metadata, e.g. { lang: "en", year: { $gte: 2020 } }. */
  filter?: Filter;
  /** Also look in the buckets one bit away from the query's (cosine only): more recall, more work. */
  probes?: number;
}

export interface SearchResult { results: VectorHit[]; candidatesExamined: number; shards: number }

export class VectorStore {
  readonly name: string;
  readonly dimension: number;
  readonly metric: VectorMetric;
  readonly spec: VectorIndexSpec;
  private shards!: ShardHost<VectorShard, VectorShardOp>;

  private constructor(opts: VectorStoreOptions, readonly numShards: number) {
    this.name = opts.name ?? "vectors";
    if (!Number.isInteger(opts.dimension) || opts.dimension < 1) throw new AnalysisError("INVALID_VECTOR_OPTION", `dimension=${String(opts.dimension)} is invalid: a positive integer is needed.`);
    this.dimension = opts.dimension;
    this.metric = opts.metric ?? "cosine";
    if (!["cosine", "dot", "l2"].includes(this.metric)) throw new AnalysisError("INVALID_VECTOR_OPTION", `metric=${String(this.metric)} is invalid: expected cosine, dot or l2.`);
    const l = opts.lsh === false ? undefined : { tables: 8, bits: 10, bucketWidth: 4, seed: 42, ...(typeof opts.lsh === "object" ? opts.lsh : {}) };
    this.spec = { dimension: this.dimension, metric: this.metric, ...(l ? { lsh: l } : {}) };
  }

  /** A store whose shards live in the session's workers (round-robin), or here without a session. */
  static async create(spark: { cluster?: StoreCluster } | null | undefined, opts: VectorStoreOptions): Promise<VectorStore> {
    const cluster = spark?.cluster;
    const live = cluster ? liveWorkers(cluster).length : 0;
    const store = new VectorStore(opts, opts.shards ?? (cluster ? Math.max(1, live) : 2));
    if (!Number.isInteger(store.numShards) || store.numShards < 1) throw new AnalysisError("INVALID_VECTOR_OPTION", `shards=${String(opts.shards)} is invalid: a positive integer is needed.`);
    store.shards = await ShardHost.open<VectorShard, VectorShardOp>(cluster, VECTOR_SERVICE, store.numShards,
      (open) => new VectorShard((open as Extract<VectorShardOp, { op: "open" }>).spec), applyShardOp, (i) => ({ op: "open", store: store.name, shard: i, spec: store.spec }),
      cluster ? { logDir: opts.dir ?? mkdtempSync(join(tmpdir(), `vectors-${store.name}-`)), isWrite: isVectorWrite } : {});
    return store;
  }

  /** Where each shard lives: a worker id or "driver". */
  hosts(): string[] { return this.shards.hosts(); }

  /** Shards opened again (from their logs) after their worker was lost. */
  get reopenedShards(): number { return this.shards.reopened; }

  private call(shard: number, op: VectorShardOp): Promise<unknown> {
    return this.shards.call(shard, op);
  }

  shardOf(id: string | number): number {
    return partitionForKey(id, this.numShards);
  }

  private checkId(id: unknown): string | number {
    if ((typeof id !== "string" || id === "") && !(typeof id === "number" && Number.isFinite(id))) throw new AnalysisError("INVALID_KEY", `Vector ids are non-empty strings or numbers, got ${JSON.stringify(id) ?? String(id)}.`, { parameters: { id } });
    return id;
  }

  async insert(id: string | number, vector: ArrayLike<number>, metadata?: Record<string, unknown>): Promise<void> {
    await this.insertMany([{ id, vector, metadata }]);
  }

  /** Insert (or replace) vectors, one batch per shard. */
  async insertMany(items: Array<{ id: string | number; vector: ArrayLike<number>; metadata?: Record<string, unknown> }>): Promise<number> {
    const d = this.dimension;
    const per = Array.from({ length: this.numShards }, () => ({ ids: [] as Array<string | number>, vecs: [] as Float32Array[], metas: [] as unknown[] }));
    for (const it of items) {
      const id = this.checkId(it.id);
      const v = checkVector(it.vector, d, `vector ${JSON.stringify(id)}`);
      if (it.metadata !== undefined && (typeof it.metadata !== "object" || it.metadata === null || Array.isArray(it.metadata))) {
        throw new AnalysisError("INVALID_METADATA", `Metadata of vector ${JSON.stringify(id)} must be an object of fields.`, { parameters: { id } });
      }
      const b = per[this.shardOf(id)]!;
      b.ids.push(id); b.vecs.push(v); b.metas.push(it.metadata);
    }
    await Promise.all(per.map((b, s) => {
      if (b.ids.length === 0) return undefined;
      const data = new Float32Array(b.ids.length * d);
      b.vecs.forEach((v, i) => data.set(v, i * d));
      return this.call(s, { op: "upsert", store: this.name, shard: s, ids: b.ids, data, metas: b.metas });
    }));
    return items.length;
  }

  async delete(id: string | number): Promise<boolean> {
    const s = this.shardOf(this.checkId(id));
    return (await this.call(s, { op: "delete", store: this.name, shard: s, ids: [id] })) === 1;
  }

  async get(id: string | number): Promise<{ vector: number[]; metadata: unknown } | undefined> {
    const s = this.shardOf(this.checkId(id));
    return ((await this.call(s, { op: "get", store: this.name, shard: s, id })) ?? undefined) as { vector: number[]; metadata: unknown } | undefined;
  }

  /** The k nearest vectors: every shard's top k, merged (scatter-gather). */
  async search(query: ArrayLike<number>, opts: SearchOptions = {}): Promise<SearchResult> {
    const q = checkVector(query, this.dimension, "the query");
    const k = opts.k ?? 10;
    if (!Number.isInteger(k) || k < 1) throw new AnalysisError("INVALID_VECTOR_OPTION", `k=${String(k)} is invalid: a positive integer is needed.`);
    const exact = opts.exact ?? !this.spec.lsh;
    const parts = (await this.shards.all((s) => ({ op: "search", store: this.name, shard: s, q, k, exact, ...(opts.filter ? { filter: opts.filter } : {}), probes: opts.probes ?? 0 }))) as ShardSearch[];
    const all = parts.flatMap((p) => p.hits).sort((a, b) => (better(this.metric, a.score, b.score) ? -1 : better(this.metric, b.score, a.score) ? 1 : 0));
    return { results: all.slice(0, k), candidatesExamined: parts.reduce((a, p) => a + p.examined, 0), shards: this.numShards };
  }

  /** Share of the exact top-k ids that the approximate result found (recall@k). */
  static recallAtK(approx: VectorHit[], exact: VectorHit[]): number {
    if (exact.length === 0) return 1;
    const want = new Set(exact.map((h) => h.id));
    return approx.filter((h) => want.has(h.id)).length / exact.length;
  }
}
