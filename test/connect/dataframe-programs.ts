// DataFrame programs written once with the workbench's API (PySpark's names), run by
// dataframe-differential.test.ts on the embedded engine and on real Spark through Spark Connect.
// Each builds its own data with createDataFrame / range / sql, so the remote side sends it as an
// Arrow LocalRelation.

import type { DataFrame, F as Functions, Window as WindowNs } from "../../engine/sql/index";

/** What both kinds of session offer the programs. */
export interface Api {
  createDataFrame(data: unknown[], schema?: unknown): DataFrame;
  range(start: number, end?: number, step?: number, numPartitions?: number): DataFrame;
  sql(query: string): DataFrame;
}

type Fns = typeof Functions;
type Win = typeof WindowNs;

export interface Program {
  build(s: Api, F: Fns, W: Win): DataFrame;
  /** The result's order is part of the answer. */
  ordered?: boolean;
  /** The program is expected to fail (on both sides, with the same condition). */
  error?: boolean;
}

const PEOPLE = "name string, dept string, age int, salary double, hired date, manager string";
const people = (s: Api) => s.createDataFrame([
  ["ann", "eng", 34, 120.5, new Date("2019-03-01"), null],
  ["bob", "eng", 28, 95, new Date("2021-07-15"), "ann"],
  ["cid", "ops", 45, 88.25, new Date("2015-01-20"), null],
  ["dee", "ops", null, 70, new Date("2022-11-02"), "cid"],
  ["eve", "sales", 39, null, null, "ann"],
  ["fay", "eng", 28, 101, new Date("2020-05-05"), "ann"],
], PEOPLE);
const depts = (s: Api) => s.createDataFrame([["eng", "Engineering", 3], ["ops", "Operations", 2], ["hr", "People", 1]], "dept string, title string, floor int");

