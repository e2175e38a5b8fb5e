// Spark's PullOutGroupingExpressions: a complex grouping expression (GROUP BY a IS NULL) is
// computed once in a Project below the Aggregate and read back as a column, so that later
// rewrites of the select list (NOT isnull(a) -> isnotnull(a)) cannot detach it from its group key.
// Applied only when a select expression uses the grouping expression inside a larger one.

import { exprEquals, transformDown, anyExpr, type Attr, type Expr } from "../expressions/expression";
import { newExprId, outputOf, transformPlanUp, toAttr, type LogicalPlan } from "../plan/logical-plan";
import type { Rule } from "./rule";

export const PullOutGroupingExpressions: Rule = {
  name: "PullOutGroupingExpressions",
  apply: (plan) => transformPlanUp(plan, (p) => {
    if (p.kind !== "Aggregate") return p;
    const complex = p.groupBy.filter((g) => g.kind !== "attr" && g.kind !== "lit" && g.kind !== "alias");
    const nested = complex.filter((g) => p.aggs.some((a) => {
      const body = a.kind === "alias" ? a.child : a;
      return !exprEquals(body, g) && anyExpr(body, (x) => exprEquals(x, g));
    }));
    if (nested.length === 0) return p;
    const pulled = nested.map((g) => ({ g, alias: { kind: "alias", child: g, name: "_groupingexpression", id: newExprId() } as Expr }));
    const attrOf = new Map(pulled.map(({ g, alias }) => [g, toAttr(alias) as Attr]));
    const replace = (e: Expr): Expr => transformDown(e, (x) => {
      for (const [g, a] of attrOf) if (exprEquals(x, g)) return a;
      return x;
    });
    const child: LogicalPlan = { kind: "Project", exprs: [...outputOf(p.child), ...pulled.map((x) => x.alias)], child: p.child };
    return { ...p, groupBy: p.groupBy.map(replace), aggs: p.aggs.map(replace), child };
  }),
};
