// Statements: queries plus the session commands a notebook uses (temp views, EXPLAIN, SHOW,
// DESCRIBE, SET / RESET, CACHE / UNCACHE, USE), table DDL / INSERT, and (dml-parser.ts) the
// Delta statements. An unknown leading word is a syntax error at that word.

import { StructType, type StructField } from "../types";
import type {
  CacheTable, CreateTable, CreateTempViewUsing, CreateView, DescribeTable, Explain, Insert, Pos, SetCommand, ShowTables,
  Statement,
} from "./ast";
import type { Cursor } from "./cursor";
import { parseColumn } from "./data-type-parser";
import { parseDelete, parseDescribeDetail, parseDescribeHistory, parseMerge, parseOptimize, parseRestore, parseUpdate, parseVacuum } from "./dml-parser";
import type { Token } from "./lexer";
import { parseQuery } from "./query-parser";
import { parseIdentList } from "./select-item";

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
      const table = c.acceptKw("TABLE");
      if (!table) c.expectKw("VIEW");
      const ifExists = c.acceptKws("IF", "EXISTS");
      const name = c.multipartIdentifier(true);
      if (table) {
        c.acceptKw("PURGE");
        return { kind: "dropTable", pos, name, ifExists };
      }
      return { kind: "dropView", pos, name, ifExists };
    }
    case "INSERT": return parseInsert(c);
    case "DELETE": return parseDelete(c);
    case "UPDATE": return parseUpdate(c);
    case "MERGE": return parseMerge(c);
    case "VACUUM": return parseVacuum(c);
    case "RESTORE": return parseRestore(c);
    case "OPTIMIZE": return parseOptimize(c);
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

function parseCreate(c: Cursor): Statement {
  const pos = c.pos(c.next());
  const replace = c.acceptKws("OR", "REPLACE");
  if (c.acceptKw("TABLE")) return parseCreateTable(c, pos, replace);
  const global = c.acceptKw("GLOBAL");
  const temporary = c.acceptKw("TEMPORARY") || c.acceptKw("TEMP");
  if (global && !temporary) throw c.fail();
  c.expectKw("VIEW");
  const ifNotExists = c.acceptKws("IF", "NOT", "EXISTS");
  const name = c.multipartIdentifier(true);
  // A column list: names with optional comments (AS query views) or names with types (USING views).
  const named: { name: string; comment?: string }[] = [];
  const typed: StructField[] = [];
  let columnsTok: Token | undefined;
  if (c.isOp("(") && !c.looksLikeQuery(1)) {
    columnsTok = c.next();
    do {
      if (c.isOp(",", 1) || c.isOp(")", 1) || c.isKw("COMMENT", 1)) {
        const col: { name: string; comment?: string } = { name: c.identifier(true) };
        if (c.acceptKw("COMMENT")) col.comment = c.stringLiteral();
        named.push(col);
      } else {
        typed.push(parseColumn(c, false));
      }
    } while (c.acceptOp(","));
    c.expectOp(")");
    if (named.length > 0 && typed.length > 0) throw c.fail(columnsTok);
  }
  if (c.isKw("USING")) {
    if (!temporary || ifNotExists || named.length > 0) throw c.fail();
    c.next();
    const stmt: CreateTempViewUsing = {
      kind: "createTempViewUsing", pos, name, replace, global, format: c.multipartIdentifier(true).join("."), options: {},
    };
    if (typed.length > 0) stmt.schema = new StructType(typed);
    if (c.acceptKw("OPTIONS")) stmt.options = parseOptions(c);
    return stmt;
  }
  if (typed.length > 0) throw c.fail();
  const view: CreateView = {
    kind: "createView", pos, name, replace, global, temporary, ifNotExists,
    query: undefined as never, queryText: "",
  };
  if (columnsTok) view.columns = named;
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

function parseCreateTable(c: Cursor, pos: Pos, replace: boolean): CreateTable {
  const ifNotExists = c.acceptKws("IF", "NOT", "EXISTS");
  const stmt: CreateTable = {
    kind: "createTable", pos, name: c.multipartIdentifier(true), replace, ifNotExists, options: {}, partitionBy: [], properties: {},
  };
  if (c.isOp("(") && !c.looksLikeQuery(1)) {
    c.next();
    const fields: StructField[] = [];
    do fields.push(parseColumn(c, false)); while (c.acceptOp(","));
    c.expectOp(")");
    stmt.schema = new StructType(fields);
  }
  for (;;) {
    if (c.acceptKw("USING")) { stmt.format = c.multipartIdentifier(true).join("."); continue; }
    if (c.acceptKw("OPTIONS")) { stmt.options = parseOptions(c); continue; }
    if (c.acceptKws("PARTITIONED", "BY")) { stmt.partitionBy = parseIdentList(c); continue; }
    if (c.acceptKw("LOCATION")) { stmt.location = c.stringLiteral(); continue; }
    if (c.acceptKw("COMMENT")) { stmt.comment = c.stringLiteral(); continue; }
    if (c.acceptKw("TBLPROPERTIES")) { stmt.properties = parseOptions(c); continue; }
    break;
  }
  if (c.acceptKw("AS") || c.looksLikeQuery() || (c.isOp("(") && c.looksLikeQuery(1))) stmt.query = parseQuery(c);
  return stmt;
}

function parseInsert(c: Cursor): Insert {
  const pos = c.pos(c.next());
  let overwrite = false;
  if (c.acceptKw("OVERWRITE")) overwrite = true;
  else c.expectKw("INTO");
  if (c.isKw("TABLE") && c.isIdent(1, true)) c.next();
  const table = c.multipartIdentifier(true);
  const stmt: Insert = { kind: "insert", pos, table, overwrite, query: undefined as never };
  if (c.isOp("(") && !c.looksLikeQuery(1)) stmt.columns = parseIdentList(c);
  stmt.query = parseQuery(c);
  return stmt;
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
  if (c.isKw("HISTORY") && c.isIdent(1, true)) return parseDescribeHistory(c, pos);
  if (c.isKw("DETAIL") && c.isIdent(1, true)) return parseDescribeDetail(c, pos);
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
