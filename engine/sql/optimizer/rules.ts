// The logical optimization rules: constant folding, boolean simplification, filter combination
// and pushdown (through projections, aggregates, unions and joins, into file scans), projection
// collapsing and column pruning down to the scan, limit pushdown, IS NOT NULL inference for join
// keys and conversion of filtered cross joins into inner joins.

import {
  type Attr, type Expr, isFoldable, transformUp, references, children, anyExpr, deterministic, exprEquals, splitConjuncts, andAll,
} from "../expressions/expression";
import { defaultEvalContext, evalConstant } from "../expressions/eval";
import { FOLD_BUDGET, NOT_FOLDED, UNKNOWN, resultSizeEstimate } from "../expressions/size-limits";
import { typeOf, lookupFunction } from "../expressions/registry";
import type { PushedFilter } from "../datasource-contract";
import {
  type LogicalPlan, outputOf, transformPlanUp, transformPlanDown, childrenOf, withChildren, mapPlanExpressions,
} from "../plan/logical-plan";
import type { Rule } from "./rule";

const TRUE: Expr = { kind: "lit", value: true, dataType: { type: "boolean" } };
const isLit = (e: Expr, v: unknown) => e.kind === "lit" && e.value === v;

// ---- expression rules ---------------------------------------------------------------------------------

/**
 * Whether folding `x` on the driver is cheap and bounded: no regular expression (a pattern can
 * backtrack for minutes) and no call that builds a large value from a size argument. What is
 * not folded runs in tasks, which can be cancelled and fail with a typed error.
 */
function cheapToFold(x: Expr): boolean {
  return !anyExpr(x, (e) => {
    if (e.kind !== "fn") return false;
    if (NOT_FOLDED.has(e.name)) return true;
    const est = resultSizeEstimate(e.name, e.args.map((a) => (a.kind === "lit" ? a.value : UNKNOWN)));
    return est !== undefined && est > FOLD_BUDGET;
  });
}

/** Constant folding evaluated with the session's settings (ANSI mode above all). */
export function constantFolding(conf: { ansi?: boolean; timeZone?: string } = {}): Rule {
  return {
    name: "ConstantFolding",
    apply: (plan) => mapPlanExpressions(plan, (e) => transformUp(e, (x) => {
      if (x.kind === "lit" || x.kind === "alias" || x.kind === "sort" || !isFoldable(x) || !cheapToFold(x)) return x;
      try {
        return { kind: "lit", value: evalConstant(x, defaultEvalContext(0, { ansi: conf.ansi ?? false, timeZone: conf.timeZone })), dataType: typeOf(x) };
      } catch {
        return x; // e.g. an ANSI error: leave it for run time, where Spark raises it too
      }
    })),
  };
}

export const ConstantFolding: Rule = constantFolding();

function simplify(x: Expr): Expr {
  if (x.kind !== "fn") return x;
  const [a, b] = x.args;
  switch (x.name) {
    case "and":
      if (isLit(a!, true)) return b!;
      if (isLit(b!, true)) return a!;
      if (isLit(a!, false) || isLit(b!, false)) return { kind: "lit", value: false, dataType: { type: "boolean" } };
      if (exprEquals(a!, b!)) return a!;
      return x;
    case "or":
      if (isLit(a!, false)) return b!;
      if (isLit(b!, false)) return a!;
      if (isLit(a!, true) || isLit(b!, true)) return TRUE;
      if (exprEquals(a!, b!)) return a!;
      return x;
    case "not": {
      if (a!.kind === "fn" && a!.name === "not") return a!.args[0]!;
      if (a!.kind === "lit" && typeof a!.value === "boolean") return { kind: "lit", value: !a!.value, dataType: { type: "boolean" } };
      const neg: Record<string, string> = { ">": "<=", ">=": "<", "<": ">=", "<=": ">", "=": "!=", "!=": "=", isnull: "isnotnull", isnotnull: "isnull" };
      if (a!.kind === "fn" && neg[a!.name] && (a!.name === "isnull" || a!.name === "isnotnull")) return { ...a!, name: neg[a!.name]! };
      return x;
    }
    default: return x;
  }
}

