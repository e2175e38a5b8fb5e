// A MongoDB-style document store: collections of JSON documents sharded by a shard key (hashed
// or ranged) over named shards. Queries that pin the shard key go to one shard; others scatter
// to all shards and gather. Single-field and compound indexes (sorted key lists per shard) serve
// equality/range filters on their leading field; explain() says which plan ran.

import { AnalysisError } from "../common/errors";
import { hashModN, rangeAssign } from "./partition-stats";
import { applyUpdate, compareValues, matches, valuesAt, type Doc, type Filter } from "./doc-query";
import { runPipeline, type AggregationStage } from "./doc-aggregate";

export interface FindOptions {
  projection?: Record<string, 0 | 1 | boolean>;
  sort?: Record<string, 1 | -1>;
  limit?: number;
  skip?: number;
}

export interface ExplainResult {
  /** "IXSCAN" when an index narrowed the candidates, else "COLLSCAN". */
  stage: "IXSCAN" | "COLLSCAN";
  indexName?: string;
  /** Shards the query visited: one when the filter pins the shard key, all otherwise (scatter-gather). */
  shardsVisited: string[];
  docsExamined: number;
  nReturned: number;
}

interface Index { name: string; fields: [string, 1 | -1][] }

export interface CollectionOptions {
  shards?: string[];
  shardKey?: string;
  sharding?: "hashed" | "ranged";
  /** Ranged sharding: shard-key split points. */
  bounds?: unknown[];
}

let nextId = 1;

export class Collection {
  readonly shards: string[];
  readonly shardKey: string;
  private readonly data = new Map<string, Map<string, Doc>>();
  private readonly indexes: Index[] = [];
  private readonly assign: (k: unknown) => string;
  lastExplain?: ExplainResult;

  constructor(readonly name: string, opts: CollectionOptions = {}) {
    this.shards = opts.shards ?? ["shard-0", "shard-1", "shard-2"];
    this.shardKey = opts.shardKey ?? "_id";
    for (const s of this.shards) this.data.set(s, new Map());
    this.assign = opts.sharding === "ranged" ? rangeAssign(this.shards, { bounds: opts.bounds ?? [] }) : hashModN(this.shards);
  }

