// The document store with its shards in the session's worker processes (the "nosql.docs" worker
// service; each shard's writes logged, and a lost shard reopened from its log, see shard-host.ts).
// Every collection method returns a Promise, as in MongoDB's Node.js driver; the semantics are the
// in-process Collection's: the same query plan (one shard when the filter pins the shard key, else
// scatter-gather; indexes), the same ordering, paging and projection of the gathered documents.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AnalysisError } from "../common/errors";
import { runPipeline, type AggregationStage } from "./doc-aggregate";
import { applyUpdate, compareValues, valuesAt, type Doc, type Filter } from "./doc-query";
import {
  addIndex, checkJson, DocShard, duplicateKey, explainOf, finishFind, planQuery, pushedMatch, shardingOf, upsertDoc, withId,
  type CollectionOptions, type DocIndex, type ExplainResult, type FindOptions, type UpdateResult,
} from "./doc-shard";
import type { StoreCluster } from "./store-cluster";
import { registerShardService, ShardHost, type OpBody } from "./shard-host";

export const DOCS_SERVICE = "nosql.docs";

type Op =
  | { op: "open"; store: string; shard: number }
  | { op: "insert"; store: string; shard: number; doc: Doc }
  | { op: "put"; store: string; shard: number; doc: Doc }
  | { op: "remove"; store: string; shard: number; ids: string[] }
  | { op: "has"; store: string; shard: number; id: string }
  | { op: "scan"; store: string; shard: number; filter: Filter; index?: string }
  | { op: "count"; store: string; shard: number };

function applyOp(s: DocShard, op: Op): unknown {
  switch (op.op) {
    case "open": return null;
    case "insert":
      if (s.has(JSON.stringify(op.doc._id))) throw duplicateKey(op.store.slice(op.store.indexOf("/") + 1), op.doc);
      s.put(op.doc);
      return null;
    case "put": s.put(op.doc); return null;
    case "remove": return s.remove(op.ids);
    case "has": return s.has(op.id);
    case "scan": return s.scan(op.filter, op.index);
    case "count": return s.size;
  }
}
const isWrite = (op: Op) => op.op === "insert" || op.op === "put" || op.op === "remove";

/** Registered by the worker process (nosql/worker.ts). */
export function registerDocumentService(): void {
  registerShardService<DocShard, Op>(DOCS_SERVICE, () => new DocShard(), applyOp, isWrite);
}

export class ShardedCollection {
  readonly shards: string[];
  readonly shardKey: string;
  private readonly assign: (k: unknown) => string;
  private readonly indexes: DocIndex[] = [];
  lastExplain?: ExplainResult;

  private host?: ShardHost<DocShard, Op>;

  /** `opening` resolves to one shard per name in `shards`, under the store name `${db}/${name}`. */
  constructor(readonly name: string, opts: CollectionOptions, private readonly opening: Promise<ShardHost<DocShard, Op>>, private readonly key: string,
    private readonly resolve: (name: string) => ShardedCollection | undefined) {
    ({ shards: this.shards, shardKey: this.shardKey, assign: this.assign } = shardingOf(opts));
    opening.then((h) => { this.host = h; }, () => {});
  }

  /** Where each shard lives (shard name -> worker id; empty until the shards are open). */
  hosts(): Record<string, string> {
    const h = this.host?.hosts() ?? [];
    return Object.fromEntries(this.shards.map((s, i) => [s, h[i] ?? ""]));
  }

  private async call(shard: string, op: OpBody<Op>): Promise<unknown> {
    const host = this.host ?? await this.opening;
    return host.call(this.shards.indexOf(shard), { ...op, store: this.key, shard: this.shards.indexOf(shard) } as Op);
  }

  private shardOf(doc: Doc): string {
    return this.assign(valuesAt(doc, this.shardKey.split("."))[0] ?? null);
  }

  async insertOne(doc: Doc): Promise<{ insertedId: unknown }> {
    const d = withId(doc);
    const home = this.shardOf(d);
    // _id is unique over the collection: with another shard key, the other shards are asked too.
    if (this.shardKey !== "_id") {
      const elsewhere = await Promise.all(this.shards.filter((s) => s !== home).map((s) => this.call(s, { op: "has", id: JSON.stringify(d._id) })));
      if (elsewhere.some(Boolean)) throw duplicateKey(this.name, d);
    }
    await this.call(home, { op: "insert", doc: d });
    return { insertedId: d._id };
  }

  async insertMany(docs: Doc[]): Promise<{ insertedIds: unknown[] }> {
    const ids: unknown[] = [];
    for (const d of docs) ids.push((await this.insertOne(d)).insertedId);
    return { insertedIds: ids };
  }

  createIndex(spec: Record<string, 1 | -1>): Promise<string> {
    return Promise.resolve(addIndex(this.indexes, spec));
  }

  get indexNames(): string[] {
    return ["_id_", ...this.indexes.map((i) => i.name)];
  }

  private async scan(filter: Filter): Promise<{ docs: Doc[]; plan: ReturnType<typeof planQuery>; examined: number }> {
    const plan = planQuery(filter, this.shards, this.shardKey, this.assign, this.indexes);
    const index = plan.index?.fields[0]![0];
    const parts = await Promise.all(plan.shards.map((s) => this.call(s, { op: "scan", filter, ...(index ? { index } : {}) }))) as Array<{ docs: Doc[]; examined: number }>;
    return { docs: parts.flatMap((p) => p.docs), plan, examined: parts.reduce((a, p) => a + p.examined, 0) };
  }

