// pyspark.sql.functions for TypeScript, exported as `F` and by name: column arguments take a
// Column or a column name; "value" arguments (patterns, formats, counts) take plain values, as in
// PySpark. Also Window / WindowSpec and the broadcast() hint.

import { parseExpression, parseNamedExpression } from "../parser";
import { Column, type ColumnOrName, toExpr, valueExpr, litExpr, toSortExpr, parseTypeArg } from "./column";
import { serializeFunction } from "../../common/closure";
import type { DataType } from "../types";
import type { Expr, FrameBound, SortExpr, WindowSpecData } from "../expressions/expression";
import { bindExpr } from "../analysis/ast-expr";
import { AnalysisError } from "../../common/errors";

const C = (e: Expr) => new Column(e);
const call = (name: string, ...args: Expr[]): Column => C({ kind: "fn", name, args });
const cols = (cs: ColumnOrName[]) => (cs.length === 1 && Array.isArray(cs[0]) ? (cs[0] as ColumnOrName[]) : cs).map(toExpr);
/** f(col) */
const f1 = (name: string) => (c: ColumnOrName) => call(name, toExpr(c));
/** f(col, col) */
const f2 = (name: string) => (a: ColumnOrName, b: ColumnOrName) => call(name, toExpr(a), toExpr(b));
/** f(...cols) */
const fv = (name: string) => (...cs: ColumnOrName[]) => call(name, ...cols(cs));

const noSubqueries = { bindSubquery: () => { throw new AnalysisError("UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY", "Subqueries are not supported in F.expr(); use spark.sql()."); } };

/** Parse SQL expression text into a Column (`F.expr("a + 1 AS b")`). */
export function expr(text: string): Column {
  const item = parseNamedExpression(text);
  const e = bindExpr(item.expr, noSubqueries);
  if (item.aliases?.length) return C({ kind: "alias", child: e, name: item.aliases[0]!, names: item.aliases });
  return item.alias ? C({ kind: "alias", child: e, name: item.alias }) : C(e);
}

/** Expression text without aliases (DataFrame.filter("a > 1")). */
export function exprNoAlias(text: string): Expr {
  return bindExpr(parseExpression(text), noSubqueries);
}

export const col = (name: string): Column => new Column(toExpr(name));
export const column = col;
export const lit = (v: unknown): Column => (v instanceof Column ? v : C(litExpr(v)));

export function when(cond: Column, value: unknown): Column {
  return C({ kind: "case", branches: [{ when: cond.expr, then: valueExpr(value) }] });
}

// ---- sort helpers ---------------------------------------------------------------------------------
const sortOf = (c: ColumnOrName, ascending: boolean, nullsFirst: boolean) => C({ ...toSortExpr(c), ascending, nullsFirst } as SortExpr);
export const asc = (c: ColumnOrName) => sortOf(c, true, true);
export const desc = (c: ColumnOrName) => sortOf(c, false, false);
export const asc_nulls_first = (c: ColumnOrName) => sortOf(c, true, true);
export const asc_nulls_last = (c: ColumnOrName) => sortOf(c, true, false);
export const desc_nulls_first = (c: ColumnOrName) => sortOf(c, false, true);
export const desc_nulls_last = (c: ColumnOrName) => sortOf(c, false, false);

