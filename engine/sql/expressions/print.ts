// Text of expressions the way Spark prints them: `exprSql` gives the auto-generated column name
// ("(a + 1)", "sum(x)", "CAST(a AS STRING)"); `exprPlan` gives the explain() form with attribute
// ids ("(a#3 + 1)", "cast(a#3 as string)").

import { simpleString } from "../types";
import type { Expr, FrameBound, WindowSpecData } from "./expression";
import { valueToString } from "./cast";

const INFIX: Record<string, string> = {
  "+": "+", "-": "-", "*": "*", "/": "/", "%": "%", div: "div", "=": "=", "<=>": "<=>", "!=": "!=",
  "<": "<", "<=": "<=", ">": ">", ">=": ">=", and: "AND", or: "OR", "&": "&", "|": "|", "^": "^", "||": "||",
};

export function exprSql(e: Expr): string {
  return print(e, false);
}

export function exprPlan(e: Expr): string {
  return print(e, true);
}

function literal(e: Expr & { kind: "lit" }, plan: boolean): string {
  if (e.value === null || e.value === undefined) return "NULL";
  const t = e.dataType;
  if (t.type === "date") return `${plan ? "" : "DATE "}${plan ? valueToString(e.value, t) : `'${valueToString(e.value, t)}'`}`;
  if (t.type === "timestamp") return `${plan ? "" : "TIMESTAMP "}${plan ? valueToString(e.value, t) : `'${valueToString(e.value, t)}'`}`;
  if (t.type === "long" && plan) return `${String(e.value)}`;
  if (t.type === "binary" && e.value instanceof Uint8Array) return `X'${Buffer.from(e.value).toString("hex").toUpperCase()}'`;
  if (t.type === "array" || t.type === "struct" || t.type === "map") return valueToString(e.value, t) ?? "NULL";
  return valueToString(e.value, t) ?? "NULL";
}

function bound(b: FrameBound, dir: "lower" | "upper"): string {
  switch (b.type) {
    case "unboundedPreceding": return "UNBOUNDED PRECEDING";
    case "unboundedFollowing": return "UNBOUNDED FOLLOWING";
    case "currentRow": return "CURRENT ROW";
    case "offset": {
      const o = b.offset ?? 0;
      if (o === 0) return "CURRENT ROW";
      void dir;
      return o < 0 ? `${-o} PRECEDING` : `${o} FOLLOWING`;
    }
  }
}

export function windowSpecString(spec: WindowSpecData, plan: boolean): string {
  const parts: string[] = [];
  if (spec.partitionBy.length) parts.push("PARTITION BY " + spec.partitionBy.map((x) => print(x, plan)).join(", "));
  if (spec.orderBy.length) parts.push("ORDER BY " + spec.orderBy.map((x) => print(x, plan)).join(", "));
  if (spec.frame) {
    parts.push(`${spec.frame.frameType === "rows" ? "ROWS" : "RANGE"} BETWEEN ${bound(spec.frame.lower, "lower")} AND ${bound(spec.frame.upper, "upper")}`);
  }
  return parts.join(" ");
}

function aliasLong(e: Expr & { kind: "alias" }): boolean {
  const c = e.child;
  const t = c.kind === "fn" || c.kind === "case" || c.kind === "window" ? c.dataType : c.kind === "cast" ? c.to : c.kind === "attr" || c.kind === "lit" ? c.dataType : undefined;
  return t?.type === "long";
}