export const PROGRAMS: Record<string, Program> = {
  "select and arithmetic": { build: (s, F) => people(s).select("name", F.col("age").plus(1).alias("next"), F.col("salary").multiply(2)) },
  "selectExpr": { build: (s) => people(s).selectExpr("upper(name) AS n", "age * 2", "salary / 3 AS third") },
  "filter with a Column": { build: (s, F) => people(s).filter(F.col("age").gt(30).and(F.col("dept").eq("ops"))) },
  "where with SQL text": { build: (s) => people(s).where("salary >= 95 OR age IS NULL") },
  "withColumn, withColumnRenamed, drop": { build: (s, F) => people(s).withColumn("band", F.floor(F.col("age").divide(10))).withColumnRenamed("name", "who").drop("hired", "manager") },
  "withColumns": { build: (s, F) => people(s).withColumns({ a2: F.col("age").multiply(2), s: F.lit("x") }).select("name", "a2", "s") },
  "toDF": { build: (s) => people(s).select("name", "age").toDF("n", "a") },
  "orderBy desc with nulls": { build: (s, F) => people(s).orderBy(F.desc("age"), F.asc("name")).select("name", "age"), ordered: true },
  "sort nulls first/last": { build: (s, F) => people(s).sort(F.asc_nulls_last("salary"), "name").select("name", "salary"), ordered: true },
  "orderBy ascending option": { build: (s) => people(s).orderBy(["dept", "name"], { ascending: [false, true] }).select("dept", "name"), ordered: true },
  "limit after sort": { build: (s) => people(s).orderBy("name").limit(3).select("name"), ordered: true },
  "offset": { build: (s) => people(s).orderBy("name").offset(4).select("name"), ordered: true },
  "distinct": { build: (s) => people(s).select("dept").distinct() },
  "dropDuplicates on a subset": { build: (s) => people(s).orderBy("name").dropDuplicates(["age"]).select("age") },
  "groupBy agg": { build: (s, F) => people(s).groupBy("dept").agg(F.count("*").alias("n"), F.avg("salary").alias("avg_sal"), F.max("age"), F.min("hired")) },
  "groupBy shortcuts": { build: (s) => people(s).groupBy("dept").sum("salary") },
  "groupBy count": { build: (s) => people(s).groupBy("dept", "age").count() },
  "global aggregates": { build: (s, F) => people(s).agg(F.sum("age"), F.countDistinct("dept"), F.stddev("salary").alias("sd")) },
  "agg with an expression over the groups": { build: (s, F) => people(s).groupBy("dept").agg(F.expr("sum(salary) / count(*)").alias("per_head")) },
  "collect_list sorted": { build: (s, F) => people(s).groupBy("dept").agg(F.sort_array(F.collect_list("name")).alias("names")) },
  "inner join on a column": { build: (s) => people(s).join(depts(s), "dept").select("name", "title", "floor") },
  "left join on an expression": {
    build: (s) => {
      const p = people(s), d = depts(s);
      return p.join(d, p.col("dept").eq(d.col("dept")), "left").select(p.col("name"), d.col("title"));
    },
  },
  "right and full joins": {
    build: (s) => {
      const p = people(s), d = depts(s);
      return p.join(d, p.col("dept").eq(d.col("dept")), "full").select(p.col("name"), d.col("dept"), d.col("floor"));
    },
  },
  "semi and anti joins": {
    build: (s) => {
      const semi = people(s).join(depts(s), "dept", "left_semi").select("name");
      const anti = people(s).join(depts(s), "dept", "left_anti").select("name");
      return semi.union(anti.selectExpr("concat('not ', name) AS name"));
    },
  },
  "self join with aliases": {
    build: (s, F) => {
      const p = people(s);
      return p.alias("e").join(p.alias("m"), F.col("e.manager").eq(F.col("m.name"))).select(F.col("e.name").alias("employee"), F.col("m.name").alias("boss"), F.col("m.dept"));
    },
  },
  "self join of one DataFrame by columns": {
    build: (s) => {
      const a = s.range(5), b = s.range(3);
      return a.join(b, a.col("id").eq(b.col("id"))).select(a.col("id"));
    },
  },
  "crossJoin": { build: (s) => s.range(3).crossJoin(s.range(2).toDF("j")) },
  "union and unionByName": {
    build: (s) => {
      const a = s.createDataFrame([[1, "x"]], "a int, b string"), b = s.createDataFrame([["y", 2]], "b string, a int");
      return a.unionByName(b).union(a);
    },
  },
  "unionByName with missing columns": {
    build: (s) => s.createDataFrame([[1, "x"]], "a int, b string").unionByName(s.createDataFrame([[2]], "a int"), true),
  },
  "intersect and except": {
    build: (s) => {
      const a = s.range(0, 10), b = s.range(5, 15);
      return a.intersect(b).union(a.exceptAll(b)).union(a.subtract(b).select("id"));
    },
  },
  "window: row_number and rank": {
    build: (s, F, W) => {
      const w = W.partitionBy("dept").orderBy(F.desc("salary"));
      return people(s).select("name", "dept", F.row_number().over(w).alias("rn"), F.rank().over(w).alias("rk"), F.dense_rank().over(w).alias("drk"));
    },
  },
  "window: lag, lead and a running sum": {
    build: (s, F, W) => {
      const w = W.partitionBy("dept").orderBy("name");
      return people(s).select("name", F.lag("age", 1).over(w).alias("prev"), F.lead("name").over(w).alias("next"), F.sum("salary").over(w.rowsBetween(W.unboundedPreceding, W.currentRow)).alias("run"));
    },
  },
  "window: aggregate over the partition": {
    build: (s, F, W) => people(s).withColumn("dept_avg", F.avg("salary").over(W.partitionBy("dept"))).select("name", "dept_avg"),
  },
  "explode and posexplode": {
    build: (s, F) => s.createDataFrame([[1, [10, 20]], [2, []], [3, null]], "k int, xs array<int>").select("k", F.explode("xs").alias("x")),
  },
  "explode_outer": {
    build: (s, F) => s.createDataFrame([[1, [10, 20]], [2, []], [3, null]], "k int, xs array<int>").select("k", F.explode_outer("xs").alias("x")),
  },
  "split and size": { build: (s, F) => s.createDataFrame([["a,b,c"], ["d"], [null]], "t string").select(F.split("t", ",").alias("parts"), F.size(F.split("t", ",")).alias("n")) },
  "arrays": {
    build: (s, F) => s.createDataFrame([[[3, 1, 2]], [[5]]], "xs array<int>").select(F.array_contains("xs", 1).alias("has1"), F.sort_array("xs").alias("sorted"), F.array_max("xs"), F.element_at("xs", 1)),
  },
  "structs": {
    build: (s, F) => people(s).select(F.struct("name", "age").alias("s")).select(F.col("s.name"), F.col("s").getField("age").alias("age")),
  },
  "maps": {
    build: (s, F) => s.createDataFrame([[1, "a"], [2, "b"]], "k int, v string").select(F.create_map(F.col("v"), F.col("k")).alias("m")).select(F.col("m").getItem("a").alias("a"), F.map_keys("m").alias("keys")),
  },
  "nested data from createDataFrame": {
    build: (s) => s.createDataFrame([[{ x: 1, y: "p" }, [1.5, 2.5], { a: 1 }]], "st struct<x:int,y:string>, ds array<double>, m map<string,int>"),
  },
  "strings": {
    build: (s, F) => people(s).select(F.concat_ws("-", "name", "dept").alias("cw"), F.upper("name"), F.substring("name", 1, 2).alias("sub"), F.length("dept"), F.lpad("name", 5, "*").alias("lp"), F.regexp_replace("dept", "[aeiou]", "_").alias("rr")),
  },
  "like, rlike, startswith": {
    build: (s, F) => people(s).filter(F.col("name").like("%e%").or(F.col("dept").rlike("^s")).or(F.col("name").startswith("c"))).select("name"),
  },
  "dates": {
    build: (s, F) => people(s).select("name", F.year("hired").alias("y"), F.month("hired"), F.datediff(F.lit("2024-01-01"), F.col("hired")).alias("days"), F.date_add("hired", 30).alias("plus30"), F.date_format("hired", "yyyy/MM").alias("ym")),
  },
  "timestamps": {
    build: (s, F) => s.createDataFrame([[new Date("2024-03-10T12:34:56Z")], [null]], "ts timestamp").select(F.hour("ts"), F.to_date("ts").alias("d"), F.unix_timestamp("ts").alias("u"), F.date_trunc("hour", "ts").alias("h")),
  },
  "when / otherwise": {
    build: (s, F) => people(s).select("name", F.when(F.col("age").lt(30), "young").when(F.col("age").lt(40), "mid").otherwise("senior").alias("band")),
  },
  "isin, between, isNull": {
    build: (s, F) => people(s).select("name", F.col("dept").isin("eng", "hr").alias("in"), F.col("age").between(28, 35).alias("btw"), F.col("salary").isNull().alias("nosal")),
  },
  "coalesce and nvl": { build: (s, F) => people(s).select(F.coalesce(F.col("manager"), F.lit("-")).alias("m"), F.nanvl(F.lit(Number.NaN), F.col("salary")).alias("nv")) },
  "casts": {
    build: (s, F) => people(s).select(F.col("age").cast("string").alias("as"), F.col("salary").cast("int").alias("si"), F.col("hired").cast("string").alias("hs"), F.col("salary").cast("decimal(10,2)").alias("dec")),
  },
  "decimals from createDataFrame": {
    build: (s, F) => s.createDataFrame([["12.345"], ["-0.5"], [null]], "d decimal(10,3)").select("d", F.col("d").multiply(2).alias("d2")),
  },
  "math": {
    build: (s, F) => s.range(1, 6).select(F.sqrt("id"), F.pow("id", 2), F.round(F.log("id"), 4).alias("ln"), F.col("id").mod(2).alias("m"), F.abs(F.col("id").minus(3)).alias("a")),
  },
  "na.fill and na.drop": {
    build: (s) => people(s).na.fill(0, ["age"]).na.fill("none", ["manager"]).na.drop("any", undefined, ["salary"]).select("name", "age", "manager"),
  },
  "na.replace": { build: (s) => people(s).replace("eng", "engineering", "dept").select("dept") },
  "describe": { build: (s) => people(s).describe("age", "salary") },
  "spark.sql over a temp view": {
    build: (s) => {
      people(s).createOrReplaceTempView("people_v");
      return s.sql("SELECT dept, count(*) AS n FROM people_v GROUP BY dept");
    },
  },
  "range with step and partitions": { build: (s) => s.range(0, 20, 3, 4) },
  "repartition and coalesce keep the rows": { build: (s) => s.range(100).repartition(7, "id").coalesce(2).filter("id % 10 = 0") },
  "pivot": { build: (s) => people(s).groupBy("dept").pivot("age", [28, 34]).count() },
  "rollup": { build: (s, F) => people(s).rollup("dept").agg(F.count("*").alias("n")) },
  "cube": { build: (s, F) => people(s).cube("dept", "age").agg(F.sum("salary").alias("s")) },
  "a null map key fails at run time": { build: (s, F) => s.createDataFrame([["a"], [null]], "k string").select(F.create_map("k", F.lit(1))), error: true },
  "map_from_arrays of unequal lengths fails": { build: (s, F) => s.createDataFrame([[[1, 2], [3]]], "a array<int>, b array<int>").select(F.map_from_arrays("a", "b")), error: true },
  "a duplicate map key fails at run time": { build: (s, F) => s.createDataFrame([[[1, 1]]], "a array<int>").select(F.map_from_arrays("a", "a")), error: true },
  "flatten of a flat array fails": { build: (s, F) => s.createDataFrame([[[1, 2]]], "a array<int>").select(F.flatten("a")), error: true },
  // ---- nulls and type coercion ----
  "arithmetic across types widens as Spark does": {
    build: (s, F) => s.createDataFrame([[1, 2.5, "3", 4]], "i int, d double, t string, l bigint").select(F.col("i").plus(F.col("d")), F.col("i").plus(F.col("t")), F.col("l").multiply(F.col("i")), F.col("i").divide(2), F.col("t").multiply(2)),
  },
  "null propagation in operators and comparisons": {
    build: (s, F) => s.createDataFrame([[1, null], [null, null]], "a int, b int").select(F.col("a").plus(F.col("b")), F.col("a").eq(F.col("b")), F.col("a").eqNullSafe(F.col("b")), F.col("a").isin(1, null), F.col("b").isNull().and(F.col("a").gt(0))),
  },
  "division by zero and bad casts give null (ANSI off)": {
    build: (s, F) => s.createDataFrame([[1, 0, "x1"], [5, 2, "12"]], "a int, z int, t string").select(F.col("a").divide(F.col("z")), F.col("a").mod(F.col("z")), F.col("t").cast("int"), F.col("t").cast("double"), F.col("t").cast("date")),
  },
  "union widens int and double columns": { build: (s) => s.createDataFrame([[1]], "x int").union(s.createDataFrame([[2.5]], "x double")) },
  "coalesce and greatest over mixed types": {
    build: (s, F) => s.createDataFrame([[null, 2, 1.5]], "a int, b bigint, c double").select(F.coalesce(F.col("a"), F.col("b")), F.greatest("a", "b", "c"), F.least("b", "c")),
  },
  "string and number comparisons": {
    build: (s, F) => s.createDataFrame([["10", 9], ["abc", 1]], "t string, n int").select(F.col("t").gt(F.col("n")), F.col("t").eq(F.lit(10)), F.col("n").cast("string").eq(F.lit("9"))),
  },
  "aggregates skip nulls; empty input gives null": {
    build: (s, F) => s.createDataFrame([[null], [null]], "x int").agg(F.sum("x"), F.avg("x"), F.count("x"), F.count("*"), F.max("x")),
  },
  "decimal arithmetic keeps Spark's precision and scale": {
    build: (s, F) => s.createDataFrame([["1.10", "3"]], "a decimal(5,2), b decimal(4,0)").select(F.col("a").plus(F.col("b")), F.col("a").multiply(F.col("b")), F.col("a").divide(F.col("b"))),
  },
  // ---- bad queries: the same error condition ----
  "SQL: unknown table": { build: (s) => s.sql("SELECT * FROM no_such_table"), error: true },
  "SQL: unknown column": { build: (s) => s.sql("SELECT nope FROM range(3)"), error: true },
  "SQL: unknown function": { build: (s) => s.sql("SELECT no_such_fn(1)"), error: true },
  "SQL: wrong number of arguments": { build: (s) => s.sql("SELECT substring('abc')"), error: true },
  "SQL: column not in GROUP BY": { build: (s) => s.sql("SELECT id, count(*) FROM range(3) GROUP BY id % 2"), error: true },
  "SQL: syntax error": { build: (s) => s.sql("SELEC 1"), error: true },
  "SQL: a non-boolean WHERE": { build: (s) => s.sql("SELECT * FROM range(3) WHERE id + 1"), error: true },
  "SQL: an ambiguous column in a join": { build: (s) => s.sql("SELECT id FROM range(3) a JOIN range(3) b ON a.id = b.id"), error: true },
  "SQL: UNION of different widths": { build: (s) => s.sql("SELECT 1 UNION SELECT 1, 2"), error: true },
  "a missing column fails": { build: (s) => people(s).select("nope"), error: true },
  "an aggregate in where fails": { build: (s, F) => people(s).where(F.sum("age").gt(1)), error: true },
};
