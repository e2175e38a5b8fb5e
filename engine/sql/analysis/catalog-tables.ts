// Catalog tables (Spark's session catalog over a warehouse directory): a table is a name bound to
// a format and a location. Managed tables live in `spark.sql.warehouse.dir` (default
// ./spark-warehouse): `default.t` in <warehouse>/t, `db.t` in <warehouse>/db.db/t, as Spark lays
// them out; external tables keep the location they were given. Delta tables are self-describing,
// so a Delta table found in the warehouse is a table of the catalog in every later session too
// (a kernel restart keeps them, as a Hive metastore would); other formats last for the session, as
// in Spark's in-memory catalog.

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { AnalysisError } from "../../common/errors";
import { localPath } from "../datasources/file-listing";

export interface CatalogTable {
  /** The table's name as given (unqualified). */
  name: string;
  database: string;
  /** Data source format: delta, parquet, csv, json, ... */
  format: string;
  /** Absolute location of the table's files. */
  path: string;
  managed: boolean;
}

/** A table name as written in the API (`db.t`, `` `odd.name` ``) as its parts. */
export function tableNameParts(name: string): string[] {
  return (name.match(/`[^`]*`|[^.]+/g) ?? [name]).map((p) => (p.startsWith("`") ? p.slice(1, -1) : p));
}

/** `t`, `db.t` or `spark_catalog.db.t` as [database, table]. */
export function tableIdent(parts: string[]): [string, string] {
  const p = parts.length === 3 && parts[0]!.toLowerCase() === "spark_catalog" ? parts.slice(1) : parts;
  if (p.length === 1) return ["default", p[0]!];
  if (p.length === 2) return [p[0]!, p[1]!];
  throw new AnalysisError("REQUIRES_SINGLE_PART_NAMESPACE", `${parts.join(".")} is not a valid table name: use table, database.table or spark_catalog.database.table.`);
}

export function tableKey(database: string, name: string): string {
  return `${database.toLowerCase()}.${name.toLowerCase()}`;
}

/** The warehouse directory (absolute) from `spark.sql.warehouse.dir`. */
export function warehouseDir(conf: { get(k: string): unknown }): string {
  const v = conf.get("spark.sql.warehouse.dir");
  return localPath(typeof v === "string" && v !== "" ? v : "spark-warehouse");
}

/** A database's folder in the warehouse: the warehouse itself for `default`, else <warehouse>/db.db. */
function databaseDir(warehouse: string, database: string): string {
  return database.toLowerCase() === "default" ? warehouse : join(warehouse, `${database.toLowerCase()}.db`);
}

/** Where a managed table lives: <warehouse>/t, or <warehouse>/db.db/t outside `default`. */
export function managedLocation(warehouse: string, database: string, name: string): string {
  return join(databaseDir(warehouse, database), name.toLowerCase());
}

/** A Delta table left in the warehouse by an earlier session, as a catalog table. */
export function discoverDeltaTable(warehouse: string, database: string, name: string): CatalogTable | undefined {
  const path = managedLocation(warehouse, database, name);
  return existsSync(join(path, "_delta_log")) ? { name: name.toLowerCase(), database: database.toLowerCase(), format: "delta", path, managed: true } : undefined;
}

/** Every Delta table in the warehouse's `database` (for listTables). */
export function discoverDeltaTables(warehouse: string, database: string): CatalogTable[] {
  const dir = databaseDir(warehouse, database);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.endsWith(".db") && existsSync(join(dir, e.name, "_delta_log")))
    .map((e) => ({ name: e.name, database: database.toLowerCase(), format: "delta", path: join(dir, e.name), managed: true }));
}

/** A non-empty directory at a new managed table's location (Spark refuses to create the table there). */
export function locationInUse(path: string): boolean {
  try {
    return readdirSync(path).length > 0;
  } catch {
    return false;
  }
}

export function locationExistsError(database: string, name: string, path: string): AnalysisError {
  return new AnalysisError("LOCATION_ALREADY_EXISTS",
    `Cannot name the managed table as \`spark_catalog\`.\`${database}\`.\`${name}\`, as its associated location 'file:${path}' already exists. Please pick a different table name, or remove the existing location first.`,
    { parameters: { identifier: `\`spark_catalog\`.\`${database}\`.\`${name}\``, location: `file:${path}` } });
}

export function tableExistsError(database: string, name: string): AnalysisError {
  return new AnalysisError("TABLE_OR_VIEW_ALREADY_EXISTS",
    `Cannot create table or view \`${database}\`.\`${name}\` because it already exists. Choose a different name, drop or replace the existing object, or add the IF NOT EXISTS clause to tolerate pre-existing objects.`,
    { parameters: { relationName: `\`${database}\`.\`${name}\`` } });
}
