// session_window(ts, gap) as a grouping key (Spark's SessionWindowing rule): each row opens the
// session [ts, ts + gap); sessions of the same other grouping keys that overlap or touch merge,
// and the key becomes the merged {start, end}. Rewritten before the aggregate into window
// functions over the rows ordered by ts: the largest end among the earlier rows, a running count
// of rows that start a new session (ts after that end), then the min start and max end per
// session. Rows with a null ts belong to no session (dropped, as Spark).

import { AnalysisError } from "../../common/errors";
import type { Expr, SortExpr, WindowSpecData } from "../expressions/expression";
import { parseDuration } from "../expressions/functions-datetime";
import type { DataType } from "../types";
import type { LogicalPlan } from "./logical-plan";

const fn = (name: string, ...args: Expr[]): Expr => ({ kind: "fn", name, args });
const lit = (value: unknown, dataType: DataType): Expr => ({ kind: "lit", value, dataType });
const col = (name: string): Expr => ({ kind: "col", parts: [name] } as Expr);
const alias = (child: Expr, name: string): Expr => ({ kind: "alias", child, name } as Expr);
const over = (f: Expr, spec: WindowSpecData): Expr => ({ kind: "window", fn: f, spec });

const isSessionWindow = (g: Expr): boolean => { const e = g.kind === "alias" ? g.child : g; return e.kind === "fn" && e.name === "session_window"; };

/**
 * When `groupRaw` holds session_window(...): the child with the session column added (named
 * `session_window`, or the key's alias), the grouping list with that column (`replaced`) in place
 * of the session_window key (`original`).
 */
export function rewriteSessionWindow(
  child: LogicalPlan, groupRaw: Expr[], build: { project: (c: LogicalPlan, raw: Expr[]) => LogicalPlan; filter: (c: LogicalPlan, raw: Expr) => LogicalPlan; output: (c: LogicalPlan) => Expr[] },
): { child: LogicalPlan; groupRaw: Expr[]; original: Expr; replaced: Expr } | undefined {
  const idx = groupRaw.findIndex(isSessionWindow);
  if (idx < 0) return undefined;
  if (groupRaw.filter(isSessionWindow).length > 1) throw new AnalysisError("UNSUPPORTED_FEATURE", "Multiple session_window expressions in one aggregation are not supported.");
  const g = groupRaw[idx]!;
  const call = (g.kind === "alias" ? g.child : g) as Expr & { kind: "fn" };
  const name = g.kind === "alias" ? g.name : "session_window";
  const [ts, gapArg] = call.args;
  const gapText = gapArg?.kind === "lit" ? gapArg.value : undefined;
  const gapMs = typeof gapText === "string" ? parseDuration(gapText) : null;
  if (!ts || gapMs === null || gapMs <= 0) {
    throw new AnalysisError("INVALID_PARAMETER_VALUE", `session_window needs a time column and a positive gap duration as a string, such as "5 minutes" (got ${JSON.stringify(gapText ?? null)}).`);
  }
  const keys = groupRaw.filter((_, i) => i !== idx);
  const end = fn("timestamp_add_millis", ts, lit(gapMs, { type: "long" }));
  const byTs: SortExpr[] = [{ kind: "sort", child: ts, ascending: true, nullsFirst: true }];
  const prevEnd = "__session_prev_end", id = "__session_id";
  let c = build.filter(child, fn("isnotnull", ts));
  c = build.project(c, [...build.output(c), alias(over(fn("max", end), { partitionBy: keys, orderBy: byTs, frame: { frameType: "rows", lower: { type: "unboundedPreceding" }, upper: { type: "offset", offset: -1 } } }), prevEnd)]);
  const starts = fn("if", fn("or", fn("isnull", col(prevEnd)), fn(">", ts, col(prevEnd))), lit(1, { type: "integer" }), lit(0, { type: "integer" }));
  c = build.project(c, [...build.output(c), alias(over(fn("sum", starts), { partitionBy: keys, orderBy: byTs, frame: { frameType: "rows", lower: { type: "unboundedPreceding" }, upper: { type: "currentRow" } } }), id)]);
  const session: WindowSpecData = { partitionBy: [...keys, col(id)], orderBy: [] };
  const struct = fn("named_struct", lit("start", { type: "string" }), over(fn("min", ts), session), lit("end", { type: "string" }), over(fn("max", end), session));
  c = build.project(c, [...build.output(c), alias(struct, name)]);
  const replaced = col(name);
  return { child: c, groupRaw: groupRaw.map((x, i) => (i === idx ? replaced : x)), original: g, replaced };
}
