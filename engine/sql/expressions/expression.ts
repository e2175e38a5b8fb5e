// The expression tree shared by the Column API, the SQL binder, the analyzer, the optimizer and
// the evaluator. Plain data only (no functions, no classes), so a resolved tree can be captured by a
// task and compiled again on a worker. Operators and functions are all `fn` nodes named like Spark.

import type { DataType } from "../types";
import type { LogicalPlan } from "../plan/logical-plan";

/** A resolved column: identified by `id` (Catalyst's exprId), so rewrites never confuse two `a`s. */
export interface Attr {
  kind: "attr";
  id: number;
  name: string;
  qualifier?: string;
  dataType: DataType;
  nullable: boolean;
  /** A USING / NATURAL join's key column of one side (Spark's hidden output): reachable only as
   * `t.k` or through `t.*`, never by `*` or a bare name. */
  hidden?: true;
  /** Position of a USING key among the join's keys (orders `t.*` like the table). */
  usingKey?: number;
}

export interface FrameBound {
  /** "unbounded" preceding/following, "current" row, or an offset (negative = preceding). */
  type: "unboundedPreceding" | "unboundedFollowing" | "currentRow" | "offset";
  offset?: number;
  /** The offset came from an INTERVAL literal (milliseconds; RANGE frames over timestamps). */
  interval?: boolean;
  /** A YEAR TO MONTH interval offset: calendar months (signed like `offset`), added on the wall clock of `zone`. */
  months?: number;
  zone?: string;
}

export interface WindowFrame {
  frameType: "rows" | "range";
  lower: FrameBound;
  upper: FrameBound;
}

export interface WindowSpecData {
  partitionBy: Expr[];
  orderBy: SortExpr[];
  frame?: WindowFrame;
}

export interface SortExpr {
  kind: "sort";
  child: Expr;
  ascending: boolean;
  nullsFirst: boolean;
}

export type Expr =
  /** Unresolved column reference: ["a"], ["t", "a"], ["s", "field"]. */
  | { kind: "col"; parts: string[] }
  /** `*` or `t.*` */
  | { kind: "star"; qualifier?: string }
  | Attr
  /** Bound reference to a position of the input row (physical plans only). */
  | { kind: "ref"; index: number; name: string; dataType: DataType; nullable: boolean }
  /** `zone`: the session time zone a timestamp literal was written in (it prints in that zone). */
  | { kind: "lit"; value: unknown; dataType: DataType; zone?: string }
  | { kind: "alias"; child: Expr; name: string; id?: number; names?: string[] }
  /** Any operator or function. `dataType` is set once resolved. */
  | { kind: "fn"; name: string; args: Expr[]; distinct?: boolean; dataType?: DataType; nullable?: boolean; ignoreNulls?: boolean; udf?: UdfData; /** written as a row `(a, b)`: Spark names it named_struct(a, a, b, b) */ row?: boolean }
  | { kind: "cast"; child: Expr; to: DataType; isTry?: boolean; /** float(x) and the other cast-style functions: named like x. */ implicit?: boolean }
  | { kind: "case"; branches: { when: Expr; then: Expr }[]; otherwise?: Expr; dataType?: DataType }
  | { kind: "in"; child: Expr; list: Expr[] }
  /** `outer`: ids of the outer columns a correlated subquery reads, set when it is evaluated per
   * outer binding at run time (engine/sql/execution/subqueries.ts) rather than rewritten into a join. */
  | { kind: "subquery"; type: "scalar" | "exists" | "in"; plan: LogicalPlan; child?: Expr; dataType?: DataType; negated?: boolean; outer?: number[]; /** outer columns' names (Spark names a scalar subquery after them) */ outerNames?: string[] }
  | { kind: "window"; fn: Expr; spec: WindowSpecData; dataType?: DataType }
  | SortExpr
  | { kind: "lambda"; params: string[]; body: Expr }
  | { kind: "lvar"; name: string; dataType?: DataType }
  /** Placeholder for an already computed value (e.g. an aggregate or window result) in a later operator. */
  | { kind: "unresolvedAlias"; child: Expr };

/** A user-defined function: the serialized closure (plain data) and its declared result type. */
export interface UdfData {
  fn: unknown;
  name: string;
  returnType: DataType;
}

export type ExprKind = Expr["kind"];

// ---- constructors -------------------------------------------------------------------------------

export const colRef = (name: string): Expr => {
  if (name === "*") return { kind: "star" };
  if (name.endsWith(".*")) return { kind: "star", qualifier: name.slice(0, -2) };
  return { kind: "col", parts: splitName(name) };
};

/** Split a.b.c into parts, honouring `back quoted` parts. */
export function splitName(name: string): string[] {
  const parts: string[] = [];
  let cur = "";
  let inQuote = false;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch === "`") {
      if (inQuote && name[i + 1] === "`") { cur += "`"; i++; continue; }
      inQuote = !inQuote;
      continue;
    }
    if (ch === "." && !inQuote) { parts.push(cur); cur = ""; continue; }
    cur += ch;
  }
  parts.push(cur);
  return parts;
}

export const fn = (name: string, ...args: Expr[]): Expr => ({ kind: "fn", name, args });

// ---- traversal ----------------------------------------------------------------------------------

