// DataFrame (PySpark names; actions return Promises): each transformation builds an analyzed
// logical plan eagerly (so a wrong column name fails at the call, as in Spark); actions run the
// plan through the cache manager, subquery evaluation, the optimizer, physical planning and the
// executor on the cluster.

import { AnalysisError, WorkbenchError } from "../../common/errors";
import type { DanfoFrame } from "../datasources/danfo";
import type { RDD } from "../../rdd";
import { StorageLevel } from "../../storage/storage-level";
import { Column, type ColumnOrName, toExpr, toSortExpr, litExpr } from "./column";
import { exprNoAlias, expr as fExpr } from "./functions";
import { type Attr, type Expr, type SortExpr } from "../expressions/expression";
import { typeOf } from "../expressions/registry";
import { javaDoubleToString } from "../text-format";
import { StructType, simpleString, type DataType, isNumeric } from "../types";
import { newExprId, outputOf, type LogicalPlan } from "../plan/logical-plan";
import {
  buildProject, buildFilter, buildAggregate, buildJoin, buildSort, buildDistinct, buildDeduplicate, buildSetOp,
  buildUnionByName, buildWithColumns, buildDrop, renameColumn, rollupSets, cubeSets, type JoinOn,
} from "../analysis/builders";
import { lookupColumn, unresolvedColumn } from "../analysis/resolve-expr";
import { showString, htmlTable, showArgs, type ShowOptions } from "./show";
import type { SqlSession } from "./sql-session";
import { internalToExternal } from "../row-convert";
import { drainRows } from "../execution/operators";
import type { DataFrameWriter } from "./readwriter";
import { Dataset } from "./dataset";

export type Row = Record<string, unknown>;
export type ExplainMode = "simple" | "extended" | "formatted" | "codegen" | "cost" | boolean;
/** PySpark's `ascending=` keyword of orderBy / sort. */
export interface SortOptions { ascending: boolean | boolean[] }

const isSortOptions = (x: unknown): x is SortOptions =>
  x !== null && typeof x === "object" && !Array.isArray(x) && !(x instanceof Column) && "ascending" in (x as object);

function sortOrders(args: (ColumnOrName | ColumnOrName[] | SortOptions)[]): SortExpr[] {
  const last = args[args.length - 1];
  const opts = isSortOptions(last) ? last : undefined;
  const cols = flat((opts ? args.slice(0, -1) : args) as (ColumnOrName | ColumnOrName[])[]);
  if (!opts) return cols.map((c) => toSortExpr(c));
  const asc = opts.ascending;
  if (Array.isArray(asc) && asc.length !== cols.length) {
    throw new AnalysisError("INVALID_PARAMETER_VALUE", `ascending has ${asc.length} values for ${cols.length} sort columns.`);
  }
  return cols.map((c, i) => {
    const a = Array.isArray(asc) ? asc[i]! : asc;
    const o = toSortExpr(c);
    // PySpark: ascending=False turns each column descending (nulls last), like F.desc.
    return a ? o : { ...o, ascending: !o.ascending, nullsFirst: !o.nullsFirst };
  });
}

const isCol = (x: unknown): x is Column => x instanceof Column;

/** PySpark's check: withColumn(name, col) needs a Column (F.lit(5), not 5). */
function columnArg(c: unknown, arg: string): Expr {
  if (c instanceof Column) return c.expr;
  const got = c === null ? "null" : Array.isArray(c) ? "array" : typeof c;
  throw new AnalysisError("NOT_COLUMN", `Argument \`${arg}\` should be a Column, got ${got}. Wrap a value with F.lit(...).`, { parameters: { arg_name: arg, arg_type: got } });
}

function flat<T>(xs: (T | T[])[]): T[] {
  return xs.length === 1 && Array.isArray(xs[0]) ? (xs[0] as T[]) : (xs as T[]);
}

export class DataFrame {
  /** @internal */ _cachedLevel?: StorageLevel;

  constructor(readonly sparkSession: SqlSession, readonly plan: LogicalPlan) {}

  private wrap(plan: LogicalPlan): DataFrame {
    return new DataFrame(this.sparkSession, plan);
  }

  // ---- schema ------------------------------------------------------------------------------------

  get output(): Attr[] { return outputOf(this.plan); }
  /** The schema (on a remote session, the server's analysis of the plan). */
  get schema(): StructType { return this.sparkSession.schemaOf(this.plan); }
  get columns(): string[] { return this.output.map((a) => a.name); }
  get dtypes(): [string, string][] { return this.schema.fields.map((f) => [f.name, simpleString(f.dataType)]); }
  /** printSchema(level?): PySpark's tree; `level` limits how many nested levels are shown. */
  printSchema(level?: number): void { console.log(this.schema.treeString(level)); }
  /** The tree printSchema() prints. */
  schemaString(level?: number): string { return this.schema.treeString(level); }

