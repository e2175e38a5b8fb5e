// Every function of `functions` (F) on the embedded engine and on Spark 4.0.1 through Spark
// Connect. Each function is called on a small table with a column of every common type: with the
// arguments listed below when it takes values (formats, patterns, lambdas), else with the first
// argument pattern the embedded analyzer accepts. Names, Spark's types and rows must agree;
// what is not compared (nondeterministic or not a function of its input) says why.

import { describe, expect, it } from "vitest";
import { SqlSession, F, Window, type Column, type DataFrame } from "../../engine/sql/index";
import { localHost } from "../sql/support/local-context";
import { outcome, referenceServer } from "./differential";
import type { Api } from "./dataframe-programs";

type Fn = (...a: unknown[]) => Column;
const fns = F as unknown as Record<string, Fn>;

const SKIP: Record<string, string> = {
  rand: "random", randn: "random", monotonically_increasing_id: "depends on partitioning", spark_partition_id: "depends on partitioning",
  input_file_name: "no input file", current_date: "the clock", current_timestamp: "the clock", now: "the clock", current_timezone: "the server's zone",
  col: "a column reference", column: "a column reference", lit: "a literal", expr: "SQL text (the SQL differential covers it)", exprNoAlias: "internal",
  asc: "a sort order", desc: "a sort order", asc_nulls_first: "a sort order", asc_nulls_last: "a sort order", desc_nulls_first: "a sort order", desc_nulls_last: "a sort order",
  broadcast: "a join hint", udf: "a JavaScript UDF (refused on Spark Connect, tested there)", WindowSpec: "a class", window: "streaming time windows",
  session_window: "streaming session windows", when: "covered by the DataFrame programs", hash: "Spark's Murmur3 of its own row format", 
};

/** Functions whose result order is unspecified in Spark: compared sorted. */
const UNORDERED: Record<string, (c: Column) => Column> = { collect_set: (c) => F.sort_array(c) };

const WINDOW_FNS = new Set(["lag", "lead", "rank", "dense_rank", "row_number", "percent_rank", "cume_dist", "ntile", "nth_value"]);

/** Arguments for functions that take values (or lambdas), by name. */
const ARGS: Record<string, unknown[]> = {
  add_months: ["dt", 2], date_add: ["dt", 3], date_sub: ["dt", 3], date_format: ["ts", "yyyy-MM-dd HH:mm"], date_trunc: ["month", "ts"], trunc: ["dt", "year"],
  from_unixtime: ["i", "yyyy-MM-dd"], unix_timestamp: ["s3", "yyyy-MM-dd"], to_date: ["s3"], to_timestamp: ["s3"], to_timestamp_ltz: ["s3"], unbase64: [F.base64("s")], flatten: [F.array("arr", "arr2")], next_day: ["dt", "Mon"],
  from_utc_timestamp: ["ts", "Asia/Tokyo"], to_utc_timestamp: ["ts", "Asia/Tokyo"], convert_timezone: [F.lit("UTC"), F.lit("Asia/Tokyo"), F.col("ts")],
  months_between: ["ts", "dt"], make_date: [F.lit(2024), "j", "j"], make_timestamp: [F.lit(2024), "j", "j", "j", "j", F.lit(1.5)],
  format_number: ["d", 2], format_string: ["%s-%d", "s", "i"], printf: ["%s-%d", "s", "i"], regexp_extract: ["s", "([a-z])([a-z]*)", 2],
  regexp_extract_all: ["s", F.lit("([a-z])"), 1], regexp_replace: ["s", "[aeiou]", "_"], regexp_like: ["s", F.lit("^[a-c]")], rlike: ["s", F.lit("^[a-c]")],
  like: ["s", F.lit("%a%")], ilike: ["s", F.lit("%A%")], split: ["s", "a"], substring: ["s", 2, 3], substr: ["s", F.lit(2), F.lit(3)], left: ["s", F.lit(2)], right: ["s", F.lit(2)],
  lpad: ["s", 8, "*"], rpad: ["s", 8, "*"], repeat: ["s", 2], locate: ["a", "s"], instr: ["s", "a"], translate: ["s", "ab", "xy"], concat_ws: ["-", "s", "s2"],
  array_join: ["arr", ","], array_position: ["arr", 2], array_remove: ["arr", 2], array_contains: ["arr", 2], array_repeat: ["s", 2], element_at: ["arr", 1],
  slice: ["arr", 1, 2], sequence: ["j", F.col("j").plus(3)], round: ["d", 1], bround: ["d", 1], shiftleft: ["i", 2], shiftright: ["i", 1], sha2: ["s", 256],
  percentile: ["d", 0.5], percentile_approx: ["d", 0.5], approx_count_distinct: ["s"], approxCountDistinct: ["s"], nth_value: ["s", 2], ntile: [2], lag: ["i", 1], lead: ["i", 1],
  log: ["d"], first: ["s"], last: ["s"], max_by: ["s", "i"], min_by: ["s", "i"], count_if: [F.col("i").gt(2)], nullif: ["i", "j"], nvl2: ["s", "i", "j"],
  transform: ["arr", (x: Column) => x.plus(1)], filter: ["arr", (x: Column) => x.gt(1)], exists: ["arr", (x: Column) => x.gt(2)], forall: ["arr", (x: Column) => x.gt(0)],
  aggregate: ["arr", F.lit(0), (acc: Column, x: Column) => acc.plus(x)], map_from_arrays: ["arr2", "arr2"], named_struct: [F.lit("a"), "i", F.lit("b"), "s"],
  levenshtein: ["s", "s2"], atan2: ["d", "i"], hypot: ["d", "i"], pmod: ["i", F.lit(3)], pow: ["d", 2], power: ["d", 2], timestamp_seconds: ["i"], timestamp_millis: ["i"], timestamp_micros: ["i"],
  inline: [F.array(F.struct(F.col("i").alias("a"), F.col("s").alias("b")))], inline_outer: [F.array(F.struct(F.col("i").alias("a"), F.col("s").alias("b")))],
  create_map: [F.coalesce(F.col("s"), F.lit("-")), "i"], btrim: ["s"], contains: ["s", F.lit("a")], startswith: ["s", F.lit("a")], endswith: ["s", F.lit("a")], sort_array: ["arr", false],
};

