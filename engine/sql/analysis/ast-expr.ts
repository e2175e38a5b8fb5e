// Converts parser expression ASTs (engine/sql/parser) into unresolved expression trees, the same
// shape the Column API builds; the analyzer resolves both alike. Subqueries are bound through a
// callback so this module stays independent of the query binder.

import { analysisErrorAt, type SourceText } from "./unsupported";
import { AnalysisError } from "../../common/errors";
import type * as A from "../parser";
import { BooleanType, INTEGRAL_RANGES, isInterval, type DataType } from "../types";
import { intervalValue, intervalNotSupported, intervalLiteral, isCalendarInterval } from "./interval-literal";
import type { Expr, FrameBound, SortExpr, WindowSpecData } from "../expressions/expression";
import type { LogicalPlan } from "../plan/logical-plan";
import { outerReferences } from "./decorrelate";
import { parseTimestampText, systemTimeZone, normalizeTimeZone } from "../time-zone";

/** The session time zone as the binder sees it. */
export function timeZoneOf(cx: ExprBindContext): string {
  const z = cx.conf?.("spark.sql.session.timeZone");
  return z ? normalizeTimeZone(z) : systemTimeZone();
}

export interface ExprBindContext {
  bindSubquery(q: A.Query): LogicalPlan;
  namedWindows?: Map<string, A.WindowSpec>;
  /** The statement's text, for errors located with a caret. */
  source?: SourceText;
  /** A session setting (legacy switches that change how a call binds). */
  conf?: (key: string) => string | undefined;
}

const BIN: Record<string, string> = {
  or: "or", and: "and", "=": "=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=", "<=>": "<=>",
  "|": "|", "^": "^", "&": "&", "+": "+", "-": "-", "*": "*", "/": "/", "%": "%", div: "div",
};

import { toDecimal } from "../../common/decimal";

const not = (e: Expr): Expr => ({ kind: "fn", name: "not", args: [e] });

function literal(l: A.Literal, cx: ExprBindContext): Expr {
  let v: unknown = l.value;
  const dt: DataType = l.dataType;
  // TIMESTAMP '...' without a zone is a wall time in the session time zone. TIMESTAMP_NTZ is a
  // wall time with no zone at all (a zone written in it is ignored); without a TIMESTAMP_NTZ type
  // it is held as that wall time in the session zone, so it prints and compares as Spark's does.
  if (dt.type === "timestamp" && v instanceof Date && l.text && /^TIMESTAMP(_LTZ|_NTZ)? '/i.test(l.text)) {
    const zone = timeZoneOf(cx);
    v = parseTimestampText(l.text.replace(/^\S+ '|'$/g, ""), zone, /^TIMESTAMP_NTZ/i.test(l.text)) ?? v;
    return { kind: "lit", value: v, dataType: dt, zone };
  }
  // Decimal literals keep every digit (engine/common/decimal.ts chooses number, bigint or Decimal).
  if (dt.type === "decimal" && typeof v === "string") v = toDecimal(v, dt.precision, dt.scale) ?? Number(v);
  if (typeof v === "bigint" && Number.isSafeInteger(Number(v))) v = Number(v);
  return { kind: "lit", value: v, dataType: dt };
}

/** Spark's cast-style function aliases: float(x) is CAST(x AS FLOAT), named like x. */
export const CAST_ALIASES: Record<string, DataType> = {
  boolean: { type: "boolean" }, tinyint: { type: "byte" }, smallint: { type: "short" }, int: { type: "integer" },
  bigint: { type: "long" }, float: { type: "float" }, double: { type: "double" }, decimal: { type: "decimal", precision: 10, scale: 0 },
  date: { type: "date" }, timestamp: { type: "timestamp" }, binary: { type: "binary" }, string: { type: "string" },
};

