// The GROUP BY clause: plain expressions and ordinals (GROUP BY 2 is the second select item, also
// inside GROUPING SETS / ROLLUP / CUBE), GROUP BY ALL (the select items that aggregate nothing),
// and grouping sets as index lists into one list of grouping expressions.

import { AnalysisError } from "../../common/errors";
import type * as A from "../parser";
import { anyExpr, type Attr, type Expr } from "../expressions/expression";
import { anyPlan } from "../plan/logical-plan";
import { expandStars, containsAggRaw } from "./resolve-expr";
import { rollupSets, cubeSets } from "./builders";
import { lateralGroupByError } from "./lateral-alias";

export interface BoundGroupBy {
  /** Expressions every group is keyed by (outside grouping sets). */
  groupRaw: Expr[];
  /** Each grouping set as indexes into gsExprs (undefined without GROUPING SETS / ROLLUP / CUBE). */
  groupingSets: number[][] | undefined;
  gsExprs: Expr[];
}

/** `lateral`: names of select items that use a lateral column alias (Spark refuses grouping by them). */
export function bindGroupBy(groupBy: A.GroupBy, rawItems: Expr[], input: Attr[], bx: (e: A.Expr) => Expr, lateral: Set<string> = new Set()): BoundGroupBy {
  const gsExprs: Expr[] = [];
  if (groupBy.all) {
    // The select items without an aggregate; a scalar subquery computing one (Spark looks into
    // its plan) is evaluated per group, not grouped by.
    const aggregating = (e: Expr) => containsAggRaw(e) || anyExpr(e, (x) => x.kind === "subquery" && x.type === "scalar" && anyPlan(x.plan, (p) => p.kind === "Aggregate"));
    const keys = expandStars(rawItems, input).filter((e) => !aggregating(e));
    const viaLateral = keys.find((e) => e.kind === "alias" && lateral.has(e.name.toLowerCase()));
    if (viaLateral) throw lateralGroupByError((viaLateral as { name: string }).name);
    return { groupRaw: keys.map((e) => (e.kind === "alias" ? e.child : e)), groupingSets: undefined, gsExprs };
  }
  for (const g of groupBy.items) {
    const c = g as A.Expr;
    if (c.kind === "column" && c.name.length === 1 && lateral.has(c.name[0]!.toLowerCase()) && !input.some((a) => a.name.toLowerCase() === c.name[0]!.toLowerCase())) {
      throw lateralGroupByError(c.name[0]!);
    }
  }
  const ordinalOr = (e: Expr): Expr => {
    if (!(e.kind === "lit" && typeof e.value === "number" && Number.isInteger(e.value))) return e;
    const item = rawItems[e.value - 1];
    if (!item) throw new AnalysisError("GROUP_BY_POS_OUT_OF_RANGE", `GROUP BY position ${e.value} is not in select list (valid range is [1, ${rawItems.length}]).`);
    return item.kind === "alias" ? item.child : item;
  };
  const groupRaw: Expr[] = [];
  let groupingSets: number[][] | undefined;
  for (const g of groupBy.items) {
    const gk = (g as A.GroupingSets).kind;
    if (gk !== "groupingSets" && gk !== "rollup" && gk !== "cube") {
      groupRaw.push(ordinalOr(bx(g as A.Expr)));
      continue;
    }
    const previous = groupingSets;
    const gs = g as A.GroupingSets;
    const elems = gs.sets.map((set) => set.map((x) => ordinalOr(bx(x))));
    const listIdx = (es: Expr[]) => es.map((e) => {
      const k = JSON.stringify(e);
      let i = gsExprs.findIndex((x) => JSON.stringify(x) === k);
      if (i < 0) { gsExprs.push(e); i = gsExprs.length - 1; }
      return i;
    });
    if (gs.columns) listIdx(gs.columns.map((x) => ordinalOr(bx(x))));
    const elemIdx = elems.map(listIdx);
    if (gk === "groupingSets") groupingSets = elemIdx;
    else {
      if (elemIdx.some((e) => e.length === 0)) {
        throw new AnalysisError("_LEGACY_ERROR_TEMP_0051", `Empty set in ${gk.toUpperCase()} grouping sets is not supported.`, { parameters: { element: gk.toUpperCase() } });
      }
      const pick = gk === "rollup" ? rollupSets(elemIdx.length) : cubeSets(elemIdx.length);
      groupingSets = pick.map((set) => set.flatMap((i) => elemIdx[i]!));
    }
    // Several GROUPING SETS / ROLLUP / CUBE clauses: every combination of their sets (Spark).
    if (previous) groupingSets = previous.flatMap((a) => groupingSets!.map((b) => [...a, ...b]));
  }
  return { groupRaw, groupingSets, gsExprs };
}
