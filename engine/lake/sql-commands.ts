// Delta's SQL commands on delta.`/path` and registered table names: DELETE, UPDATE, MERGE INTO,
// VACUUM, RESTORE, OPTIMIZE (the SQL core parses them; engine/sql/api/statement-hooks.ts hands them
// here). They run DeltaTable's operations, so SQL and the DataFrame API share one implementation.
//
// spark.sql() is synchronous and a Delta command is not (it runs jobs), so a command starts at
// once and spark.sql() returns its result DataFrame (Delta's metrics row: num_affected_rows, ...),
// whose rows arrive when the command finishes. Commands on one table run in the order they were
// issued, and every snapshot load of that table (a later read, write or DeltaTable operation)
// waits for the commands issued before it: `spark.sql("DELETE ..."); await
// spark.sql("SELECT ...").show()` sees the delete, as in Spark. `await spark.sqlAsync(...)` waits
// for the command and raises its error; an error of a command nobody awaits surfaces when its
// result DataFrame is read.

import { AsyncLocalStorage } from "node:async_hooks";
import { AnalysisError } from "../common/errors";
import { bindExpr } from "../sql/analysis/ast-expr";
import { SqlBinder } from "../sql/analysis/sql-binder";
import { Column } from "../sql/api/column";
import { DataFrame } from "../sql/api/dataframe";
import { fileDataFrame } from "../sql/api/readwriter";
import { COMMAND_RESULT_FORMAT, commandResults } from "./command-result-source";
import { evalConstant } from "../sql/expressions/eval";
import { resolveExpr } from "../sql/analysis/resolve-expr";
import type * as A from "../sql/parser";
import type { SqlSession } from "../sql/api/sql-session";
import { registerStatementCompletion, registerStatementHandler, registerTimeTravelHandler } from "../sql/api/statement-hooks";
import { StructType } from "../sql/types";
import { DeltaTable } from "./delta-table";
import { historyDataFrame } from "./log-frames";
import type { MergeClause } from "./merge-builders";
import { readHistory, setSnapshotBarrier, tablePath } from "./snapshot";
import { deltaTablePath } from "./table-names";

// ---- ordering: one queue of commands per table ------------------------------------------------------

const queues = new Map<string, Promise<void>>();
/** The tables whose command the current async context is running (its own loads never wait). */
const running = new AsyncLocalStorage<Set<string>>();

setSnapshotBarrier(async (table) => {
  if (running.getStore()?.has(table)) return;
  const q = queues.get(table);
  if (q) await q;
});

/** Run `fn` after the commands already issued on `table`; later loads of the table wait for it. */
export function runOrdered<T>(table: string, fn: () => Promise<T>): Promise<T> {
  const prev = queues.get(table) ?? Promise.resolve();
  const inside = new Set(running.getStore() ?? []);
  inside.add(table);
  const p = prev.then(() => running.run(inside, fn));
  const tail = p.then(() => undefined, () => undefined);
  queues.set(table, tail);
  void tail.then(() => { if (queues.get(table) === tail) queues.delete(table); });
  return p;
}

// ---- result DataFrames whose rows come from a running command ----------------------------------------

const completions = new WeakMap<DataFrame, Promise<unknown>>();
registerStatementCompletion((df) => completions.get(df));

let commandIds = 0;

export function commandResult(session: SqlSession, schema: string | StructType, rows: Promise<unknown[][]>): DataFrame {
  rows.catch(() => undefined); // reported when the result is read or awaited (sqlAsync)
  const struct = schema instanceof StructType ? schema : session.createDataFrame([], schema).schema as StructType;
  const id = `command-${++commandIds}`;
  commandResults.set(id, rows);
  const df = fileDataFrame(session, COMMAND_RESULT_FORMAT, [id], {}, struct);
  completions.set(df, rows);
  return df;
}

// ---- targets, expressions, sources ------------------------------------------------------------------