// ---- math -------------------------------------------------------------------------------------------
export const abs = f1("abs");
export const round = (c: ColumnOrName, scale = 0) => call("round", toExpr(c), litExpr(scale));
export const bround = (c: ColumnOrName, scale = 0) => call("bround", toExpr(c), litExpr(scale));
export const ceil = f1("ceil");
export const ceiling = ceil;
export const floor = f1("floor");
export const sqrt = f1("sqrt");
export const cbrt = f1("cbrt");
export const exp = f1("exp");
export const expm1 = f1("expm1");
export const log10 = f1("log10");
export const log2 = f1("log2");
export const log1p = f1("log1p");
export const ln = f1("ln");
export function log(a: ColumnOrName | number, b?: ColumnOrName): Column {
  if (b === undefined) return call("ln", toExpr(a as ColumnOrName));
  return call("log", typeof a === "number" ? litExpr(a) : toExpr(a), toExpr(b));
}
// PySpark names pow(a, b) POWER(a, b) (the DataFrame function builds Spark's Pow under "power").
export const pow = (a: ColumnOrName | number, b: ColumnOrName | number) => call("power", typeof a === "number" ? litExpr(a) : toExpr(a), typeof b === "number" ? litExpr(b) : toExpr(b));
export const power = pow;
export const sin = f1("sin"); export const cos = f1("cos"); export const tan = f1("tan");
export const asin = f1("asin"); export const acos = f1("acos"); export const atan = f1("atan");
export const sinh = f1("sinh"); export const cosh = f1("cosh"); export const tanh = f1("tanh");
export const atan2 = f2("atan2");
export const hypot = f2("hypot");
export const degrees = f1("degrees");
export const radians = f1("radians");
export const signum = f1("signum");
export const sign = signum;
export const factorial = f1("factorial");
export const greatest = fv("greatest");
export const least = fv("least");
export const rand = (seed?: number) => (seed === undefined ? call("rand") : call("rand", litExpr(seed)));
export const randn = (seed?: number) => (seed === undefined ? call("randn") : call("randn", litExpr(seed)));
export const pmod = (a: ColumnOrName, b: ColumnOrName | number) => call("pmod", toExpr(a), typeof b === "number" ? litExpr(b) : toExpr(b));
export const hex = f1("hex");
export const shiftleft = (c: ColumnOrName, n: number) => call("shiftleft", toExpr(c), litExpr(n));
export const shiftright = (c: ColumnOrName, n: number) => call("shiftright", toExpr(c), litExpr(n));
export const bitwise_not = f1("~");

// ---- strings ---------------------------------------------------------------------------------------
export const concat = fv("concat");
export const concat_ws = (sep: string, ...cs: ColumnOrName[]) => call("concat_ws", litExpr(sep), ...cols(cs));
export const upper = f1("upper");
export const lower = f1("lower");
export const length = f1("length");
export const char_length = length;
export const octet_length = f1("octet_length");
export const substring = (c: ColumnOrName, pos: number, len: number) => call("substring", toExpr(c), litExpr(pos), litExpr(len));
export const substr = (c: ColumnOrName, pos: ColumnOrName | number, len?: ColumnOrName | number) =>
  call("substring", toExpr(c), typeof pos === "number" ? litExpr(pos) : toExpr(pos), ...(len === undefined ? [] : [typeof len === "number" ? litExpr(len) : toExpr(len)]));
export const trim = (c: ColumnOrName, chars?: string) => (chars === undefined ? call("trim", toExpr(c)) : call("trim", toExpr(c), litExpr(chars)));
export const ltrim = (c: ColumnOrName, chars?: string) => (chars === undefined ? call("ltrim", toExpr(c)) : call("ltrim", toExpr(c), litExpr(chars)));
export const rtrim = (c: ColumnOrName, chars?: string) => (chars === undefined ? call("rtrim", toExpr(c)) : call("rtrim", toExpr(c), litExpr(chars)));
export const btrim = trim;
export const lpad = (c: ColumnOrName, len: number, pad: string) => call("lpad", toExpr(c), litExpr(len), litExpr(pad));
export const rpad = (c: ColumnOrName, len: number, pad: string) => call("rpad", toExpr(c), litExpr(len), litExpr(pad));
export const split = (c: ColumnOrName, pattern: string, limit = -1) => call("split", toExpr(c), litExpr(pattern), litExpr(limit));
export const regexp_replace = (c: ColumnOrName, pattern: string | Column, replacement: string | Column) => call("regexp_replace", toExpr(c), valueExpr(pattern), valueExpr(replacement));
export const regexp_extract = (c: ColumnOrName, pattern: string, idx: number) => call("regexp_extract", toExpr(c), litExpr(pattern), litExpr(idx));
export const regexp_extract_all = (c: ColumnOrName, pattern: string, idx = 1) => call("regexp_extract_all", toExpr(c), litExpr(pattern), litExpr(idx));
export const regexp_like = (c: ColumnOrName, pattern: string) => call("rlike", toExpr(c), litExpr(pattern));
export const instr = (c: ColumnOrName, sub: string) => call("instr", toExpr(c), litExpr(sub));
export const locate = (sub: string, c: ColumnOrName, pos = 1) => call("locate", litExpr(sub), toExpr(c), litExpr(pos));
export const like = (c: ColumnOrName, pattern: string | Column) => call("like", toExpr(c), valueExpr(pattern));
export const ilike = (c: ColumnOrName, pattern: string | Column) => call("ilike", toExpr(c), valueExpr(pattern));
export const rlike = (c: ColumnOrName, pattern: string | Column) => call("rlike", toExpr(c), valueExpr(pattern));
export const initcap = f1("initcap");
export const reverse = f1("reverse");
export const repeat = (c: ColumnOrName, n: number) => call("repeat", toExpr(c), litExpr(n));
export const translate = (c: ColumnOrName, from: string, to: string) => call("translate", toExpr(c), litExpr(from), litExpr(to));
export const format_string = (fmt: string, ...cs: ColumnOrName[]) => call("format_string", litExpr(fmt), ...cols(cs));
export const printf = format_string;
export const format_number = (c: ColumnOrName, d: number) => call("format_number", toExpr(c), litExpr(d));
export const ascii = f1("ascii");
export const base64 = f1("base64");
export const unbase64 = f1("unbase64");
export const md5 = f1("md5");
export const sha1 = f1("sha1");
export const sha2 = (c: ColumnOrName, bits: number) => call("sha2", toExpr(c), litExpr(bits));
export const soundex = f1("soundex");
export const levenshtein = f2("levenshtein");
export const left = (c: ColumnOrName, n: number) => call("left", toExpr(c), litExpr(n));
export const right = (c: ColumnOrName, n: number) => call("right", toExpr(c), litExpr(n));
export const startswith = (c: ColumnOrName, p: ColumnOrName) => call("startswith", toExpr(c), toExpr(p));
export const endswith = (c: ColumnOrName, p: ColumnOrName) => call("endswith", toExpr(c), toExpr(p));
export const contains = (c: ColumnOrName, p: ColumnOrName) => call("contains", toExpr(c), toExpr(p));