  /** A column of this DataFrame, bound to it (df.col("a") is PySpark's df.a / df["a"]). */
  col(name: string): Column {
    if (name === "*") return new Column({ kind: "star" });
    const hit = lookupColumn(name.split("."), this.output);
    if (!hit) throw unresolvedColumn(name, this.output);
    let e: Expr = hit.attr;
    for (const f of hit.rest) e = { kind: "fn", name: "getfield", args: [e, { kind: "lit", value: f, dataType: { type: "string" } }] };
    return new Column(e);
  }
  get(name: string): Column { return this.col(name); }
  getItem(name: string): Column { return this.col(name); }

  // ---- transformations ---------------------------------------------------------------------------

  select(...cols: (ColumnOrName | ColumnOrName[])[]): DataFrame {
    return this.wrap(buildProject(this.plan, flat(cols).map(toExpr)));
  }
  selectExpr(...exprs: (string | string[])[]): DataFrame {
    return this.wrap(buildProject(this.plan, flat(exprs).map((s) => fExpr(s).expr)));
  }
  filter(condition: Column | string): DataFrame {
    const e = typeof condition === "string" ? exprNoAlias(condition) : condition.expr;
    return this.wrap(buildFilter(this.plan, e));
  }
  where(condition: Column | string): DataFrame { return this.filter(condition); }

  withColumn(name: string, c: Column): DataFrame { return this.wrap(buildWithColumns(this.plan, [[name, columnArg(c, "col")]])); }
  withColumns(map: Record<string, Column>): DataFrame {
    return this.wrap(buildWithColumns(this.plan, Object.entries(map).map(([k, v]) => [k, columnArg(v, `colsMap["${k}"]`)])));
  }
  withColumnRenamed(existing: string, newName: string): DataFrame { return this.wrap(renameColumn(this.plan, existing, newName)); }
  withColumnsRenamed(map: Record<string, string>): DataFrame {
    let p = this.plan;
    for (const [a, b] of Object.entries(map)) p = renameColumn(p, a, b);
    return this.wrap(p);
  }
  drop(...cols: (ColumnOrName | ColumnOrName[])[]): DataFrame {
    return this.wrap(buildDrop(this.plan, flat(cols).map((c) => (isCol(c) ? c.expr : c))));
  }
  toDF(...names: (string | string[])[]): DataFrame {
    const ns = flat(names);
    const out = this.output;
    if (ns.length !== out.length) {
      throw new AnalysisError("UNRESOLVED_COLUMN", `Number of column names (${ns.length}) does not match the number of columns (${out.length}).`);
    }
    return this.wrap({ kind: "Project", exprs: out.map((a, i) => ({ kind: "alias", child: a, name: ns[i]!, id: newExprId() }) as Expr), child: this.plan });
  }
  alias(name: string): DataFrame { return this.wrap({ kind: "SubqueryAlias", alias: name, child: this.plan }); }
  /** df.as("t") aliases like alias(); df.as<T>() gives a typed Dataset<T>. */
  as(name: string): DataFrame;
  as<T extends Row>(): Dataset<T>;
  as<T extends Row>(name?: string): DataFrame | Dataset<T> { return name === undefined ? new Dataset<T>(this) : this.alias(name); }
  hint(name: string, ..._params: unknown[]): DataFrame { return this.wrap({ kind: "Hint", name, child: this.plan }); }

  groupBy(...cols: (ColumnOrName | ColumnOrName[])[]): GroupedData { return new GroupedData(this, flat(cols).map(toExpr)); }
  groupby(...cols: (ColumnOrName | ColumnOrName[])[]): GroupedData { return this.groupBy(...cols); }
  /** Subtotals for every prefix of the columns plus a grand total (GROUP BY ROLLUP). */
  rollup(...cols: (ColumnOrName | ColumnOrName[])[]): GroupedData { const k = flat(cols); return new GroupedData(this, k.map(toExpr), rollupSets(k.length)); }
  /** Subtotals for every combination of the columns (GROUP BY CUBE). */
  cube(...cols: (ColumnOrName | ColumnOrName[])[]): GroupedData { const k = flat(cols); return new GroupedData(this, k.map(toExpr), cubeSets(k.length)); }
  agg(...exprs: (Column | Column[] | Record<string, string>)[]): DataFrame { return this.groupBy().agg(...exprs); }

