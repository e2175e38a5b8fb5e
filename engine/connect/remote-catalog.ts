// spark.catalog on a remote session: Spark Connect's Catalog relations, answered by the server's
// catalog (its databases, tables, views and cache), with the same methods and row shapes as the
// embedded session's spark.catalog.

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { PlanSchema } from "./gen/spark/connect/base_pb";
import type { CatalogSchema } from "./gen/spark/connect/catalog_pb";
import { rowsFromResponses, type RemoteRow } from "./arrow-rows";
import type { RemoteSqlSession } from "./remote-sql-session";

type CatType = MessageInitShape<typeof CatalogSchema>["catType"];

export class RemoteCatalogApi {
  /** @internal Made by the session. */
  constructor(private readonly s: RemoteSqlSession) {}

  private rows(catType: CatType): RemoteRow[] {
    const plan = create(PlanSchema, { opType: { case: "root", value: { common: { planId: this.s.nextPlanId() }, relType: { case: "catalog", value: { catType } } } } });
    return rowsFromResponses(this.s.client.executeSync(plan));
  }

  private flag(catType: CatType): boolean {
    return Object.values(this.rows(catType)[0] ?? {})[0] === true;
  }

  listTables(dbName?: string): { name: string; database: string | null; description: string | null; tableType: string; isTemporary: boolean }[] {
    return this.rows({ case: "listTables", value: { dbName } }).map((r) => ({
      name: String(r.name),
      database: Array.isArray(r.namespace) && r.namespace.length ? String(r.namespace[0]) : null,
      description: (r.description as string | null) ?? null,
      tableType: String(r.tableType),
      isTemporary: r.isTemporary === true,
    }));
  }
  listDatabases(): { name: string; description: string | null; locationUri: string }[] {
    return this.rows({ case: "listDatabases", value: {} }).map((r) => ({ name: String(r.name), description: (r.description as string | null) ?? null, locationUri: String(r.locationUri) }));
  }
  listColumns(tableName: string): { name: string; dataType: string; nullable: boolean }[] {
    return this.rows({ case: "listColumns", value: { tableName } }).map((r) => ({ name: String(r.name), dataType: String(r.dataType), nullable: r.nullable === true }));
  }
  tableExists(tableName: string): boolean { return this.flag({ case: "tableExists", value: { tableName } }); }
  dropTempView(viewName: string): boolean { return this.flag({ case: "dropTempView", value: { viewName } }); }
  dropGlobalTempView(viewName: string): boolean { return this.flag({ case: "dropGlobalTempView", value: { viewName } }); }
  cacheTable(tableName: string): void { this.rows({ case: "cacheTable", value: { tableName } }); }
  uncacheTable(tableName: string): void { this.rows({ case: "uncacheTable", value: { tableName } }); }
  isCached(tableName: string): boolean { return this.flag({ case: "isCached", value: { tableName } }); }
  clearCache(): void { this.rows({ case: "clearCache", value: {} }); }
  currentDatabase(): string { return String(Object.values(this.rows({ case: "currentDatabase", value: {} })[0] ?? {})[0] ?? ""); }
  setCurrentDatabase(dbName: string): void { this.rows({ case: "setCurrentDatabase", value: { dbName } }); }
}
