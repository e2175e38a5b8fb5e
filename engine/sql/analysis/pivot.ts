// FROM ... PIVOT: one aggregate per pivot value (and per aggregate), over one column or a row of
// columns, with Spark's names for the new columns.

import type * as A from "../parser";
import { simpleString, type DataType } from "../types";
import { type Expr, references, transformUp, collectExprs, andAll } from "../expressions/expression";
import { typeOf, lookupFunction } from "../expressions/registry";
import { evalConstant } from "../expressions/eval";
import { valueToString } from "../expressions/cast";
import { outputOf, type LogicalPlan } from "../plan/logical-plan";
import { buildAggregate } from "./builders";
import { resolveExpr, autoName, lookupColumn, unresolvedColumn, containsAggRaw } from "./resolve-expr";
import { analysisErrorAt, type SourceText } from "./unsupported";

/**
 * FROM ... PIVOT (agg [AS a], ... FOR col IN (v [AS name], ...)): group by every input column
 * that is neither the pivot column nor read by an aggregate, and compute each aggregate once
 * per pivot value over that value's rows (Spark's names: `name`, or `name_a` with several
 * aggregates).
 */
export function bindPivot(plan: LogicalPlan, pv: A.Pivot, source: SourceText | undefined, bx: (e: A.Expr) => Expr): LogicalPlan {
  const input = outputOf(plan);
  // FOR (a, b) IN ((x, y) [AS name], ...): the pivot column is the row (a, b), each value a row.
  const pivotCols = pv.columns.map((c) => resolveExpr({ kind: "col", parts: [c] }, { input }));
  const pivotType: DataType = pivotCols.length === 1 ? typeOf(pivotCols[0]!)
    : { type: "struct", fields: pivotCols.map((c, i) => ({ name: pv.columns[i]!, dataType: typeOf(c), nullable: true })) };
  if (pivotCols.some((c) => typeOf(c).type === "map")) {
    throw analysisErrorAt(source, pv.pos, "INCOMPARABLE_PIVOT_COLUMN",
      `Invalid pivot column \`${pv.columns.join(", ")}\`. Pivot columns must be comparable.`, { columnName: `\`${pv.columns.join(", ")}\`` });
  }
  const aggs = pv.aggregates.map((it) => ({ raw: bx(it.expr), alias: it.alias }));
  const used = new Set<number>(pivotCols.flatMap((c) => [...references(c)]));
  for (const a of aggs) {
    if (!containsAggRaw(a.raw)) throw analysisErrorAt(source, pv.pos, "NON_AGGREGATE_IN_PIVOT", "Aggregate expression required for pivot, but found a non-aggregate expression.");
    for (const c of collectExprs(a.raw, (x): x is Expr & { kind: "col" } => x.kind === "col")) {
      const hit = lookupColumn(c.parts, input);
      if (!hit) throw unresolvedColumn(c.parts.join("."), input);
      used.add(hit.attr.id);
    }
  }
  const groupBy = input.filter((a) => !used.has(a.id));
  const values = pv.values.map((v) => {
    const bound = bx(v.expr);
    const parts = pivotCols.length === 1 ? [bound]
      : bound.kind === "fn" && bound.name === "struct" && bound.args.length === pivotCols.length ? bound.args : undefined;
    const whole = resolveExpr(bound, { input: [] });
    if (!parts) {
      throw analysisErrorAt(source, pv.pos, "PIVOT_VALUE_DATA_TYPE_MISMATCH",
        `Invalid pivot value '${valueToString(evalConstant(whole), typeOf(whole))}': value data type ${simpleString(typeOf(whole))} does not match pivot column data type ${simpleString(pivotType)}.`,
        { value: String(valueToString(evalConstant(whole), typeOf(whole))), valueType: simpleString(typeOf(whole)), pivotType: simpleString(pivotType) });
    }
    const es = parts.map((x) => resolveExpr(x, { input: [] }));
    const conds: Expr[] = es.map((e, i) => ({ kind: "fn", name: "=", args: [pivotCols[i]!, e] }));
    return { cond: andAll(conds)!, name: v.alias ?? pivotValueName(whole) };
  });
  const items: Expr[] = [...groupBy];
  for (const v of values) {
    const cond = v.cond;
    for (const a of aggs) {
      const masked = transformUp(a.raw, (x) => {
        if (x.kind !== "fn" || lookupFunction(x.name)?.kind !== "agg") return x;
        const args: Expr[] = x.args.length === 0 || (x.args.length === 1 && x.args[0]!.kind === "star")
          ? [{ kind: "fn", name: "if", args: [cond, { kind: "lit", value: 1, dataType: { type: "integer" } }, { kind: "lit", value: null, dataType: { type: "null" } }] }]
          : x.args.map((arg, i) => (i === 0 ? { kind: "fn", name: "if", args: [cond, arg, { kind: "lit", value: null, dataType: { type: "null" } }] } as Expr : arg));
        return { ...x, args };
      });
      const aggName = a.alias ?? autoName(a.raw);
      items.push({ kind: "alias", child: masked, name: aggs.length === 1 ? v.name : `${v.name}_${aggName}` });
    }
  }
  return buildAggregate(plan, groupBy, items);
}

/** A pivot value's column name: the value cast to a string as Spark does (`[1, 1]`, `{1, a}`), "null" for NULL. */
function pivotValueName(e: Expr): string {
  const value = evalConstant(e);
  if (value === null || value === undefined) return "null";
  return valueToString(value, typeOf(e)) ?? "null";
}