  /** join(other, on, how): `on` a column name, a list of names, a Column condition or a list of Columns (AND-ed). */
  join(other: DataFrame, on?: string | string[] | Column | Column[], how = "inner"): DataFrame {
    let o: JoinOn;
    if (on === undefined) o = undefined;
    else if (isCol(on)) o = on.expr;
    else if (Array.isArray(on) && on.length && (on as unknown[]).every(isCol)) {
      o = (on as Column[]).map((c) => c.expr).reduce((a, b) => ({ kind: "fn", name: "and", args: [a, b] }));
    } else o = on as string | string[];
    return this.wrap(buildJoin(this.plan, other.plan, o, on === undefined && how === "inner" ? "cross" : how));
  }
  crossJoin(other: DataFrame): DataFrame { return this.wrap(buildJoin(this.plan, other.plan, undefined, "cross")); }

  /**
   * orderBy("a", F.desc("b")), orderBy(["a", "b"]), and PySpark's `ascending` keyword as a last
   * argument: orderBy("a", "b", { ascending: false }) or { ascending: [true, false] }.
   */
  orderBy(...cols: (ColumnOrName | ColumnOrName[] | SortOptions)[]): DataFrame {
    return this.wrap(buildSort(this.plan, sortOrders(cols)));
  }
  sort(...cols: (ColumnOrName | ColumnOrName[] | SortOptions)[]): DataFrame { return this.orderBy(...cols); }
  sortWithinPartitions(...cols: (ColumnOrName | ColumnOrName[] | SortOptions)[]): DataFrame {
    return this.wrap(buildSort(this.plan, sortOrders(cols), false));
  }
  limit(n: number): DataFrame { return this.wrap({ kind: "Limit", limit: n, offset: 0, child: this.plan }); }
  offset(n: number): DataFrame { return this.wrap({ kind: "Limit", limit: Number.MAX_SAFE_INTEGER, offset: n, child: this.plan }); }
  distinct(): DataFrame { return this.wrap(buildDistinct(this.plan)); }
  /** dropDuplicates(), dropDuplicates(["a", "b"]) or (PySpark 4) dropDuplicates("a", "b"). */
  dropDuplicates(...subset: (string | string[])[]): DataFrame {
    const cols = subset.length ? subset.flat() : undefined;
    return this.wrap(buildDeduplicate(this.plan, cols));
  }
  drop_duplicates(...subset: (string | string[])[]): DataFrame { return this.dropDuplicates(...subset); }
  union(other: DataFrame): DataFrame { return this.wrap(buildSetOp(this.plan, other.plan, "union", true)); }
  unionAll(other: DataFrame): DataFrame { return this.union(other); }
  unionByName(other: DataFrame, allowMissingColumns = false): DataFrame { return this.wrap(buildUnionByName(this.plan, other.plan, allowMissingColumns)); }
  intersect(other: DataFrame): DataFrame { return this.wrap(buildSetOp(this.plan, other.plan, "intersect", false)); }
  intersectAll(other: DataFrame): DataFrame { return this.wrap(buildSetOp(this.plan, other.plan, "intersect", true)); }
  subtract(other: DataFrame): DataFrame { return this.wrap(buildSetOp(this.plan, other.plan, "except", false)); }
  exceptAll(other: DataFrame): DataFrame { return this.wrap(buildSetOp(this.plan, other.plan, "except", true)); }
  repartition(numPartitions: number | ColumnOrName, ...cols: ColumnOrName[]): DataFrame {
    if (typeof numPartitions !== "number") return this.wrap({ kind: "Repartition", numPartitions: this.sparkSession.settings().shufflePartitions, shuffle: true, exprs: [numPartitions, ...cols].map((c) => this.resolveOne(c)), child: this.plan });
    return this.wrap({ kind: "Repartition", numPartitions, shuffle: true, exprs: cols.map((c) => this.resolveOne(c)), child: this.plan });
  }
  coalesce(numPartitions: number): DataFrame { return this.wrap({ kind: "Repartition", numPartitions, shuffle: false, exprs: [], child: this.plan }); }
  sample(fraction: number, seed?: number): DataFrame;
  sample(withReplacement: boolean, fraction: number, seed?: number): DataFrame;
  sample(a: number | boolean, b?: number, c?: number): DataFrame {
    const [withReplacement, fraction, seed] = typeof a === "boolean" ? [a, b!, c] : [false, a, b];
    return this.wrap({ kind: "Sample", fraction, withReplacement, seed: seed ?? Math.floor(Math.random() * 2 ** 31), child: this.plan });
  }