function print(e: Expr, plan: boolean): string {
  const p = (x: Expr) => print(x, plan);
  switch (e.kind) {
    case "col": return e.parts.map((x) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(x) || !plan ? x : "`" + x + "`")).join(".");
    case "star": return e.qualifier ? `${e.qualifier}.*` : "*";
    case "attr": return plan ? `${e.name}#${e.id}${e.dataType.type === "long" ? "L" : ""}` : e.name;
    case "ref": return plan ? `input[${e.index}, ${simpleString(e.dataType)}, ${e.nullable}]` : e.name;
    case "lit": return literal(e, plan);
    case "alias": return plan ? `${p(e.child)} AS ${e.name}#${e.id ?? "?"}${aliasLong(e) ? "L" : ""}` : e.name;
    case "unresolvedAlias": return p(e.child);
    case "cast": return plan
      ? `${e.isTry ? "try_cast" : "cast"}(${p(e.child)} as ${simpleString(e.to)})`
      : e.implicit ? p(e.child) : `${e.isTry ? "TRY_CAST" : "CAST"}(${p(e.child)} AS ${simpleString(e.to).toUpperCase()})`;
    case "case": {
      const body = e.branches.map((b) => ` WHEN ${p(b.when)} THEN ${p(b.then)}`).join("");
      return `CASE${body}${e.otherwise ? ` ELSE ${p(e.otherwise)}` : ""} END`;
    }
    case "in": return plan ? `${p(e.child)} IN (${e.list.map(p).join(", ")})` : `(${p(e.child)} IN (${e.list.map(p).join(", ")}))`;
    case "subquery":
      if (e.type === "exists") return `${e.negated ? "NOT " : ""}exists#${(e as { id?: number }).id ?? ""}`;
      if (e.type === "in") return `${p(e.child!)} ${e.negated ? "NOT " : ""}IN (list#${(e as { id?: number }).id ?? ""})`;
      return `scalarsubquery()`;
    case "window": return `${p(e.fn)} OVER (${windowSpecString(e.spec, plan)})`;
    case "sort": return `${p(e.child)} ${e.ascending ? "ASC" : "DESC"} NULLS ${e.nullsFirst ? "FIRST" : "LAST"}`;
    case "lambda": return `lambdafunction(${p(e.body)}, ${e.params.join(", ")})`;
    case "lvar": return e.name;
    case "fn": {
      const n = e.name.toLowerCase();
      const a = e.args;
      // Spark reads a != b as NOT (a = b) and names it so.
      if (n === "!=" && a.length === 2 && !plan) return `(NOT (${p(a[0]!)} = ${p(a[1]!)}))`;
      if (INFIX[n] && a.length === 2) return `(${p(a[0]!)} ${INFIX[n]} ${p(a[1]!)})`;
      switch (n) {
        case "not": return `(NOT ${p(a[0]!)})`;
        case "negative": return `(- ${p(a[0]!)})`;
        case "positive": return `(+ ${p(a[0]!)})`;
        case "~": return `~${p(a[0]!)}`;
        case "isnull": return plan ? `isnull(${p(a[0]!)})` : `(${p(a[0]!)} IS NULL)`;
        case "isnotnull": return plan ? `isnotnull(${p(a[0]!)})` : `(${p(a[0]!)} IS NOT NULL)`;
        case "getfield": return `${p(a[0]!)}.${a[1]!.kind === "lit" ? String(a[1]!.value) : p(a[1]!)}`;
        case "getitem": return `${p(a[0]!)}[${a[1]!.kind === "lit" && typeof a[1]!.value === "string" && !plan ? a[1]!.value : p(a[1]!)}]`;
        case "like": case "rlike": case "ilike":
          return `${p(a[0]!)} ${n.toUpperCase()} ${p(a[1]!)}`;
        case "between": return `(${p(a[0]!)} BETWEEN ${p(a[1]!)} AND ${p(a[2]!)})`;
        case "count":
          if (a.length === 0 || (a.length === 1 && a[0]!.kind === "star")) return "count(1)";
          break;
      }
      if (n === "udf" && e.udf) return `${e.udf.name}(${a.map(p).join(", ")})`;
      const args = a.map((x) => (x.kind === "star" ? "*" : p(x))).join(", ");
      return `${n}(${e.distinct ? "DISTINCT " : ""}${args})${e.ignoreNulls ? " IGNORE NULLS" : ""}`;
    }
  }
}
