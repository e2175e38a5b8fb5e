// A small Cypher (Neo4j's query language) for the graph store: one MATCH of a path pattern,
// optional WHERE with comparisons joined by AND / OR, RETURN of variables, properties and count(*)
// (DISTINCT, AS, ORDER BY, LIMIT):
//   MATCH (a:Person {city: 'Oslo'})-[:KNOWS]->(b:Person)<-[r:WORKS_WITH]-(c) WHERE a.name = 'Ann' AND b.age > 30
//   RETURN b.name AS friend, c.name ORDER BY friend DESC LIMIT 5
// The parser keeps each token's column so that errors say where the query went wrong.

import { AnalysisError } from "../common/errors";

export interface NodePattern { v?: string; labels: string[]; props: Record<string, unknown> }
export interface RelPattern { v?: string; type?: string; dir: "out" | "in" | "both" }
export type Operand = { kind: "prop"; v: string; key: string } | { kind: "lit"; value: unknown } | { kind: "var"; v: string };
export interface Comparison { left: Operand; op: "=" | "<>" | "<" | ">" | "<=" | ">="; right: Operand }
/** WHERE in disjunctive form: OR of ANDs. */
export type Where = Comparison[][];
export interface ReturnItem { expr: Operand | { kind: "count" }; alias: string }
export interface CypherQuery {
  nodes: NodePattern[];
  rels: RelPattern[];
  where: Where;
  ret: ReturnItem[];
  distinct: boolean;
  orderBy: Array<{ alias: string; desc: boolean }>;
  limit?: number;
}

interface Tok { t: string; col: number }

function fail(query: string, col: number, msg: string): never {
  throw new AnalysisError("CYPHER_SYNTAX_ERROR", `${msg} at column ${col + 1}: ${query.slice(0, col)}⟨here⟩${query.slice(col, col + 20)}`, { parameters: { column: col + 1 } });
}

