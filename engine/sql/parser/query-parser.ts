// Queries: WITH, SELECT blocks, set operations (INTERSECT binds tighter than UNION / EXCEPT),
// VALUES, the ORDER BY / LIMIT / OFFSET tail, and FROM clauses with joins, subqueries,
// table-valued functions, inline tables and file relations (parquet.`/path`).

import { ParseError } from "../../common/errors";
import type {
  Cte, Expr, FunctionCall, GroupBy, GroupingElement, GroupingSets, Hint, JoinType, LateralView, NamedWindow, Query,
  Pivot, QueryBody, Relation, Select, SelectItem, TableSample, TimeTravel,
} from "./ast";
import { errorOffset, type Cursor } from "./cursor";
import { parseExpr, parseExprList, parseSortItems, parseWindowSpec } from "./expression-parser";
import { parseIdentList, parseSelectItemAt } from "./select-item";

/** Formats that `format.\`path\`` reads directly, as Spark's ResolveSQLOnFile does. */
export const FILE_FORMATS = ["parquet", "csv", "json", "orc", "text", "avro", "delta", "binaryfile"];

/** A full query at the cursor: [WITH ...] body [ORDER BY ...] [LIMIT n] [OFFSET m]. */
export function parseQuery(c: Cursor): Query {
  const pos = c.pos();
  const ctes: Cte[] = [];
  if (c.acceptKw("WITH")) {
    c.acceptKw("RECURSIVE");
    do ctes.push(parseCte(c)); while (c.acceptOp(","));
  }
  const body = parseSetOps(c);
  const q: Query = { kind: "query", pos, ctes, body, orderBy: [], sortBy: [], distributeBy: [], clusterBy: [], windows: [] };
  // Each clause keyword is reserved, so once seen its BY is required (the error points after it).
  if (c.acceptKw("ORDER")) { c.expectKw("BY"); q.orderBy = parseSortItems(c); }
  if (c.acceptKw("CLUSTER")) { c.expectKw("BY"); q.clusterBy = parseExprList(c); }
  if (c.acceptKw("DISTRIBUTE")) { c.expectKw("BY"); q.distributeBy = parseExprList(c); }
  if (c.acceptKw("SORT")) { c.expectKw("BY"); q.sortBy = parseSortItems(c); }
  if (c.isKw("WINDOW")) q.windows = parseWindowClause(c);
  if (c.acceptKw("LIMIT")) {
    if (!c.acceptKw("ALL")) q.limit = parseExpr(c);
  }
  if (c.acceptKw("OFFSET")) q.offset = parseExpr(c);
  return q;
}

function parseCte(c: Cursor): Cte {
  const pos = c.pos();
  const name = c.identifier();
  const cte: Cte = { pos, name, query: undefined as unknown as Query };
  if (c.isOp("(") && !c.looksLikeQuery(1)) cte.columns = parseIdentList(c);
  c.acceptKw("AS");
  c.expectOp("(");
  cte.query = parseQuery(c);
  c.expectOp(")");
  return cte;
}

function setQuantifier(c: Cursor): boolean {
  if (c.acceptKw("ALL")) return true;
  c.acceptKw("DISTINCT");
  return false;
}

function parseSetOps(c: Cursor): QueryBody {
  let left = parseIntersects(c);
  for (;;) {
    const t = c.peek();
    if (!c.isAnyKw(["UNION", "EXCEPT", "MINUS"])) return left;
    c.next();
    const all = setQuantifier(c);
    const chain = { n: 0 };
    const right = parseIntersects(c, chain);
    left = { kind: "setOp", pos: left.pos, op: t.upper === "UNION" ? "union" : "except", all, left, right };
    if (chain.n > 0) left.intersectsOnRight = chain.n;
  }
}

function parseIntersects(c: Cursor, chain = { n: 0 }): QueryBody {
  let left = parseQueryPrimary(c);
  while (c.acceptKw("INTERSECT")) {
    chain.n++;
    const all = setQuantifier(c);
    const right = parseQueryPrimary(c);
    left = { kind: "setOp", pos: left.pos, op: "intersect", all, left, right };
  }
  return left;
}

