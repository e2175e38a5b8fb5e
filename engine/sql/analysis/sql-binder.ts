// Binds parsed SQL statements (engine/sql/parser AST) to analyzed logical plans through the same
// builders the DataFrame API uses: FROM (tables, views, CTEs, subqueries, VALUES, range(), files),
// joins (incl. NATURAL / USING), WHERE with IN / EXISTS subqueries (rewritten to semi / anti
// joins), GROUP BY / HAVING, windows, DISTINCT, ORDER BY, LIMIT / OFFSET and set operations.
// It returns logical plans, never DataFrames; the commands (CREATE VIEW, EXPLAIN, SHOW, DESCRIBE,
// SET, CACHE, ...) run in engine/sql/api/commands.ts.

import { AnalysisError } from "../../common/errors";
import type * as A from "../parser";
import type { DataType } from "../types";
import { type Attr, type Expr, type SortExpr, anyExpr } from "../expressions/expression";
import { typeOf, lookupFunction } from "../expressions/registry";
import { evalConstant as evalWith, defaultEvalContext } from "../expressions/eval";
import { widerTypeOf } from "../expressions/type-utils";
import { newExprId, outputOf, type LogicalPlan, type JoinType } from "../plan/logical-plan";
import {
  buildProject, buildFilter, buildAggregate, buildJoin, buildDistinct, buildSetOp, resolveOrder, dedupRight,
} from "./builders";
import { resolveExpr, resolveNamed, expandStars, outerScopes, autoName, lookupColumn, unresolvedColumn, containsAggRaw } from "./resolve-expr";
import { analysisErrorAt, SourceText } from "./unsupported";
import { bindPivot } from "./pivot";
import { checkSetOpCorrelation, decorrelate, rewriteCorrelated, hasCorrelated, isUnsupportedCorrelation, markCorrelated, markNestedSubqueries, resolveScalarSubqueries } from "./decorrelate";
import { splitConjuncts, andAll } from "../expressions/expression";
import type { AnalysisSession } from "./analysis-session";
import { bindExpr, bindSort, type ExprBindContext } from "./ast-expr";
import { bindGroupBy } from "./group-by";
import { resolveLateralAliases } from "./lateral-alias";

const JOIN_TYPES: Record<A.JoinType, JoinType> = {
  inner: "inner", left: "left", right: "right", full: "full", leftSemi: "left_semi", leftAnti: "left_anti", cross: "cross",
};

const oneRow = (): LogicalPlan => ({ kind: "LocalRelation", output: [], rows: [[]], numPartitions: 1 });


/** A key naming a file relation (format and path). */
export const fileKey = (format: string, path: string) => `${format.toLowerCase()}\u0000${path}`;

export class SqlBinder {
  private ctes: Map<string, LogicalPlan>[] = [];
  private windows: Map<string, A.WindowSpec>[] = [];

  private source?: SourceText;

  /** `text`: the statement's SQL, for errors that point at a line and column. */
  constructor(private readonly session: AnalysisSession, text?: string) {
    if (text !== undefined) this.source = new SourceText(text);
  }

  /** Spark's legacy (incorrect) count handling for correlated scalar subqueries is not modelled. */
  /** A constant expression's value, evaluated as execution would (ANSI mode, session time zone). */
  private evalConstant(e: Expr): unknown {
    const st = this.session.settings();
    return evalWith(e, defaultEvalContext(0, { ansi: st.ansi, timeZone: st.timeZone }));
  }

  private checkLegacyCountBug(): void {
    if (String(this.session.conf.get("spark.sql.optimizer.decorrelateSubqueryLegacyIncorrectCountHandling.enabled") ?? "false").toLowerCase() === "true") {
      throw new AnalysisError("UNSUPPORTED_FEATURE.LEGACY_COUNT_BUG",
        "spark.sql.optimizer.decorrelateSubqueryLegacyIncorrectCountHandling.enabled is not supported: correlated scalar subqueries always use the correct count handling.");
    }
  }