  /** Split rows randomly by weights (deterministic for a seed, like Spark's randomSplit). */
  randomSplit(weights: number[], seed?: number): DataFrame[] {
    const total = weights.reduce((a, b) => a + b, 0);
    if (!(total > 0) || weights.some((w) => w < 0)) throw new AnalysisError("INVALID_PARAMETER_VALUE", "Weights must be nonnegative with a positive sum.");
    const s = seed ?? Math.floor(Math.random() * 2 ** 31);
    const withRand = this.withColumn("__rand", new Column({ kind: "fn", name: "rand", args: [litExpr(s)] }));
    let acc = 0;
    return weights.map((w) => {
      const lo = acc / total, hi = (acc += w) / total;
      const cond = new Column({ kind: "fn", name: "and", args: [
        { kind: "fn", name: ">=", args: [{ kind: "col", parts: ["__rand"] }, litExpr(lo)] },
        { kind: "fn", name: "<", args: [{ kind: "col", parts: ["__rand"] }, litExpr(hi)] },
      ] });
      return withRand.filter(cond).drop("__rand");
    });
  }

  private resolveOne(c: ColumnOrName): Expr {
    const p = buildProject(this.plan, [toExpr(c)]);
    const e = (p as { exprs: Expr[] }).exprs[0]!;
    return e.kind === "alias" ? e.child : e;
  }

  get na(): DataFrameNaFunctions { return new DataFrameNaFunctions(this); }
  fillna(value: unknown, subset?: string | string[]): DataFrame { return this.na.fill(value, subset); }
  dropna(how: "any" | "all" = "any", thresh?: number, subset?: string | string[]): DataFrame { return this.na.drop(how, thresh, subset); }
  replace(toReplace: unknown, value: unknown, subset?: string | string[]): DataFrame { return this.na.replace(toReplace, value, subset); }

  /** count, mean, stddev, min, max of numeric and string columns (as strings, like Spark). */
  describe(...cols: (string | string[])[]): DataFrame {
    const names = flat(cols);
    const targets = this.output.filter((a) => (names.length ? names.some((n) => n.toLowerCase() === a.name.toLowerCase()) : isNumeric(a.dataType) || a.dataType.type === "string"));
    const stats = ["count", "mean", "stddev", "min", "max"];
    const aggs: Expr[] = [];
    for (const a of targets) {
      for (const s of stats) {
        const fnName = s === "mean" ? "avg" : s === "stddev" ? "stddev_samp" : s;
        const arg: Expr = (s === "mean" || s === "stddev") && !isNumeric(a.dataType) ? { kind: "cast", child: a, to: { type: "double" } } : a;
        aggs.push({ kind: "alias", child: { kind: "cast", child: { kind: "fn", name: fnName, args: [arg] }, to: { type: "string" } }, name: `${s}_${a.name}` });
      }
    }
    const agg = buildAggregate(this.plan, [], aggs);
    const statsDf = this.wrap(agg);
    return new DescribeFrame(this.sparkSession, statsDf, targets.map((a) => a.name), stats);
  }
  /**
   * summary(...statistics): PySpark's default is count, mean, stddev, min, 25%, 50%, 75%, max
   * (percentiles approximate, as Spark's percentile_approx: an actual value of the column, null
   * for strings); any of count, mean, stddev, min, max, count_distinct and "NN%" may be asked for.
   */
  summary(...statistics: (string | string[])[]): DataFrame {
    const stats = flat(statistics).length ? flat(statistics) : ["count", "mean", "stddev", "min", "25%", "50%", "75%", "max"];
    const targets = this.output.filter((a) => isNumeric(a.dataType) || a.dataType.type === "string");
    const aggs: Expr[] = [];
    for (const a of targets) {
      for (const st of stats) {
        const pct = /^(\d+(?:\.\d+)?)%$/.exec(st);
        let agg: Expr;
        if (pct) {
          agg = isNumeric(a.dataType) ? { kind: "cast", child: { kind: "fn", name: "percentile_approx", args: [a, litExpr(Number(pct[1]) / 100)] }, to: a.dataType } : litExpr(null);
        } else if (st === "count_distinct") agg = { kind: "fn", name: "count", args: [a], distinct: true };
        else if (st === "approx_count_distinct") agg = { kind: "fn", name: "approx_count_distinct", args: [a] };
        else if (["count", "mean", "stddev", "min", "max"].includes(st)) {
          const fnName = st === "mean" ? "avg" : st === "stddev" ? "stddev_samp" : st;
          const arg: Expr = (st === "mean" || st === "stddev") && !isNumeric(a.dataType) ? { kind: "cast", child: a, to: { type: "double" } } : a;
          agg = { kind: "fn", name: fnName, args: [arg] };
        } else {
          throw new AnalysisError("SUMMARY_STATISTIC_NOT_SUPPORTED", `${st} is not a recognised statistic.`);
        }
        aggs.push({ kind: "alias", child: { kind: "cast", child: agg, to: { type: "string" } }, name: `${st}_${a.name}` });
      }
    }
    return new DescribeFrame(this.sparkSession, this.wrap(buildAggregate(this.plan, [], aggs)), targets.map((a) => a.name), stats);
  }