function targetPath(session: SqlSession, t: A.DmlTarget): string {
  if (t.kind === "file") {
    if (t.format.toLowerCase() !== "delta") {
      throw new AnalysisError("DELTA_ONLY_OPERATION", `This operation is only supported on Delta tables, not on ${t.format}.\`${t.path}\`.`, { parameters: { operation: t.format } });
    }
    return tablePath(t.path);
  }
  return deltaTablePath(session, t.name);
}

// DESCRIBE HISTORY and VERSION/TIMESTAMP AS OF on delta.`path` or a registered name.
registerStatementHandler("describeHistory", (session, stmt) => {
  const s = stmt as unknown as { target: A.DmlTarget; limit?: number };
  return historyDataFrame(session, readHistory(targetPath(session, s.target), s.limit));
});
registerTimeTravelHandler((session, format, path, at) => {
  if (format.toLowerCase() !== "delta") return undefined;
  return fileDataFrame(session, "delta", [path], at.version !== undefined ? { versionasof: String(at.version) } : { timestampasof: String(at.timestamp) });
});

function targetTable(session: SqlSession, t: A.DmlTarget): DeltaTable {
  const path = targetPath(session, t);
  // A table an earlier statement is still creating exists once that command has run.
  const table = queues.has(tablePath(path)) ? DeltaTable.forPendingPath(session.host as never, path) : DeltaTable.forPath(session.host as never, path);
  return t.alias ? table.alias(t.alias) : table;
}

function column(session: SqlSession, e: A.Expr): Column {
  return new Column(bindExpr(e, { bindSubquery: (q) => new SqlBinder(session).bindQuery(q) }));
}

function constant(e: A.Expr): unknown {
  return evalConstant(resolveExpr(bindExpr(e, { bindSubquery: () => { throw new AnalysisError("UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY", "A subquery is not a constant."); } }), { input: [] }));
}

/** MERGE's USING relation as a DataFrame, aliased as written (or by its table name). */
function sourceFrame(session: SqlSession, r: A.Relation): DataFrame {
  const pos = (r as { pos: A.Pos }).pos;
  const q: A.Query = {
    kind: "query", pos, ctes: [], orderBy: [], sortBy: [], distributeBy: [], clusterBy: [], windows: [],
    body: { kind: "select", pos, distinct: false, hints: [], items: [{ pos, expr: { kind: "star", pos } as A.Expr }], from: r, lateralViews: [], windows: [] },
  };
  const df = new DataFrame(session, new SqlBinder(session).bindQuery(q));
  const rel = r as { alias?: string; kind: string; name?: string[] };
  const alias = rel.alias ?? (rel.kind === "table" ? rel.name![rel.name!.length - 1] : undefined);
  return alias ? df.alias(alias) : df;
}

function assignments(session: SqlSession, as: A.Assignment[]): Record<string, Column> {
  return Object.fromEntries(as.map((a) => [a.column[a.column.length - 1]!, column(session, a.value)]));
}

function mergeClause(session: SqlSession, c: A.MergeClause): MergeClause {
  const out: MergeClause = { when: c.when, action: "delete" };
  if (c.condition) out.condition = column(session, c.condition);
  const a = c.action;
  switch (a.kind) {
    case "delete": break;
    case "update": out.action = "update"; out.assignments = assignments(session, a.assignments); break;
    case "updateAll": out.action = "update"; out.assignments = "*"; break;
    case "insertAll": out.action = "insert"; out.assignments = "*"; break;
    case "insert": {
      if (a.columns.length !== a.values.length) {
        throw new AnalysisError("DELTA_MERGE_INSERT_COLUMN_ARITY_MISMATCH", `INSERT lists ${a.columns.length} columns but ${a.values.length} values.`);
      }
      out.action = "insert";
      out.assignments = Object.fromEntries(a.columns.map((col, i) => [col[col.length - 1]!, column(session, a.values[i]!)]));
      break;
    }
  }
  return out;
}

