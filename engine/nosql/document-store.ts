// A MongoDB-style document store: collections of JSON documents sharded by a shard key (hashed
// or ranged) over named shards. Queries that pin the shard key go to one shard; others scatter
// to all shards and gather. Single-field and compound indexes (sorted key lists per shard) serve
// equality/range filters on their leading field; explain() says which plan ran.

import { applyUpdate, compareValues, valuesAt, type Doc, type Filter } from "./doc-query";
import { runPipeline, type AggregationStage } from "./doc-aggregate";
import {
  addIndex, checkJson, DocShard, duplicateKey, explainOf, finishFind, planQuery, pushedMatch, shardingOf, upsertDoc, withId,
  type CollectionOptions, type DocIndex, type ExplainResult, type FindOptions, type UpdateResult,
} from "./doc-shard";
import type { StoreCluster } from "./store-cluster";
import { ShardedDocumentStore } from "./sharded-document-store";

export type { CollectionOptions, ExplainResult, FindOptions, UpdateResult } from "./doc-shard";






export class Collection {
  readonly shards: string[];
  readonly shardKey: string;
  private readonly data = new Map<string, DocShard>();
  private readonly indexes: DocIndex[] = [];
  private readonly assign: (k: unknown) => string;
  lastExplain?: ExplainResult;

  constructor(readonly name: string, opts: CollectionOptions = {}) {
    ({ shards: this.shards, shardKey: this.shardKey, assign: this.assign } = shardingOf(opts));
    for (const s of this.shards) this.data.set(s, new DocShard());
  }

  private shardOf(doc: Doc): string {
    return this.assign(valuesAt(doc, this.shardKey.split("."))[0] ?? null);
  }

  insertOne(doc: Doc): { insertedId: unknown } {
    const d = withId(doc);
    const id = JSON.stringify(d._id);
    for (const m of this.data.values()) if (m.has(id)) throw duplicateKey(this.name, d);
    this.data.get(this.shardOf(d))!.put(d);
    return { insertedId: d._id };
  }

  insertMany(docs: Doc[]): { insertedIds: unknown[] } {
    return { insertedIds: docs.map((d) => this.insertOne(d).insertedId) };
  }

  createIndex(spec: Record<string, 1 | -1>): string {
    return addIndex(this.indexes, spec);
  }

  get indexNames(): string[] {
    return ["_id_", ...this.indexes.map((i) => i.name)];
  }

  private scan(filter: Filter): { docs: Doc[]; plan: ReturnType<typeof planQuery>; examined: number } {
    const plan = planQuery(filter, this.shards, this.shardKey, this.assign, this.indexes);
    let examined = 0;
    const docs: Doc[] = [];
    for (const s of plan.shards) {
      const r = this.data.get(s)!.scan(filter, plan.index?.fields[0]![0]);
      examined += r.examined;
      docs.push(...r.docs);
    }
    return { docs, plan, examined };
  }

  find(filter: Filter = {}, opts: FindOptions = {}): Doc[] {
    const { docs, plan, examined } = this.scan(filter);
    const res = finishFind(docs, opts);
    this.lastExplain = explainOf(plan, examined, res.length);
    return res;
  }

  /** Other collections of the same database, for $lookup (set by DocumentStore). */
  resolveCollection?: (name: string) => Collection | undefined;

  /**
   * MongoDB's aggregation pipeline. A leading $match is pushed down into the shard scan (one shard
   * when it pins the shard key, else scatter-gather, and indexes apply); the rest runs on the
   * gathered documents. $lookup reads the other collection of the same DocumentStore.
   */
  aggregate(pipeline: AggregationStage[]): Doc[] {
    const pushed = pushedMatch(pipeline);
    const { docs, plan, examined } = this.scan(pushed ?? {});
    const sorted = [...docs].sort((a, b) => compareValues(a._id, b._id));
    const out = runPipeline(sorted, pushed ? pipeline.slice(1) : pipeline, (name) => this.resolveCollection?.(name)?.find({}) ?? []);
    this.lastExplain = explainOf(plan, examined, out.length);
    return out;
  }

  findOne(filter: Filter = {}, opts: FindOptions = {}): Doc | null {
    return this.find(filter, { ...opts, limit: 1 })[0] ?? null;
  }

  countDocuments(filter: Filter = {}): number {
    return this.scan(filter).docs.length;
  }

  explain(filter: Filter = {}, opts: FindOptions = {}): ExplainResult {
    this.find(filter, opts);
    return this.lastExplain!;
  }

  updateOne(filter: Filter, update: Record<string, unknown>, opts: { upsert?: boolean } = {}): UpdateResult {
    return this.update(filter, update, opts, 1);
  }

  updateMany(filter: Filter, update: Record<string, unknown>, opts: { upsert?: boolean } = {}): UpdateResult {
    return this.update(filter, update, opts, Infinity);
  }

  private update(filter: Filter, update: Record<string, unknown>, opts: { upsert?: boolean }, max: number): UpdateResult {
    const hits = this.scan(filter).docs.sort((a, b) => compareValues(a._id, b._id)).slice(0, max);
    let modified = 0;
    for (const d of hits) {
      const next = checkJson(applyUpdate(d, update));
      if (JSON.stringify(next) !== JSON.stringify(d)) modified++;
      for (const m of this.data.values()) m.remove([JSON.stringify(d._id)]);
      this.data.get(this.shardOf(next))!.put(next);
    }
    if (hits.length === 0 && opts.upsert) return { matchedCount: 0, modifiedCount: 0, upsertedId: this.insertOne(upsertDoc(filter, update)).insertedId };
    return { matchedCount: hits.length, modifiedCount: modified };
  }

  deleteMany(filter: Filter): { deletedCount: number } {
    const hits = this.scan(filter).docs;
    for (const d of hits) for (const m of this.data.values()) m.remove([JSON.stringify(d._id)]);
    return { deletedCount: hits.length };
  }

  /** Documents per shard (scatter-gather and skew pictures). */
  distribution(): Record<string, number> {
    return Object.fromEntries([...this.data].map(([s, m]) => [s, m.size]));
  }
}



export class DocumentStore {
  private readonly cols = new Map<string, Collection>();
  constructor(readonly defaults: CollectionOptions = {}) {}
  /**
   * With a session, a store whose collections' shards live in the worker processes (every method
   * returns a Promise, as in MongoDB's Node.js driver; see ShardedDocumentStore); without one, this
   * in-process store.
   */
  static async create(spark: { cluster?: StoreCluster }, defaults?: CollectionOptions & { name?: string; dir?: string }): Promise<ShardedDocumentStore>;
  static async create(spark: null | undefined, defaults?: CollectionOptions): Promise<DocumentStore>;
  static async create(spark: { cluster?: StoreCluster } | null | undefined, defaults: CollectionOptions & { name?: string; dir?: string } = {}): Promise<DocumentStore | ShardedDocumentStore> {
    if (!spark?.cluster) return new DocumentStore(defaults);
    const { name, dir, ...opts } = defaults;
    return new ShardedDocumentStore(spark.cluster, name ?? "db", opts, dir);
  }
  collection(name: string, opts: CollectionOptions = {}): Collection {
    let c = this.cols.get(name);
    if (!c) { c = new Collection(name, { ...this.defaults, ...opts }); c.resolveCollection = (n) => this.cols.get(n); this.cols.set(name, c); }
    return c;
  }
  get collectionNames(): string[] {
    return [...this.cols.keys()];
  }
}
