// Statements: queries plus the session commands a notebook uses (temp views, EXPLAIN, SHOW,
// DESCRIBE, SET / RESET, CACHE / UNCACHE, USE). DML (INSERT, MERGE, ...) will be added as new
// Statement kinds; an unknown leading word is a syntax error at that word.

import type { CacheTable, CreateView, DescribeTable, Explain, SetCommand, ShowTables, Statement } from "./ast";
import type { Cursor } from "./cursor";
import { parseQuery } from "./query-parser";

/** One statement at the cursor (does not consume a trailing `;`). */
export function parseStatementAt(c: Cursor): Statement {
  const t = c.peek();
  const pos = c.pos(t);
  if (c.looksLikeQuery() || (c.isOp("(") && c.looksLikeQuery(1))) return parseQuery(c);
  if (t.kind !== "word") throw c.fail();
  switch (t.upper) {
    case "CREATE": return parseCreate(c);
    case "DROP": {
      c.next();
      c.expectKw("VIEW");
      const ifExists = c.acceptKws("IF", "EXISTS");
      return { kind: "dropView", pos, name: c.multipartIdentifier(true), ifExists };
    }
    case "EXPLAIN": {
      c.next();
      let mode: Explain["mode"] = "simple";
      if (c.isAnyKw(["EXTENDED", "FORMATTED", "CODEGEN", "COST", "LOGICAL"])) {
        const m = c.next().upper.toLowerCase();
        mode = m === "logical" ? "extended" : (m as Explain["mode"]);
      }
      return { kind: "explain", pos, mode, statement: parseStatementAt(c) };
    }
    case "SHOW": return parseShow(c);
    case "DESCRIBE": case "DESC": return parseDescribe(c);
    case "SET": return parseSet(c);
    case "RESET": {
      c.next();
      const raw = restOfStatement(c);
      return raw ? { kind: "reset", pos, key: raw } : { kind: "reset", pos };
    }
    case "CACHE": {
      c.next();
      const lazy = c.acceptKw("LAZY");
      c.expectKw("TABLE");
      const stmt: CacheTable = { kind: "cacheTable", pos, name: c.multipartIdentifier(true), lazy, options: {} };
      if (c.acceptKw("OPTIONS")) stmt.options = parseOptions(c);
      if (c.acceptKw("AS") || c.looksLikeQuery() || (c.isOp("(") && c.looksLikeQuery(1))) stmt.query = parseQuery(c);
      return stmt;
    }
    case "UNCACHE": {
      c.next();
      c.expectKw("TABLE");
      const ifExists = c.acceptKws("IF", "EXISTS");
      return { kind: "uncacheTable", pos, name: c.multipartIdentifier(true), ifExists };
    }
    case "CLEAR":
      c.next();
      c.expectKw("CACHE");
      return { kind: "clearCache", pos };
    case "USE":
      c.next();
      if (c.isAnyKw(["NAMESPACE", "DATABASE", "SCHEMA"]) && c.isIdent(1, true)) c.next();
      return { kind: "use", pos, namespace: c.multipartIdentifier(true) };
    default:
      throw c.fail();
  }
}

function parseCreate(c: Cursor): CreateView {
  const pos = c.pos(c.next());
  const replace = c.acceptKws("OR", "REPLACE");
  const global = c.acceptKw("GLOBAL");
  const temporary = c.acceptKw("TEMPORARY") || c.acceptKw("TEMP");
  if (global && !temporary) throw c.fail();
  c.expectKw("VIEW");
  const ifNotExists = c.acceptKws("IF", "NOT", "EXISTS");
  const name = c.multipartIdentifier(true);
  const view: CreateView = {
    kind: "createView", pos, name, replace, global, temporary, ifNotExists,
    query: undefined as never, queryText: "",
  };
  if (c.isOp("(") && !c.looksLikeQuery(1)) {
    c.next();
    view.columns = [];
    do {
      const col: { name: string; comment?: string } = { name: c.identifier(true) };
      if (c.acceptKw("COMMENT")) col.comment = c.stringLiteral();
      view.columns.push(col);
    } while (c.acceptOp(","));
    c.expectOp(")");
  }
  for (;;) {
    if (c.acceptKw("COMMENT")) { view.comment = c.stringLiteral(); continue; }
    if (c.acceptKw("TBLPROPERTIES")) { parseOptions(c); continue; }
    break;
  }
  c.expectKw("AS");
  const start = c.peek().offset;
  view.query = parseQuery(c);
  view.queryText = c.src.text.slice(start, c.tokens[c.i - 1]!.end);
  return view;
}

