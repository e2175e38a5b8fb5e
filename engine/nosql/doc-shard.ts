// The pieces of a document collection both of its forms share: one shard's documents (DocShard,
// in this process or in a worker), the checks and the query plan (which shards, which index), and
// how gathered documents are ordered, paged and projected.

import { AnalysisError } from "../common/errors";
import { applyUpdate, compareValues, matches, valuesAt, type Doc, type Filter } from "./doc-query";
import type { AggregationStage } from "./doc-aggregate";
import { hashModN, rangeAssign } from "./partition-stats";

export interface DocIndex { name: string; fields: [string, 1 | -1][] }

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

export interface CollectionOptions {
  shards?: string[];
  shardKey?: string;
  sharding?: "hashed" | "ranged";
  /** Ranged sharding: shard-key split points. */
  bounds?: unknown[];
}

export type UpdateResult = { matchedCount: number; modifiedCount: number; upsertedId?: unknown };

/** How a collection's options place documents: shard names, shard key, and key -> shard. */
export function shardingOf(opts: CollectionOptions): { shards: string[]; shardKey: string; assign: (k: unknown) => string } {
  const shards = opts.shards ?? ["shard-0", "shard-1", "shard-2"];
  return { shards, shardKey: opts.shardKey ?? "_id", assign: opts.sharding === "ranged" ? rangeAssign(shards, { bounds: opts.bounds ?? [] }) : hashModN(shards) };
}

/** Add an index (single-field or compound) to a collection's list; returns its name. */
export function addIndex(indexes: DocIndex[], spec: Record<string, 1 | -1>): string {
  const fields = Object.entries(spec) as [string, 1 | -1][];
  if (fields.length === 0) throw new AnalysisError("INVALID_INDEX", "createIndex needs at least one field.");
  const name = fields.map(([f, d]) => `${f}_${d}`).join("_");
  if (!indexes.some((i) => i.name === name)) indexes.push({ name, fields });
  return name;
}

/** A leading $match stage, which the shards can apply. */
export function pushedMatch(pipeline: AggregationStage[]): Filter | undefined {
  const first = Array.isArray(pipeline) ? pipeline[0] : undefined;
  return first && Object.keys(first).length === 1 && "$match" in first ? (first.$match as Filter) : undefined;
}


/** One shard of a collection: documents by _id (as JSON text). */
export class DocShard {
  readonly data = new Map<string, Doc>();

  has(id: string): boolean { return this.data.has(id); }
  put(d: Doc): void { this.data.set(JSON.stringify(d._id), d); }
  remove(ids: string[]): number { let n = 0; for (const id of ids) if (this.data.delete(id)) n++; return n; }
  get size(): number { return this.data.size; }

  /** Matching documents; `indexField` narrows the candidates first (what an index lookup does). */
  scan(filter: Filter, indexField?: string): { docs: Doc[]; examined: number } {
    let cands = [...this.data.values()];
    if (indexField) cands = cands.filter((d) => matches(d, { [indexField]: filter[indexField] }));
    const docs: Doc[] = [];
    for (const d of cands) if (matches(d, filter)) docs.push(d);
    return { docs, examined: cands.length };
  }
}

/** A JSON object (no functions, Dates, NaN...), or a typed error naming the field. */
export function checkJson(doc: unknown): Doc {
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

let nextId = 1;
/** A copy of the document with an _id (a fresh ObjectId-like one when it has none). */
export function withId(doc: unknown): Doc {
  const d = structuredClone(checkJson(doc));
  d._id ??= `oid${String(nextId++).padStart(8, "0")}`;
  return d;
}

export function duplicateKey(collection: string, d: Doc): AnalysisError {
  return new AnalysisError("DUPLICATE_KEY", `E11000 duplicate key: _id ${JSON.stringify(d._id)} already exists in '${collection}'.`, { parameters: { _id: d._id } });
}

/** The shards a filter must visit (one when it pins the shard key) and the index it can use. */
export function planQuery(filter: Filter, shards: string[], shardKey: string, assign: (k: unknown) => string, indexes: DocIndex[]): { shards: string[]; index?: DocIndex } {
  const sk = filter[shardKey];
  const pinned = sk !== undefined && (typeof sk !== "object" || sk === null || ("$eq" in (sk as object) && Object.keys(sk as object).length === 1));
  return {
    shards: pinned ? [assign(typeof sk === "object" && sk !== null ? (sk as { $eq: unknown }).$eq : sk)] : shards,
    index: indexes.find((i) => i.fields[0]![0] in filter),
  };
}

/** Sort (by the given keys, else by _id), skip, limit and project gathered documents. */
export function finishFind(docs: Doc[], opts: FindOptions): Doc[] {
  let res: Doc[];
  if (opts.sort) {
    const keys = Object.entries(opts.sort);
    res = [...docs].sort((a, b) => {
      for (const [f, dir] of keys) {
        const c = compareValues(valuesAt(a, f.split("."))[0] ?? null, valuesAt(b, f.split("."))[0] ?? null);
        if (c) return c * dir;
      }
      return 0;
    });
  } else res = [...docs].sort((a, b) => compareValues(a._id, b._id));
  res = res.slice(opts.skip ?? 0, opts.limit ? (opts.skip ?? 0) + opts.limit : undefined);
  return res.map((d) => project(structuredClone(d), opts.projection));
}

export function explainOf(plan: { shards: string[]; index?: DocIndex }, examined: number, nReturned: number): ExplainResult {
  return { stage: plan.index ? "IXSCAN" : "COLLSCAN", indexName: plan.index?.name, shardsVisited: plan.shards, docsExamined: examined, nReturned };
}

/** The document an upsert inserts: the filter's equality fields, then the update. */
export function upsertDoc(filter: Filter, update: Record<string, unknown>): Doc {
  const seed: Doc = {};
  for (const [k, v] of Object.entries(filter)) if (!k.startsWith("$") && (typeof v !== "object" || v === null || Array.isArray(v))) Object.assign(seed, applyUpdate(seed, { $set: { [k]: v } }));
  return applyUpdate(seed, update);
}

export function project(doc: Doc, proj?: Record<string, 0 | 1 | boolean>): Doc {
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