// ---- the commands -----------------------------------------------------------------------------------

function run(session: SqlSession, t: A.DmlTarget, schema: string, fn: (table: DeltaTable) => Promise<unknown[][]>): DataFrame {
  const table = targetTable(session, t);
  return commandResult(session, schema, runOrdered(table.path, () => fn(table)));
}

registerStatementHandler("delete", (session, stmt) => {
  const s = stmt as A.DeleteFrom;
  const cond = s.where ? column(session, s.where) : undefined;
  return run(session, s.target, "num_affected_rows bigint", async (t) => [[await t.runDelete(cond)]]);
});

registerStatementHandler("update", (session, stmt) => {
  const s = stmt as A.Update;
  const cond = s.where ? column(session, s.where) : undefined;
  const set = assignments(session, s.assignments);
  return run(session, s.target, "num_affected_rows bigint", async (t) => [[await t.runUpdate(cond, set)]]);
});

registerStatementHandler("merge", (session, stmt) => {
  const s = stmt as A.Merge;
  const source = sourceFrame(session, s.source);
  const on = column(session, s.on);
  const clauses = s.clauses.map((c) => mergeClause(session, c));
  return run(session, s.target, "num_affected_rows bigint, num_updated_rows bigint, num_deleted_rows bigint, num_inserted_rows bigint", async (t) => {
    const m = (await (await t.runMerge(source, on, clauses)).collect())[0]!;
    return [[m.num_affected_rows, m.num_updated_rows, m.num_deleted_rows, m.num_inserted_rows]];
  });
});

registerStatementHandler("describeDetail", (session, stmt) => {
  const s = stmt as A.DescribeDetail;
  const schema = "format string, id string, name string, description string, location string, createdAt timestamp, lastModified timestamp, partitionColumns array<string>, numFiles bigint, sizeInBytes bigint, properties map<string,string>, minReaderVersion int, minWriterVersion int";
  return run(session, s.target, schema, async (t) => {
    const r = await t.detailRow();
    return [[r.format, r.id, r.name, r.description, r.location, r.createdAt, r.lastModified, r.partitionColumns, r.numFiles, r.sizeInBytes, r.properties, r.minReaderVersion, r.minWriterVersion]];
  });
});

registerStatementHandler("vacuum", (session, stmt) => {
  const s = stmt as A.Vacuum;
  return run(session, s.target, "path string", async (t) => (await (await t.vacuum(s.retainHours, s.dryRun)).collect()).map((r) => [r.path]));
});

registerStatementHandler("restore", (session, stmt) => {
  const s = stmt as A.Restore;
  const schema = "table_size_after_restore bigint, num_of_files_after_restore bigint, num_removed_files bigint, num_restored_files bigint, removed_files_size bigint, restored_files_size bigint";
  return run(session, s.target, schema, async (t) => {
    const to = s.to;
    let df: DataFrame;
    if ("version" in to) df = await t.restoreToVersion(Number(to.version));
    else {
      const ts = constant(to.timestamp);
      df = await t.restoreToTimestamp(ts instanceof Date ? ts : String(ts));
    }
    const r = (await df.collect())[0]!;
    return [[r.table_size_after_restore, r.num_of_files_after_restore, r.num_removed_files, r.num_restored_files, r.removed_files_size, r.restored_files_size]];
  });
});

registerStatementHandler("optimize", (session, stmt) => {
  const s = stmt as A.Optimize;
  const where = s.where ? column(session, s.where) : undefined;
  const zorder = s.zorderBy.map((c) => c[c.length - 1]!);
  return run(session, s.target, "path string, numFilesAdded bigint, numFilesRemoved bigint", async (t) => {
    let b = t.optimize();
    if (where) b = b.where(where);
    const df = zorder.length ? await b.executeZOrderBy(...zorder) : await b.executeCompaction();
    return (await df.collect()).map((r) => [r.path, r.numFilesAdded, r.numFilesRemoved]);
  });
});