  // ---- caching, temp views ----------------------------------------------------------------------

  cache(): DataFrame { this.sparkSession.persistPlan(this.plan); return this; }
  persist(level?: StorageLevel): DataFrame { this.sparkSession.persistPlan(this.plan, level); return this; }
  unpersist(blocking = false): DataFrame { this.sparkSession.unpersistPlan(this.plan, blocking); return this; }
  get is_cached(): boolean { return this.sparkSession.storageLevelOf(this.plan) !== undefined; }
  /** PySpark's df.storageLevel: NONE unless cached; cache() and persist() keep deserialized rows, memory and disk, as in Spark. */
  get storageLevel(): StorageLevel { return this.sparkSession.storageLevelOf(this.plan) ?? StorageLevel.NONE; }
  createOrReplaceTempView(name: string): void { this.sparkSession.createTempView(name, this.plan, true); }
  createTempView(name: string): void { this.sparkSession.createTempView(name, this.plan, false); }
  createOrReplaceGlobalTempView(name: string): void { this.sparkSession.createTempView(name, this.plan, true, true); }
  createGlobalTempView(name: string): void { this.sparkSession.createTempView(name, this.plan, false, true); }
  registerTempTable(name: string): void { this.createOrReplaceTempView(name); }

  // ---- plans ---------------------------------------------------------------------------------------

  /** explain() text: mode simple (physical plan), extended (all plans), formatted, or true = extended. */
  explainString(mode: ExplainMode = "simple"): string {
    return this.sparkSession.explainPlan(this.plan, mode === true ? "extended" : mode === false ? "simple" : mode);
  }
  explain(mode: ExplainMode = "simple"): void { console.log(this.explainString(mode)); }

  // ---- actions -------------------------------------------------------------------------------------

  /** The rows as an RDD of internal arrays (one job-free planning pass; Promise because file scans plan splits). */
  async toInternalRdd(): Promise<RDD<unknown[]>> { return this.sparkSession.executePlan(this.plan); }

  /**
   * df.rdd: a lazy RDD of row objects, as in PySpark. Nothing runs at access: the query is planned
   * (with any jobs planning needs) when the first action over the RDD is submitted.
   */
  get rdd(): RDD<Row> {
    // The same RDD on every access, as PySpark's df.rdd (so df.rdd.cache() then df.rdd.count() reuse it).
    return (this.lazyRdd ??= this.sparkSession.rowRdd(this.plan));
  }
  private lazyRdd?: RDD<Row>;

  /**
   * The rows as internal arrays, in one job named after the DataFrame action that asked ("count at
   * <cell 3>:2", as Spark names a Dataset's jobs), the call site taken before planning awaits.
   */
  async collectInternal(op = "collect"): Promise<unknown[][]> {
    return this.sparkSession.collectPlan(this.plan, op);
  }

  async collect(): Promise<Row[]> {
    const names = this.columns, types = this.output.map((a) => a.dataType);
    return (await this.collectInternal()).map((r) => internalToExternal(names, types, r));
  }
  toArray(): Promise<Row[]> { return this.collect(); }

  async count(): Promise<number> {
    const p = buildAggregate(this.plan, [], [{ kind: "alias", child: { kind: "fn", name: "count", args: [] }, name: "count" }]);
    const rows = await new DataFrame(this.sparkSession, p).collectInternal("count");
    return Number(rows[0]![0]);
  }

  async take(n: number): Promise<Row[]> { return this.limit(n).collect(); }
  async head(): Promise<Row | null>;
  async head(n: number): Promise<Row[]>;
  async head(n?: number): Promise<Row | Row[] | null> {
    if (n === undefined) return (await this.take(1))[0] ?? null;
    return this.take(n);
  }
  async first(): Promise<Row | null> { return this.head(); }
  async tail(n: number): Promise<Row[]> { const all = await this.collect(); return all.slice(Math.max(0, all.length - n)); }
  async isEmpty(): Promise<boolean> { return (await this.take(1)).length === 0; }

  /** Rows partition by partition: one job per partition (as in Spark), so the driver holds one partition at a time. */
  async *toLocalIterator(): AsyncGenerator<Row> {
    const names = this.columns, types = this.output.map((a) => a.dataType);
    if (this.sparkSession.isRemote) {
      for (const r of await this.collectInternal("toLocalIterator")) yield internalToExternal(names, types, r);
      return;
    }
    const rdd = await this.toInternalRdd();
    const run = (rdd as unknown as { runJob?: (f: (it: IterableIterator<unknown[]>) => unknown[][], parts?: number[]) => Promise<unknown[][][]> }).runJob;
    if (typeof run !== "function") {
      for (const r of await rdd.collect()) yield internalToExternal(names, types, r);
      return;
    }
    for (let i = 0; i < rdd.getNumPartitions(); i++) {
      const [part] = await run.call(rdd, (it) => drainRows(it), [i]);
      for (const r of part ?? []) yield internalToExternal(names, types, r);
    }
  }

