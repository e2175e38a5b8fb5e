// Delta tables by name: a catalog table of the session (saveAsTable, CREATE TABLE ... USING delta,
// or a Delta table in the warehouse; engine/sql/analysis/catalog-tables.ts), or a path given a name with
// registerDeltaTableName (kept for notebooks written before the catalog had tables).

import { AnalysisError } from "../common/errors";
import type { SqlSession } from "../sql/api/sql-session";
import { tableNameParts } from "../sql/analysis/catalog-tables";
import { tablePath } from "./snapshot";

const namedTables = new Map<string, string>();

/** Give a Delta path a name for DeltaTable.forName and SQL (a catalog table of that name wins). */
export function registerDeltaTableName(name: string, path: string): void {
  namedTables.set(name.toLowerCase(), tablePath(path));
}

/** The location of the Delta table `name`: DELTA_TABLE_NOT_FOUND, or DELTA_MISSING_DELTA_TABLE for another format. */
export function deltaTablePath(session: SqlSession, name: string | string[]): string {
  const parts = typeof name === "string" ? tableNameParts(name) : name;
  const t = session.catalog.tableEntry(parts);
  const shown = parts.map((p) => "`" + p + "`").join(".");
  if (t) {
    if (t.format !== "delta") throw new AnalysisError("DELTA_MISSING_DELTA_TABLE", `${shown} is not a Delta table.`, { parameters: { tableName: shown } });
    return t.path;
  }
  const p = namedTables.get(parts.join(".").toLowerCase());
  if (p) return p;
  throw new AnalysisError("DELTA_TABLE_NOT_FOUND", `Delta table ${shown} doesn't exist.`, { parameters: { tableName: shown } });
}