export const BooleanSimplification: Rule = {
  name: "BooleanSimplification",
  apply: (plan) => mapPlanExpressions(plan, (e) => transformUp(e, simplify)),
};

/** Filters that are always true disappear; always false/null filters produce no rows. */
export const PruneFilters: Rule = {
  name: "PruneFilters",
  apply: (plan) => transformPlanUp(plan, (p) => {
    if (p.kind !== "Filter") return p;
    if (isLit(p.condition, true)) return p.child;
    if (isLit(p.condition, false) || isLit(p.condition, null)) return { kind: "LocalRelation", output: outputOf(p), rows: [] };
    return p;
  }),
};

// ---- filters ---------------------------------------------------------------------------------------------

export const CombineFilters: Rule = {
  name: "CombineFilters",
  apply: (plan) => transformPlanUp(plan, (p) => {
    if (p.kind === "Filter" && p.child.kind !== "Filter") {
      const cs = splitConjuncts(p.condition);
      const unique = cs.filter((c, i) => cs.findIndex((d) => exprEquals(c, d)) === i);
      if (unique.length < cs.length) return { ...p, condition: andAll(unique)! };
    }
    if (p.kind === "Filter" && p.child.kind === "Filter" && deterministic(p.condition) && deterministic(p.child.condition)) {
      const all = [...splitConjuncts(p.child.condition), ...splitConjuncts(p.condition)];
      const unique = all.filter((c, i) => all.findIndex((d) => exprEquals(c, d)) === i);
      return { kind: "Filter", condition: andAll(unique)!, child: p.child.child };
    }
    return p;
  }),
};

/** Replace attributes defined by aliases in `exprs` with their definitions. */
function substituteAliases(e: Expr, exprs: Expr[]): Expr {
  const defs = new Map<number, Expr>();
  for (const x of exprs) if (x.kind === "alias" && x.id !== undefined) defs.set(x.id, x.child);
  return transformUp(e, (x) => (x.kind === "attr" && defs.has(x.id) ? defs.get(x.id)! : x));
}

const idsOf = (as: Attr[]) => new Set(as.map((a) => a.id));
const subset = (r: Set<number>, ids: Set<number>) => [...r].every((x) => ids.has(x));