function parseShow(c: Cursor): Statement {
  const pos = c.pos(c.next());
  const pattern = (): string | undefined => {
    if (c.acceptKw("LIKE") || c.peek().kind === "string") return c.stringLiteral();
    return undefined;
  };
  if (c.isAnyKw(["TABLES", "VIEWS"])) {
    const kind = c.next().upper === "TABLES" ? "showTables" : "showViews";
    const stmt: ShowTables | { kind: "showViews"; pos: typeof pos; namespace?: string[]; pattern?: string } = { kind, pos };
    if (c.acceptKw("FROM") || c.acceptKw("IN")) stmt.namespace = c.multipartIdentifier(true);
    const p = pattern();
    if (p !== undefined) stmt.pattern = p;
    return stmt;
  }
  if (c.isAnyKw(["DATABASES", "SCHEMAS", "NAMESPACES"])) {
    c.next();
    const p = pattern();
    return p === undefined ? { kind: "showDatabases", pos } : { kind: "showDatabases", pos, pattern: p };
  }
  if (c.isAnyKw(["USER", "SYSTEM", "ALL"]) && c.isKw("FUNCTIONS", 1)) c.next();
  if (c.acceptKw("FUNCTIONS")) {
    const p = pattern();
    return p === undefined ? { kind: "showFunctions", pos } : { kind: "showFunctions", pos, pattern: p };
  }
  if (c.acceptKw("COLUMNS")) {
    if (!c.acceptKw("FROM")) c.expectKw("IN");
    const table = c.multipartIdentifier(true);
    if (c.acceptKw("FROM") || c.acceptKw("IN")) return { kind: "showColumns", pos, table, namespace: c.multipartIdentifier(true) };
    return { kind: "showColumns", pos, table };
  }
  throw c.fail();
}

function parseDescribe(c: Cursor): Statement {
  const pos = c.pos(c.next());
  if (c.acceptKw("FUNCTION")) {
    const extended = c.acceptKw("EXTENDED");
    const name = c.peek().kind === "string" ? [c.stringLiteral()] : c.multipartIdentifier(true);
    return { kind: "describeFunction", pos, name, extended };
  }
  if (c.acceptKw("QUERY") || (!c.isKw("TABLE") && c.looksLikeQuery()) || (c.isOp("(") && c.looksLikeQuery(1))) {
    return { kind: "describeQuery", pos, query: parseQuery(c) };
  }
  c.acceptKw("TABLE");
  const extended = c.acceptKw("EXTENDED") || c.acceptKw("FORMATTED");
  const stmt: DescribeTable = { kind: "describeTable", pos, name: c.multipartIdentifier(true), extended };
  if (c.isIdent(0, true)) {
    const col = [c.identifier(true)];
    while (c.acceptOp(".")) col.push(c.identifier(true));
    stmt.column = col;
  }
  return stmt;
}

/** Raw text of the remaining tokens up to `;` or the end (Spark reads SET / RESET this way). */
function restOfStatement(c: Cursor): string {
  const first = c.peek();
  let last = first;
  while (!c.atEnd && !c.isOp(";")) last = c.next();
  if (last === first && (first.kind === "eof" || (first.kind === "op" && first.text === ";"))) return "";
  return c.src.text.slice(first.offset, last.end).trim();
}

function parseSet(c: Cursor): SetCommand {
  const pos = c.pos(c.next());
  if (c.isKw("TIME") && c.isKw("ZONE", 1)) {
    c.next(); c.next();
    const key = "spark.sql.session.timeZone";
    if (c.acceptKw("LOCAL")) return { kind: "set", pos, key, value: Intl.DateTimeFormat().resolvedOptions().timeZone };
    if (c.peek().kind === "string") return { kind: "set", pos, key, value: c.stringLiteral() };
    throw c.fail();
  }
  if (c.isOp("-") && c.isKw("V", 1)) {
    c.next(); c.next();
    return { kind: "set", pos, verbose: true };
  }
  const raw = restOfStatement(c);
  if (!raw) return { kind: "set", pos };
  const eq = raw.indexOf("=");
  if (eq < 0) return { kind: "set", pos, key: unquoteKey(raw) };
  const key = unquoteKey(raw.slice(0, eq).trim());
  if (!key) throw c.fail();
  return { kind: "set", pos, key, value: raw.slice(eq + 1).trim() };
}

function unquoteKey(k: string): string {
  return k.length >= 2 && k.startsWith("`") && k.endsWith("`") ? k.slice(1, -1) : k;
}

/** `('k' 'v', 'k2' = 'v2')` for CACHE TABLE OPTIONS and TBLPROPERTIES. */
function parseOptions(c: Cursor): Record<string, string> {
  const out: Record<string, string> = {};
  c.expectOp("(");
  do {
    const key = c.peek().kind === "string" ? c.stringLiteral() : c.multipartIdentifier(true).join(".");
    c.acceptOp("=");
    const t = c.peek();
    let value: string;
    if (t.kind === "string") value = c.stringLiteral();
    else if (t.kind === "number" || t.kind === "word") value = c.next().text;
    else throw c.fail();
    out[key] = value;
  } while (c.acceptOp(","));
  c.expectOp(")");
  return out;
}