  private exprCx(): ExprBindContext {
    const w = new Map<string, A.WindowSpec>();
    for (const m of this.windows) for (const [k, v] of m) w.set(k, v);
    return { bindSubquery: (q) => this.bindQuery(q), namedWindows: w, source: this.source, conf: (k) => this.session.conf.get(k) as string | undefined };
  }

  private bx(e: A.Expr): Expr {
    return bindExpr(e, this.exprCx());
  }

  bindQuery(q: A.Query): LogicalPlan {
    const scope = new Map<string, LogicalPlan>();
    this.ctes.push(scope);
    this.windows.push(new Map(q.windows.map((w) => [w.name.toLowerCase(), w.spec])));
    try {
      for (const c of q.ctes) {
        if (scope.has(c.name.toLowerCase())) {
          throw new AnalysisError("_LEGACY_ERROR_TEMP_0038", `CTE definition can't have duplicate names: '${c.name}'.`, { parameters: { duplicateNames: `'${c.name}'` } });
        }
        let plan = this.bindQuery(c.query);
        if (c.columns?.length) plan = renameAll(plan, c.columns);
        scope.set(c.name.toLowerCase(), plan);
      }
      const orders = [...q.orderBy, ...q.sortBy];
      let plan = q.body.kind === "select" ? this.bindSelect(q.body, orders) : this.bindBody(q.body);
      if (q.body.kind !== "select" && orders.length) {
        const out = outputOf(plan);
        const sorts = orders.map((o) => resolveOrder(bindSort(o, this.exprCx()), out, { input: out }));
        plan = { kind: "Sort", orders: sorts, global: true, child: plan };
      }
      if (q.limit || q.offset) {
        const num = (e: A.Expr | undefined, what: string) => {
          if (!e) return undefined;
          const v = this.evalConstant(resolveExpr(this.bx(e), { input: [] }));
          if (typeof v !== "number" || v < 0 || !Number.isInteger(v)) throw new AnalysisError("INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE", `The ${what} expression "${String(v)}" is invalid.`);
          return v;
        };
        const limit = num(q.limit, "limit") ?? Number.MAX_SAFE_INTEGER;
        plan = { kind: "Limit", limit, offset: num(q.offset, "offset") ?? 0, child: plan };
      }
      return plan;
    } finally {
      this.ctes.pop();
      this.windows.pop();
    }
  }

  private bindBody(b: A.QueryBody): LogicalPlan {
    switch (b.kind) {
      case "select": return this.bindSelect(b, []);
      case "query": return this.bindQuery(b);
      case "setOp": {
        if (b.intersectsOnRight && String(this.session.conf.get("spark.sql.legacy.setopsPrecedence.enabled") ?? "false").toLowerCase() === "true") {
          return this.bindBody(legacySetOpOrder(b));
        }
        const l = this.bindBody(b.left), r = this.bindBody(b.right);
        const plan = buildSetOp(l, r, b.op, b.all);
        return plan;
      }
      case "values": {
        const plan = this.bindValues(b.rows, b.columnAliases);
        return b.alias ? { kind: "SubqueryAlias", alias: b.alias, child: plan } : plan;
      }
      case "tableBody": return this.bindTable(b.name);
    }
  }

  private bindValues(rows: A.Expr[][], names?: string[]): LogicalPlan {
    const exprs = rows.map((r) => r.map((e) => resolveExpr(this.bx(e), { input: [] })));
    const width = exprs[0]?.length ?? 0;
    if (exprs.some((r) => r.length !== width)) throw new AnalysisError("INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH", "Inline table expected " + width + " columns but found a row with a different number.");
    const types = Array.from({ length: width }, (_, i) => widerTypeOf(exprs.map((r) => typeOf(r[i]!))) ?? { type: "string" } as DataType);
    const values = exprs.map((r) => r.map((e, i) => this.evalConstant({ kind: "cast", child: e, to: types[i]! })));
    const output: Attr[] = types.map((t, i) => ({ kind: "attr", id: newExprId(), name: names?.[i] ?? `col${i + 1}`, dataType: t.type === "null" ? { type: "null" } : t, nullable: values.some((r) => r[i] === null) }));
    return { kind: "LocalRelation", output, rows: values };
  }