  async find(filter: Filter = {}, opts: FindOptions = {}): Promise<Doc[]> {
    const { docs, plan, examined } = await this.scan(filter);
    const res = finishFind(docs, opts);
    this.lastExplain = explainOf(plan, examined, res.length);
    return res;
  }

  async findOne(filter: Filter = {}, opts: FindOptions = {}): Promise<Doc | null> {
    return (await this.find(filter, { ...opts, limit: 1 }))[0] ?? null;
  }

  async countDocuments(filter: Filter = {}): Promise<number> {
    return (await this.scan(filter)).docs.length;
  }

  async explain(filter: Filter = {}, opts: FindOptions = {}): Promise<ExplainResult> {
    await this.find(filter, opts);
    return this.lastExplain!;
  }

  /** The aggregation pipeline, as the in-process collection runs it ($lookup reads the other collection first). */
  async aggregate(pipeline: AggregationStage[]): Promise<Doc[]> {
    const pushed = pushedMatch(pipeline);
    const { docs, plan, examined } = await this.scan(pushed ?? {});
    const looked = new Map<string, Doc[]>();
    for (const st of Array.isArray(pipeline) ? pipeline : []) {
      const from = (st as { $lookup?: { from?: unknown } }).$lookup?.from;
      if (typeof from === "string" && !looked.has(from)) looked.set(from, (await this.resolve(from)?.find({})) ?? []);
    }
    const sorted = [...docs].sort((a, b) => compareValues(a._id, b._id));
    const out = runPipeline(sorted, pushed ? pipeline.slice(1) : pipeline, (n) => looked.get(n) ?? []);
    this.lastExplain = explainOf(plan, examined, out.length);
    return out;
  }

  updateOne(filter: Filter, update: Record<string, unknown>, opts: { upsert?: boolean } = {}): Promise<UpdateResult> {
    return this.update(filter, update, opts, 1);
  }

  updateMany(filter: Filter, update: Record<string, unknown>, opts: { upsert?: boolean } = {}): Promise<UpdateResult> {
    return this.update(filter, update, opts, Infinity);
  }

  private async update(filter: Filter, update: Record<string, unknown>, opts: { upsert?: boolean }, max: number): Promise<UpdateResult> {
    const hits = (await this.scan(filter)).docs.sort((a, b) => compareValues(a._id, b._id)).slice(0, max);
    let modified = 0;
    for (const d of hits) {
      const next = checkJson(applyUpdate(d, update));
      if (JSON.stringify(next) !== JSON.stringify(d)) modified++;
      const from = this.shardOf(d), to = this.shardOf(next);
      if (from !== to) await this.call(from, { op: "remove", ids: [JSON.stringify(d._id)] }); // the shard key changed: the document moves
      await this.call(to, { op: "put", doc: next });
    }
    if (hits.length === 0 && opts.upsert) return { matchedCount: 0, modifiedCount: 0, upsertedId: (await this.insertOne(upsertDoc(filter, update))).insertedId };
    return { matchedCount: hits.length, modifiedCount: modified };
  }

  async deleteMany(filter: Filter): Promise<{ deletedCount: number }> {
    const { docs } = await this.scan(filter);
    const byShard = new Map<string, string[]>();
    for (const d of docs) { const s = this.shardOf(d); byShard.set(s, [...(byShard.get(s) ?? []), JSON.stringify(d._id)]); }
    await Promise.all([...byShard].map(([s, ids]) => this.call(s, { op: "remove", ids })));
    return { deletedCount: docs.length };
  }

  /** Documents per shard. */
  async distribution(): Promise<Record<string, number>> {
    const n = await Promise.all(this.shards.map((s) => this.call(s, { op: "count" }))) as number[];
    return Object.fromEntries(this.shards.map((s, i) => [s, n[i]!]));
  }
}

export class ShardedDocumentStore {
  private readonly cols = new Map<string, ShardedCollection>();
  readonly dir: string;

  constructor(private readonly cluster: StoreCluster, readonly name: string, readonly defaults: CollectionOptions = {}, dir?: string) {
    this.dir = dir ?? mkdtempSync(join(tmpdir(), `docs-${name}-`));
  }

  /**
   * A collection, at once (as MongoDB's driver gives one); its shards open on the workers
   * (round-robin) in the background, and its operations wait for them.
   */
  collection(name: string, opts: CollectionOptions = {}): ShardedCollection {
    if (typeof name !== "string" || name === "" || name.includes("/")) throw new AnalysisError("INVALID_COLLECTION_NAME", `Collection names are non-empty and have no '/', got ${JSON.stringify(name)}.`);
    let c = this.cols.get(name);
    if (!c) {
      const o = { ...this.defaults, ...opts };
      const key = `${this.name}/${name}`;
      const opening = ShardHost.open<DocShard, Op>(this.cluster, DOCS_SERVICE, shardingOf(o).shards.length, () => new DocShard(), applyOp,
        (i) => ({ op: "open", store: key, shard: i }), { logDir: this.dir, isWrite });
      c = new ShardedCollection(name, o, opening, key, (n) => this.cols.get(n));
      this.cols.set(name, c);
    }
    return c;
  }

  get collectionNames(): string[] {
    return [...this.cols.keys()];
  }
}
