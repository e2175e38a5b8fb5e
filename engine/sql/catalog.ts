// The session catalog: temporary views (and global temporary views under `global_temp`) mapped
// to analyzed plans, plus the cache manager that swaps cached sub-plans for their persisted RDDs
// (Spark's CacheManager matches plans; here plans match by structure and attribute ids).

import { AnalysisError } from "../common/errors";
import type { RDD } from "../rdd";
import { StorageLevel } from "../storage/storage-level";
import { isNumberType, type ColumnBatch } from "./columnar/batch";
import { cacheBatches, cachedRows } from "./columnar/cached-batches";
import { outputOf, planKey, transformPlanDown, type LogicalPlan } from "./plan/logical-plan";
import { discoverDeltaTable, discoverDeltaTables, tableIdent, tableKey, type CatalogTable } from "./catalog-tables";

export interface TableInfo {
  name: string;
  database: string | null;
  description: string | null;
  tableType: "TEMPORARY" | "MANAGED" | "EXTERNAL";
  isTemporary: boolean;
}

export class Catalog {
  private readonly views = new Map<string, LogicalPlan>();
  private readonly globals = new Map<string, LogicalPlan>();
  private readonly tables = new Map<string, CatalogTable>();
  /** The warehouse directory and a table's scan plan (set by the session, which knows both). */
  private host?: { warehouse(): string; read(t: CatalogTable): LogicalPlan };

  attach(host: { warehouse(): string; read(t: CatalogTable): LogicalPlan }): void { this.host = host; }

  /** The catalog table `parts` names (`t`, `db.t`), also a Delta table left in the warehouse. */
  tableEntry(parts: string[]): CatalogTable | undefined {
    if (parts.length === 2 && parts[0]!.toLowerCase() === "global_temp") return undefined;
    if (parts.length > 3) return undefined;
    const [db, name] = tableIdent(parts);
    return this.tables.get(tableKey(db, name)) ?? (this.host ? discoverDeltaTable(this.host.warehouse(), db, name) : undefined);
  }

  hasView(name: string): boolean { return this.views.has(name.toLowerCase()); }

  registerTable(t: CatalogTable): void { this.tables.set(tableKey(t.database, t.name), t); }

  /** Forget a catalog table (the caller deletes a managed table's files); the entry it was. */
  unregisterTable(parts: string[]): CatalogTable | undefined {
    const t = this.tableEntry(parts);
    if (t) this.tables.delete(tableKey(t.database, t.name));
    return t;
  }

  createTempView(name: string, plan: LogicalPlan, replace: boolean, global = false): void {
    const m = global ? this.globals : this.views;
    const key = name.toLowerCase();
    if (!replace && m.has(key)) {
      throw new AnalysisError("TEMP_TABLE_OR_VIEW_ALREADY_EXISTS", `Cannot create the temporary view \`${name}\` because it already exists. Choose a different name, drop or replace the existing view, or add the IF NOT EXISTS clause to tolerate pre-existing views.`);
    }
    m.set(key, plan);
  }

  lookup(parts: string[]): LogicalPlan | undefined {
    if (parts.length === 2 && parts[0]!.toLowerCase() === "global_temp") return this.globals.get(parts[1]!.toLowerCase());
    // A temporary view shadows a table of the same name, as in Spark.
    const view = parts.length === 1 ? this.views.get(parts[0]!.toLowerCase()) : undefined;
    if (view) return view;
    const t = this.host ? this.tableEntry(parts) : undefined;
    return t ? this.host!.read(t) : undefined;
  }

  get(parts: string[]): LogicalPlan {
    const p = this.lookup(parts);
    if (!p) {
      const name = parts.map((x) => "`" + x + "`").join(".");
      throw new AnalysisError("TABLE_OR_VIEW_NOT_FOUND",
        `The table or view ${name} cannot be found. Verify the spelling and correctness of the schema and catalog.\nIf you did not qualify the name with a schema, verify the current_schema() output, or qualify the name with the correct schema and catalog.\nTo tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS.`,
        { parameters: { relationName: name } });
    }
    return p;
  }

  drop(name: string, global = false): boolean {
    return (global ? this.globals : this.views).delete(name.toLowerCase());
  }

  dropByParts(parts: string[]): boolean {
    if (parts.length === 2 && parts[0]!.toLowerCase() === "global_temp") return this.drop(parts[1]!, true);
    return this.drop(parts[parts.length - 1]!);
  }