  /**
   * show()'s text. As PySpark: n must be an int (a boolean n is NOT_INT: use show(20, false) or
   * show({ truncate: false })), truncate a boolean or an int; PySpark's keyword arguments may come
   * as an object in place of n.
   */
  async showString(n: number | ShowOptions = 20, truncate: number | boolean = true, vertical = false): Promise<string> {
    const o = showArgs(n, truncate, vertical);
    const rows = await this.limit(o.n + 1).collectInternal("show");
    return showString(this.columns, this.output.map((a) => a.dataType), rows, o.n, o.truncate, o.vertical, rows.length > o.n, this.sparkSession.settings().timeZone);
  }
  async show(n: number | ShowOptions = 20, truncate: number | boolean = true, vertical = false): Promise<void> {
    console.log((await this.showString(n, truncate, vertical)).replace(/\n$/, ""));
  }

  /** The rows as a danfojs DataFrame (loaded lazily; it is heavy). */
  async toDanfo(): Promise<DanfoFrame> {
    const { toDanfo } = await import("../datasources/danfo");
    return toDanfo(this.schema, await this.collect());
  }
  async foreach(f: (row: Row) => void): Promise<void> { for (const r of await this.collect()) f(r); }

  /** Rich display for notebooks: HTML table with the schema and "showing N of M rows". */
  async _repr_mimebundle_(): Promise<Record<string, unknown>> {
    const n = 20;
    const [rows, total] = await Promise.all([this.limit(n).collectInternal(), this.count()]);
    const names = this.columns, types = this.output.map((a) => a.dataType), tz = this.sparkSession.settings().timeZone;
    return {
      "text/plain": showString(names, types, rows, n, true, false, total > rows.length, tz),
      "text/html": htmlTable(names, types, rows, total, tz),
    };
  }

  get write(): DataFrameWriter { return this.sparkSession.writerFor(this); }

  toString(): string {
    return `DataFrame[${this.dtypes.map(([n, t]) => `${n}: ${t}`).join(", ")}]`;
  }
}

/** describe(): one row per statistic, computed in one aggregate job and pivoted on the driver. */
class DescribeFrame extends DataFrame {
  constructor(session: SqlSession, private readonly stats: DataFrame, private readonly names: string[], private readonly statNames: string[]) {
    super(session, buildProject(stats.plan, [
      { kind: "alias", child: litExpr("summary"), name: "summary" },
      ...names.map((n) => ({ kind: "alias", child: litExpr(""), name: n }) as Expr),
    ]));
  }
  private async pivot(): Promise<DataFrame> {
    const row = (await this.stats.collectInternal())[0] ?? [];
    const rows = this.statNames.map((s, si) => [s, ...this.names.map((_, ci) => {
      const v = row[ci * this.statNames.length + si];
      if (v === null || v === undefined) return null;
      return s === "count" || s === "count_distinct" ? String(v) : reformatNumber(String(v));
    })]);
    return this.sparkSession.createDataFrame(rows, new StructType([{ name: "summary", dataType: { type: "string" }, nullable: true }, ...this.names.map((n) => ({ name: n, dataType: { type: "string" } as DataType, nullable: true }))]));
  }
  override async collectInternal(op = "collect"): Promise<unknown[][]> { return (await this.pivot()).collectInternal(op); }
  override async collect(): Promise<Row[]> { return (await this.pivot()).collect(); }
  override async showString(n: number | ShowOptions = 20, truncate: number | boolean = true, vertical = false): Promise<string> { return (await this.pivot()).showString(n, truncate, vertical); }
  override async count(): Promise<number> { return this.statNames.length; }
}

function reformatNumber(s: string): string {
  const n = Number(s);
  return Number.isFinite(n) && s.includes("E") ? javaDoubleToString(n) : s;
}

// ---- groupBy ----------------------------------------------------------------------------------------

export class GroupedData {
  constructor(private readonly df: DataFrame, private readonly keys: Expr[], private readonly sets?: number[][]) {}

