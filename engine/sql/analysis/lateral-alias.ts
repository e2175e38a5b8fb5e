// Lateral column aliases (Spark 3.4+, spark.sql.lateralColumnAlias.enableImplicitResolution): a
// select item may use the alias of an earlier item (SELECT price * qty AS total, total * 0.1 AS
// tax). A name resolves to a FROM column first, then to an earlier alias, then to an outer
// query's column; the alias stands for its expression (max(x) AS m, m * 2 is max(x) * 2).

import { AnalysisError } from "../../common/errors";
import type { Attr, Expr } from "../expressions/expression";
import { mapChildren } from "../expressions/expression";
import { autoName, lookupColumn } from "./resolve-expr";

/** The items with earlier aliases replaced, and the (lowercased) names of the items that used one. */
export function resolveLateralAliases(items: Expr[], input: Attr[]): { items: Expr[]; lateral: Set<string> } {
  const aliases = new Map<string, Expr>();
  const lateral = new Set<string>();
  const out = items.map((item) => {
    let used = false;
    const sub = (e: Expr): Expr => {
      if (e.kind === "col" && e.parts.length === 1 && !lookupColumn(e.parts, input)) {
        const hit = aliases.get(e.parts[0]!.toLowerCase());
        if (hit) { used = true; return hit; }
      }
      // Subqueries are bound already; lambda parameters may shadow aliases.
      if (e.kind === "subquery" || e.kind === "lambda" || e.kind === "window") return e;
      return mapChildren(e, sub);
    };
    let res: Expr = item.kind === "alias" ? { ...item, child: sub(item.child) } : sub(item);
    // An item without an alias keeps the name it is written with: (a + 1), not (1 + 1).
    if (used && res.kind !== "alias") res = { kind: "alias", child: res, name: autoName(item) };
    if (res.kind === "alias" && !aliases.has(res.name.toLowerCase())) aliases.set(res.name.toLowerCase(), res.child);
    if (used && res.kind === "alias") lateral.add(res.name.toLowerCase());
    return res;
  });
  return { items: out, lateral };
}

/** Spark refuses grouping by an item that uses a lateral alias (GROUP BY col, or GROUP BY ALL over it). */
export function lateralGroupByError(name: string): AnalysisError {
  return new AnalysisError("UNSUPPORTED_FEATURE.LATERAL_COLUMN_ALIAS_IN_GROUP_BY",
    `The feature is not supported: Referencing via lateral column alias \`${name}\` in GROUP BY: the select item it names uses a lateral column alias.`,
    { parameters: { lca: name } });
}