function frameBound(b: A.FrameBound, cx: ExprBindContext): FrameBound {
  switch (b.kind) {
    case "unboundedPreceding": return { type: "unboundedPreceding" };
    case "unboundedFollowing": return { type: "unboundedFollowing" };
    case "currentRow": return { type: "currentRow" };
    case "preceding": case "following": {
      if (b.offset.kind === "interval") {
        const iv = intervalValue(b.offset);
        // Calendar months have no fixed length: the bound is the order key plus the months (a
        // timestamp's on the session zone's wall clock); months mixed with days are not a frame Spark takes.
        if (iv.months !== 0) {
          if (iv.ms !== 0) throw intervalNotSupported();
          return { type: "offset", offset: 0, months: b.kind === "preceding" ? -iv.months : iv.months, interval: true, zone: timeZoneOf(cx) };
        }
        return { type: "offset", offset: b.kind === "preceding" ? -iv.ms : iv.ms, interval: true };
      }
      const e = bindExpr(b.offset, cx);
      const n = e.kind === "lit" ? Number(e.value) : NaN;
      if (!Number.isFinite(n)) throw new AnalysisError("DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_WITHOUT_FOLDABLE", "Window frame boundary must be a literal.");
      return { type: "offset", offset: b.kind === "preceding" ? -n : n };
    }
  }
}

export function bindSort(s: A.SortItem, cx: ExprBindContext): SortExpr {
  return { kind: "sort", child: bindExpr(s.expr, cx), ascending: s.direction === "asc", nullsFirst: s.nulls === "first" };
}

export function bindWindowSpec(w: A.WindowSpec, cx: ExprBindContext): WindowSpecData {
  let base: A.WindowSpec | undefined;
  if (w.ref) {
    base = cx.namedWindows?.get(w.ref.toLowerCase());
    if (!base) throw new AnalysisError("MISSING_WINDOW_SPECIFICATION", `Window specification ${w.ref} is not defined in the WINDOW clause.`);
  }
  const partitionBy = (w.partitionBy.length ? w.partitionBy : base?.partitionBy ?? []).map((e) => bindExpr(e, cx));
  const orderBy = (w.orderBy.length ? w.orderBy : base?.orderBy ?? []).map((s) => bindSort(s, cx));
  const f = w.frame ?? base?.frame;
  return { partitionBy, orderBy, frame: f ? { frameType: f.type, lower: frameBound(f.start, cx), upper: frameBound(f.end, cx) } : undefined };
}