  private bindTable(name: string[]): LogicalPlan {
    if (name.length === 1) {
      for (let i = this.ctes.length - 1; i >= 0; i--) {
        const hit = this.ctes[i]!.get(name[0]!.toLowerCase());
        if (hit) return { kind: "SubqueryAlias", alias: name[0]!, child: freshIfOuter(hit) };
      }
    }
    return { kind: "SubqueryAlias", alias: name[name.length - 1]!, child: freshIfOuter(this.session.catalog.get(name)) };
  }

  private bindRelation(r: A.Relation, hints: Set<string>): LogicalPlan {
    let plan: LogicalPlan;
    const tt = (r as { timeTravel?: A.TimeTravel }).timeTravel;
    // Time travel on a file relation, or on a catalog table (its format and location).
    const entry = tt && r.kind === "table" && !(r.name.length === 1 && this.session.catalog.hasView(r.name[0]!)) ? this.session.catalog.tableEntry(r.name) : undefined;
    const target = r.kind === "file" ? { format: r.format, path: r.path, alias: r.alias ?? `${r.format}.\`${r.path}\`` }
      : entry ? { format: entry.format, path: entry.path, alias: (r as { alias?: string }).alias ?? entry.name } : undefined;
    if (tt && target) {
      const tv = "version" in tt ? undefined : this.evalConstant(resolveExpr(this.bx(tt.timestamp), { input: [] }));
      const at = "version" in tt ? { version: Number(tt.version) } : { timestamp: tv instanceof Date ? tv.toISOString() : String(tv) };
      const df = this.session.timeTravelRelation(target.format, target.path, at);
      if (df) {
        let p: LogicalPlan = { kind: "SubqueryAlias", alias: target.alias, child: df.plan };
        const aliases = (r as { columnAliases?: string[] }).columnAliases;
        if (aliases?.length) p = renameAll(p, aliases);
        return p;
      }
    }
    if (tt) {
      const what = r.kind === "table" ? r.name.map((n) => `\`${n}\``).join(".") : r.kind === "file" ? `${r.format}.\`${r.path}\`` : r.kind;
      throw analysisErrorAt(this.source, r.pos, "UNSUPPORTED_FEATURE.TIME_TRAVEL",
        `The feature is not supported: Time travel on the relation: ${what} (${"version" in tt ? "VERSION" : "TIMESTAMP"} AS OF needs a table format with versions, such as Delta; temp views and plain files have none).`,
        { relationId: what });
    }
    switch (r.kind) {
      case "table": plan = this.bindTable(r.name); break;
      case "file": {
        const df = this.session.fileRelation(r.format, r.path);
        plan = { kind: "SubqueryAlias", alias: r.alias ?? `${r.format}.\`${r.path}\``, child: df.plan };
        break;
      }
      case "subquery": plan = this.bindQuery(r.query); break;
      case "valuesRelation": plan = this.bindValues(r.rows); break;
      case "tableFunction": plan = this.bindTableFunction(r); break;
      case "join": {
        const l = this.bindRelation(r.left, hints), rt = this.bindRelation(r.right, hints);
        const on: Expr | string[] | undefined = r.using ? r.using : r.on ? this.bx(r.on) : undefined;
        return buildJoin(l, rt, on, JOIN_TYPES[r.joinType], r.natural, true);
      }
      default:
        throw new AnalysisError("UNSUPPORTED_FEATURE", `Unsupported relation in FROM: ${(r as { kind: string }).kind}.`);
    }
    const rel = r as { alias?: string; columnAliases?: string[]; kind: string; name?: string[]; sample?: A.TableSample };
    if (rel.sample) plan = this.bindSample(plan, rel.sample);
    if (rel.columnAliases?.length) plan = renameAll(plan, rel.columnAliases);
    if (rel.alias) plan = { kind: "SubqueryAlias", alias: rel.alias, child: plan.kind === "SubqueryAlias" ? plan.child : plan };
    const names = [rel.alias, rel.kind === "table" ? rel.name![rel.name!.length - 1] : undefined].filter(Boolean).map((x) => x!.toLowerCase());
    if (names.some((n) => hints.has(n))) plan = { kind: "Hint", name: "broadcast", child: plan };
    return plan;
  }