/** Argument patterns tried in order for the rest (column names of the table below). */
const PATTERNS: unknown[][] = [["d"], ["i"], ["s"], ["dt"], ["ts"], ["arr"], ["m"], ["b"], ["i", "j"], ["d", "i"], ["s", "s2"], ["arr", "arr2"], ["dt", "dt2"], ["i", "j", "d"], ["s", "s2", "s"]];

const TABLE = "i int, j int, d double, s string, s2 string, s3 string, dt date, dt2 date, ts timestamp, arr array<int>, arr2 array<int>, m map<string,int>, b boolean";
const rows = [
  [3, 1, 2.5, "banana", "bandana", "2024-02-29", new Date("2024-02-29"), new Date("2023-12-25"), new Date("2024-03-10T12:34:56Z"), [3, 1, 2], [2, 4], { a: 1, b: 2 }, true],
  [7, 2, -0.75, "apple", "maple", "2021-07-04", new Date("2021-07-04"), new Date("2021-01-01"), new Date("2021-07-04T00:00:01Z"), [5, 5], [], { z: 26 }, false],
  [null, 3, null, null, "x", null, null, new Date("2000-01-01"), null, null, [1], null, null],
];

const ref = referenceServer();
const noJava = ref.noJava;

/** The call of `name` as a selectable column on `t`, with the listed arguments or the first pattern the analyzer accepts. */
function call(name: string, t: DataFrame): { col: Column; args: unknown[] } {
  const f = fns[name]!;
  const over = (c: Column) => (WINDOW_FNS.has(name) ? c.over(Window.orderBy("i", "s")) : c);
  const tries = ARGS[name] ? [ARGS[name]] : PATTERNS;
  let last: unknown;
  for (const args of tries) {
    try {
      const col = (UNORDERED[name] ?? ((c: Column) => c))(over(f(...args))).alias("r");
      t.select(col); // analyzed now: a pattern the function does not take fails here
      return { col, args };
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

/** Functions whose result differs on purpose, with the reason (also in docs/spark-differences.md). */
const KNOWN: Record<string, string> = {};

const names = Object.keys(fns).filter((k) => typeof fns[k] === "function" && !SKIP[k]).sort();

describe.skipIf(!!noJava)("every function of F on the embedded engine and on Spark 4.0.1", () => {
  const local = new SqlSession(localHost()) as unknown as Api;
  const differing: string[] = [];
  it.each(names)("%s", async (name) => {
    const table = (s: Api) => s.createDataFrame(rows, TABLE);
    const { col } = call(name, table(local));
    const a = await outcome(() => table(local).select(col));
    const b = await outcome(() => table(ref.session() as unknown as Api).select(col));
    if (a !== b) differing.push(name);
    if (KNOWN[name]) return;
    expect(a.startsWith("ERROR") ? a : "").toBe("");
    expect(b, `embedded:\n${a}`).toBe(a);
  }, 60_000);

  it("the known differences are still differences", () => {
    expect(differing.filter((k) => KNOWN[k]).sort()).toEqual(Object.keys(KNOWN).sort());
  });
});