function parseQueryPrimary(c: Cursor): QueryBody {
  const pos = c.pos();
  if (c.isKw("SELECT")) return parseSelect(c);
  if (c.acceptKw("VALUES")) {
    const body: QueryBody = { kind: "values", pos, rows: parseValuesRows(c) };
    // An alias with column names: `VALUES (1, 'a') t(id, name)` or `... AS t(id, name)`.
    const explicit = c.isKw("AS");
    if (explicit ? c.isOp("(", 2) : c.isIdent() && c.isOp("(", 1)) {
      if (explicit) c.next();
      body.alias = c.identifier(explicit);
      body.columnAliases = parseIdentList(c);
    }
    return body;
  }
  if (c.isKw("TABLE") && c.isIdent(1)) {
    c.next();
    return { kind: "tableBody", pos, name: c.multipartIdentifier() };
  }
  if (c.acceptOp("(")) {
    const q = parseQuery(c);
    c.expectOp(")");
    return q;
  }
  throw c.fail();
}

/** Rows of VALUES: `(1, 'a'), (2, 'b')` or single values `1, 2`. */
function parseValuesRows(c: Cursor): Expr[][] {
  const rows: Expr[][] = [];
  do {
    const e = parseExpr(c);
    rows.push(e.kind === "row" ? e.items : [e]);
  } while (c.acceptOp(","));
  return rows;
}

function parseSelect(c: Cursor): Select {
  const pos = c.pos(c.expectKw("SELECT"));
  const hints = c.peek().kind === "hintStart" ? parseHints(c) : [];
  let distinct = false;
  if (c.acceptKw("DISTINCT")) distinct = true;
  else c.acceptKw("ALL");
  const items: SelectItem[] = [];
  do items.push(parseSelectItemAt(c)); while (c.acceptOp(","));
  const s: Select = { kind: "select", pos, distinct, hints, items, lateralViews: [], windows: [] };
  if (c.acceptKw("FROM")) s.from = parseFrom(c);
  while (c.isKw("LATERAL") && c.isKw("VIEW", 1)) s.lateralViews.push(parseLateralView(c));
  if (s.from && c.isKw("PIVOT") && c.isOp("(", 1)) s.pivot = parsePivot(c);
  if (c.acceptKw("WHERE")) s.where = parseExpr(c);
  if (c.isKw("GROUP")) s.groupBy = parseGroupBy(c);
  if (c.acceptKw("HAVING")) s.having = parseExpr(c);
  if (c.isKw("WINDOW")) s.windows = parseWindowClause(c);
  return s;
}

function parseHints(c: Cursor): Hint[] {
  c.next();
  const hints: Hint[] = [];
  while (c.peek().kind !== "hintEnd") {
    const pos = c.pos();
    const name = c.identifier(true);
    let args: Expr[] = [];
    if (c.acceptOp("(")) {
      if (!c.isOp(")")) args = parseExprList(c);
      c.expectOp(")");
    }
    hints.push({ pos, name, args });
    c.acceptOp(",");
  }
  c.next();
  return hints;
}

function parseWindowClause(c: Cursor): NamedWindow[] {
  c.expectKw("WINDOW");
  const out: NamedWindow[] = [];
  do {
    const name = c.identifier();
    c.expectKw("AS");
    if (c.isIdent()) {
      const pos = c.pos();
      out.push({ name, spec: { pos, ref: c.identifier(), partitionBy: [], orderBy: [] } });
    } else {
      out.push({ name, spec: parseWindowSpec(c) });
    }
  } while (c.acceptOp(","));
  return out;
}

function parseLateralView(c: Cursor): LateralView {
  const pos = c.pos();
  c.next(); c.next();
  const outer = c.acceptKw("OUTER");
  const fnPos = c.pos();
  const name = c.multipartIdentifier(true);
  c.expectOp("(");
  const args = c.isOp(")") ? [] : parseExprList(c);
  c.expectOp(")");
  const fn: FunctionCall = { kind: "function", pos: fnPos, name, args, distinct: false };
  const lv: LateralView = { pos, outer, fn, columnAliases: [] };
  if (c.isIdent() && !c.isKw("AS")) lv.tableAlias = c.identifier();
  if (c.acceptKw("AS") || c.isIdent()) {
    lv.columnAliases.push(c.identifier(true));
    while (c.acceptOp(",")) lv.columnAliases.push(c.identifier(true));
  }
  return lv;
}