// ---- date/time -------------------------------------------------------------------------------------
export const current_date = () => call("current_date");
export const current_timestamp = () => call("current_timestamp");
export const now = current_timestamp;
export const to_date = (c: ColumnOrName, fmt?: string) => (fmt === undefined ? call("to_date", toExpr(c)) : call("to_date", toExpr(c), litExpr(fmt)));
export const to_timestamp = (c: ColumnOrName, fmt?: string) => (fmt === undefined ? call("to_timestamp", toExpr(c)) : call("to_timestamp", toExpr(c), litExpr(fmt)));
export const date_format = (c: ColumnOrName, fmt: string) => call("date_format", toExpr(c), litExpr(fmt));
export const year = f1("year"); export const quarter = f1("quarter"); export const month = f1("month");
export const dayofmonth = f1("dayofmonth"); export const day = dayofmonth;
export const dayofweek = f1("dayofweek"); export const dayofyear = f1("dayofyear"); export const weekofyear = f1("weekofyear");
export const hour = f1("hour"); export const minute = f1("minute"); export const second = f1("second");
export const datediff = f2("datediff");
export const date_add = (c: ColumnOrName, days: number | Column) => call("date_add", toExpr(c), valueExpr(days));
export const date_sub = (c: ColumnOrName, days: number | Column) => call("date_sub", toExpr(c), valueExpr(days));
export const add_months = (c: ColumnOrName, n: number | Column) => call("add_months", toExpr(c), valueExpr(n));
export const months_between = f2("months_between");
export const last_day = f1("last_day");
export const next_day = (c: ColumnOrName, dow: string) => call("next_day", toExpr(c), litExpr(dow));
export const unix_timestamp = (c?: ColumnOrName, fmt = "yyyy-MM-dd HH:mm:ss") => (c === undefined ? call("unix_timestamp") : call("unix_timestamp", toExpr(c), litExpr(fmt)));
export const from_unixtime = (c: ColumnOrName, fmt = "yyyy-MM-dd HH:mm:ss") => call("from_unixtime", toExpr(c), litExpr(fmt));
export const date_trunc = (fmt: string, c: ColumnOrName) => call("date_trunc", litExpr(fmt), toExpr(c));
export const trunc = (c: ColumnOrName, fmt: string) => call("trunc", toExpr(c), litExpr(fmt));
export const make_date = (y: ColumnOrName, m: ColumnOrName, d: ColumnOrName) => call("make_date", toExpr(y), toExpr(m), toExpr(d));
export const timestamp_seconds = f1("timestamp_seconds");
export const timestamp_millis = f1("timestamp_millis");
export const timestamp_micros = f1("timestamp_micros");
export const unix_seconds = f1("unix_seconds");
export const unix_millis = f1("unix_millis");
export const unix_micros = f1("unix_micros");
/** The session time zone (spark.sql.session.timeZone). */
export const current_timezone = () => call("current_timezone");
/** The instant's UTC wall time shown as a wall time in `tz` (PySpark's from_utc_timestamp). */
export const from_utc_timestamp = (c: ColumnOrName, tz: string | Column) => call("from_utc_timestamp", toExpr(c), valueExpr(tz));
export const to_utc_timestamp = (c: ColumnOrName, tz: string | Column) => call("to_utc_timestamp", toExpr(c), valueExpr(tz));
/** make_timestamp(years, months, days, hours, mins, secs[, timezone]): a wall time in the zone given or the session's. */
export const make_timestamp = (years: ColumnOrName, months: ColumnOrName, days: ColumnOrName, hours: ColumnOrName, mins: ColumnOrName, secs: ColumnOrName, timezone?: ColumnOrName) =>
  call("make_timestamp", ...[years, months, days, hours, mins, secs].map(toExpr), ...(timezone === undefined ? [] : [toExpr(timezone)]));