  agg(...exprs: (Column | Column[] | Record<string, string>)[]): DataFrame {
    const list: Expr[] = [];
    for (const x of exprs) {
      if (x instanceof Column) list.push(x.expr);
      else if (Array.isArray(x)) list.push(...x.map((c) => c.expr));
      else for (const [colName, fnName] of Object.entries(x)) list.push({ kind: "fn", name: fnName === "mean" ? "avg" : fnName, args: [colName === "*" ? { kind: "star" } : toExpr(colName)] });
    }
    return new DataFrame(this.df.sparkSession, buildAggregate(this.df.plan, this.keys, [...this.keys.map(keyItem), ...list], undefined, undefined, this.sets));
  }
  count(): DataFrame {
    return this.aggOf([{ kind: "alias", child: { kind: "fn", name: "count", args: [] }, name: "count" }]);
  }
  private numericAgg(fn: string, cols: string[]): DataFrame {
    const targets = cols.length ? cols : this.df.output.filter((a) => isNumeric(a.dataType)).map((a) => a.name);
    return this.aggOf(targets.map((c) => ({ kind: "fn", name: fn, args: [toExpr(c)] }) as Expr));
  }
  sum(...cols: string[]): DataFrame { return this.numericAgg("sum", cols); }
  avg(...cols: string[]): DataFrame { return this.numericAgg("avg", cols); }
  mean(...cols: string[]): DataFrame { return this.numericAgg("avg", cols); }
  min(...cols: string[]): DataFrame { return this.numericAgg("min", cols); }
  max(...cols: string[]): DataFrame { return this.numericAgg("max", cols); }
  private aggOf(list: Expr[]): DataFrame {
    return new DataFrame(this.df.sparkSession, buildAggregate(this.df.plan, this.keys, [...this.keys.map(keyItem), ...list], undefined, undefined, this.sets));
  }
  /**
   * Pivot: one column per value. With the values given, the aggregations return a DataFrame at
   * once (as in PySpark); without them the distinct values are found with a job first (Spark
   * runs that job eagerly inside pivot()), so the aggregations return a Promise<DataFrame>.
   */
  pivot(pivotCol: string, values: unknown[]): PivotedData;
  pivot(pivotCol: string): PivotedDataAsync;
  pivot(pivotCol: string, values?: unknown[]): PivotedData | PivotedDataAsync {
    return values ? new PivotedData(this.df, this.keys, pivotCol, values) : new PivotedDataAsync(this.df, this.keys, pivotCol);
  }
}

// A grouping expression in the output keeps its own name (window(...) keeps "window").
function keyItem(k: Expr): Expr {
  return k;
}

export class PivotedData {
  constructor(private readonly df: DataFrame, private readonly keys: Expr[], private readonly pivotCol: string, private readonly values: unknown[]) {}
  agg(...exprs: Column[]): DataFrame {
    const items: Expr[] = [...this.keys];
    for (const v of this.values) {
      for (const e of exprs) {
        const inner = e.expr.kind === "alias" ? e.expr.child : e.expr;
        if (inner.kind !== "fn") throw new WorkbenchError("UNSUPPORTED_FEATURE", "pivot aggregates must be aggregate function calls");
        const args = inner.args.map((a) => ({ kind: "fn", name: "if", args: [{ kind: "fn", name: "=", args: [toExpr(this.pivotCol), litExpr(v)] }, a, litExpr(null)] }) as Expr);
        const name = exprs.length === 1 ? String(v) : `${String(v)}_${e.expr.kind === "alias" ? e.expr.name : inner.name}`;
        items.push({ kind: "alias", child: { ...inner, args: inner.name === "count" && args.length === 0 ? [{ kind: "fn", name: "if", args: [{ kind: "fn", name: "=", args: [toExpr(this.pivotCol), litExpr(v)] }, litExpr(1), litExpr(null)] }] : args }, name });
      }
    }
    return new DataFrame(this.df.sparkSession, buildAggregate(this.df.plan, this.keys, items));
  }
  private simple(fn: string, cols: string[]): DataFrame { return this.agg(...cols.map((c) => new Column({ kind: "fn", name: fn, args: [toExpr(c)] }))); }
  sum(...cols: string[]): DataFrame { return this.simple("sum", cols); }
  avg(...cols: string[]): DataFrame { return this.simple("avg", cols); }
  mean(...cols: string[]): DataFrame { return this.simple("avg", cols); }
  min(...cols: string[]): DataFrame { return this.simple("min", cols); }
  max(...cols: string[]): DataFrame { return this.simple("max", cols); }
  count(): DataFrame { return this.agg(new Column({ kind: "fn", name: "count", args: [] })); }
}

