// Delta Lake statements: DELETE, UPDATE, MERGE INTO, and the table utilities a lake notebook
// uses (DESCRIBE HISTORY, VACUUM, RESTORE, OPTIMIZE). Targets are catalog tables or paths
// (delta.`/tmp/t`), parsed like FROM-clause tables so the binder resolves them the same way.

import type {
  Assignment, DeleteFrom, DescribeDetail, DescribeHistory, DmlTarget, Merge, MergeAction, MergeClause, Optimize, Pos, Restore, Update,
  Vacuum,
} from "./ast";
import type { Cursor } from "./cursor";
import { parseExpr, parseExprList } from "./expression-parser";
import { FILE_FORMATS, parseRelationPrimary, parseTimeTravel } from "./query-parser";

/** A table name or `format.\`path\``, then an optional alias that is not one of `stop`. */
export function parseDmlTarget(c: Cursor, allowAlias: boolean, stop: string[] = []): DmlTarget {
  const pos = c.pos();
  const start = c.i;
  const name = c.multipartIdentifier();
  const target: DmlTarget =
    name.length === 2 && c.tokens[start]!.kind === "word" && FILE_FORMATS.includes(name[0]!.toLowerCase()) &&
      c.tokens[start + 2]!.kind === "quoted"
      ? { kind: "file", pos, format: name[0]!.toLowerCase(), path: name[1]! }
      : { kind: "table", pos, name };
  if (allowAlias) {
    if (c.acceptKw("AS")) target.alias = c.identifier(true);
    else if (c.isIdent() && !c.isAnyKw(stop)) target.alias = c.identifier();
  }
  return target;
}

/** `a = 1, s.b = x + 1` */
function parseAssignments(c: Cursor): Assignment[] {
  const out: Assignment[] = [];
  do {
    const column = [c.identifier(true)];
    while (c.acceptOp(".")) column.push(c.identifier(true));
    c.expectOp("=");
    out.push({ column, value: parseExpr(c) });
  } while (c.acceptOp(","));
  return out;
}

export function parseDelete(c: Cursor): DeleteFrom {
  const pos = c.pos(c.next());
  c.expectKw("FROM");
  const stmt: DeleteFrom = { kind: "delete", pos, target: parseDmlTarget(c, true) };
  if (c.acceptKw("WHERE")) stmt.where = parseExpr(c);
  return stmt;
}

export function parseUpdate(c: Cursor): Update {
  const pos = c.pos(c.next());
  const target = parseDmlTarget(c, true, ["SET"]);
  c.expectKw("SET");
  const stmt: Update = { kind: "update", pos, target, assignments: parseAssignments(c) };
  if (c.acceptKw("WHERE")) stmt.where = parseExpr(c);
  return stmt;
}

export function parseMerge(c: Cursor): Merge {
  const pos = c.pos(c.next());
  c.expectKw("INTO");
  const target = parseDmlTarget(c, true, ["USING"]);
  c.expectKw("USING");
  const source = parseRelationPrimary(c);
  c.expectKw("ON");
  const on = parseExpr(c);
  const clauses: MergeClause[] = [];
  while (c.isKw("WHEN")) clauses.push(parseMergeClause(c));
  if (clauses.length === 0) throw c.fail();
  return { kind: "merge", pos, target, source, on, clauses };
}

function parseMergeClause(c: Cursor): MergeClause {
  c.expectKw("WHEN");
  let when: MergeClause["when"];
  if (c.acceptKw("MATCHED")) when = "matched";
  else {
    c.expectKw("NOT");
    c.expectKw("MATCHED");
    if (c.acceptKws("BY", "SOURCE")) when = "notMatchedBySource";
    else {
      c.acceptKws("BY", "TARGET");
      when = "notMatched";
    }
  }
  const clause: MergeClause = { when, action: { kind: "delete" } };
  if (c.acceptKw("AND")) clause.condition = parseExpr(c);
  c.expectKw("THEN");
  clause.action = when === "notMatched" ? parseInsertAction(c) : parseUpdateOrDelete(c);
  return clause;
}

function parseUpdateOrDelete(c: Cursor): MergeAction {
  if (c.acceptKw("DELETE")) return { kind: "delete" };
  c.expectKw("UPDATE");
  c.expectKw("SET");
  if (c.acceptOp("*")) return { kind: "updateAll" };
  return { kind: "update", assignments: parseAssignments(c) };
}

function parseInsertAction(c: Cursor): MergeAction {
  c.expectKw("INSERT");
  if (c.acceptOp("*")) return { kind: "insertAll" };
  c.expectOp("(");
  const columns: string[][] = [];
  do {
    const col = [c.identifier(true)];
    while (c.acceptOp(".")) col.push(c.identifier(true));
    columns.push(col);
  } while (c.acceptOp(","));
  c.expectOp(")");
  c.expectKw("VALUES");
  c.expectOp("(");
  const values = parseExprList(c);
  c.expectOp(")");
  return { kind: "insert", columns, values };
}

export function parseDescribeHistory(c: Cursor, pos: Pos): DescribeHistory {
  c.expectKw("HISTORY");
  const stmt: DescribeHistory = { kind: "describeHistory", pos, target: parseDmlTarget(c, false) };
  if (c.acceptKw("LIMIT")) stmt.limit = intLiteral(c);
  return stmt;
}

export function parseDescribeDetail(c: Cursor, pos: Pos): DescribeDetail {
  c.expectKw("DETAIL");
  return { kind: "describeDetail", pos, target: parseDmlTarget(c, false) };
}

export function parseVacuum(c: Cursor): Vacuum {
  const pos = c.pos(c.next());
  const stmt: Vacuum = { kind: "vacuum", pos, target: parseDmlTarget(c, false), dryRun: false };
  if (c.acceptKw("RETAIN")) {
    const t = c.peek();
    if (t.kind !== "number" || !/^(\d+\.?\d*|\.\d+)$/.test(t.text)) throw c.fail();
    c.next();
    stmt.retainHours = Number(t.text);
    c.expectKw("HOURS");
  }
  if (c.acceptKws("DRY", "RUN")) stmt.dryRun = true;
  return stmt;
}

export function parseRestore(c: Cursor): Restore {
  const pos = c.pos(c.next());
  c.acceptKw("TABLE");
  const target = parseDmlTarget(c, false);
  c.acceptKw("TO");
  const to = parseTimeTravel(c);
  if (!to) throw c.fail();
  return { kind: "restore", pos, target, to };
}

export function parseOptimize(c: Cursor): Optimize {
  const pos = c.pos(c.next());
  const stmt: Optimize = { kind: "optimize", pos, target: parseDmlTarget(c, false), zorderBy: [] };
  if (c.acceptKw("WHERE")) stmt.where = parseExpr(c);
  if (c.acceptKws("ZORDER", "BY")) {
    const paren = c.acceptOp("(");
    do {
      const col = [c.identifier(true)];
      while (c.acceptOp(".")) col.push(c.identifier(true));
      stmt.zorderBy.push(col);
    } while (c.acceptOp(","));
    if (paren) c.expectOp(")");
  }
  return stmt;
}

function intLiteral(c: Cursor): number {
  const t = c.peek();
  if (t.kind !== "number" || !/^\d+$/.test(t.text)) throw c.fail();
  c.next();
  return Number(t.text);
}