function tokenize(q: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(<-|->|<>|<=|>=|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|[A-Za-z_][\w]*|[()[\]{}:,.=<>*-])/y;
  let i = 0;
  while (i < q.length) {
    if (/^\s*$/.test(q.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(q);
    if (!m) fail(q, i + (q.slice(i).length - q.slice(i).trimStart().length), "unexpected character");
    out.push({ t: m[1]!, col: m.index + m[0].length - m[1]!.length });
    i = re.lastIndex;
  }
  return out;
}

export function parseCypher(q: string): CypherQuery {
  const toks = tokenize(q);
  let p = 0;
  const peek = (o = 0) => toks[p + o]?.t;
  const col = () => toks[p]?.col ?? q.length;
  const kw = (w: string) => peek()?.toUpperCase() === w;
  const expect = (t: string) => { if (peek() !== t && peek()?.toUpperCase() !== t) fail(q, col(), `expected '${t}'${peek() ? `, found '${peek()}'` : ""}`); p++; };
  const ident = (what: string) => { const t = peek(); if (!t || !/^[A-Za-z_]\w*$/.test(t)) fail(q, col(), `expected ${what}`); p++; return t; };
  const literal = (): unknown => {
    const t = peek();
    if (t === undefined) fail(q, col(), "expected a value");
    if (/^['"]/.test(t)) { p++; return t.slice(1, -1).replace(/\\(.)/g, "$1"); }
    if (/^-?\d/.test(t)) { p++; return Number(t); }
    if (/^(true|false|null)$/i.test(t)) { p++; return t.toLowerCase() === "null" ? null : t.toLowerCase() === "true"; }
    return fail(q, col(), `expected a value, found '${t}'`);
  };
  const node = (): NodePattern => {
    expect("(");
    const n: NodePattern = { labels: [], props: {} };
    if (peek() !== ":" && peek() !== ")" && peek() !== "{") n.v = ident("a variable");
    while (peek() === ":") { p++; n.labels.push(ident("a label")); }
    if (peek() === "{") {
      p++;
      while (peek() !== "}") { const k = ident("a property name"); expect(":"); n.props[k] = literal(); if (peek() === ",") p++; else break; }
      expect("}");
    }
    expect(")");
    return n;
  };
  const rel = (): RelPattern => {
    let dir: RelPattern["dir"] = "both";
    if (peek() === "<-") { dir = "in"; p++; } else expect("-");
    const r: RelPattern = { dir };
    if (peek() === "[") {
      p++;
      if (peek() !== ":" && peek() !== "]") r.v = ident("a variable");
      if (peek() === ":") { p++; r.type = ident("a relationship type"); }
      if (peek() === "*") fail(q, col(), "variable-length relationships are not supported");
      expect("]");
    }
    if (peek() === "->") { if (dir === "in") fail(q, col(), "a relationship cannot point both ways"); r.dir = "out"; p++; } else expect("-");
    return r;
  };
  const operand = (): Operand => {
    const t = peek();
    if (t && /^[A-Za-z_]\w*$/.test(t) && !/^(true|false|null)$/i.test(t)) {
      p++;
      if (peek() === ".") { p++; return { kind: "prop", v: t, key: ident("a property name") }; }
      return { kind: "var", v: t };
    }
    return { kind: "lit", value: literal() };
  };

  if (!kw("MATCH")) fail(q, col(), "a query starts with MATCH");
  p++;
  const nodes = [node()];
  const rels: RelPattern[] = [];
  while (peek() === "-" || peek() === "<-") { rels.push(rel()); nodes.push(node()); }
  const where: Where = [];
  if (kw("WHERE")) {
    p++;
    let conj: Comparison[] = [];
    for (;;) {
      const left = operand();
      const op = peek();
      if (!op || !["=", "<>", "<", ">", "<=", ">="].includes(op)) fail(q, col(), `expected a comparison (=, <>, <, >, <=, >=)${op ? `, found '${op}'` : ""}`);
      p++;
      conj.push({ left, op: op as Comparison["op"], right: operand() });
      if (kw("AND")) { p++; continue; }
      if (kw("OR")) { p++; where.push(conj); conj = []; continue; }
      break;
    }
    where.push(conj);
  }
  if (!kw("RETURN")) fail(q, col(), peek() ? `expected WHERE or RETURN, found '${peek()}'` : "expected RETURN");
  p++;
  let distinct = false;
  if (kw("DISTINCT")) { distinct = true; p++; }
  const ret: ReturnItem[] = [];
  for (;;) {
    const start = p;
    let expr: ReturnItem["expr"];
    if (peek()?.toLowerCase() === "count" && peek(1) === "(") { p += 2; expect("*"); expect(")"); expr = { kind: "count" }; }
    else expr = operand();
    let alias = toks.slice(start, p).map((t) => t.t).join("");
    if (kw("AS")) { p++; alias = ident("an alias"); }
    ret.push({ expr, alias });
    if (peek() === ",") { p++; continue; }
    break;
  }
  const orderBy: CypherQuery["orderBy"] = [];
  if (kw("ORDER")) {
    p++; expect("BY");
    for (;;) {
      const start = p;
      const o = operand();
      const text = toks.slice(start, p).map((t) => t.t).join("");
      const item = ret.find((r) => r.alias === text || (o.kind !== "lit" && JSON.stringify(r.expr) === JSON.stringify(o)));
      if (!item) fail(q, toks[start]!.col, `ORDER BY ${text} must be one of the returned items`);
      let desc = false;
      if (kw("DESC")) { desc = true; p++; } else if (kw("ASC")) p++;
      orderBy.push({ alias: item.alias, desc });
      if (peek() === ",") { p++; continue; }
      break;
    }
  }
  let limit: number | undefined;
  if (kw("LIMIT")) { p++; const v = literal(); if (typeof v !== "number" || !Number.isInteger(v) || v < 0) fail(q, col(), "LIMIT needs a non-negative integer"); limit = v; }
  if (p < toks.length) fail(q, col(), `unexpected '${peek()}' (supported: MATCH, WHERE, RETURN, ORDER BY, LIMIT)`);
  const vars = new Set([...nodes.map((n) => n.v), ...rels.map((r) => r.v)].filter((v): v is string => !!v));
  for (const o of [...where.flat().flatMap((c) => [c.left, c.right]), ...ret.map((r) => r.expr)]) {
    if ((o.kind === "prop" || o.kind === "var") && !vars.has(o.v)) {
      throw new AnalysisError("CYPHER_UNDEFINED_VARIABLE", `Variable \`${o.v}\` is not defined in the MATCH pattern (defined: ${[...vars].join(", ") || "none"}).`, { parameters: { variable: o.v } });
    }
  }
  return { nodes, rels, where, ret, distinct, orderBy, ...(limit !== undefined ? { limit } : {}) };
}