/** groupBy(...).pivot(col) without values: the distinct values come from a job, so results are Promises. */
export class PivotedDataAsync {
  constructor(private readonly df: DataFrame, private readonly keys: Expr[], private readonly pivotCol: string) {}
  private async withValues(): Promise<PivotedData> {
    const rows = await this.df.select(this.pivotCol).distinct().orderBy(this.pivotCol).collectInternal();
    return new PivotedData(this.df, this.keys, this.pivotCol, rows.map((r) => r[0]).filter((v) => v !== null));
  }
  async agg(...exprs: Column[]): Promise<DataFrame> { return (await this.withValues()).agg(...exprs); }
  async sum(...cols: string[]): Promise<DataFrame> { return (await this.withValues()).sum(...cols); }
  async avg(...cols: string[]): Promise<DataFrame> { return (await this.withValues()).avg(...cols); }
  async mean(...cols: string[]): Promise<DataFrame> { return (await this.withValues()).mean(...cols); }
  async min(...cols: string[]): Promise<DataFrame> { return (await this.withValues()).min(...cols); }
  async max(...cols: string[]): Promise<DataFrame> { return (await this.withValues()).max(...cols); }
  async count(): Promise<DataFrame> { return (await this.withValues()).count(); }
}

// ---- na functions -----------------------------------------------------------------------------------

export class DataFrameNaFunctions {
  constructor(private readonly df: DataFrame) {}

  /** Replace nulls: a value for every column of a compatible type, or a map column -> value. */
  fill(value: unknown, subset0?: string | string[]): DataFrame {
    const subset = typeof subset0 === "string" ? [subset0] : subset0;
    const out = this.df.output;
    const map: Record<string, unknown> = value !== null && typeof value === "object" && !(value instanceof Date) ? (value as Record<string, unknown>) : {};
    const items: Expr[] = out.map((a) => {
      let v: unknown;
      if (Object.keys(map).length) {
        const k = Object.keys(map).find((x) => x.toLowerCase() === a.name.toLowerCase());
        if (k === undefined) return a;
        v = map[k];
      } else {
        if (subset && !subset.some((s) => s.toLowerCase() === a.name.toLowerCase())) return a;
        v = value;
        const t = a.dataType;
        const ok = (typeof v === "number" && isNumeric(t)) || (typeof v === "string" && t.type === "string") || (typeof v === "boolean" && t.type === "boolean");
        if (!ok) return a;
      }
      const lit = litExpr(v);
      const fillV: Expr = typeof v === "number" && isNumeric(a.dataType) ? { kind: "cast", child: lit, to: a.dataType } : lit;
      return { kind: "alias", child: { kind: "fn", name: "coalesce", args: [a, fillV] }, name: a.name } as Expr;
    });
    return new DataFrame(this.df.sparkSession, buildProject(this.df.plan, items));
  }

  /** Drop rows with nulls: how "any" | "all", or keep rows with at least `thresh` non-nulls. */
  drop(how: "any" | "all" = "any", thresh?: number, subset0?: string | string[]): DataFrame {
    if (how !== "any" && how !== "all") throw new AnalysisError("INVALID_PARAMETER_VALUE", `how ('${String(how)}') should be 'any' or 'all'.`);
    const subset = typeof subset0 === "string" ? [subset0] : subset0;
    const cols = this.df.output.filter((a) => !subset || subset.some((s) => s.toLowerCase() === a.name.toLowerCase()));
    const nonNull = (a: Attr): Expr => ({ kind: "fn", name: "isnotnull", args: [a] });
    let cond: Expr;
    if (thresh !== undefined) {
      const countExpr = cols.map((a) => ({ kind: "fn", name: "if", args: [nonNull(a), litExpr(1), litExpr(0)] }) as Expr)
        .reduce((x, y) => ({ kind: "fn", name: "+", args: [x, y] }));
      cond = { kind: "fn", name: ">=", args: [countExpr, litExpr(thresh)] };
    } else {
      const op = how === "all" ? "or" : "and";
      cond = cols.map(nonNull).reduce((x, y) => ({ kind: "fn", name: op, args: [x, y] }));
    }
    return this.df.filter(new Column(cond));
  }

  replace(toReplace: unknown, value: unknown, subset0?: string | string[]): DataFrame {
    const subset = typeof subset0 === "string" ? [subset0] : subset0;
    const items: Expr[] = this.df.output.map((a) => {
      if (subset && !subset.some((s) => s.toLowerCase() === a.name.toLowerCase())) return a;
      if (typeof toReplace !== (a.dataType.type === "string" ? "string" : "number")) return a;
      return { kind: "alias", child: { kind: "case", branches: [{ when: { kind: "fn", name: "=", args: [a, litExpr(toReplace)] }, then: { kind: "cast", child: litExpr(value), to: a.dataType } }], otherwise: a }, name: a.name } as Expr;
    });
    return new DataFrame(this.df.sparkSession, buildProject(this.df.plan, items));
  }
}

export { typeOf, toSortExpr };
export type { ShowOptions };
export type { SortExpr };