export const PushDownPredicates: Rule = {
  name: "PushDownPredicates",
  apply: (plan) => transformPlanDown(plan, (p) => {
    if (p.kind !== "Filter") return p;
    const c = p.child;
    const conjuncts = splitConjuncts(p.condition);
    switch (c.kind) {
      case "Project": {
        if (!c.exprs.every(deterministic) || !deterministic(p.condition)) return p;
        if (c.exprs.some((e) => anyExpr(e, (x) => x.kind === "window" || (x.kind === "fn" && lookupFunction(x.name)?.kind === "agg")))) return p;
        return { ...c, child: { kind: "Filter", condition: substituteAliases(p.condition, c.exprs), child: c.child } };
      }
      case "SubqueryAlias": case "Hint":
        return { ...c, child: { kind: "Filter", condition: p.condition, child: c.child } };
      case "Sort": case "Repartition":
        if (!deterministic(p.condition)) return p;
        return { ...c, child: { kind: "Filter", condition: p.condition, child: c.child } };
      case "Aggregate": {
        // Conjuncts over grouping columns only can be evaluated before aggregation.
        const groupAttrs = new Map<number, Expr>();
        for (const a of c.aggs) {
          const inner = a.kind === "alias" ? a.child : a;
          if (c.groupBy.some((g) => exprEquals(g, inner))) groupAttrs.set(a.kind === "alias" ? a.id! : (a as Attr).id, inner);
        }
        const push: Expr[] = [], keep: Expr[] = [];
        for (const x of conjuncts) {
          const r = references(x);
          if (r.size && [...r].every((id) => groupAttrs.has(id)) && deterministic(x)) push.push(transformUp(x, (y) => (y.kind === "attr" && groupAttrs.has(y.id) ? groupAttrs.get(y.id)! : y)));
          else keep.push(x);
        }
        if (!push.length) return p;
        const agg: LogicalPlan = { ...c, child: { kind: "Filter", condition: andAll(push)!, child: c.child } };
        return keep.length ? { kind: "Filter", condition: andAll(keep)!, child: agg } : agg;
      }
      case "SetOp": {
        if (c.op !== "union" || !deterministic(p.condition)) return p;
        const lo = outputOf(c.left), ro = outputOf(c.right);
        const mapTo = (side: Attr[]) => transformUp(p.condition, (x) => {
          if (x.kind !== "attr") return x;
          const i = c.output.findIndex((a) => a.id === x.id);
          return i >= 0 ? side[i]! : x;
        });
        return { ...c, left: { kind: "Filter", condition: mapTo(lo), child: c.left }, right: { kind: "Filter", condition: mapTo(ro), child: c.right } };
      }
      case "Join": {
        const lids = idsOf(outputOf(c.left)), rids = idsOf(outputOf(c.right));
        const jt = c.joinType;
        const leftOk = ["inner", "cross", "left", "left_semi", "left_anti"].includes(jt);
        const rightOk = ["inner", "cross", "right"].includes(jt);
        const toLeft: Expr[] = [], toRight: Expr[] = [], toJoin: Expr[] = [], keep: Expr[] = [];
        for (const x of conjuncts) {
          const r = references(x);
          if (!deterministic(x)) keep.push(x);
          else if (r.size && subset(r, lids) && leftOk) toLeft.push(x);
          else if (r.size && subset(r, rids) && rightOk) toRight.push(x);
          else if ((jt === "inner" || jt === "cross") && r.size) toJoin.push(x);
          else keep.push(x);
        }
        if (!toLeft.length && !toRight.length && !toJoin.length) return p;
        const left = toLeft.length ? { kind: "Filter", condition: andAll(toLeft)!, child: c.left } as LogicalPlan : c.left;
        const right = toRight.length ? { kind: "Filter", condition: andAll(toRight)!, child: c.right } as LogicalPlan : c.right;
        const cond = andAll([...(c.condition ? splitConjuncts(c.condition) : []), ...toJoin]);
        const join: LogicalPlan = { ...c, left, right, condition: cond, joinType: jt === "cross" && cond ? "inner" : jt };
        return keep.length ? { kind: "Filter", condition: andAll(keep)!, child: join } : join;
      }
      default: return p;
    }
  }),
};

/** Join conditions on one side only move below the join (inner joins; the outer side's own conditions stay). */
export const PushDownJoinConditions: Rule = {
  name: "PushDownJoinConditions",
  apply: (plan) => transformPlanUp(plan, (p) => {
    if (p.kind !== "Join" || !p.condition) return p;
    const lids = idsOf(outputOf(p.left)), rids = idsOf(outputOf(p.right));
    const toLeft: Expr[] = [], toRight: Expr[] = [], keep: Expr[] = [];
    const pushLeft = p.joinType === "inner" || p.joinType === "right" || p.joinType === "left_semi";
    const pushRight = p.joinType === "inner" || p.joinType === "left" || p.joinType === "left_semi" || p.joinType === "left_anti";
    for (const x of splitConjuncts(p.condition)) {
      const r = references(x);
      if (r.size && deterministic(x) && subset(r, lids) && pushLeft) toLeft.push(x);
      else if (r.size && deterministic(x) && subset(r, rids) && pushRight) toRight.push(x);
      else keep.push(x);
    }
    if (!toLeft.length && !toRight.length) return p;
    return {
      ...p,
      condition: andAll(keep),
      left: toLeft.length ? { kind: "Filter", condition: andAll(toLeft)!, child: p.left } : p.left,
      right: toRight.length ? { kind: "Filter", condition: andAll(toRight)!, child: p.right } : p.right,
    };
  }),
};