function parseGroupBy(c: Cursor): GroupBy {
  const pos = c.pos();
  c.next();
  c.expectKw("BY");
  if (c.isKw("ALL") && !c.isOp("(", 1) && !c.isOp(".", 1)) {
    c.next();
    return { pos, all: true, items: [] };
  }
  const items: GroupingElement[] = [];
  do items.push(parseGroupingElement(c)); while (c.acceptOp(","));
  // Hive-style suffixes: GROUP BY a, b WITH ROLLUP | WITH CUBE | GROUPING SETS (...)
  const plain = items.filter((i): i is Expr => i.kind !== "groupingSets" && i.kind !== "rollup" && i.kind !== "cube");
  const gpos = c.pos();
  if (c.acceptKws("WITH", "ROLLUP")) return { pos, all: false, items: [{ kind: "rollup", pos: gpos, sets: plain.map((e) => [e]) }] };
  if (c.acceptKws("WITH", "CUBE")) return { pos, all: false, items: [{ kind: "cube", pos: gpos, sets: plain.map((e) => [e]) }] };
  // The listed expressions are the grouping columns; the sets choose among them (not every set has them all).
  if (c.isKw("GROUPING") && c.isKw("SETS", 1)) return { pos, all: false, items: [{ ...(parseGroupingElement(c) as GroupingSets), columns: plain }] };
  return { pos, all: false, items };
}

function parseGroupingElement(c: Cursor): GroupingElement {
  const pos = c.pos();
  if (c.isKw("GROUPING") && c.isKw("SETS", 1) && c.isOp("(", 2)) {
    c.next(); c.next();
    return { kind: "groupingSets", pos, sets: parseGroupingSetList(c, true) } satisfies GroupingSets;
  }
  if (c.isAnyKw(["ROLLUP", "CUBE"]) && c.isOp("(", 1)) {
    const kind = c.next().upper === "ROLLUP" ? "rollup" : "cube";
    return { kind, pos, sets: parseGroupingSetList(c) } satisfies GroupingSets;
  }
  return parseExpr(c);
}

/** `( set, set, ... )` where a set is an expression or a parenthesised (possibly empty) list. */
function parseGroupingSetList(c: Cursor, nested = false): Expr[][] {
  c.expectOp("(");
  const sets: Expr[][] = [];
  do {
    if (c.isOp("(") && c.isOp(")", 1)) {
      c.next(); c.next();
      sets.push([]);
      continue;
    }
    // GROUPING SETS may nest ROLLUP(...), CUBE(...) and GROUPING SETS(...): their sets, in Spark's order.
    if (nested && ((c.isAnyKw(["ROLLUP", "CUBE"]) && c.isOp("(", 1)) || (c.isKw("GROUPING") && c.isKw("SETS", 1) && c.isOp("(", 2)))) {
      const inner = parseGroupingElement(c) as GroupingSets;
      const n = inner.sets.length;
      const pick = inner.kind === "groupingSets" ? inner.sets.map((_, i) => [i])
        : inner.kind === "rollup" ? Array.from({ length: n + 1 }, (_, k) => Array.from({ length: n - k }, (_, i) => i))
          : Array.from({ length: 1 << n }, (_, m) => Array.from({ length: n }, (_, i) => i).filter((i) => ((1 << n) - 1 - m) & (1 << (n - 1 - i))));
      for (const set of pick) sets.push(set.flatMap((i) => inner.sets[i]!));
      continue;
    }
    const e = parseExpr(c);
    sets.push(e.kind === "row" ? e.items : [e]);
  } while (c.acceptOp(","));
  c.expectOp(")");
  return sets;
}

// ---------------------------------------------------------------------------------------------
// FROM

