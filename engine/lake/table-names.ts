// Delta tables by name: there is no metastore, so a name is registered with a path
// (registerDeltaTableName) for DeltaTable.forName and for SQL on `name`.

import { AnalysisError } from "../common/errors";
import { tablePath } from "./snapshot";

const namedTables = new Map<string, string>();

/** Register a Delta table under a name for DeltaTable.forName and SQL (no metastore here). */
export function registerDeltaTableName(name: string, path: string): void {
  namedTables.set(name.toLowerCase(), tablePath(path));
}

/** The path registered for a table name (registerDeltaTableName), or DELTA_TABLE_NOT_FOUND. */
export function registeredDeltaPath(name: string): string {
  const p = namedTables.get(name.toLowerCase());
  if (!p) throw new AnalysisError("DELTA_TABLE_NOT_FOUND", `Table ${name} not found (register a Delta path with registerDeltaTableName(name, path)).`, { parameters: { tableName: name } });
  return p;
}