/** Inner/semi equi-join keys cannot be null in matching rows: add IS NOT NULL filters on both sides. */
export const InferFiltersFromConstraints: Rule = {
  name: "InferFiltersFromConstraints",
  apply: (plan) => transformPlanUp(plan, (p) => {
    if (p.kind !== "Join" || !p.condition || !(p.joinType === "inner" || p.joinType === "left_semi")) return p;
    const lids = idsOf(outputOf(p.left)), rids = idsOf(outputOf(p.right));
    const needL: Expr[] = [], needR: Expr[] = [];
    for (const x of splitConjuncts(p.condition)) {
      if (x.kind !== "fn" || x.name !== "=") continue;
      for (const side of x.args) {
        if (side.kind !== "attr" || !side.nullable) continue;
        const nn: Expr = { kind: "fn", name: "isnotnull", args: [side], dataType: { type: "boolean" }, nullable: false };
        if (lids.has(side.id)) needL.push(nn); else if (rids.has(side.id)) needR.push(nn);
      }
    }
    const add = (child: LogicalPlan, need: Expr[]): LogicalPlan => {
      const existing = collectFilterConjuncts(child);
      const missing = need.filter((n, i) => !existing.some((e) => exprEquals(e, n)) && need.findIndex((m) => exprEquals(m, n)) === i);
      return missing.length ? { kind: "Filter", condition: andAll(missing)!, child } : child;
    };
    const left = add(p.left, needL), right = add(p.right, needR);
    return left === p.left && right === p.right ? p : { ...p, left, right };
  }),
};

function collectFilterConjuncts(p: LogicalPlan): Expr[] {
  if (p.kind === "Filter") return [...splitConjuncts(p.condition), ...collectFilterConjuncts(p.child)];
  if (p.kind === "Project" || p.kind === "SubqueryAlias") return collectFilterConjuncts(p.child);
  return [];
}

// ---- projections -----------------------------------------------------------------------------------------

export const EliminateSubqueryAliases: Rule = {
  name: "EliminateSubqueryAliases",
  apply: (plan) => transformPlanUp(plan, (p) => (p.kind === "SubqueryAlias" ? p.child : p.kind === "Hint" && !p.name.toLowerCase().startsWith("broadcast") ? p.child : p)),
};

export const CollapseProject: Rule = {
  name: "CollapseProject",
  apply: (plan) => transformPlanUp(plan, (p) => {
    if (p.kind !== "Project" || p.child.kind !== "Project") return p;
    const inner = p.child;
    if (!inner.exprs.every(deterministic)) return p;
    if (inner.exprs.some((e) => anyExpr(e, (x) => x.kind === "window" || (x.kind === "fn" && lookupFunction(x.name)?.kind === "generator")))) return p;
    const exprs = p.exprs.map((e) => {
      if (e.kind === "attr") {
        const def = inner.exprs.find((x) => x.kind === "alias" && x.id === e.id);
        return def && def.kind === "alias" ? { ...def, name: e.name } : e;
      }
      return e.kind === "alias" ? { ...e, child: substituteAliases(e.child, inner.exprs) } : substituteAliases(e, inner.exprs);
    });
    return { kind: "Project", exprs, child: inner.child };
  }),
};

export const RemoveRedundantProject: Rule = {
  name: "RemoveRedundantProject",
  apply: (plan) => transformPlanUp(plan, (p) => {
    if (p.kind !== "Project") return p;
    const out = outputOf(p.child);
    if (p.exprs.length === out.length && p.exprs.every((e, i) => e.kind === "attr" && e.id === out[i]!.id && e.name === out[i]!.name)) return p.child;
    return p;
  }),
};

/** Keep only the columns ancestors need, down to the scan's requiredColumns. */
export const ColumnPruning: Rule = {
  name: "ColumnPruning",
  apply: (plan) => prune(plan, idsOf(outputOf(plan))),
};

function exprRefs(es: Expr[]): Set<number> {
  const s = new Set<number>();
  for (const e of es) for (const id of references(e)) s.add(id);
  return s;
}

function union(a: Set<number>, b: Set<number>): Set<number> {
  return new Set([...a, ...b]);
}