function parseFrom(c: Cursor): Relation {
  let rel = parseJoinedRelation(c);
  while (c.acceptOp(",")) {
    const right = parseJoinedRelation(c);
    rel = { kind: "join", pos: rel.pos, joinType: "inner", natural: false, left: rel, right };
  }
  return rel;
}

function parseJoinType(c: Cursor): JoinType | undefined {
  if (c.acceptKw("INNER")) return "inner";
  if (c.acceptKw("CROSS")) return "cross";
  if (c.acceptKw("LEFT")) {
    if (c.acceptKw("SEMI")) return "leftSemi";
    if (c.acceptKw("ANTI")) return "leftAnti";
    c.acceptKw("OUTER");
    return "left";
  }
  if (c.acceptKw("RIGHT")) { c.acceptKw("OUTER"); return "right"; }
  if (c.acceptKw("FULL")) { c.acceptKw("OUTER"); return "full"; }
  if (c.acceptKw("SEMI")) return "leftSemi";
  if (c.acceptKw("ANTI")) return "leftAnti";
  return undefined;
}

function parseJoinedRelation(c: Cursor): Relation {
  let rel = parseRelationPrimary(c);
  for (;;) {
    const start = c.i;
    const natural = c.acceptKw("NATURAL");
    const explicitType = parseJoinType(c);
    if (!c.isKw("JOIN")) {
      if (c.i !== start) throw c.fail();
      return rel;
    }
    c.next();
    const right = parseRelationPrimary(c);
    const join: Relation = { kind: "join", pos: rel.pos, joinType: explicitType ?? "inner", natural, left: rel, right };
    if (!natural) {
      if (c.acceptKw("ON")) join.on = parseExpr(c);
      else if (c.acceptKw("USING")) join.using = parseIdentList(c);
    }
    rel = join;
  }
}

export function parseRelationPrimary(c: Cursor): Relation {
  const pos = c.pos();
  if (c.isOp("(")) return c.memo("parenRelation", () => parseParenRelationPrimary(c));
  if (c.acceptKw("VALUES")) return withAlias(c, { kind: "valuesRelation", pos, rows: parseValuesRows(c) });
  const start = c.i;
  const name = c.multipartIdentifier();
  if (c.isOp("(")) {
    c.next();
    const args = c.isOp(")") ? [] : parseExprList(c);
    c.expectOp(")");
    return withAlias(c, { kind: "tableFunction", pos, name, args });
  }
  const timeTravel = parseTimeTravel(c);
  if (name.length === 2 && c.tokens[start]!.kind === "word" && FILE_FORMATS.includes(name[0]!.toLowerCase()) &&
      c.tokens[start + 2]!.kind === "quoted") {
    const file: Relation = { kind: "file", pos, format: name[0]!.toLowerCase(), path: name[1]! };
    if (timeTravel) file.timeTravel = timeTravel;
    return withAlias(c, file);
  }
  const table: Relation = { kind: "table", pos, name };
  if (timeTravel) table.timeTravel = timeTravel;
  return withAlias(c, table);
}

/** `[FOR] (VERSION | SYSTEM_VERSION) AS OF n|'v'` or `[FOR] (TIMESTAMP | SYSTEM_TIME) AS OF expr`. */
export function parseTimeTravel(c: Cursor): TimeTravel | undefined {
  const k = c.isKw("FOR") ? 1 : 0;
  if (!c.isAnyKw(["VERSION", "SYSTEM_VERSION", "TIMESTAMP", "SYSTEM_TIME"], k) || !c.isKw("AS", k + 1) || !c.isKw("OF", k + 2)) {
    return undefined;
  }
  c.i += k;
  const kind = c.next().upper;
  c.next(); c.next();
  if (kind === "VERSION" || kind === "SYSTEM_VERSION") {
    const t = c.peek();
    if (t.kind === "number" && /^\d+$/.test(t.text)) { c.next(); return { version: Number(t.text) }; }
    if (t.kind === "string") return { version: c.stringLiteral() };
    throw c.fail();
  }
  return { timestamp: parseExpr(c) };
}

