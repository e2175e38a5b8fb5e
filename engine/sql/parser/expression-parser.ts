// Expressions by precedence climbing, with Spark's levels (loosest first): OR, AND, NOT,
// predicates (IS / BETWEEN / IN / LIKE), comparisons, |, ^, &, + - ||, * / % DIV, unary - + ~,
// then postfix [i], .field and ::type. Also literals, parameters, parentheses, lambdas, subqueries.
// Word-led forms (CASE, CAST, INTERVAL, ...) are in keyword-expression-parser.ts, names, calls
// and windows (OVER) in function-call-parser.ts; both recurse through `rules` below.

import { ParseError } from "../../common/errors";
import type { BinaryOp, Expr, Pos, SortItem, WindowSpec } from "./ast";
import { errorOffset, type Cursor } from "./cursor";
import { parseDataTypeAt } from "./data-type-parser";
import { parseNameOrCall, parseSortItems as sortItems, parseWindowSpec as windowSpec, type ExprRules } from "./function-call-parser";
import { parseWord } from "./keyword-expression-parser";
import { numberLiteral } from "./literals";
import { BinaryType, StringType } from "../types";

/** Binary operator levels for precedence climbing (higher binds tighter). */
const BINARY_LEVELS: { ops: Record<string, BinaryOp>; words?: Record<string, BinaryOp> }[] = [
  { ops: { "=": "=", "==": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=", "<=>": "<=>" } },
  { ops: { "|": "|" } },
  { ops: { "^": "^" } },
  { ops: { "&": "&" } },
  { ops: { "+": "+", "-": "-", "||": "||" } },
  { ops: { "*": "*", "/": "/", "%": "%" }, words: { DIV: "div" } },
];

/** Any expression (Spark's `expression`, a boolean expression at the top). */
export function parseExpr(c: Cursor): Expr {
  return parseOr(c);
}

function parseOr(c: Cursor): Expr {
  let left = parseAnd(c);
  while (c.isKw("OR")) {
    c.next();
    const right = parseAnd(c);
    left = { kind: "binary", pos: left.pos, op: "or", left, right };
  }
  return left;
}

function parseAnd(c: Cursor): Expr {
  let left = parseNot(c);
  while (c.isKw("AND")) {
    c.next();
    const right = parseNot(c);
    left = { kind: "binary", pos: left.pos, op: "and", left, right };
  }
  return left;
}

function parseNot(c: Cursor): Expr {
  if (c.isKw("NOT") || c.isOp("!")) {
    const pos = c.pos(c.next());
    return { kind: "unary", pos, op: "not", expr: parseNot(c) };
  }
  return parsePredicate(c);
}

const PREDICATE_WORDS = ["BETWEEN", "IN", "LIKE", "ILIKE", "RLIKE", "REGEXP"];

function parsePredicate(c: Cursor): Expr {
  const e = parseBinary(c, 0);
  const pos = e.pos;
  if (c.isKw("IS")) {
    c.next();
    const negated = c.acceptKw("NOT");
    if (c.acceptKw("NULL")) return { kind: "isNull", pos, expr: e, negated };
    if (c.acceptKw("TRUE")) return { kind: "isBoolean", pos, expr: e, value: true, negated };
    if (c.acceptKw("FALSE")) return { kind: "isBoolean", pos, expr: e, value: false, negated };
    if (c.acceptKw("UNKNOWN")) return { kind: "isBoolean", pos, expr: e, value: null, negated };
    if (c.acceptKw("DISTINCT")) {
      c.expectKw("FROM");
      const right = parseBinary(c, 0);
      const eq: Expr = { kind: "binary", pos, op: "<=>", left: e, right };
      return negated ? eq : { kind: "unary", pos, op: "not", expr: eq };
    }
    throw c.fail();
  }
  const negated = c.isKw("NOT") && c.isAnyKw(PREDICATE_WORDS, 1);
  if (negated) c.next();
  if (c.acceptKw("BETWEEN")) {
    const low = parseBinary(c, 0);
    c.expectKw("AND");
    const high = parseBinary(c, 0);
    return { kind: "between", pos, expr: e, low, high, negated };
  }
  if (c.isKw("IN")) {
    c.next();
    c.expectOp("(");
    if (c.looksLikeQuery()) {
      const query = c.parseQuery(c);
      c.expectOp(")");
      return { kind: "inSubquery", pos, expr: e, query, negated };
    }
    const list = parseExprList(c);
    c.expectOp(")");
    return { kind: "inList", pos, expr: e, list, negated };
  }
  if (c.isAnyKw(["LIKE", "ILIKE"]) && c.isAnyKw(["ANY", "SOME", "ALL"], 1) && c.isOp("(", 2)) {
    const op = c.next().upper === "LIKE" ? "like" : "ilike";
    const quantifier = c.next().upper === "ALL" ? "all" : "any";
    c.expectOp("(");
    const patterns = c.isOp(")") ? [] : parseExprList(c);
    c.expectOp(")");
    return { kind: "likeQuantified", pos, op, quantifier, expr: e, patterns, negated };
  }
  if (c.isAnyKw(["LIKE", "ILIKE", "RLIKE", "REGEXP"])) {
    const kw = c.next().upper;
    const op = kw === "LIKE" ? "like" : kw === "ILIKE" ? "ilike" : "rlike";
    const pattern = parseBinary(c, 0);
    let escape: string | undefined;
    if (op !== "rlike" && c.acceptKw("ESCAPE")) {
      const t = c.peek();
      escape = c.stringLiteral();
      if (escape.length !== 1) {
        throw c.errorAt(t, "INVALID_ESCAPE_CHAR", `The escape character must be a string literal of length one, but got '${escape}'.`);
      }
    }
    const like: Expr = { kind: "like", pos, op, expr: e, pattern, negated };
    if (escape !== undefined) like.escape = escape;
    return like;
  }
  if (negated) throw c.fail();
  return e;
}

function binaryOpAt(c: Cursor, level: number): BinaryOp | undefined {
  const t = c.peek();
  const lv = BINARY_LEVELS[level]!;
  if (t.kind === "op") return lv.ops[t.text];
  if (t.kind === "word" && lv.words) return lv.words[t.upper];
  return undefined;
}

function parseBinary(c: Cursor, level: number): Expr {
  if (level >= BINARY_LEVELS.length) return parseUnary(c);
  let left = parseBinary(c, level + 1);
  for (;;) {
    const op = binaryOpAt(c, level);
    if (!op) return left;
    c.next();
    const right = parseBinary(c, level + 1);
    left = { kind: "binary", pos: left.pos, op, left, right };
  }
}

function parseUnary(c: Cursor): Expr {
  const t = c.peek();
  if (t.kind === "op" && (t.text === "-" || t.text === "+" || t.text === "~")) {
    c.next();
    // Spark's grammar makes `-1` a single literal (so -128Y and -2147483648 are in range).
    if (t.text === "-" && c.peek().kind === "number") {
      const num = c.next();
      return parsePostfix(c, numberLiteral(c, num, true, c.pos(t)));
    }
    const expr = parseUnary(c);
    return { kind: "unary", pos: c.pos(t), op: t.text as "-" | "+" | "~", expr };
  }
  return parsePostfix(c, parsePrimary(c));
}

function parsePostfix(c: Cursor, e: Expr): Expr {
  for (;;) {
    if (c.isOp("[")) {
      c.next();
      const index = parseExpr(c);
      c.expectOp("]");
      e = { kind: "subscript", pos: e.pos, expr: e, index };
    } else if (c.isOp(".") && c.isIdent(1, true)) {
      c.next();
      const field = c.identifier(true);
      e = e.kind === "column" ? { ...e, name: [...e.name, field] } : { kind: "field", pos: e.pos, expr: e, field };
    } else if (c.isOp("::")) {
      c.next();
      e = { kind: "cast", pos: e.pos, expr: e, dataType: parseDataTypeAt(c), try: false };
    } else {
      return e;
    }
  }
}

/** Comma-separated expressions (at least one). */
export function parseExprList(c: Cursor): Expr[] {
  const out = [parseExpr(c)];
  while (c.acceptOp(",")) out.push(parseExpr(c));
  return out;
}

/** What the word-led, call and window parsers recurse into (passed, not imported: no module cycle). */
const rules: ExprRules = { expr: parseExpr, list: parseExprList, operand: (c) => parseBinary(c, 0) };

/** `( [PARTITION|DISTRIBUTE BY ...] [ORDER|SORT BY ...] [ROWS|RANGE frame] )` */
export function parseWindowSpec(c: Cursor): WindowSpec {
  return windowSpec(c, rules);
}

/** `expr [ASC|DESC] [NULLS FIRST|LAST]`, comma-separated. */
export function parseSortItems(c: Cursor): SortItem[] {
  return sortItems(c, rules);
}

function parsePrimary(c: Cursor): Expr {
  const t = c.peek();
  const pos = c.pos(t);
  switch (t.kind) {
    case "number":
      c.next();
      return numberLiteral(c, t, false, pos);
    case "string": {
      const first = c.peek();
      const value = c.stringLiteral(true);
      const last = c.tokens[c.i - 1]!;
      return { kind: "literal", pos, dataType: StringType, value, text: c.src.text.slice(first.offset, last.end) };
    }
    case "hex": {
      c.next();
      const hex = t.value.length % 2 ? "0" + t.value : t.value;
      const bytes = new Uint8Array(hex.length / 2);
      for (let k = 0; k < bytes.length; k++) bytes[k] = parseInt(hex.slice(2 * k, 2 * k + 2), 16);
      return { kind: "literal", pos, dataType: BinaryType, value: bytes, text: t.text };
    }
    case "op":
      if (t.text === "*") {
        c.next();
        return { kind: "star", pos };
      }
      if (t.text === "(") return parseParenthesized(c);
      if (t.text === "?") {
        const index = c.positionalIndex();
        c.next();
        return { kind: "parameter", pos, index };
      }
      if (t.text === ":" && c.isIdent(1, true) && c.peek(1).offset === t.end) {
        c.next();
        return { kind: "parameter", pos, name: c.identifier(true) };
      }
      throw c.fail();
    case "quoted":
      return parseNameOrCall(c, rules);
    case "word":
      return parseWord(c, t, pos, rules);
    default:
      throw c.fail();
  }
}

/** `( query )`, `(a, b) -> body`, `(a, b)` (row), or `( expr )`. */
function parseParenthesized(c: Cursor): Expr {
  return c.memo("parenExpr", () => parseParenthesizedOnce(c));
}

function parseParenthesizedOnce(c: Cursor): Expr {
  const open = c.peek();
  const pos = c.pos(open);
  // lambda with a parameter list
  let k = 1;
  if (c.isIdent(k)) {
    while (c.isIdent(k) && c.isOp(",", k + 1)) k += 2;
    if (c.isIdent(k) && c.isOp(")", k + 1) && c.isOp("->", k + 2)) {
      c.next();
      const params = [c.identifier()];
      while (c.acceptOp(",")) params.push(c.identifier());
      c.expectOp(")");
      c.expectOp("->");
      return { kind: "lambda", pos, params, body: parseExpr(c) };
    }
  }
  if (c.looksLikeQuery(1)) {
    const asQuery = c.attempt(() => {
      c.next();
      const query = c.parseQuery(c);
      c.expectOp(")");
      return { kind: "scalarSubquery", pos, query } as Expr;
    });
    if (!(asQuery instanceof ParseError)) return asQuery;
    // `((SELECT 1) + 1)`: not a query after all; report whichever reading got farther.
    const asExpr = c.attempt(() => parseParenExpr(c, pos));
    if (!(asExpr instanceof ParseError)) return asExpr;
    throw errorOffset(asQuery, c) >= errorOffset(asExpr, c) ? asQuery : asExpr;
  }
  return parseParenExpr(c, pos);
}

function parseParenExpr(c: Cursor, pos: Pos): Expr {
  c.expectOp("(");
  const items: Expr[] = [];
  const names: (string | undefined)[] = [];
  do {
    items.push(parseExpr(c));
    // A row's items may be named: (a AS x, b AS y).
    names.push(c.acceptKw("AS") ? c.identifier() : undefined);
  } while (c.acceptOp(","));
  c.expectOp(")");
  if (items.length === 1) {
    if (names[0] !== undefined) throw c.fail();
    return items[0]!;
  }
  return names.some((n) => n !== undefined) ? { kind: "row", pos, items, names } : { kind: "row", pos, items };
}