export const to_timestamp_ltz = (c: ColumnOrName, fmt?: string) => (fmt === undefined ? call("to_timestamp_ltz", toExpr(c)) : call("to_timestamp_ltz", toExpr(c), litExpr(fmt)));
/** convert_timezone(sourceTz?, targetTz, ts) as PySpark orders it: (sourceTz | null, targetTz, sourceTs). */
export const convert_timezone = (sourceTz: Column | string | null, targetTz: Column | string, sourceTs: ColumnOrName) =>
  (sourceTz === null ? call("convert_timezone", valueExpr(targetTz), toExpr(sourceTs)) : call("convert_timezone", valueExpr(sourceTz), valueExpr(targetTz), toExpr(sourceTs)));
/** Event-time windows: window(ts, "10 minutes") tumbling, window(ts, "10 minutes", "5 minutes") sliding. */
export function window(timeColumn: ColumnOrName, windowDuration: string, slideDuration?: string, startTime?: string): Column {
  const args = [toExpr(timeColumn), litExpr(windowDuration)];
  if (slideDuration !== undefined && slideDuration !== windowDuration) {
    args.push(litExpr(slideDuration));
    if (startTime) args.push(litExpr(startTime));
    return C({ kind: "alias", child: { kind: "fn", name: "window_sliding", args }, name: "window" });
  }
  args.push(litExpr(windowDuration));
  if (startTime) args.push(litExpr(startTime));
  return C({ kind: "alias", child: { kind: "fn", name: "window", args }, name: "window" });
}

/** Session windows: session_window(ts, "5 minutes") as a grouping key merges each key's rows less than the gap apart into one {start, end}. */
export function session_window(timeColumn: ColumnOrName, gapDuration: string): Column {
  return C({ kind: "alias", child: { kind: "fn", name: "session_window", args: [toExpr(timeColumn), litExpr(gapDuration)] }, name: "session_window" });
}

// ---- null / conditional ---------------------------------------------------------------------------
export const coalesce = fv("coalesce");
export const isnull = f1("isnull");
export const isnotnull = f1("isnotnull");
export const isnan = f1("isnan");
export const nanvl = f2("nanvl");
export const nvl = f2("nvl");
export const ifnull = f2("ifnull");
export const nullif = f2("nullif");
export const nvl2 = (a: ColumnOrName, b: ColumnOrName, c: ColumnOrName) => call("nvl2", toExpr(a), toExpr(b), toExpr(c));

// ---- collections --------------------------------------------------------------------------------------
export const array = fv("array");
export const struct = fv("struct");
export const named_struct = (...kv: (string | ColumnOrName)[]) => call("named_struct", ...kv.map((x, i) => (i % 2 === 0 ? litExpr(x) : toExpr(x as ColumnOrName))));
export const create_map = fv("map");
export const map_from_arrays = f2("map_from_arrays");
export const size = f1("size");
export const cardinality = size;
export const array_contains = (c: ColumnOrName, v: unknown) => call("array_contains", toExpr(c), valueExpr(v));
export const element_at = (c: ColumnOrName, k: unknown) => call("element_at", toExpr(c), valueExpr(k));
export const sort_array = (c: ColumnOrName, ascending = true) => call("sort_array", toExpr(c), litExpr(ascending));
export const array_sort = f1("array_sort");
export const array_distinct = f1("array_distinct");
export const array_max = f1("array_max");
export const array_min = f1("array_min");
export const array_position = (c: ColumnOrName, v: unknown) => call("array_position", toExpr(c), valueExpr(v));
export const array_remove = (c: ColumnOrName, v: unknown) => call("array_remove", toExpr(c), valueExpr(v));
export const array_join = (c: ColumnOrName, sep: string, nullReplacement?: string) =>
  call("array_join", toExpr(c), litExpr(sep), ...(nullReplacement === undefined ? [] : [litExpr(nullReplacement)]));