/** Direct child expressions (subquery plans are not expressions and are not visited). */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case "col": case "star": case "attr": case "ref": case "lit": case "lvar": return [];
    case "alias": return [e.child];
    case "fn": return e.args;
    case "cast": return [e.child];
    case "case": return [...e.branches.flatMap((b) => [b.when, b.then]), ...(e.otherwise ? [e.otherwise] : [])];
    case "in": return [e.child, ...e.list];
    case "subquery": return e.child ? [e.child] : [];
    case "window": return [e.fn, ...e.spec.partitionBy, ...e.spec.orderBy];
    case "sort": return [e.child];
    case "lambda": return [e.body];
    case "unresolvedAlias": return [e.child];
  }
}

/** Rebuild `e` with its children mapped by `f` (children in the order `children` returns them). */
export function mapChildren(e: Expr, f: (c: Expr) => Expr): Expr {
  switch (e.kind) {
    case "col": case "star": case "attr": case "ref": case "lit": case "lvar": return e;
    case "alias": return { ...e, child: f(e.child) };
    case "fn": return { ...e, args: e.args.map(f) };
    case "cast": return { ...e, child: f(e.child) };
    case "case": return {
      ...e,
      branches: e.branches.map((b) => ({ when: f(b.when), then: f(b.then) })),
      otherwise: e.otherwise ? f(e.otherwise) : undefined,
    };
    case "in": return { ...e, child: f(e.child), list: e.list.map(f) };
    case "subquery": return e.child ? { ...e, child: f(e.child) } : e;
    case "window": return {
      ...e,
      fn: f(e.fn),
      spec: { ...e.spec, partitionBy: e.spec.partitionBy.map(f), orderBy: e.spec.orderBy.map((s) => f(s) as SortExpr) },
    };
    case "sort": return { ...e, child: f(e.child) };
    case "lambda": return { ...e, body: f(e.body) };
    case "unresolvedAlias": return { ...e, child: f(e.child) };
  }
}

/** Bottom-up rewrite. */
export function transformUp(e: Expr, f: (e: Expr) => Expr): Expr {
  return f(mapChildren(e, (c) => transformUp(c, f)));
}

/** Top-down rewrite: when `f` returns a different node, its children are still visited. */
export function transformDown(e: Expr, f: (e: Expr) => Expr): Expr {
  const r = f(e);
  return mapChildren(r, (c) => transformDown(c, f));
}

export function anyExpr(e: Expr, p: (e: Expr) => boolean): boolean {
  if (p(e)) return true;
  return children(e).some((c) => anyExpr(c, p));
}

export function collectExprs<T extends Expr>(e: Expr, p: (e: Expr) => e is T): T[] {
  const out: T[] = [];
  const walk = (x: Expr) => { if (p(x)) out.push(x); for (const c of children(x)) walk(c); };
  walk(e);
  return out;
}

/** Ids of the attributes an expression reads. */
export function references(e: Expr): Set<number> {
  const s = new Set<number>();
  const walk = (x: Expr) => {
    if (x.kind === "attr") s.add(x.id);
    if (x.kind === "subquery") for (const id of x.outer ?? []) s.add(id);
    for (const c of children(x)) walk(c);
  };
  walk(e);
  return s;
}

/** Strip an alias. */
export function unalias(e: Expr): Expr {
  return e.kind === "alias" ? e.child : e;
}

export function isAttr(e: Expr): e is Attr {
  return e.kind === "attr";
}

/** Expressions with no side effects and no dependence on the row: safe to fold. */
export function isFoldable(e: Expr): boolean {
  switch (e.kind) {
    case "lit": return true;
    case "fn": return !NON_DETERMINISTIC.has(e.name) && !AGG_OR_WINDOW_NAMES.has(e.name) && e.args.every(isFoldable);
    case "cast": return isFoldable(e.child);
    case "case": return children(e).every(isFoldable);
    case "in": return children(e).every(isFoldable);
    case "alias": return isFoldable(e.child);
    default: return false;
  }
}

export const NON_DETERMINISTIC = new Set([
  "udf",
  "rand", "randn", "uuid", "current_date", "current_timestamp", "now", "monotonically_increasing_id",
  "spark_partition_id", "input_file_name", "explode", "explode_outer", "posexplode", "posexplode_outer", "inline", "stack",
]);

/** No nondeterministic function and no subquery in `e`: it gives the same value every time it runs. */
export function deterministic(e: Expr): boolean {
  return !anyExpr(e, (x) => (x.kind === "fn" && NON_DETERMINISTIC.has(x.name)) || x.kind === "subquery");
}

/** Filled by the function registry at load time: names of aggregate and window functions. */
export const AGG_OR_WINDOW_NAMES = new Set<string>();

export function exprEquals(a: Expr, b: Expr): boolean {
  return JSON.stringify(stripForCompare(a)) === JSON.stringify(stripForCompare(b));
}

function stripForCompare(e: Expr): unknown {
  return transformUp(e, (x) => (x.kind === "attr" ? { ...x, qualifier: undefined } : x));
}

/** The conjuncts of a condition: a AND (b AND c) -> [a, b, c]. */
export function splitConjuncts(e: Expr): Expr[] {
  if (e.kind === "fn" && e.name === "and") return e.args.flatMap(splitConjuncts);
  return [e];
}

/** The conjunction of conditions (undefined for none). */
export function andAll(es: Expr[]): Expr | undefined {
  return es.reduce<Expr | undefined>((acc, e) => (acc ? { kind: "fn", name: "and", args: [acc, e], dataType: { type: "boolean" } } : e), undefined);
}
