// Names and function calls in expressions: `a`, `t.*`, `db.f(DISTINCT x, name => v)` with FILTER,
// IGNORE/RESPECT NULLS and OVER, plus window specifications and sort items. The sub-expressions
// come from `ExprRules`, passed in by expression-parser.ts (importing it would be a module cycle).

import type { Expr, FrameBound, FunctionCall, Pos, SortItem, WindowFrame, WindowSpec } from "./ast";
import type { Cursor } from "./cursor";
import { StringType } from "../types";

/** The expression rules the sub-parsers recurse into, supplied by expression-parser.ts. */
export interface ExprRules {
  /** Any expression (`parseExpr`). */
  expr(c: Cursor): Expr;
  /** Comma-separated expressions, at least one (`parseExprList`). */
  list(c: Cursor): Expr[];
  /** An operand below the predicates: comparisons and tighter (BETWEEN bounds, frame offsets). */
  operand(c: Cursor): Expr;
}

/** `a`, `t.a`, `t.*`, `f(...)`, `db.f(...)` (with FILTER / IGNORE NULLS / OVER after a call). */
export function parseNameOrCall(c: Cursor, r: ExprRules): Expr {
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
  return parseCallRest(c, pos, parts, r);
}

function parseCallRest(c: Cursor, pos: Pos, name: string[], r: ExprRules): FunctionCall {
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
        fn.args.push(r.expr(c));
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
        fn.args.push(r.expr(c));
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
    fn.filter = r.expr(c);
    c.expectOp(")");
  }
  if (c.acceptKws("IGNORE", "NULLS")) fn.ignoreNulls = true;
  else if (c.acceptKws("RESPECT", "NULLS")) fn.ignoreNulls = false;
  if (c.isKw("OVER")) {
    c.next();
    fn.over = parseWindowRef(c, r);
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
function parseWindowRef(c: Cursor, r: ExprRules): WindowSpec {
  const pos = c.pos();
  if (c.isIdent()) return { pos, ref: c.identifier(), partitionBy: [], orderBy: [] };
  if (c.isOp("(") && c.isIdent(1) && c.isOp(")", 2) && !c.isAnyKw(["PARTITION", "ORDER", "ROWS", "RANGE"], 1)) {
    c.next();
    const ref = c.identifier();
    c.next();
    return { pos, ref, partitionBy: [], orderBy: [] };
  }
  return parseWindowSpec(c, r);
}

/** `( [PARTITION|DISTRIBUTE BY ...] [ORDER|SORT BY ...] [ROWS|RANGE frame] )` */
export function parseWindowSpec(c: Cursor, r: ExprRules): WindowSpec {
  const pos = c.pos(c.expectOp("("));
  const spec: WindowSpec = { pos, partitionBy: [], orderBy: [] };
  if (c.acceptKws("PARTITION", "BY") || c.acceptKws("DISTRIBUTE", "BY") || c.acceptKws("CLUSTER", "BY")) {
    spec.partitionBy = r.list(c);
  }
  if (c.acceptKws("ORDER", "BY") || c.acceptKws("SORT", "BY")) spec.orderBy = parseSortItems(c, r);
  if (c.isAnyKw(["ROWS", "RANGE"])) spec.frame = parseFrame(c, r);
  c.expectOp(")");
  return spec;
}

function parseFrame(c: Cursor, r: ExprRules): WindowFrame {
  const type = c.next().upper === "ROWS" ? "rows" : "range";
  if (c.acceptKw("BETWEEN")) {
    const start = parseBound(c, r);
    c.expectKw("AND");
    const end = parseBound(c, r);
    return { type, start, end };
  }
  return { type, start: parseBound(c, r), end: { kind: "currentRow" } };
}

function parseBound(c: Cursor, r: ExprRules): FrameBound {
  if (c.acceptKws("UNBOUNDED", "PRECEDING")) return { kind: "unboundedPreceding" };
  if (c.acceptKws("UNBOUNDED", "FOLLOWING")) return { kind: "unboundedFollowing" };
  if (c.acceptKws("CURRENT", "ROW")) return { kind: "currentRow" };
  const offset = r.operand(c);
  if (c.acceptKw("PRECEDING")) return { kind: "preceding", offset };
  if (c.acceptKw("FOLLOWING")) return { kind: "following", offset };
  throw c.fail();
}

/** `expr [ASC|DESC] [NULLS FIRST|LAST]`, comma-separated. */
export function parseSortItems(c: Cursor, r: ExprRules): SortItem[] {
  const out: SortItem[] = [];
  do {
    const pos = c.pos();
    const expr = r.expr(c);
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