  listTables(): TableInfo[] {
    const tables = new Map<string, CatalogTable>();
    for (const t of this.host ? discoverDeltaTables(this.host.warehouse(), "default") : []) tables.set(tableKey(t.database, t.name), t);
    for (const [k, t] of this.tables) if (t.database === "default") tables.set(k, t);
    const persistent = [...tables.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((t) => ({ name: t.name, database: t.database, description: null, tableType: t.managed ? "MANAGED" as const : "EXTERNAL" as const, isTemporary: false }));
    const temps = [...this.views.keys()].sort().map((name) => ({ name, database: null, description: null, tableType: "TEMPORARY" as const, isTemporary: true }));
    return [...persistent, ...temps];
  }

  listGlobal(): string[] {
    return [...this.globals.keys()].sort();
  }
}

interface CacheEntry {
  key: string;
  plan: LogicalPlan;
  level?: StorageLevel;
  /** The persisted column batches. */
  rdd?: RDD<ColumnBatch>;
  /** Their rows: what the plan reads. */
  rows?: RDD<unknown[]>;
  building?: Promise<RDD<unknown[]>>;
}


export class CacheManager {
  private entries: CacheEntry[] = [];

  cache(plan: LogicalPlan, level?: StorageLevel): void {
    const key = planKey(plan);
    if (this.entries.some((e) => e.key === key)) return;
    this.entries.push({ key, plan, level });
  }

  /** The level a cached plan was given (undefined: cached with the default, or not cached). */
  levelOf(plan: LogicalPlan): StorageLevel | undefined {
    const key = planKey(plan);
    return this.entries.find((e) => e.key === key)?.level;
  }

  isCached(plan: LogicalPlan): boolean {
    const key = planKey(plan);
    return this.entries.some((e) => e.key === key);
  }

  uncache(plan: LogicalPlan): void {
    const key = planKey(plan);
    for (const e of this.entries.filter((x) => x.key === key)) e.rdd?.unpersist();
    this.entries = this.entries.filter((e) => e.key !== key);
  }

  clear(): void {
    for (const e of this.entries) e.rdd?.unpersist();
    this.entries = [];
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * Replace cached sub-plans by their persisted RDDs, building (lazily, once) the RDD of each
   * entry used: like Spark, cache() is lazy and the first action fills the cache.
   */
  async substitute(plan: LogicalPlan, build: (p: LogicalPlan) => Promise<RDD<unknown[]>>): Promise<LogicalPlan> {
    if (!this.entries.length) return plan;
    const hits = this.hits(plan);
    for (const e of new Set(hits.values())) {
      if (!e.rdd) {
        e.building ??= build(e.plan).then((rdd) => {
          const lvl = e.level;
          // Dataset.cache() is Scala's MEMORY_AND_DISK in Spark, which keeps live rows (PySpark's
          // df.storageLevel says "Disk Memory Deserialized 1x Replicated"): MEMORY_AND_DISK_DESER here.
          // Evicted blocks spill instead of being recomputed.
          // Stored as column batches (./columnar/cached-batches.ts); the plan reads their rows.
          // Columns of a type with a packer (ML's dense vectors) are packed into one Float64Array per batch.
          const out = outputOf(e.plan), numeric = out.map((a) => isNumberType(a.dataType)), types = out.map((a) => a.dataType.type);
          const batches = rdd.mapPartitions((it: Iterable<unknown[]>) => cacheBatches(numeric, it, types), true).persist(lvl ?? StorageLevel.MEMORY_AND_DISK_DESER);
          batches.setName(`InMemoryRelation`);
          e.rdd = batches;
          e.rows = batches.mapPartitions((it: Iterable<ColumnBatch>) => cachedRows(it), true);
          return e.rows;
        });
        await e.building;
      }
    }
    return this.replaceHits(plan, hits, false);
  }

  /** The plan explain() shows: cached sub-plans as in-memory relations, built or not (no job runs). */
  substituteForExplain(plan: LogicalPlan): LogicalPlan {
    return this.entries.length ? this.replaceHits(plan, this.hits(plan), true) : plan;
  }

  private hits(plan: LogicalPlan): Map<LogicalPlan, CacheEntry> {
    const hits = new Map<LogicalPlan, CacheEntry>();
    transformPlanDown(plan, (p) => {
      const key = planKey(p);
      const e = this.entries.find((x) => x.key === key);
      if (e) hits.set(p, e);
      return p;
    });
    return hits;
  }

  private replaceHits(plan: LogicalPlan, hits: Map<LogicalPlan, CacheEntry>, unbuilt: boolean): LogicalPlan {
    return transformPlanDown(plan, (p) => {
      const e = hits.get(p);
      if (!e || (!e.rows && !unbuilt)) return p;
      const output = outputOf(p);
      return { kind: "RddRelation", rdd: e.rows ?? null, output, name: "InMemoryRelation", cached: { batches: e.rdd ?? null, all: output } };
    });
  }
}