function prune(p: LogicalPlan, required: Set<number>): LogicalPlan {
  switch (p.kind) {
    case "Project": {
      let exprs = p.exprs.filter((e) => required.has(e.kind === "alias" ? e.id! : e.kind === "attr" ? e.id : -1) || !deterministic(e));
      if (!exprs.length) exprs = p.exprs.slice(0, 1);
      return { ...p, exprs, child: prune(p.child, exprRefs(exprs)) };
    }
    case "Scan": {
      const keep = p.output.filter((a) => required.has(a.id));
      const out = keep.length ? keep : p.output.slice(0, 1);
      if (out.length === p.output.length && p.spec.requiredColumns) return p;
      return { ...p, output: out, spec: { ...p.spec, requiredColumns: out.map((a) => a.name) } };
    }
    case "Aggregate": {
      const aggs = p.aggs.filter((e) => required.has(e.kind === "alias" ? e.id! : e.kind === "attr" ? e.id : -1));
      const kept = aggs.length ? aggs : p.aggs.slice(0, 1);
      return { ...p, aggs: kept, child: prune(p.child, exprRefs([...p.groupBy, ...kept])) };
    }
    case "Filter": return { ...p, child: prune(p.child, union(required, references(p.condition))) };
    case "Sort": return { ...p, child: prune(p.child, union(required, exprRefs(p.orders))) };
    case "Join": {
      const need = union(required, p.condition ? references(p.condition) : new Set());
      return { ...p, left: pruneWithProject(p.left, need), right: pruneWithProject(p.right, need) };
    }
    case "Generate": return { ...p, child: prune(p.child, union(required, references(p.generator))) };
    case "Window": {
      const windowExprs = p.windowExprs;
      return { ...p, child: prune(p.child, union(required, exprRefs([...windowExprs, ...p.partitionBy, ...p.orderBy]))) };
    }
    case "SubqueryAlias": case "Limit": case "Hint": case "Sample":
      return withChildren(p, [prune(p.child, required)]);
    case "Repartition": return { ...p, child: prune(p.child, union(required, exprRefs(p.exprs))) };
    case "Deduplicate": return { ...p, child: prune(p.child, idsOf(outputOf(p.child))) };
    case "SetOp": return { ...p, left: prune(p.left, idsOf(outputOf(p.left))), right: prune(p.right, idsOf(outputOf(p.right))) };
    case "RddRelation": {
      if (!p.cached) return p; // an in-memory cache reads only the columns needed (InMemoryTableScan)
      const keep = p.output.filter((a) => required.has(a.id));
      const out = keep.length ? keep : p.output.slice(0, 1);
      return out.length === p.output.length ? p : { ...p, output: out };
    }
    case "LocalRelation": case "Range": case "RemoteRelation": return p;
  }
}

/** Below a join, narrow a wide child with a projection so fewer columns are shuffled. */
function pruneWithProject(child: LogicalPlan, need: Set<number>): LogicalPlan {
  const out = outputOf(child);
  const keep = out.filter((a) => need.has(a.id));
  const pruned = prune(child, new Set(keep.map((a) => a.id)));
  const pout = outputOf(pruned);
  if (keep.length && keep.length < pout.length) return { kind: "Project", exprs: keep, child: pruned };
  return pruned;
}

// ---- limits ---------------------------------------------------------------------------------------------

export const LimitPushDown: Rule = {
  name: "LimitPushDown",
  apply: (plan) => transformPlanUp(plan, (p) => {
    if (p.kind !== "Limit") return p;
    const c = p.child;
    // Rows [o2, o2 + l2) of x, then [o1, o1 + l1) of those: one limit (offset().limit() chains).
    if (c.kind === "Limit") return { ...p, limit: Math.min(p.limit, Math.max(0, c.limit - p.offset)), offset: p.offset + c.offset, child: c.child };
    if (c.kind === "Project" && c.exprs.every(deterministic) && !c.exprs.some((e) => anyExpr(e, (x) => x.kind === "window"))) {
      return { ...c, child: { ...p, child: c.child } };
    }
    if (c.kind === "SetOp" && c.op === "union" && c.all && p.offset === 0) {
      const lim = (x: LogicalPlan): LogicalPlan => (x.kind === "Limit" && x.limit <= p.limit ? x : { kind: "Limit", limit: p.limit, offset: 0, child: x });
      const left = lim(c.left), right = lim(c.right);
      if (left === c.left && right === c.right) return p;
      return { ...p, child: { ...c, left, right } };
    }
    return p;
  }),
};

