// The session catalog: temporary views (and global temporary views under `global_temp`) mapped
// to analyzed plans, and the catalog tables found in the warehouse. The cache of query results is
// the execution room's CacheManager (engine/sql/execution/cache-manager.ts).

import { AnalysisError } from "../../common/errors";
import type { LogicalPlan } from "../plan/logical-plan";
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