export const array_union = f2("array_union");
export const array_intersect = f2("array_intersect");
export const array_except = f2("array_except");
export const arrays_overlap = f2("arrays_overlap");
export const array_repeat = (c: ColumnOrName, n: number) => call("array_repeat", toExpr(c), litExpr(n));
export const flatten = f1("flatten");
export const slice = (c: ColumnOrName, start: number, len: number) => call("slice", toExpr(c), litExpr(start), litExpr(len));
export const sequence = (a: ColumnOrName, b: ColumnOrName, step?: ColumnOrName) => call("sequence", toExpr(a), toExpr(b), ...(step === undefined ? [] : [toExpr(step)]));
export const map_keys = f1("map_keys");
export const map_values = f1("map_values");
export const explode = f1("explode");
export const explode_outer = f1("explode_outer");
export const posexplode = f1("posexplode");
export const posexplode_outer = f1("posexplode_outer");
export const inline = f1("inline");
export const inline_outer = f1("inline_outer");

function lambdaOf(fn: (...xs: Column[]) => Column, arity: number): Expr {
  const names = ["x", "y", "z"].slice(0, arity).map((n) => `${n}_${Math.random().toString(36).slice(2, 7)}`);
  const body = fn(...names.map((n) => new Column({ kind: "col", parts: [n] })));
  return { kind: "lambda", params: names, body: body.expr };
}
export const transform = (c: ColumnOrName, f: (x: Column, i: Column) => Column) => call("transform", toExpr(c), lambdaOf(f as (...xs: Column[]) => Column, f.length || 1));
export const filter = (c: ColumnOrName, f: (x: Column) => Column) => call("filter", toExpr(c), lambdaOf(f, 1));
export const exists = (c: ColumnOrName, f: (x: Column) => Column) => call("exists", toExpr(c), lambdaOf(f, 1));
export const forall = (c: ColumnOrName, f: (x: Column) => Column) => call("forall", toExpr(c), lambdaOf(f, 1));
export const aggregate = (c: ColumnOrName, zero: unknown, merge: (acc: Column, x: Column) => Column, finish?: (acc: Column) => Column) =>
  call("aggregate", toExpr(c), valueExpr(zero), lambdaOf(merge, 2), ...(finish ? [lambdaOf(finish, 1)] : []));

// ---- aggregates ------------------------------------------------------------------------------------------
export const count = (c: ColumnOrName = "*") => (c === "*" ? C({ kind: "fn", name: "count", args: [{ kind: "star" }] }) : call("count", toExpr(c)));
export const countDistinct = (...cs: ColumnOrName[]) => C({ kind: "fn", name: "count", args: cols(cs), distinct: true });
export const count_distinct = countDistinct;
export const sum = f1("sum");
export const sumDistinct = (c: ColumnOrName) => C({ kind: "fn", name: "sum", args: [toExpr(c)], distinct: true });
export const sum_distinct = sumDistinct;
export const avg = f1("avg");
export const mean = f1("mean");
export const min = f1("min");
export const max = f1("max");
export const max_by = f2("max_by");
export const min_by = f2("min_by");
export const product = f1("product");
export const collect_list = f1("collect_list");
export const collect_set = f1("collect_set");
export const first = (c: ColumnOrName, ignorenulls = false) => call("first", toExpr(c), litExpr(ignorenulls));
export const last = (c: ColumnOrName, ignorenulls = false) => call("last", toExpr(c), litExpr(ignorenulls));
export const any_value = f1("any_value");
export const stddev = f1("stddev");
export const std = stddev;
export const stddev_samp = f1("stddev_samp");
export const stddev_pop = f1("stddev_pop");
export const variance = f1("variance");
export const var_samp = f1("var_samp");
export const var_pop = f1("var_pop");
export const corr = f2("corr");
export const covar_pop = f2("covar_pop");
export const covar_samp = f2("covar_samp");
export const approx_count_distinct = (c: ColumnOrName, _rsd?: number) => call("approx_count_distinct", toExpr(c));
export const approxCountDistinct = approx_count_distinct;
export const count_if = f1("count_if");
export const bool_and = f1("bool_and");
export const bool_or = f1("bool_or");
export const every = bool_and;
export const median = f1("median");
export const percentile = (c: ColumnOrName, p: number) => call("percentile", toExpr(c), litExpr(p));
export const percentile_approx = (c: ColumnOrName, p: number) => call("percentile_approx", toExpr(c), litExpr(p));