// ---- scans ----------------------------------------------------------------------------------------------

/** Translate a conjunct into a data source filter when it is column-vs-literal. */
export function toPushedFilter(e: Expr, cols: Map<number, string>): PushedFilter | undefined {
  if (e.kind === "fn") {
    const [a, b] = e.args;
    const colOf = (x: Expr | undefined) => (x && x.kind === "attr" ? cols.get(x.id) : undefined);
    const litOf = (x: Expr | undefined) => (x && x.kind === "lit" ? x.value : undefined);
    const flip: Record<string, string> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "<=>": "<=>" };
    const ops: Record<string, PushedFilter["op"]> = { "=": "eq", "<=>": "nullSafeEq", "<": "lt", "<=": "le", ">": "gt", ">=": "ge" };
    if (ops[e.name] && e.args.length === 2) {
      const c1 = colOf(a), v1 = litOf(b);
      if (c1 && b!.kind === "lit" && v1 !== null) return { op: ops[e.name] as "eq", column: c1, value: v1 };
      const c2 = colOf(b), v2 = litOf(a);
      if (c2 && a!.kind === "lit" && v2 !== null) return { op: ops[flip[e.name]!] as "eq", column: c2, value: v2 };
      return undefined;
    }
    if (e.name === "isnull" && colOf(a)) return { op: "isNull", column: colOf(a)! };
    if (e.name === "isnotnull" && colOf(a)) return { op: "isNotNull", column: colOf(a)! };
    if ((e.name === "startswith" || e.name === "endswith" || e.name === "contains") && colOf(a) && b?.kind === "lit" && typeof b.value === "string") {
      return { op: e.name === "startswith" ? "startsWith" : e.name === "endswith" ? "endsWith" : "contains", column: colOf(a)!, value: b.value };
    }
    if (e.name === "and" || e.name === "or") {
      const l = toPushedFilter(a!, cols), r = toPushedFilter(b!, cols);
      return l && r ? { op: e.name, left: l, right: r } : undefined;
    }
    if (e.name === "not") {
      const c = toPushedFilter(a!, cols);
      return c ? { op: "not", child: c } : undefined;
    }
  }
  if (e.kind === "in" && e.child.kind === "attr" && cols.has(e.child.id) && e.list.every((x) => x.kind === "lit" && x.value !== null)) {
    return { op: "in", column: cols.get(e.child.id)!, values: e.list.map((x) => (x as { value: unknown }).value) };
  }
  return undefined;
}

/** Filter directly over a file scan: hand the translatable conjuncts to the reader (they stay in the Filter too). */
export const PushFiltersIntoScan: Rule = {
  name: "PushFiltersIntoScan",
  apply: (plan) => transformPlanUp(plan, (p) => {
    if (p.kind !== "Filter" || p.child.kind !== "Scan") return p;
    const scan = p.child;
    const cols = new Map(scan.output.map((a) => [a.id, a.name]));
    const pushed = splitConjuncts(p.condition).map((c) => toPushedFilter(c, cols)).filter((x): x is PushedFilter => !!x);
    const before = JSON.stringify(scan.spec.pushedFilters ?? []);
    const merged = [...(scan.spec.pushedFilters ?? [])];
    for (const f of pushed) if (!merged.some((m) => JSON.stringify(m) === JSON.stringify(f))) merged.push(f);
    if (JSON.stringify(merged) === before) return p;
    return { ...p, child: { ...scan, spec: { ...scan.spec, pushedFilters: merged } } };
  }),
};

export { childrenOf, children };
