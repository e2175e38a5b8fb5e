// Delta tables in the catalog from SQL: CREATE [OR REPLACE] TABLE [IF NOT EXISTS] t [(cols)] USING
// delta [PARTITIONED BY (...)] [LOCATION '...'] [TBLPROPERTIES (...)] [AS query], and INSERT
// INTO | OVERWRITE t [(cols)] query on a Delta catalog table. The name is registered at once (so
// the next statement resolves it) and the write runs as an ordered command on the table, like
// Delta's other SQL commands (engine/lake/sql-commands.ts): later reads of the table wait for it.
// CREATE TABLE of another format, and INSERT into anything but a Delta table, stay with the SQL
// core (engine/sql/api/session-tables.ts).

import { localPath } from "../sql/datasources/file-listing";
import { DataFrame } from "../sql/api/dataframe";
import { SqlBinder } from "../sql/analysis/sql-binder";
import { conform } from "../sql/api/session-tables";
import { locationExistsError, locationInUse, managedLocation, tableExistsError, tableIdent, warehouseDir } from "../sql/analysis/catalog-tables";
import type * as A from "../sql/parser";
import { registerStatementHandler } from "../sql/api/statement-hooks";
import { TABLE_OPERATION_OPTION } from "../sql/datasource-contract";
import { StructType } from "../sql/types";
import { outputOf } from "../sql/plan/logical-plan";
import { isDeltaTable } from "./snapshot";
import { setCreatingSchema } from "./delta-source";
import { commandResult, runOrdered } from "./sql-commands";

const NO_COLUMNS = new StructType([]);

registerStatementHandler("createTable", (session, stmt) => {
  const s = stmt as A.CreateTable;
  if ((s.format ?? "").toLowerCase() !== "delta") return undefined;
  const [db, name] = tableIdent(s.name);
  const existing = session.catalog.tableEntry(s.name);
  if (existing && !s.replace) {
    if (s.ifNotExists) return commandResult(session, NO_COLUMNS, Promise.resolve([]));
    throw tableExistsError(existing.database, existing.name);
  }
  const external = s.location !== undefined;
  const path = existing?.path ?? (external ? localPath(s.location!) : managedLocation(warehouseDir(session.conf), db, name));
  // An existing Delta table at an external location is taken over as it is (Delta's CREATE TABLE ... LOCATION).
  const adopt = !existing && external && !s.query && !s.schema && isDeltaTable(path);
  if (!existing && !external && locationInUse(path)) throw locationExistsError(db.toLowerCase(), name.toLowerCase(), path);
  const entry = { name: name.toLowerCase(), database: db.toLowerCase(), format: "delta", path, managed: existing?.managed ?? !external };
  if (adopt) {
    session.catalog.registerTable(entry);
    return commandResult(session, NO_COLUMNS, Promise.resolve([]));
  }
  const query = s.query ? new SqlBinder(session).bindQuery(s.query) : undefined;
  const declared = s.schema ? new StructType(s.schema.fields.map((f) => ({ ...f }))) : undefined;
  const columns = declared?.fields.map((f) => ({ name: f.name, dataType: f.dataType })) ?? outputOf(query!).map((a) => ({ name: a.name, dataType: a.dataType }));
  const data = query ? new DataFrame(session, conform(query, columns, name)) : session.createDataFrame([], declared!);
  session.catalog.registerTable(entry);
  // Statements after this one are analysed before the write ends: they see the table's new schema.
  setCreatingSchema(path, new StructType(data.schema.fields.map((f) => ({ ...f, nullable: true }))));
  const props = Object.fromEntries(Object.entries(s.properties).filter(([k]) => k.toLowerCase().startsWith("delta.")));
  const writer = data.write.format("delta").mode(existing ? "overwrite" : "errorifexists").options({ ...s.options, ...props });
  if (existing) writer.option("overwriteSchema", "true");
  writer.option(TABLE_OPERATION_OPTION, existing ? (s.query ? "CREATE OR REPLACE TABLE AS SELECT" : "CREATE OR REPLACE TABLE") : (s.query ? "CREATE TABLE AS SELECT" : "CREATE TABLE"));
  if (s.partitionBy.length) writer.partitionBy(...s.partitionBy);
  const done = runOrdered(path, () => writer.save(path)).finally(() => setCreatingSchema(path, undefined));
  return commandResult(session, NO_COLUMNS, done.then(() => []));
});

registerStatementHandler("insert", (session, stmt) => {
  const s = stmt as A.Insert;
  if (s.table.length === 1 && session.catalog.hasView(s.table[0]!)) return undefined;
  const t = session.catalog.tableEntry(s.table);
  if (!t || t.format !== "delta") return undefined;
  const target = session.table(s.table.join("."));
  const columns = target.schema.fields.map((f) => ({ name: f.name, dataType: f.dataType }));
  const rows = new DataFrame(session, conform(new SqlBinder(session).bindQuery(s.query), columns, t.name, s.columns));
  const done = runOrdered(t.path, () => rows.write.format("delta").mode(s.overwrite ? "overwrite" : "append").save(t.path));
  return commandResult(session, NO_COLUMNS, done.then(() => []));
});
