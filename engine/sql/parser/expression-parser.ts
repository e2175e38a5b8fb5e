// Expressions by precedence climbing, with Spark's levels (loosest first): OR, AND, NOT,
// predicates (IS / BETWEEN / IN / LIKE), comparisons, |, ^, &, + - ||, * / % DIV, unary - + ~,
// then postfix [i], .field and ::type. Also CASE, CAST, windows (OVER), lambdas, subqueries.

import { ParseError } from "../../common/errors";
import type {
  BinaryOp, Expr, FrameBound, FunctionCall, IntervalLiteral, IntervalPart, IntervalUnit, Literal, Pos, SortItem,
  WindowFrame, WindowSpec,
} from "./ast";
import { errorOffset, RESERVED, type Cursor } from "./cursor";
import { parseDataTypeAt } from "./data-type-parser";
import type { Token } from "./lexer";
import { numberLiteral, typedLiteral } from "./literals";
import { BinaryType, BooleanType, NullType, StringType } from "../types";

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

/** Reserved words that are also function names: left(s, 2), window(ts, '5 minutes'), like(a, b). */
const RESERVED_FUNCTIONS = ["LEFT", "RIGHT", "WINDOW", "LIKE", "ILIKE", "RLIKE", "REGEXP"];
const TYPED_LITERAL_WORDS = ["DATE", "TIMESTAMP", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ"];
const NO_PAREN_FUNCTIONS = ["CURRENT_DATE", "CURRENT_TIMESTAMP", "CURRENT_USER", "CURRENT_TIME"];

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
      return parseNameOrCall(c);
    case "word":
      return parseWord(c, t, pos);
    default:
      throw c.fail();
  }
}

function parseWord(c: Cursor, t: Token, pos: Pos): Expr {
  const w = t.upper;
  const nextIsParen = c.isOp("(", 1);
  if (c.isOp("->", 1)) {
    c.next();
    c.next();
    return { kind: "lambda", pos, params: [t.value], body: parseExpr(c) };
  }
  switch (w) {
    case "NULL": c.next(); return { kind: "literal", pos, dataType: NullType, value: null, text: "NULL" };
    case "TRUE": c.next(); return { kind: "literal", pos, dataType: BooleanType, value: true, text: "true" };
    case "FALSE": c.next(); return { kind: "literal", pos, dataType: BooleanType, value: false, text: "false" };
    case "CASE": return parseCase(c);
    case "CAST": case "TRY_CAST":
      if (nextIsParen) {
        c.next(); c.next();
        const expr = parseExpr(c);
        c.expectKw("AS");
        const dataType = parseDataTypeAt(c);
        c.expectOp(")");
        return { kind: "cast", pos, expr, dataType, try: w === "TRY_CAST" };
      }
      break;
    case "EXISTS":
      if (nextIsParen && c.looksLikeQuery(2)) {
        c.next(); c.next();
        const query = c.parseQuery(c);
        c.expectOp(")");
        return { kind: "exists", pos, query };
      }
      break;
    case "INTERVAL":
      if (c.peek(1).kind === "string" || c.peek(1).kind === "number" || ((c.isOp("-", 1) || c.isOp("+", 1)) && c.peek(2).kind !== "eof")) {
        return parseInterval(c);
      }
      break;
    case "EXTRACT":
      if (nextIsParen && c.isIdent(2, true) && c.isKw("FROM", 3)) {
        c.next(); c.next();
        const fieldTok = c.next();
        c.expectKw("FROM");
        const source = parseExpr(c);
        c.expectOp(")");
        const field: Literal = { kind: "literal", pos: c.pos(fieldTok), dataType: StringType, value: fieldTok.value, text: `'${fieldTok.value}'` };
        return call(pos, ["extract"], [field, source]);
      }
      break;
    case "POSITION": {
      if (nextIsParen) {
        // POSITION(sub IN str): only when an IN follows the first operand at this level.
        const save = c.i;
        c.next(); c.next();
        const sub = parseBinary(c, 0);
        if (c.acceptKw("IN")) {
          const str = parseExpr(c);
          c.expectOp(")");
          return call(pos, [t.value], [sub, str]);
        }
        c.i = save;
      }
      break;
    }
    case "SUBSTRING": case "SUBSTR": {
      if (nextIsParen) {
        const save = c.i;
        c.next(); c.next();
        const str = parseExpr(c);
        if (c.acceptKw("FROM")) {
          const args = [str, parseExpr(c)];
          if (c.acceptKw("FOR")) args.push(parseExpr(c));
          c.expectOp(")");
          return call(pos, [t.value], args);
        }
        c.i = save;
      }
      break;
    }
    case "OVERLAY": {
      if (nextIsParen) {
        const save = c.i;
        c.next(); c.next();
        const input = parseExpr(c);
        if (c.acceptKw("PLACING")) {
          const args = [input, parseExpr(c)];
          c.expectKw("FROM");
          args.push(parseExpr(c));
          if (c.acceptKw("FOR")) args.push(parseExpr(c));
          c.expectOp(")");
          return call(pos, [t.value], args);
        }
        c.i = save;
      }
      break;
    }
    case "TRIM": {
      if (nextIsParen) {
        const save = c.i;
        c.next(); c.next();
        const mode = c.isAnyKw(["BOTH", "LEADING", "TRAILING"]) ? c.next().upper : undefined;
        const name = mode === "LEADING" ? "ltrim" : mode === "TRAILING" ? "rtrim" : "trim";
        if (mode && c.acceptKw("FROM")) {
          const str = parseExpr(c);
          c.expectOp(")");
          return call(pos, [name], [str]);
        }
        if (mode || !c.isOp(")")) {
          const first = parseExpr(c);
          if (c.acceptKw("FROM")) {
            const str = parseExpr(c);
            c.expectOp(")");
            return call(pos, [name], [str, first]);
          }
          if (mode) throw c.fail();
        }
        c.i = save;
      }
      break;
    }
    default:
      if (TYPED_LITERAL_WORDS.includes(w) && c.peek(1).kind === "string") {
        c.next();
        const value = c.stringLiteral(true);
        return typedLiteral(c, t, value, pos);
      }
      if (NO_PAREN_FUNCTIONS.includes(w) && !nextIsParen) {
        c.next();
        return call(pos, [t.value.toLowerCase()], []);
      }
  }
  if (RESERVED.has(w) && !(nextIsParen && RESERVED_FUNCTIONS.includes(w))) throw c.fail();
  return parseNameOrCall(c);
}

