// Expressions that begin with a word: NULL/TRUE/FALSE, CASE, CAST/TRY_CAST, EXISTS, INTERVAL,
// EXTRACT, the SQL-standard POSITION/SUBSTRING/OVERLAY/TRIM forms, typed literals (DATE '...'),
// niladic functions (CURRENT_DATE), one-parameter lambdas (x -> ...); otherwise a name or call.

import type { Expr, FunctionCall, IntervalLiteral, IntervalPart, IntervalUnit, Literal, Pos } from "./ast";
import { RESERVED, type Cursor } from "./cursor";
import { parseDataTypeAt } from "./data-type-parser";
import { parseNameOrCall, type ExprRules } from "./function-call-parser";
import type { Token } from "./lexer";
import { typedLiteral } from "./literals";
import { BooleanType, NullType, StringType } from "../types";

/** Reserved words that are also function names: left(s, 2), window(ts, '5 minutes'), like(a, b). */
const RESERVED_FUNCTIONS = ["LEFT", "RIGHT", "WINDOW", "LIKE", "ILIKE", "RLIKE", "REGEXP"];
/**
 * Clause keywords that Spark does not reserve, so an expression may name a column with them:
 * `SELECT window.start FROM counts` (a windowed aggregation's column). No expression starts a
 * WINDOW clause, so reading one here is never ambiguous.
 */
const COLUMN_NAME_KEYWORDS = ["WINDOW"];
const TYPED_LITERAL_WORDS = ["DATE", "TIMESTAMP", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ"];
const NO_PAREN_FUNCTIONS = ["CURRENT_DATE", "CURRENT_TIMESTAMP", "CURRENT_USER", "CURRENT_TIME"];

export function parseWord(c: Cursor, t: Token, pos: Pos, r: ExprRules): Expr {
  const w = t.upper;
  const nextIsParen = c.isOp("(", 1);
  if (c.isOp("->", 1)) {
    c.next();
    c.next();
    return { kind: "lambda", pos, params: [t.value], body: r.expr(c) };
  }
  switch (w) {
    case "NULL": c.next(); return { kind: "literal", pos, dataType: NullType, value: null, text: "NULL" };
    case "TRUE": c.next(); return { kind: "literal", pos, dataType: BooleanType, value: true, text: "true" };
    case "FALSE": c.next(); return { kind: "literal", pos, dataType: BooleanType, value: false, text: "false" };
    case "CASE": return parseCase(c, r);
    case "CAST": case "TRY_CAST":
      if (nextIsParen) {
        c.next(); c.next();
        const expr = r.expr(c);
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
        const source = r.expr(c);
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
        const sub = r.operand(c);
        if (c.acceptKw("IN")) {
          const str = r.expr(c);
          c.expectOp(")");
          // Spark builds StringLocate from this form, named locate(...).
          return call(pos, ["locate"], [sub, str]);
        }
        c.i = save;
      }
      break;
    }
    case "SUBSTRING": case "SUBSTR": {
      if (nextIsParen) {
        const save = c.i;
        c.next(); c.next();
        const str = r.expr(c);
        if (c.acceptKw("FROM")) {
          const args = [str, r.expr(c)];
          if (c.acceptKw("FOR")) args.push(r.expr(c));
          c.expectOp(")");
          // Spark builds Substring from this form, named substring(...) whichever word was used.
          return call(pos, ["substring"], args);
        }
        c.i = save;
      }
      break;
    }
    case "OVERLAY": {
      if (nextIsParen) {
        const save = c.i;
        c.next(); c.next();
        const input = r.expr(c);
        if (c.acceptKw("PLACING")) {
          const args = [input, r.expr(c)];
          c.expectKw("FROM");
          args.push(r.expr(c));
          if (c.acceptKw("FOR")) args.push(r.expr(c));
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
          const str = r.expr(c);
          c.expectOp(")");
          return call(pos, [name], [str]);
        }
        if (mode || !c.isOp(")")) {
          const first = r.expr(c);
          if (c.acceptKw("FROM")) {
            const str = r.expr(c);
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
  if (RESERVED.has(w) && !(nextIsParen && RESERVED_FUNCTIONS.includes(w)) && !COLUMN_NAME_KEYWORDS.includes(w)) throw c.fail();
  return parseNameOrCall(c, r);
}

function call(pos: Pos, name: string[], args: Expr[]): FunctionCall {
  return { kind: "function", pos, name, args, distinct: false };
}

function parseCase(c: Cursor, r: ExprRules): Expr {
  const pos = c.pos(c.expectKw("CASE"));
  const operand = c.isKw("WHEN") ? undefined : r.expr(c);
  const branches: { when: Expr; then: Expr }[] = [];
  do {
    c.expectKw("WHEN");
    const when = r.expr(c);
    c.expectKw("THEN");
    branches.push({ when, then: r.expr(c) });
  } while (c.isKw("WHEN"));
  const e: Expr = { kind: "case", pos, branches };
  if (operand) e.operand = operand;
  if (c.acceptKw("ELSE")) e.else = r.expr(c);
  c.expectKw("END");
  return e;
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