// ---- window functions -------------------------------------------------------------------------------------
export const row_number = () => call("row_number");
export const rank = () => call("rank");
export const dense_rank = () => call("dense_rank");
export const percent_rank = () => call("percent_rank");
export const cume_dist = () => call("cume_dist");
export const ntile = (n: number) => call("ntile", litExpr(n));
export const lag = (c: ColumnOrName, offset = 1, defaultValue: unknown = null) => call("lag", toExpr(c), litExpr(offset), valueExpr(defaultValue));
export const lead = (c: ColumnOrName, offset = 1, defaultValue: unknown = null) => call("lead", toExpr(c), litExpr(offset), valueExpr(defaultValue));
export const nth_value = (c: ColumnOrName, n: number) => call("nth_value", toExpr(c), litExpr(n));

// ---- misc -----------------------------------------------------------------------------------------------
export const monotonically_increasing_id = () => call("monotonically_increasing_id");
export const spark_partition_id = () => call("spark_partition_id");
export const hash = fv("hash");
export const input_file_name = () => call("input_file_name");

/**
 * A user-defined function: `const plusOne = F.udf((x: number) => x + 1, "int"); df.select(plusOne("a"))`.
 * The function is shipped to the workers with its captured variables (like a pickled Python UDF).
 */
export function udf<A extends unknown[], R>(f: (...args: A) => R, returnType: string | DataType = "string"): ((...cols: ColumnOrName[]) => Column) & { func: (...args: A) => R; returnType: DataType } {
  const rt = parseTypeArg(returnType);
  const shipped = serializeFunction(f, "udf");
  const name = f.name && f.name !== "anonymous" ? f.name : "udf";
  const wrapper = (...cs: ColumnOrName[]) => C({ kind: "fn", name: "udf", args: cols(cs), udf: { fn: shipped, name, returnType: rt } });
  return Object.assign(wrapper, { func: f, returnType: rt });
}

/** Mark a DataFrame as small enough to broadcast in joins (the broadcast() hint). */
export function broadcast<T extends { hint(name: string): T }>(df: T): T {
  return df.hint("broadcast");
}

// ---- Window specifications ------------------------------------------------------------------------------

const BIG = Number.MAX_SAFE_INTEGER;

function bound(v: number, side: "lower" | "upper"): FrameBound {
  if (v <= -BIG || v === -Infinity) return { type: "unboundedPreceding" };
  if (v >= BIG || v === Infinity) return { type: "unboundedFollowing" };
  if (v === 0) return { type: "currentRow" };
  void side;
  return { type: "offset", offset: v };
}

export class WindowSpec {
  constructor(private readonly spec: WindowSpecData = { partitionBy: [], orderBy: [] }) {}
  partitionBy(...cs: ColumnOrName[]): WindowSpec { return new WindowSpec({ ...this.spec, partitionBy: cols(cs) }); }
  orderBy(...cs: ColumnOrName[]): WindowSpec {
    const list = cs.length === 1 && Array.isArray(cs[0]) ? (cs[0] as ColumnOrName[]) : cs;
    return new WindowSpec({ ...this.spec, orderBy: list.map((c) => toSortExpr(c)) });
  }
  rowsBetween(start: number, end: number): WindowSpec {
    return new WindowSpec({ ...this.spec, frame: { frameType: "rows", lower: bound(start, "lower"), upper: bound(end, "upper") } });
  }
  rangeBetween(start: number, end: number): WindowSpec {
    return new WindowSpec({ ...this.spec, frame: { frameType: "range", lower: bound(start, "lower"), upper: bound(end, "upper") } });
  }
  toSpec(): WindowSpecData { return this.spec; }
}

export const Window = {
  unboundedPreceding: -BIG,
  unboundedFollowing: BIG,
  currentRow: 0,
  partitionBy: (...cs: ColumnOrName[]) => new WindowSpec().partitionBy(...cs),
  orderBy: (...cs: ColumnOrName[]) => new WindowSpec().orderBy(...cs),
  rowsBetween: (a: number, b: number) => new WindowSpec().rowsBetween(a, b),
  rangeBetween: (a: number, b: number) => new WindowSpec().rangeBetween(a, b),
};