  /**
   * TABLESAMPLE as Spark runs it: n PERCENT and BUCKET x OUT OF y sample rows without replacement
   * (fraction n/100, x/y; REPEATABLE(seed) fixes the seed), n ROWS keeps the first n rows.
   */
  private bindSample(plan: LogicalPlan, s: A.TableSample): LogicalPlan {
    const seed = s.seed ?? Math.floor(Math.random() * 2 ** 31);
    if (s.kind === "rows") {
      const n = Number(this.evalConstant(resolveExpr(this.bx(s.rows), { input: [] })));
      if (!Number.isInteger(n) || n < 0) throw new AnalysisError("INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE", `The limit like expression TABLESAMPLE (${n} ROWS) is invalid: it must be a non-negative integer.`);
      return { kind: "Limit", limit: n, offset: 0, child: plan };
    }
    const fraction = s.kind === "percent" ? s.percent / 100 : s.numerator / s.denominator;
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new AnalysisError("INVALID_SAMPLING_FRACTION", `Sampling fraction (${fraction}) must be on interval [0, 1] (TABLESAMPLE ${s.kind === "percent" ? `${s.percent} PERCENT` : `BUCKET ${s.numerator} OUT OF ${s.denominator}`}).`);
    }
    return { kind: "Sample", fraction, withReplacement: false, seed, child: plan };
  }

  private bindTableFunction(r: A.TableFunctionRelation): LogicalPlan {
    const name = r.name[r.name.length - 1]!.toLowerCase();
    const args = r.args.map((a) => resolveExpr(this.bx(a), { input: [] }));
    if (name === "range") {
      const vals = args.map((a) => Number(this.evalConstant(a)));
      const [start, end, step, parts] = vals.length === 1 ? [0, vals[0]!, 1, undefined] : [vals[0]!, vals[1]!, vals[2] ?? 1, vals[3]];
      return { kind: "Range", start, end, step, numPartitions: parts, output: [{ kind: "attr", id: newExprId(), name: "id", dataType: { type: "long" }, nullable: false }] };
    }
    const def = lookupFunction(name);
    if (def?.kind === "generator") {
      return buildProject(oneRow(), [{ kind: "fn", name, args: r.args.map((a) => this.bx(a)) }]);
    }
    throw new AnalysisError("UNRESOLVABLE_TABLE_VALUED_FUNCTION", `Could not resolve \`${name}\` to a table-valued function.`);
  }

  private bindSelect(s: A.Select, orderBy: A.SortItem[]): LogicalPlan {
    const windowNames = s.windows.map((w) => w.name.toLowerCase());
    const dupWindow = windowNames.find((n, i) => windowNames.indexOf(n) !== i);
    if (dupWindow) throw new AnalysisError("INVALID_SQL_SYNTAX", `Invalid SQL syntax: The definition of window \`${dupWindow}\` is repetitive.`, { parameters: { inputString: `The definition of window \`${dupWindow}\` is repetitive.` } });
    this.windows.push(new Map(s.windows.map((w) => [w.name.toLowerCase(), w.spec])));
    try {
      const hints = new Set<string>();
      for (const h of s.hints) {
        if (["broadcast", "broadcastjoin", "mapjoin"].includes(h.name.toLowerCase())) {
          for (const a of h.args) if (a.kind === "column") hints.add(a.name[a.name.length - 1]!.toLowerCase());
        }
      }
      let plan = s.from ? this.bindRelation(s.from, hints) : oneRow();
      for (const lv of s.lateralViews) {
        const call: Expr = { kind: "fn", name: lv.fn.name[lv.fn.name.length - 1]!.toLowerCase() + (lv.outer && !lv.fn.name[lv.fn.name.length - 1]!.toLowerCase().endsWith("_outer") ? "_outer" : ""), args: lv.fn.args.map((a) => this.bx(a)) };
        const out = outputOf(plan);
        const gen: Expr = { kind: "alias", child: call, name: lv.columnAliases[0] ?? "col", names: lv.columnAliases.length ? lv.columnAliases : undefined };
        plan = buildProject(plan, [...out, gen]);
        if (lv.tableAlias) {
          const p = plan as LogicalPlan & { kind: "Project" };
          const genOut = outputOf(p).slice(out.length);
          plan = { ...p, exprs: [...out, ...genOut.map((a) => ({ ...a, qualifier: lv.tableAlias }))] };
        }
      }
      if (s.pivot) plan = bindPivot(plan, s.pivot, this.source, (e) => this.bx(e));
      if (s.where) plan = this.bindWhere(plan, s.where);
      // Subqueries in the select list may read this query's columns (correlated scalar subqueries).
      outerScopes.push({ attrs: outputOf(plan), refs: [] });
      let rawItems: Expr[];
      try {
        rawItems = s.items.map((it) => {
          const e = this.bx(it.expr);
          if (it.aliases?.length) return { kind: "alias", child: e, name: it.aliases[0]!, names: it.aliases };
          return it.alias ? { kind: "alias", child: e, name: it.alias } : e;
        });
      } finally {
        outerScopes.pop();
      }
      const lateralItems = resolveLateralAliases(rawItems, outputOf(plan));
      rawItems = lateralItems.items;
      if (rawItems.some(hasCorrelated) && (s.groupBy || s.having || rawItems.some(containsAggRaw))) {
        // Over an aggregate: evaluated per binding of the grouping columns it reads, above the aggregate.
        rawItems = rawItems.map(markCorrelated);
      } else if (rawItems.some(hasCorrelated)) {
        rawItems = expandStars(rawItems, outputOf(plan)).map((item) => {
          if (!hasCorrelated(item)) return item;
          this.checkLegacyCountBug();
          const r = rewriteCorrelated(plan, item);
          plan = r.plan;
          return item.kind === "alias" ? r.expr : { kind: "alias", child: r.expr, name: autoName(item) } as Expr;
        });
      }
      rawItems = rawItems.map(markNestedSubqueries);
      const sorts = orderBy.map((o) => bindSort(o, this.exprCx()));
      // HAVING's subqueries may read the query's grouping columns.
      let having: Expr | undefined;
      if (s.having) {
        outerScopes.push({ attrs: outputOf(plan), refs: [] });
        try { having = markCorrelated(this.bx(s.having)); } finally { outerScopes.pop(); }
      }
      // spark.sql.legacy.parser.havingWithoutGroupByAsWhere: HAVING without GROUP BY or aggregates filters rows.
      if (having && !s.groupBy
        && String(this.session.conf.get("spark.sql.legacy.parser.havingWithoutGroupByAsWhere") ?? "false").toLowerCase() === "true") {
        plan = this.bindWhere(plan, s.having!);
        having = undefined;
      }
      const isAgg = !!s.groupBy || !!having || rawItems.some(containsAggRaw) || sorts.some((o) => containsAggRaw(o.child));
      if (isAgg) {
        let { groupRaw, groupingSets, gsExprs } = s.groupBy
          ? bindGroupBy(s.groupBy, rawItems, outputOf(plan), (x) => this.bx(x), lateralItems.lateral)
          : { groupRaw: [] as Expr[], groupingSets: undefined, gsExprs: [] as Expr[] };
        if (String(this.session.conf.get("spark.sql.groupByAliases") ?? "true").toLowerCase() === "false") {
          // Without groupByAliases a GROUP BY name must be a column of the FROM clause.
          const input = outputOf(plan);
          for (const g of groupRaw) if (g.kind === "col" && !lookupColumn(g.parts, input)) throw unresolvedColumn(g.parts.join("."), input);
        }
        if (groupingSets) {
          // Plain GROUP BY expressions belong to every grouping set.
          const base = groupRaw.map((_, i) => i);
          groupingSets = groupingSets.map((set) => [...base, ...set.map((i) => i + groupRaw.length)]);
          groupRaw = [...groupRaw, ...gsExprs];
        }
        const aggPlan = buildAggregate(plan, groupRaw, rawItems, having, s.distinct ? undefined : sorts, groupingSets);
        if (!s.distinct) return aggPlan;
        const d = buildDistinct(aggPlan);
        return sorts.length ? this.sortOver(d, sorts) : d;
      }
      const projected = buildProject(plan, rawItems);
      if (s.distinct) {
        const d = buildDistinct(projected);
        return sorts.length ? this.sortOver(d, sorts) : d;
      }
      if (!sorts.length) return projected;
      return this.sortProject(plan, projected, rawItems, sorts);
    } finally {
      this.windows.pop();
    }
  }

  private sortOver(plan: LogicalPlan, sorts: SortExpr[]): LogicalPlan {
    const out = outputOf(plan);
    return { kind: "Sort", orders: sorts.map((o) => resolveOrder(o, out, { input: out })), global: true, child: plan };
  }

  /** ORDER BY over a projection: select-list names first, then columns of the FROM clause. */
  private sortProject(input: LogicalPlan, projected: LogicalPlan, rawItems: Expr[], sorts: SortExpr[]): LogicalPlan {
    const out = outputOf(projected);
    try {
      return { kind: "Sort", orders: sorts.map((o) => resolveOrder(o, out, { input: out })), global: true, child: projected };
    } catch (err) {
      if (projected.kind !== "Project" || anyExpr({ kind: "fn", name: "x", args: projected.exprs }, (x) => x.kind === "window")) throw err;
      // Sort below the projection on FROM columns (Spark adds the missing attributes, then drops them).
      const inOut = outputOf(projected.child);
      const aliases = new Map<string, Expr>();
      projected.exprs.forEach((e) => { if (e.kind === "alias") aliases.set(e.name, e.child); });
      const orders = sorts.map((o) => resolveOrder(o, projected.exprs, { input: inOut, aliases }));
      void rawItems; void input;
      return { ...projected, child: { kind: "Sort", orders, global: true, child: projected.child } };
    }
  }

  /**
   * WHERE: top-level IN / EXISTS conjuncts become semi / anti joins (NOT IN a null-aware anti
   * join); IN / EXISTS elsewhere in the condition (under OR, NOT, CASE...) stay expressions and,
   * being uncorrelated, are materialized by a job of their own when the query runs (as scalar
   * subqueries are). Correlated ones there are not supported (a clear error).
   */
  private bindWhere(plan: LogicalPlan, where: A.Expr): LogicalPlan {
    const input = outputOf(plan);
    outerScopes.push({ attrs: input, refs: [] });
    let cond: Expr;
    try {
      cond = this.bx(where);
    } finally {
      outerScopes.pop();
    }
    const conjuncts = splitConjuncts(cond);
    const plain: Expr[] = [];
    let cur = plan;
    for (const c of conjuncts) {
      const neg = c.kind === "fn" && c.name === "not" && c.args[0]!.kind === "subquery" ? (c.args[0] as Expr & { kind: "subquery" }) : undefined;
      const sub = c.kind === "subquery" ? c : neg;
      if (sub && (sub.type === "in" || sub.type === "exists")) {
        const negated = !!neg !== !!sub.negated;
        try {
          cur = this.subqueryJoin(cur, sub, negated);
          continue;
        } catch (err) {
          // Correlation a semi / anti join cannot express: evaluated per outer binding.
          if (!isUnsupportedCorrelation(err)) throw err;
          plain.push(markNestedSubqueries(c));
          continue;
        }
      }
      plain.push(c);
    }
    if (plain.length) {
      // Correlated EXISTS / scalar subqueries become left outer joins; the filter then drops their columns.
      const before = outputOf(cur);
      this.checkLegacyCountBug();
      const r = rewriteCorrelated(cur, andAll(plain)!);
      cur = buildFilter(r.plan, resolveScalarSubqueries(markNestedSubqueries(r.expr)));
      if (r.plan !== plan && r.plan !== cur) cur = { kind: "Project", exprs: before, child: cur };
    }
    return cur;
  }

  private subqueryJoin(plan: LogicalPlan, sub: Expr & { kind: "subquery" }, negated: boolean): LogicalPlan {
    const outer = outputOf(plan);
    const outerIds = new Set(outer.map((a) => a.id));
    checkSetOpCorrelation(sub.plan);
    const { plan: inner, conds } = decorrelate(sub.plan, outerIds, sub.type === "in" && !negated);
    const right = dedupRight(plan, inner);
    const rout = outputOf(right);
    const join: Expr[] = [...conds];
    if (sub.type === "in") {
      const raw = sub.child!;
      // (a, b) IN (SELECT x, y ...): one comparison per column.
      const values = raw.kind === "fn" && raw.name === "struct" && raw.args.length > 1 && rout.length >= raw.args.length
        ? raw.args.map((a) => resolveExpr(a, { input: outer }))
        : [resolveExpr(raw, { input: outer })];
      if (!rout[0]) throw new AnalysisError("INVALID_SUBQUERY_EXPRESSION", "IN subquery returns no columns.");
      // (The subquery's output may carry extra columns decorrelation added after its select list.)
      // NOT IN is null-aware (Spark's rewrite): a row is dropped when some inner row equals it
      // or a comparison is NULL (a NULL value, or a NULL in the subquery's result), column by column.
      const parts: Expr[] = values.map((v, i) => {
        const eq: Expr = { kind: "fn", name: "=", args: [v, rout[i]!] };
        return negated ? { kind: "fn", name: "or", args: [eq, { kind: "fn", name: "isnull", args: [eq] }] } : eq;
      });
      join.unshift(resolveExpr(andAll(parts)!, { input: [...outer, ...rout] }));
    }
    const condition = andAll(join);
    return { kind: "Join", left: plan, right, joinType: negated ? "left_anti" : "left_semi", condition };
  }
}