/** `( query ) [alias]` or `( relation )`: tried as a query first, as a relation if that fails. */
function parseParenRelationPrimary(c: Cursor): Relation {
  const pos = c.pos();
  if (c.looksLikeQuery(1)) {
    const asQuery = c.attempt(() => {
      c.next();
      const query = parseQuery(c);
      c.expectOp(")");
      return withAlias(c, { kind: "subquery", pos, query } as Relation);
    });
    if (!(asQuery instanceof ParseError)) return asQuery;
    const asRel = c.attempt(() => parseParenRelation(c));
    if (!(asRel instanceof ParseError)) return asRel;
    throw errorOffset(asQuery, c) >= errorOffset(asRel, c) ? asQuery : asRel;
  }
  return parseParenRelation(c);
}

function parseParenRelation(c: Cursor): Relation {
  c.expectOp("(");
  const rel = parseFrom(c);
  c.expectOp(")");
  return rel.kind === "join" ? rel : withAlias(c, rel);
}

/** `[TABLESAMPLE (...)] [AS] alias [(col, ...)]` after a relation. */
function withAlias<R extends Relation>(c: Cursor, rel: R): R {
  if (rel.kind === "join") return rel;
  if (c.isKw("TABLESAMPLE")) (rel as { sample?: TableSample }).sample = parseSample(c);
  const explicit = c.acceptKw("AS");
  if (explicit || c.isIdent()) {
    (rel as { alias?: string }).alias = c.identifier(explicit);
    if (c.isOp("(") && c.isIdent(1, true)) (rel as { columnAliases?: string[] }).columnAliases = parseIdentList(c);
  }
  return rel;
}

/** TABLESAMPLE (n PERCENT | expr ROWS | BUCKET x OUT OF y) [REPEATABLE (seed)] */
function parseSample(c: Cursor): TableSample {
  c.expectKw("TABLESAMPLE");
  c.expectOp("(");
  let sample: TableSample;
  const intAt = (): number => {
    const t = c.peek();
    if (t.kind !== "number" || !/^\d+$/.test(t.text)) throw c.fail();
    c.next();
    return Number(t.text);
  };
  if (c.acceptKw("BUCKET")) {
    const numerator = intAt();
    c.expectKw("OUT");
    c.expectKw("OF");
    sample = { kind: "bucket", numerator, denominator: intAt() };
  } else {
    const neg = c.acceptOp("-");
    const t = c.peek();
    if ((t.kind === "number" && /^(\d+\.?\d*|\.\d+)$/.test(t.text)) && c.isKw("PERCENT", 1)) {
      c.next(); c.next();
      const percent = Number(t.text) * (neg ? -1 : 1);
      if (percent < 0 || percent > 100) {
        throw c.errorAt(t, "INVALID_SAMPLING_PERCENT",
          `Sampling fraction (${percent / 100}) must be on interval [0, 1].`);
      }
      sample = { kind: "percent", percent };
    } else {
      if (neg) throw c.fail(t);
      const rows = parseExpr(c);
      c.expectKw("ROWS");
      sample = { kind: "rows", rows };
    }
  }
  c.expectOp(")");
  if (c.acceptKw("REPEATABLE")) {
    c.expectOp("(");
    sample.seed = intAt();
    c.expectOp(")");
  }
  return sample;
}

/** PIVOT ( aggregates FOR column | (columns) IN ( value [[AS] alias], ... ) ) */
function parsePivot(c: Cursor): Pivot {
  const pos = c.pos(c.next());
  c.expectOp("(");
  const aggregates: SelectItem[] = [];
  do aggregates.push(parseSelectItemAt(c)); while (c.acceptOp(","));
  c.expectKw("FOR");
  const columns = c.isOp("(") ? parseIdentList(c) : [c.identifier(true, true)];
  c.expectKw("IN");
  c.expectOp("(");
  const values: { expr: Expr; alias?: string }[] = [];
  do {
    const expr = parseExpr(c);
    const v: { expr: Expr; alias?: string } = { expr };
    if (c.acceptKw("AS")) v.alias = c.identifier(true);
    else if (c.isIdent()) v.alias = c.identifier();
    values.push(v);
  } while (c.acceptOp(","));
  c.expectOp(")");
  c.expectOp(")");
  return { pos, aggregates, columns, values };
}
