// Session tables for CREATE TABLE / INSERT INTO / DROP TABLE when no table format claims the
// statement (engine/lake registers Delta's): the engine has no metastore, so a table lives in the
// session catalog like a temporary view. Its plan is a snapshot: INSERT INTO replaces it by
// `old UNION ALL (new rows cast to the table's types)`, INSERT OVERWRITE by the new rows alone.
// Everything stays lazy and immutable; the table disappears with the session. Catalog tables
// with files (saveAsTable, Delta's CREATE TABLE) are engine/sql/analysis/catalog-tables.ts; DROP TABLE
// handles both.

import { rmSync } from "node:fs";
import { AnalysisError } from "../../common/errors";
import type * as A from "../parser/ast";
import type { SqlSession } from "./sql-session";
import type { Expr } from "../expressions/expression";
import { mkCast } from "../expressions/registry";
import type { DataType } from "../types";
import { newExprId, outputOf, type LogicalPlan } from "../plan/logical-plan";
import { buildSetOp } from "../analysis/builders";

const tables = new WeakMap<SqlSession, Map<string, { name: string; columns: { name: string; dataType: DataType }[] }>>();
const tablesOf = (s: SqlSession) => { let m = tables.get(s); if (!m) tables.set(s, (m = new Map())); return m; };
const lastName = (parts: string[]) => parts[parts.length - 1]!;

function emptyRelation(columns: { name: string; dataType: DataType }[]): LogicalPlan {
  return { kind: "LocalRelation", output: columns.map((c) => ({ kind: "attr", id: newExprId(), name: c.name, dataType: c.dataType, nullable: true })), rows: [] };
}

/** The query's columns cast to the table's types and named like the table (Spark's store assignment). */
export function conform(query: LogicalPlan, columns: { name: string; dataType: DataType }[], table: string, names?: string[]): LogicalPlan {
  const out = outputOf(query);
  const targets = names ?? columns.map((c) => c.name);
  if (out.length !== targets.length) {
    throw new AnalysisError("INSERT_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS".replace("NOT_ENOUGH", out.length > targets.length ? "TOO_MANY" : "NOT_ENOUGH"),
      `Cannot write to \`${table}\`, the reason is ${out.length > targets.length ? "too many" : "not enough"} data columns: Table columns: ${targets.map((n) => "`" + n + "`").join(", ")}. Data columns: ${out.map((a) => "`" + a.name + "`").join(", ")}.`);
  }
  const exprs: Expr[] = columns.map((c) => {
    const i = targets.findIndex((n) => n.toLowerCase() === c.name.toLowerCase());
    if (names && i < 0 && !columns.some((x) => x.name.toLowerCase() === c.name.toLowerCase())) throw new AnalysisError("UNRESOLVED_COLUMN", `Column ${c.name} not found.`);
    const child: Expr = i < 0 ? { kind: "lit", value: null, dataType: { type: "null" } } : out[i]!;
    return { kind: "alias", child: mkCast(child, c.dataType), name: c.name, id: newExprId() } as Expr;
  });
  for (const n of targets) {
    if (!columns.some((c) => c.name.toLowerCase() === n.toLowerCase())) {
      throw new AnalysisError("UNRESOLVED_COLUMN.WITH_SUGGESTION", `A column or function parameter with name \`${n}\` cannot be resolved. Did you mean one of the following? [${columns.map((c) => "`" + c.name + "`").join(", ")}].`);
    }
  }
  return { kind: "Project", exprs, child: query };
}

export function createSessionTable(session: SqlSession, s: A.CreateTable, bindQuery: (q: A.Query) => LogicalPlan): void {
  const name = lastName(s.name);
  const key = name.toLowerCase();
  if (session.catalog.lookup([name])) {
    if (s.ifNotExists) return;
    if (!s.replace) {
      throw new AnalysisError("TABLE_OR_VIEW_ALREADY_EXISTS", `Cannot create table or view \`default\`.\`${name}\` because it already exists. Choose a different name, drop or replace the existing object, or add the IF NOT EXISTS clause to tolerate pre-existing objects.`, { parameters: { relationName: `\`default\`.\`${name}\`` } });
    }
  }
  const query = s.query ? bindQuery(s.query) : undefined;
  const declared = s.schema?.fields.map((f) => ({ name: f.name, dataType: f.dataType }));
  const columns = declared ?? outputOf(query!).map((a) => ({ name: a.name, dataType: a.dataType.type === "null" ? ({ type: "string" } as DataType) : a.dataType }));
  if (columns.length === 0) throw new AnalysisError("UNSUPPORTED_FEATURE", `CREATE TABLE ${name} needs columns or AS query.`);
  const plan = query ? conform(query, columns, name) : emptyRelation(columns);
  session.catalog.createTempView(name, plan, true);
  tablesOf(session).set(key, { name, columns });
}

export function insertIntoSessionTable(session: SqlSession, s: A.Insert, bindQuery: (q: A.Query) => LogicalPlan): void {
  const name = lastName(s.table);
  const t = tablesOf(session).get(name.toLowerCase());
  if (!t) {
    if (session.catalog.lookup(s.table)) throw new AnalysisError("UNSUPPORTED_INSERT.NOT_ALLOWED", `Can't insert into the target. It is not allowed to insert into a view: \`${name}\`.`);
    session.catalog.get(s.table); // TABLE_OR_VIEW_NOT_FOUND
    return;
  }
  const rows = conform(bindQuery(s.query), t.columns, name, s.columns);
  const old = session.catalog.get([name]);
  const plan = s.overwrite ? rows : buildSetOp(old, rows, "union", true);
  session.catalog.createTempView(name, plan, true);
}

/** DROP TABLE of a session table (or a view: Spark would refuse, the engine has only one namespace). */
export function dropSessionTable(session: SqlSession, s: A.DropTable): void {
  // A catalog table (saveAsTable, CREATE TABLE USING delta): forgotten, and a managed one's files deleted.
  // (A temporary view or session table of the same name goes first, as Spark drops a temp view first.)
  const table = s.name.length === 1 && session.catalog.hasView(s.name[0]!) ? undefined : session.catalog.unregisterTable(s.name);
  if (table) {
    if (table.managed) rmSync(table.path, { recursive: true, force: true });
    return;
  }
  const dropped = session.catalog.dropByParts(s.name);
  tablesOf(session).delete(lastName(s.name).toLowerCase());
  if (!dropped && !s.ifExists) session.catalog.get(s.name);
}