function call(pos: Pos, name: string[], args: Expr[]): FunctionCall {
  return { kind: "function", pos, name, args, distinct: false };
}

/** `a`, `t.a`, `t.*`, `f(...)`, `db.f(...)` (with FILTER / IGNORE NULLS / OVER after a call). */
function parseNameOrCall(c: Cursor): Expr {
  const pos = c.pos();
  const parts = [c.peek().kind === "word" ? c.next().value : c.identifier()];
  for (;;) {
    if (c.isOp(".") && c.isOp("*", 1)) {
      c.next(); c.next();
      return { kind: "star", pos, qualifier: parts };
    }
    // Only names can be qualified function names; field access on results is postfix.
    if (c.isOp(".") && c.isIdent(1, true)) {
      c.next();
      parts.push(c.identifier(true));
      continue;
    }
    break;
  }
  if (!c.isOp("(")) return { kind: "column", pos, name: parts };
  return parseCallRest(c, pos, parts);
}

function parseCallRest(c: Cursor, pos: Pos, name: string[]): FunctionCall {
  c.expectOp("(");
  const fn: FunctionCall = { kind: "function", pos, name, args: [], distinct: false };
  const isStruct = name.length === 1 && name[0]!.toUpperCase() === "STRUCT";
  if (!c.isOp(")")) {
    if (c.acceptKw("DISTINCT")) fn.distinct = true;
    else if (c.isKw("ALL") && !c.isOp(")", 1) && !c.isOp(",", 1)) c.next();
    if (isStruct) {
      // struct(a AS x, b): Spark's struct takes named expressions
      const aliases: (string | undefined)[] = [];
      do {
        fn.args.push(parseExpr(c));
        aliases.push(c.acceptKw("AS") ? c.identifier(true) : undefined);
      } while (c.acceptOp(","));
      if (aliases.some((a) => a !== undefined)) fn.argAliases = aliases;
    } else {
      // Spark 3.5 named arguments: f(a, name => value); recorded so the binder can answer clearly.
      const names: (string | undefined)[] = [];
      const namePos: (Pos | undefined)[] = [];
      do {
        if (c.isIdent(0, true) && c.isOp("=>", 1)) {
          namePos.push(c.pos());
          names.push(c.identifier(true));
          c.expectOp("=>");
        } else { names.push(undefined); namePos.push(undefined); }
        fn.args.push(parseExpr(c));
      } while (c.acceptOp(","));
      if (names.some((n) => n !== undefined)) { fn.argNames = names; fn.argNamePos = namePos; }
    }
    unitArgument(fn);
    if (c.acceptKws("IGNORE", "NULLS")) fn.ignoreNulls = true;
    else if (c.acceptKws("RESPECT", "NULLS")) fn.ignoreNulls = false;
  }
  c.expectOp(")");
  if (c.isKw("FILTER") && c.isOp("(", 1)) {
    c.next(); c.next();
    c.expectKw("WHERE");
    fn.filter = parseExpr(c);
    c.expectOp(")");
  }
  if (c.acceptKws("IGNORE", "NULLS")) fn.ignoreNulls = true;
  else if (c.acceptKws("RESPECT", "NULLS")) fn.ignoreNulls = false;
  if (c.isKw("OVER")) {
    c.next();
    fn.over = parseWindowRef(c);
  }
  return fn;
}