  private checkJson(doc: unknown): Doc {
    const bad = (path: string, v: unknown) => new AnalysisError("NOT_JSON", `Document field '${path}' holds ${typeof v === "function" ? "a function" : String(v)}, which is not a JSON value.`, { parameters: { field: path } });
    const walk = (v: unknown, path: string): void => {
      if (v === null || typeof v === "string" || typeof v === "boolean") return;
      if (typeof v === "number") { if (!Number.isFinite(v)) throw bad(path, v); return; }
      if (Array.isArray(v)) { v.forEach((x, i) => walk(x, `${path}.${i}`)); return; }
      if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) { for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k); return; }
      throw bad(path, v);
    };
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new AnalysisError("NOT_A_DOCUMENT", `insert needs a JSON object, got ${JSON.stringify(doc) ?? String(doc)}.`);
    walk(doc, "");
    return doc as Doc;
  }

  private shardOf(doc: Doc): string {
    return this.assign(valuesAt(doc, this.shardKey.split("."))[0] ?? null);
  }

  insertOne(doc: Doc): { insertedId: unknown } {
    const d = structuredClone(this.checkJson(doc));
    d._id ??= `oid${String(nextId++).padStart(8, "0")}`;
    const id = JSON.stringify(d._id);
    for (const m of this.data.values()) if (m.has(id)) throw new AnalysisError("DUPLICATE_KEY", `E11000 duplicate key: _id ${id} already exists in '${this.name}'.`, { parameters: { _id: d._id } });
    this.data.get(this.shardOf(d))!.set(id, d);
    return { insertedId: d._id };
  }

  insertMany(docs: Doc[]): { insertedIds: unknown[] } {
    return { insertedIds: docs.map((d) => this.insertOne(d).insertedId) };
  }

  createIndex(spec: Record<string, 1 | -1>): string {
    const fields = Object.entries(spec) as [string, 1 | -1][];
    if (fields.length === 0) throw new AnalysisError("INVALID_INDEX", "createIndex needs at least one field.");
    const name = fields.map(([f, d]) => `${f}_${d}`).join("_");
    if (!this.indexes.some((i) => i.name === name)) this.indexes.push({ name, fields });
    return name;
  }

  get indexNames(): string[] {
    return ["_id_", ...this.indexes.map((i) => i.name)];
  }

  private plan(filter: Filter): { shards: string[]; index?: Index } {
    const sk = filter[this.shardKey];
    const pinned = sk !== undefined && (typeof sk !== "object" || sk === null || ("$eq" in (sk as object) && Object.keys(sk as object).length === 1));
    const shards = pinned ? [this.assign(typeof sk === "object" && sk !== null ? (sk as { $eq: unknown }).$eq : sk)] : this.shards;
    const index = this.indexes.find((i) => i.fields[0]![0] in filter);
    return { shards, index };
  }

  private scan(filter: Filter): { docs: Doc[]; explain: Omit<ExplainResult, "nReturned"> } {
    const { shards, index } = this.plan(filter);
    let examined = 0;
    const out: Doc[] = [];
    for (const s of shards) {
      let cands = [...this.data.get(s)!.values()];
      if (index) {
        // Index scan: the sorted (value, doc) entries of the leading field, narrowed by the filter on it.
        const f = index.fields[0]![0];
        cands = cands.filter((d) => matches(d, { [f]: filter[f] }));
      }
      for (const d of cands) { examined++; if (matches(d, filter)) out.push(d); }
    }
    return { docs: out, explain: { stage: index ? "IXSCAN" : "COLLSCAN", indexName: index?.name, shardsVisited: shards, docsExamined: examined } };
  }

  find(filter: Filter = {}, opts: FindOptions = {}): Doc[] {
    const { docs, explain } = this.scan(filter);
    let res = docs;
    if (opts.sort) {
      const keys = Object.entries(opts.sort);
      res = [...res].sort((a, b) => {
        for (const [f, dir] of keys) {
          const c = compareValues(valuesAt(a, f.split("."))[0] ?? null, valuesAt(b, f.split("."))[0] ?? null);
          if (c) return c * dir;
        }
        return 0;
      });
    } else res = [...res].sort((a, b) => compareValues(a._id, b._id));
    res = res.slice(opts.skip ?? 0, opts.limit ? (opts.skip ?? 0) + opts.limit : undefined);
    this.lastExplain = { ...explain, nReturned: res.length };
    return res.map((d) => project(structuredClone(d), opts.projection));
  }

  /** Other collections of the same database, for $lookup (set by DocumentStore). */
  resolveCollection?: (name: string) => Collection | undefined;

  /**
   * MongoDB's aggregation pipeline. A leading $match is pushed down into the shard scan (one shard
   * when it pins the shard key, else scatter-gather, and indexes apply); the rest runs on the
   * gathered documents. $lookup reads the other collection of the same DocumentStore.
   */
  aggregate(pipeline: AggregationStage[]): Doc[] {
    const first = Array.isArray(pipeline) ? pipeline[0] : undefined;
    const pushed = first && Object.keys(first).length === 1 && "$match" in first ? (first.$match as Filter) : undefined;
    const { docs, explain } = this.scan(pushed ?? {});
    const sorted = [...docs].sort((a, b) => compareValues(a._id, b._id));
    const out = runPipeline(sorted, pushed ? pipeline.slice(1) : pipeline, (name) => this.resolveCollection?.(name)?.find({}) ?? []);
    this.lastExplain = { ...explain, nReturned: out.length };
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

  private replace(old: Doc, next: Doc): void {
    this.checkJson(next);
    const id = JSON.stringify(old._id);
    for (const m of this.data.values()) m.delete(id);
    this.data.get(this.shardOf(next))!.set(id, next);
  }

  updateOne(filter: Filter, update: Record<string, unknown>, opts: { upsert?: boolean } = {}): { matchedCount: number; modifiedCount: number; upsertedId?: unknown } {
    return this.update(filter, update, opts, 1);
  }

  updateMany(filter: Filter, update: Record<string, unknown>, opts: { upsert?: boolean } = {}): { matchedCount: number; modifiedCount: number; upsertedId?: unknown } {
    return this.update(filter, update, opts, Infinity);
  }

  private update(filter: Filter, update: Record<string, unknown>, opts: { upsert?: boolean }, max: number) {
    const hits = this.scan(filter).docs.sort((a, b) => compareValues(a._id, b._id)).slice(0, max);
    let modified = 0;
    for (const d of hits) {
      const next = applyUpdate(d, update);
      if (JSON.stringify(next) !== JSON.stringify(d)) modified++;
      this.replace(d, next);
    }
    if (hits.length === 0 && opts.upsert) {
      const seed: Doc = {};
      for (const [k, v] of Object.entries(filter)) if (!k.startsWith("$") && (typeof v !== "object" || v === null || Array.isArray(v))) Object.assign(seed, applyUpdate(seed, { $set: { [k]: v } }));
      const { insertedId } = this.insertOne(applyUpdate(seed, update));
      return { matchedCount: 0, modifiedCount: 0, upsertedId: insertedId };
    }
    return { matchedCount: hits.length, modifiedCount: modified };
  }

  deleteMany(filter: Filter): { deletedCount: number } {
    const hits = this.scan(filter).docs;
    for (const d of hits) for (const m of this.data.values()) m.delete(JSON.stringify(d._id));
    return { deletedCount: hits.length };
  }

  /** Documents per shard (scatter-gather and skew pictures). */
  distribution(): Record<string, number> {
    return Object.fromEntries([...this.data].map(([s, m]) => [s, m.size]));
  }
}

function project(doc: Doc, proj?: Record<string, 0 | 1 | boolean>): Doc {
  if (!proj || Object.keys(proj).length === 0) return doc;
  const inc = Object.entries(proj).filter(([k, v]) => k !== "_id" && v).map(([k]) => k);
  if (inc.length) {
    const out: Doc = {};
    if (proj._id === undefined || proj._id) out._id = doc._id;
    for (const p of inc) {
      const v = valuesAt(doc, p.split("."));
      if (v.length) Object.assign(out, applyUpdate(out, { $set: { [p]: v.length === 1 ? v[0] : v } }));
    }
    return out;
  }
  return applyUpdate(doc, { $unset: Object.fromEntries(Object.entries(proj).filter(([, v]) => !v).map(([k]) => [k, ""])) });
}

export class DocumentStore {
  private readonly cols = new Map<string, Collection>();
  constructor(readonly defaults: CollectionOptions = {}) {}
  static async create(_spark: unknown, defaults: CollectionOptions = {}): Promise<DocumentStore> {
    return new DocumentStore(defaults);
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