function renameAll(plan: LogicalPlan, names: string[]): LogicalPlan {
  const out = outputOf(plan);
  if (out.length !== names.length) {
    throw new AnalysisError("ASSIGNMENT_ARITY_MISMATCH", `Number of column aliases does not match number of columns. Number of column aliases: ${names.length}; number of columns: ${out.length}.`);
  }
  return { kind: "Project", exprs: out.map((a, i) => ({ kind: "alias", child: a, name: names[i]!, id: newExprId() }) as Expr), child: plan };
}

export { resolveNamed };

/**
 * Spark before 2.4 (spark.sql.legacy.setopsPrecedence.enabled): every set operator has the same
 * precedence, left to right. `L UNION (I1 INTERSECT I2 ...)` becomes `((L UNION I1) INTERSECT I2) ...`.
 */
function legacySetOpOrder(b: A.SetOperation): A.QueryBody {
  const chain: A.SetOperation[] = [];
  let node = b.right as A.SetOperation;
  for (let i = 0; i < b.intersectsOnRight!; i++) { chain.unshift(node); node = node.left as A.SetOperation; }
  let acc: A.QueryBody = { ...b, right: chain[0]!.left, intersectsOnRight: undefined };
  for (const op of chain) acc = { ...op, left: acc };
  return acc;
}

/**
 * A view or CTE read again inside a subquery of a query over it (FROM t ... WHERE x IN (SELECT ...
 * FROM t t2 WHERE t2.k = t.k)) gets fresh attribute ids, so inner and outer columns stay apart
 * (Spark's DeduplicateRelations).
 */
function freshIfOuter(plan: LogicalPlan): LogicalPlan {
  const outerIds = new Set(outerScopes.flatMap((o) => o.attrs.map((a) => a.id)));
  if (!outerIds.size || !outputOf(plan).some((a) => outerIds.has(a.id))) return plan;
  return { kind: "Project", exprs: outputOf(plan).map((a) => ({ kind: "alias", child: a, name: a.name, id: newExprId() }) as Expr), child: plan };
}