const UNIT_FUNCTIONS = ["TIMESTAMPADD", "DATEADD", "DATE_ADD", "TIMESTAMPDIFF", "DATEDIFF", "DATE_DIFF", "TIMEDIFF"];
const DATETIME_UNITS = ["YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "DAYOFYEAR", "HOUR", "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND"];

/** TIMESTAMPADD(HOUR, 1, ts): the leading unit keyword is not a column; pass it as a string. */
function unitArgument(fn: FunctionCall): void {
  const first = fn.args[0];
  if (fn.name.length !== 1 || !UNIT_FUNCTIONS.includes(fn.name[0]!.toUpperCase()) || fn.args.length !== 3) return;
  if (first?.kind !== "column" || first.name.length !== 1 || !DATETIME_UNITS.includes(first.name[0]!.toUpperCase())) return;
  const unit = first.name[0]!.toUpperCase();
  fn.args[0] = { kind: "literal", pos: first.pos, dataType: StringType, value: unit, text: `'${unit}'` };
}

/** After OVER: a window name, `(name)`, or a full `( ... )` specification. */
function parseWindowRef(c: Cursor): WindowSpec {
  const pos = c.pos();
  if (c.isIdent()) return { pos, ref: c.identifier(), partitionBy: [], orderBy: [] };
  if (c.isOp("(") && c.isIdent(1) && c.isOp(")", 2) && !c.isAnyKw(["PARTITION", "ORDER", "ROWS", "RANGE"], 1)) {
    c.next();
    const ref = c.identifier();
    c.next();
    return { pos, ref, partitionBy: [], orderBy: [] };
  }
  return parseWindowSpec(c);
}

/** `( [PARTITION|DISTRIBUTE BY ...] [ORDER|SORT BY ...] [ROWS|RANGE frame] )` */
export function parseWindowSpec(c: Cursor): WindowSpec {
  const pos = c.pos(c.expectOp("("));
  const spec: WindowSpec = { pos, partitionBy: [], orderBy: [] };
  if (c.acceptKws("PARTITION", "BY") || c.acceptKws("DISTRIBUTE", "BY") || c.acceptKws("CLUSTER", "BY")) {
    spec.partitionBy = parseExprList(c);
  }
  if (c.acceptKws("ORDER", "BY") || c.acceptKws("SORT", "BY")) spec.orderBy = parseSortItems(c);
  if (c.isAnyKw(["ROWS", "RANGE"])) spec.frame = parseFrame(c);
  c.expectOp(")");
  return spec;
}

function parseFrame(c: Cursor): WindowFrame {
  const type = c.next().upper === "ROWS" ? "rows" : "range";
  if (c.acceptKw("BETWEEN")) {
    const start = parseBound(c);
    c.expectKw("AND");
    const end = parseBound(c);
    return { type, start, end };
  }
  return { type, start: parseBound(c), end: { kind: "currentRow" } };
}

function parseBound(c: Cursor): FrameBound {
  if (c.acceptKws("UNBOUNDED", "PRECEDING")) return { kind: "unboundedPreceding" };
  if (c.acceptKws("UNBOUNDED", "FOLLOWING")) return { kind: "unboundedFollowing" };
  if (c.acceptKws("CURRENT", "ROW")) return { kind: "currentRow" };
  const offset = parseBinary(c, 0);
  if (c.acceptKw("PRECEDING")) return { kind: "preceding", offset };
  if (c.acceptKw("FOLLOWING")) return { kind: "following", offset };
  throw c.fail();
}

/** `expr [ASC|DESC] [NULLS FIRST|LAST]`, comma-separated. */
export function parseSortItems(c: Cursor): SortItem[] {
  const out: SortItem[] = [];
  do {
    const pos = c.pos();
    const expr = parseExpr(c);
    let direction: "asc" | "desc" = "asc";
    if (c.acceptKw("ASC")) direction = "asc";
    else if (c.acceptKw("DESC")) direction = "desc";
    let nulls: "first" | "last" = direction === "asc" ? "first" : "last";
    if (c.acceptKws("NULLS", "FIRST")) nulls = "first";
    else if (c.acceptKws("NULLS", "LAST")) nulls = "last";
    out.push({ pos, expr, direction, nulls });
  } while (c.acceptOp(","));
  return out;
}

function parseCase(c: Cursor): Expr {
  const pos = c.pos(c.expectKw("CASE"));
  const operand = c.isKw("WHEN") ? undefined : parseExpr(c);
  const branches: { when: Expr; then: Expr }[] = [];
  do {
    c.expectKw("WHEN");
    const when = parseExpr(c);
    c.expectKw("THEN");
    branches.push({ when, then: parseExpr(c) });
  } while (c.isKw("WHEN"));
  const e: Expr = { kind: "case", pos, branches };
  if (operand) e.operand = operand;
  if (c.acceptKw("ELSE")) e.else = parseExpr(c);
  c.expectKw("END");
  return e;
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
  const items = parseExprList(c);
  c.expectOp(")");
  return items.length === 1 ? items[0]! : { kind: "row", pos, items };
}

const UNITS: Record<string, IntervalUnit> = {};
for (const u of ["YEAR", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND"] as const) {
  UNITS[u] = u;
  UNITS[u + "S"] = u;
}

/** INTERVAL '1' DAY | INTERVAL 1 DAY 2 HOURS | INTERVAL '1-2' YEAR TO MONTH | INTERVAL '1 day 2 hours' */
function parseInterval(c: Cursor): IntervalLiteral {
  const pos = c.pos(c.expectKw("INTERVAL"));
  const parts: IntervalPart[] = [];
  for (;;) {
    const start = c.i;
    let sign = "";
    if (c.isOp("-") || c.isOp("+")) sign = c.next().text === "-" ? "-" : "";
    const t = c.peek();
    let value: string;
    if (t.kind === "string") value = c.stringLiteral(true);
    else if (t.kind === "number" && /^(\d+\.?\d*|\.\d+)$/.test(t.text)) value = c.next().text;
    else {
      if (parts.length === 0) throw c.fail();
      c.i = start;
      break;
    }
    value = sign + value;
    const unitTok = c.peek();
    const unit = unitTok.kind === "word" ? UNITS[unitTok.upper] : undefined;
    if (!unit) {
      // A later value without a unit belongs to the surrounding expression (INTERVAL 1 DAY - 1);
      // only a string may stand alone ('1 day 2 hours'), and only as the whole interval.
      if (parts.length > 0) { c.i = start; break; }
      if (t.kind !== "string") throw c.fail(unitTok);
      parts.push({ value });
      break;
    }
    c.next();
    const part: IntervalPart = { value, unit };
    if (c.isKw("TO") && c.peek(1).kind === "word" && UNITS[c.peek(1).upper]) {
      c.next();
      part.toUnit = UNITS[c.next().upper]!;
    }
    parts.push(part);
    if (part.toUnit) break;
  }
  return { kind: "interval", pos, parts };
}