export function bindExpr(e: A.Expr, cx: ExprBindContext): Expr {
  const b = (x: A.Expr) => bindExpr(x, cx);
  switch (e.kind) {
    case "column": return { kind: "col", parts: e.name };
    case "star": return { kind: "star", qualifier: e.qualifier?.join(".") };
    case "literal": return literal(e, cx);
    case "interval": return intervalLiteral(e);
    case "unary":
      switch (e.op) {
        case "-": {
          const inner = b(e.expr);
          // Fold the sign into a literal only when the result stays in its type: -(-2147483648)
          // is an int overflow (wraps, or ARITHMETIC_OVERFLOW under ANSI), as in Spark.
          // (An interval literal keeps its minus: Spark names it (- INTERVAL '1' DAY).)
          if (inner.kind === "lit" && (typeof inner.value === "number" || typeof inner.value === "bigint") && !isInterval(inner.dataType)) {
            const min = (INTEGRAL_RANGES as Record<string, readonly [bigint, bigint]>)[inner.dataType.type]?.[0];
            const atMin = min !== undefined && (typeof inner.value === "bigint" ? inner.value === BigInt(min) : BigInt(Math.trunc(inner.value)) === BigInt(min));
            if (!atMin) return { ...inner, value: -inner.value };
          }
          return { kind: "fn", name: "negative", args: [inner] };
        }
        case "+": return { kind: "fn", name: "positive", args: [b(e.expr)] };
        case "~": return { kind: "fn", name: "~", args: [b(e.expr)] };
        case "not": return not(b(e.expr));
      }
      break;
    case "binary": {
      // timestamp/date +/- INTERVAL: calendar months first (add_months), then the day-time part.
      // Only a literal mixing months with days or time (Spark's legacy CalendarInterval) takes this
      // path; a YEAR TO MONTH or DAY TO SECOND literal is a typed value and goes through + / -.
      if ((e.op === "+" || e.op === "-") && (e.right.kind === "interval" || (e.op === "+" && e.left.kind === "interval"))
        && isCalendarInterval(e.right.kind === "interval" ? e.right : e.left as A.IntervalLiteral)) {
        const [ivAst, other] = e.right.kind === "interval" ? [e.right, e.left] : [e.left as A.IntervalLiteral, e.right];
        const iv = intervalValue(ivAst);
        const sign = e.op === "-" ? -1 : 1;
        let x = b(other);
        const long = (v: number): Expr => ({ kind: "lit", value: v, dataType: { type: "long" } });
        if (iv.months !== 0) x = { kind: "fn", name: "timestamp_add_months", args: [x, { kind: "lit", value: sign * iv.months, dataType: { type: "integer" } }] };
        if (iv.ms !== 0 || iv.months === 0) x = { kind: "fn", name: "timestamp_add_millis", args: [x, long(sign * iv.ms)] };
        return x;
      }
      const l = b(e.left), r = b(e.right);
      if (e.op === "||") return { kind: "fn", name: "concat", args: [l, r] };
      return { kind: "fn", name: BIN[e.op]!, args: [l, r] };
    }
    case "isNull": return { kind: "fn", name: e.negated ? "isnotnull" : "isnull", args: [b(e.expr)] };
    case "isBoolean": {
      const inner = b(e.expr);
      const base: Expr = e.value === null ? { kind: "fn", name: "isnull", args: [inner] } : { kind: "fn", name: e.value ? "istrue" : "isfalse", args: [inner] };
      return e.negated ? not(base) : base;
    }
    case "between": {
      const x = b(e.expr);
      const r: Expr = { kind: "fn", name: "and", args: [{ kind: "fn", name: ">=", args: [x, b(e.low)] }, { kind: "fn", name: "<=", args: [x, b(e.high)] }] };
      return e.negated ? not(r) : r;
    }
    case "inList": {
      const r: Expr = { kind: "in", child: b(e.expr), list: e.list.map(b) };
      return e.negated ? not(r) : r;
    }
    case "inSubquery": return { kind: "subquery", type: "in", plan: cx.bindSubquery(e.query), child: b(e.expr), negated: e.negated };
    case "exists": {
      const plan = cx.bindSubquery(e.query);
      return { kind: "subquery", type: "exists", plan, outerNames: outerReferences(plan).map((a) => a.name) };
    }
    case "scalarSubquery": {
      const plan = cx.bindSubquery(e.query);
      return { kind: "subquery", type: "scalar", plan, outerNames: outerReferences(plan).map((a) => a.name) };
    }
    case "like": {
      const args = [b(e.expr), b(e.pattern)];
      if (e.escape !== undefined) args.push({ kind: "lit", value: e.escape, dataType: { type: "string" } });
      const r: Expr = { kind: "fn", name: e.op, args };
      return e.negated ? not(r) : r;
    }
    case "likeQuantified": {
      // x [NOT] LIKE ANY (p1, p2) = (x [NOT] LIKE p1) OR (x [NOT] LIKE p2); ALL joins with AND.
      const x = b(e.expr);
      const one = (pat: A.Expr): Expr => {
        const r: Expr = { kind: "fn", name: e.op, args: [x, b(pat)] };
        return e.negated ? not(r) : r;
      };
      return e.patterns.map(one).reduce((acc, r) => ({ kind: "fn", name: e.quantifier === "any" ? "or" : "and", args: [acc, r] }) as Expr);
    }
    case "case": {
      const operand = e.operand ? b(e.operand) : undefined;
      return {
        kind: "case",
        branches: e.branches.map((br) => ({ when: operand ? { kind: "fn", name: "=", args: [operand, b(br.when)] } : b(br.when), then: b(br.then) })),
        otherwise: e.else ? b(e.else) : undefined,
      };
    }
    case "cast": return { kind: "cast", child: b(e.expr), to: e.dataType, isTry: e.try || undefined };
    case "function": {
      const name = e.name[e.name.length - 1]!.toLowerCase();
      const named = e.argNames?.findIndex((n) => n !== undefined) ?? -1;
      if (named >= 0) {
        throw analysisErrorAt(cx.source, e.argNamePos?.[named] ?? e.pos, "NAMED_PARAMETERS_NOT_SUPPORTED",
          `Named parameters are not supported for function \`${name}\`; please retry the query with positional arguments to the function call instead (\`${e.argNames![named]}\` => ...)`,
          { functionName: `\`${name}\`` }, e.argNames![named]!.length);
      }
      const legacy = (k: string) => String(cx.conf?.(`spark.sql.legacy.${k}`) ?? "false").toLowerCase() === "true";
      if (name === "count" && e.name.length === 1 && !e.over) {
        // spark.sql.legacy.allowParameterlessCount: count() counts nothing (0), named count().
        if (e.args.length === 0 && legacy("allowParameterlessCount")) {
          return { kind: "alias", child: { kind: "fn", name: "count", args: [{ kind: "lit", value: null, dataType: { type: "null" } }] }, name: "count()" } as Expr;
        }
        if (e.args.length === 0) {
          throw new AnalysisError("WRONG_NUM_ARGS.WITH_SUGGESTION", "The `count` requires >= 1 parameters but the actual number is 0. If you have to call this function with 0 parameters, set the legacy configuration \"spark.sql.legacy.allowParameterlessCount\" to \"true\".",
            { parameters: { functionName: "`count`", expectedNum: " >= 1", actualNum: "0" } });
        }
        const a0 = e.args[0]!;
        if (e.args.length === 1 && a0.kind === "star" && a0.qualifier && legacy("allowStarWithSingleTableIdentifierInCount")) {
          // The legacy reading: count(t.*) is count over t's columns (rows where none is NULL).
          return { kind: "fn", name: "count", args: [{ kind: "star", qualifier: a0.qualifier.join(".") }] };
        }
        if (e.args.length === 1 && a0.kind === "star" && a0.qualifier) {
          throw new AnalysisError("_LEGACY_ERROR_TEMP_1021", `count(${a0.qualifier.join(".")}.*) is not allowed. Please use count(*) or expand the columns manually, e.g. count(col1, col2).`);
        }
      }
      let args = e.args.map(b);
      // struct(a AS x, b): named arguments keep their names as field names.
      const argAliases = (e as { argAliases?: (string | undefined)[] }).argAliases;
      if (argAliases) args = args.map((a, i) => (argAliases[i] ? ({ kind: "alias", child: a, name: argAliases[i]! } as Expr) : a));
      if (e.filter && e.over) throw new AnalysisError("_LEGACY_ERROR_TEMP_1030", "Window aggregate function with filter predicate is not supported yet.");
      if (e.filter) {
        const cond = b(e.filter);
        const nul: Expr = { kind: "lit", value: null, dataType: { type: "null" } };
        // count(*) FILTER (WHERE c) counts the rows where c holds.
        if (name === "count" && (args.length === 0 || args.length === 1 && args[0]!.kind === "star")) args = [{ kind: "lit", value: 1, dataType: { type: "integer" } }];
        args = args.map((a) => ({ kind: "fn", name: "if", args: [cond, a, nul] }) as Expr);
      }
      const castTo = CAST_ALIASES[name];
      if (castTo && args.length === 1 && !e.over && e.name.length === 1) return { kind: "cast", child: args[0]!, to: castTo, implicit: true };
      const call: Expr = { kind: "fn", name, args, distinct: e.distinct || undefined, ignoreNulls: e.ignoreNulls || undefined };
      if (e.over) return { kind: "window", fn: call, spec: bindWindowSpec(e.over, cx) };
      return call;
    }
    case "lambda": return { kind: "lambda", params: e.params, body: b(e.body) };
    case "subscript": return { kind: "fn", name: "getitem", args: [b(e.expr), b(e.index)] };
    case "field": return fieldOrCol(e, cx);
    case "row": {
      const args = e.items.map((x, i) => { const v = b(x), n = e.names?.[i]; return n === undefined ? v : { kind: "alias", child: v, name: n } as Expr; });
      return { kind: "fn", name: "struct", args, row: true };
    }
  }
  throw new AnalysisError("INTERNAL_ERROR", `unsupported expression ${(e as { kind: string }).kind}`);
}

function fieldOrCol(e: A.FieldAccess, cx: ExprBindContext): Expr {
  const base = bindExpr(e.expr, cx);
  if (base.kind === "col") return { kind: "col", parts: [...base.parts, e.field] };
  return { kind: "fn", name: "getfield", args: [base, { kind: "lit", value: e.field, dataType: { type: "string" } }] };
}

export { BooleanType };
