// Stable, indented text of logical plans in Spark's explain() style (`+- ` for the last child,
// `:- ` for the others). Golden files and optimizer tests compare against this text.

import { assertNever } from "../../common/errors";
import { exprPlan } from "../expressions/print";
import type { Attr } from "../expressions/expression";
import { simpleString } from "../types";
import { childrenOf, type LogicalPlan } from "./logical-plan";

const JOIN_NAMES: Record<string, string> = {
  inner: "Inner", left: "LeftOuter", right: "RightOuter", full: "FullOuter", left_semi: "LeftSemi", left_anti: "LeftAnti", cross: "Cross",
};

export const attrList = (as: Attr[], sep = ", ") => as.map((a) => exprPlan(a)).join(sep);

/** One-line description of a node. */
export function nodeString(p: LogicalPlan): string {
  switch (p.kind) {
    case "LocalRelation": return `LocalRelation [${attrList(p.output)}]`;
    case "Range": return `Range (${p.start}, ${p.end}, step=${p.step}, splits=${p.numPartitions ?? "None"})`;
    case "Scan": {
      const s = p.spec;
      let t = `Relation [${attrList(p.output, ",")}] ${s.format}`;
      if (s.pushedFilters?.length) t += `, PushedFilters: [${s.pushedFilters.map(pushedString).join(", ")}]`;
      return t;
    }
    case "RemoteRelation": return `${p.label} [${attrList(p.output)}] (Spark Connect)`;
    case "RddRelation": if (p.cached) return `InMemoryRelation [${attrList(p.output)}]${p.cached.relation ? `, ${p.cached.relation.level}` : ""}`;
      return `LogicalRDD [${attrList(p.output)}], false${p.name ? ` (${p.name})` : ""}`;
    case "SubqueryAlias": return `SubqueryAlias ${p.alias}`;
    case "Project": return `Project [${p.exprs.map(exprPlan).join(", ")}]`;
    case "Filter": return `Filter ${exprPlan(p.condition)}`;
    case "Aggregate": return `Aggregate [${p.groupBy.map(exprPlan).join(", ")}], [${p.aggs.map(exprPlan).join(", ")}]`;
    case "Join": {
      const hint = p.hint?.broadcast ? `, rightHint=(strategy=broadcast)`.replace("right", p.hint.broadcast) : "";
      return `Join ${JOIN_NAMES[p.joinType]}${p.condition ? `, ${exprPlan(p.condition)}` : ""}${hint}`;
    }
    case "Sort": return `Sort [${p.orders.map(exprPlan).join(", ")}], ${p.global}`;
    case "Limit": return p.offset ? `Limit ${p.limit}, offset ${p.offset}` : `Limit ${p.limit}`;
    case "SetOp": return `${p.op === "union" ? "Union" : p.op === "intersect" ? "Intersect" : "Except"} ${p.all}`;
    case "Generate": return `Generate ${exprPlan(p.generator)}, ${p.outer}, [${attrList(p.generatorOutput)}]`;
    case "Window": return `Window [${p.windowExprs.map(exprPlan).join(", ")}], [${p.partitionBy.map(exprPlan).join(", ")}], [${p.orderBy.map(exprPlan).join(", ")}]`;
    case "Repartition": return p.exprs.length ? `RepartitionByExpression [${p.exprs.map(exprPlan).join(", ")}], ${p.numPartitions}` : `Repartition ${p.numPartitions}, ${p.shuffle}`;
    case "Deduplicate": return `Deduplicate [${attrList(p.keys)}]`;
    case "Sample": return `Sample 0.0, ${p.fraction}, ${p.withReplacement}, ${p.seed}`;
    case "Hint": return `ResolvedHint (strategy=${p.name})`;
    default: return assertNever(p, "logical plan");
  }
}

export function pushedString(f: import("../datasource-contract").PushedFilter): string {
  const v = (x: unknown) => (x instanceof Date ? x.toISOString() : String(x));
  switch (f.op) {
    case "eq": return `EqualTo(${f.column},${v(f.value)})`;
    case "nullSafeEq": return `EqualNullSafe(${f.column},${v(f.value)})`;
    case "lt": return `LessThan(${f.column},${v(f.value)})`;
    case "le": return `LessThanOrEqual(${f.column},${v(f.value)})`;
    case "gt": return `GreaterThan(${f.column},${v(f.value)})`;
    case "ge": return `GreaterThanOrEqual(${f.column},${v(f.value)})`;
    case "in": return `In(${f.column}, [${f.values.map(v).join(",")}])`;
    case "isNull": return `IsNull(${f.column})`;
    case "isNotNull": return `IsNotNull(${f.column})`;
    case "startsWith": return `StringStartsWith(${f.column},${f.value})`;
    case "endsWith": return `StringEndsWith(${f.column},${f.value})`;
    case "contains": return `StringContains(${f.column},${f.value})`;
    case "and": return `And(${pushedString(f.left)},${pushedString(f.right)})`;
    case "or": return `Or(${pushedString(f.left)},${pushedString(f.right)})`;
    case "not": return `Not(${pushedString(f.child)})`;
  }
}

/** Generic tree printer for any node type. */
/**
 * `inner`: lines printed below a node before its children (Spark's innerChildren, e.g. an
 * InMemoryTableScan's InMemoryRelation), each after the node's child prefix and three spaces.
 */
export function treeString<N>(root: N, line: (n: N) => string, kids: (n: N) => N[], inner?: (n: N) => string[] | undefined): string {
  const out: string[] = [];
  const walk = (n: N, prefix: string, childPrefix: string) => {
    out.push(prefix + line(n));
    for (const l of inner?.(n) ?? []) out.push(`${childPrefix}   ${l}`);
    const cs = kids(n);
    cs.forEach((c, i) => {
      const last = i === cs.length - 1;
      walk(c, childPrefix + (last ? "+- " : ":- "), childPrefix + (last ? "   " : ":  "));
    });
  };
  walk(root, "", "");
  return out.join("\n");
}

export function planString(p: LogicalPlan): string {
  return treeString(p, nodeString, childrenOf);
}

/** The plan tree with a suffix after each node (explain("cost") adds Statistics(...)). */
export function planStringWith(p: LogicalPlan, suffix: (n: LogicalPlan) => string): string {
  return treeString(p, (n) => nodeString(n) + suffix(n), childrenOf);
}

/** Spark's Utils.bytesToString: "16.0 B", "1.5 KiB", ... "8.0 EiB" (unknown size). */
export function bytesToString(size: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  if (!Number.isFinite(size) || size >= 2 ** 63) return "8.0 EiB";
  let i = 0, v = size;
  while (v >= 1024 * 2 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** "a: int, b: string" header of the analyzed plan. */
export function schemaHeader(out: Attr[]): string {
  return out.map((a) => `${a.name}: ${simpleString(a.dataType)}`).join(", ");
}
