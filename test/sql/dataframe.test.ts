// DataFrame API behaviour against known values (PySpark semantics), on the in-process stand-in.
import { describe, it, expect } from "vitest";
import { SqlSession, F, Window, StructType, IntegerType, StringType } from "../../engine/sql/index";
import { localHost } from "./support/local-context";

const spark = () => new SqlSession(localHost());

const people = (s: SqlSession) =>
  s.createDataFrame(
    [
      [1, "alice", "eng", 100.0, "2024-01-15"],
      [2, "bob", "eng", 80.5, "2024-02-01"],
      [3, "carol", "ops", null, "2023-12-31"],
      [4, "dan", "ops", 60.0, null],
      [5, null, null, 70.0, "2024-03-10"],
    ],
    "id int, name string, dept string, salary double, hired string",
  );

describe("basic transformations", () => {
  it("select, filter, withColumn, drop, rename keep column order and names", async () => {
    const df = people(spark())
      .filter(F.col("salary").gt(65))
      .withColumn("bonus", F.col("salary").multiply(0.1))
      .withColumnRenamed("name", "who")
      .drop("hired")
      .select("id", "who", "bonus");
    expect(df.columns).toEqual(["id", "who", "bonus"]);
    const rows = await df.orderBy("id").collect();
    expect(rows).toEqual([
      { id: 1, who: "alice", bonus: 10 },
      { id: 2, who: "bob", bonus: 8.05 },
      { id: 5, who: null, bonus: 7 },
    ]);
  });

  it("filter accepts SQL text and selectExpr parses expressions with aliases", async () => {
    const df = people(spark()).filter("dept = 'eng' AND salary > 90").selectExpr("upper(name) AS n", "id * 2");
    expect(df.columns).toEqual(["n", "(id * 2)"]);
    expect(await df.collect()).toEqual([{ n: "ALICE", "(id * 2)": 2 }]);
  });

  it("dtypes, schema and printSchema text", () => {
    const df = people(spark());
    expect(df.dtypes).toEqual([["id", "int"], ["name", "string"], ["dept", "string"], ["salary", "double"], ["hired", "string"]]);
    expect(df.schemaString()).toBe(
      "root\n |-- id: integer (nullable = true)\n |-- name: string (nullable = true)\n |-- dept: string (nullable = true)\n |-- salary: double (nullable = true)\n |-- hired: string (nullable = true)\n",
    );
  });

  it("createDataFrame infers long for integral numbers and double otherwise, objects keep key order", () => {
    const df = spark().createDataFrame([{ b: 1, a: 1.5, s: "x", t: true, arr: [1, 2] }]);
    expect(df.dtypes).toEqual([["b", "bigint"], ["a", "double"], ["s", "string"], ["t", "boolean"], ["arr", "array<bigint>"]]);
  });

  it("count, first, head, take, isEmpty", async () => {
    const df = people(spark());
    expect(await df.count()).toBe(5);
    expect((await df.orderBy("id").first())?.name).toBe("alice");
    expect((await df.orderBy(F.desc("id")).head(2)).map((r) => r.id)).toEqual([5, 4]);
    expect(await df.filter("id > 100").isEmpty()).toBe(true);
    expect(await df.limit(3).count()).toBe(3);
  });
});

describe("null semantics", () => {
  it("three-valued logic and null-propagating arithmetic", async () => {
    const df = spark().createDataFrame([[true, null, 1, null], [false, null, null, 2], [null, true, 3, 0]], "a boolean, b boolean, x int, y int");
    const rows = await df.select(
      F.col("a").and(F.col("b")).alias("and"),
      F.col("a").or(F.col("b")).alias("or"),
      F.col("x").plus(F.col("y")).alias("sum"),
      F.col("x").divide(F.col("y")).alias("div"),
      F.coalesce(F.col("x"), F.col("y"), F.lit(-1)).alias("c"),
      F.col("x").eqNullSafe(F.col("y")).alias("ns"),
    ).collect();
    expect(rows).toEqual([
      { and: null, or: true, sum: null, div: null, c: 1, ns: false },
      { and: false, or: null, sum: null, div: null, c: 2, ns: false },
      { and: null, or: true, sum: 3, div: null, c: 3, ns: false },
    ]);
  });

  it("x / 0 is null without ANSI and DIVIDE_BY_ZERO with ANSI", async () => {
    const s = new SqlSession(localHost());
    expect(await s.sql("SELECT 1 / 0 AS a, 5 % 0 AS b, 7 div 2 AS c").collect()).toEqual([{ a: null, b: null, c: 3 }]);
    const ansi = new SqlSession(localHost({ "spark.sql.ansi.enabled": "true" }));
    const df = ansi.createDataFrame([[1, 0]], "a int, b int").select(F.col("a").divide(F.col("b")));
    await expect(df.collect()).rejects.toThrow(/DIVIDE_BY_ZERO/);
    await expect(ansi.createDataFrame([["x"]], "s string").select(F.col("s").cast("int")).collect()).rejects.toThrow(/CAST_INVALID_INPUT/);
  });

  it("NaN equals NaN and sorts above every number; nulls first ascending", async () => {
    const df = spark().createDataFrame([[NaN], [1.0], [null], [Infinity], [-1.0]], "x double");
    expect((await df.orderBy("x").collect()).map((r) => r.x)).toEqual([null, -1, 1, Infinity, NaN]);
    expect((await df.orderBy(F.desc("x")).collect()).map((r) => r.x)).toEqual([NaN, Infinity, 1, -1, null]);
    expect(await df.filter(F.col("x").eq(NaN)).count()).toBe(1);
  });

  it("type coercion: int + long -> bigint, int / int -> double, string compared to int", async () => {
    const s = spark();
    const df = s.sql("SELECT 1 + 2L AS a, 3 / 2 AS b, '10' > 9 AS c, '1.5' + 1 AS d, CAST('2024-02-30' AS DATE) AS e");
    expect(df.dtypes).toEqual([["a", "bigint"], ["b", "double"], ["c", "boolean"], ["d", "double"], ["e", "date"]]);
    expect(await df.collect()).toEqual([{ a: 3, b: 1.5, c: true, d: 2.5, e: null }]);
  });
});

describe("aggregation", () => {
  it("groupBy with sum/avg/min/max/count and nulls in keys and values", async () => {
    const df = people(spark()).groupBy("dept").agg(
      F.count("*").alias("n"), F.count("salary").alias("ns"), F.sum("salary").alias("s"), F.avg("salary").alias("a"),
      F.min("name").alias("mn"), F.max("salary").alias("mx"), F.countDistinct("name").alias("d"),
    ).orderBy("dept");
    expect(await df.collect()).toEqual([
      { dept: null, n: 1, ns: 1, s: 70, a: 70, mn: null, mx: 70, d: 0 },
      { dept: "eng", n: 2, ns: 2, s: 180.5, a: 90.25, mn: "alice", mx: 100, d: 2 },
      { dept: "ops", n: 2, ns: 1, s: 60, a: 60, mn: "carol", mx: 60, d: 2 },
    ]);
  });

  it("global aggregates over empty input return one row", async () => {
    const df = people(spark()).filter("id > 99").agg(F.count("*").alias("n"), F.sum("salary").alias("s"));
    expect(await df.collect()).toEqual([{ n: 0, s: null }]);
  });

  it("collect_list, collect_set, stddev, variance, first/last with ignorenulls", async () => {
    const s = spark();
    const df = s.createDataFrame([[1, 2.0], [1, 4.0], [1, 4.0], [1, null], [2, 5.0]], "k int, v double");
    const rows = await df.groupBy("k").agg(
      F.sort_array(F.collect_list("v")).alias("l"), F.sort_array(F.collect_set("v")).alias("st"),
      F.round(F.stddev("v"), 6).alias("sd"), F.var_pop("v").alias("vp"),
    ).orderBy("k").collect();
    expect(rows).toEqual([
      { k: 1, l: [2, 4, 4], st: [2, 4], sd: 1.154701, vp: rows[0]!.vp },
      { k: 2, l: [5], st: [5], sd: null, vp: 0 },
    ]);
    expect(rows[0]!.vp).toBeCloseTo(8 / 9, 10);
  });

  it("MISSING_AGGREGATION names the expression", () => {
    expect(() => people(spark()).groupBy("dept").agg(F.col("name"))).toThrow(
      '[MISSING_AGGREGATION] The non-aggregating expression "name" is based on columns which are not participating in the GROUP BY clause.',
    );
  });

  it("distinct and dropDuplicates", async () => {
    const df = spark().createDataFrame([[1, "a"], [1, "a"], [1, "b"], [2, "a"]], "x int, y string");
    expect(await df.distinct().count()).toBe(3);
    expect((await df.dropDuplicates(["x"]).orderBy("x").collect()).map((r) => r.x)).toEqual([1, 2]);
  });
});

describe("joins", () => {
  const emp = (s: SqlSession) => s.createDataFrame([[1, "a", 10], [2, "b", 20], [3, "c", null], [4, "d", 40]], "id int, name string, dept int");
  const dept = (s: SqlSession) => s.createDataFrame([[10, "eng"], [20, "ops"], [30, "hr"], [null, "none"]], "dept int, dname string");

  it.each([
    ["inner", [[1, "eng"], [2, "ops"]]],
    ["left", [[1, "eng"], [2, "ops"], [3, null], [4, null]]],
    ["right", [[null, "hr"], [null, "none"], [1, "eng"], [2, "ops"]]],
    ["full", [[null, "hr"], [null, "none"], [1, "eng"], [2, "ops"], [3, null], [4, null]]],
  ] as const)("%s join on a column expression", async (how, expected) => {
    const s = spark();
    const e = emp(s), d = dept(s);
    const rows = await e.join(d, e.col("dept").eq(d.col("dept")), how).select(e.col("id"), d.col("dname")).orderBy("id", "dname").collect();
    expect(rows.map((r) => [r.id, r.dname])).toEqual(expected);
  });

  it("left_semi and left_anti", async () => {
    const s = spark();
    const e = emp(s), d = dept(s);
    expect((await e.join(d, "dept", "left_semi").orderBy("id").collect()).map((r) => r.id)).toEqual([1, 2]);
    expect((await e.join(d, "dept", "left_anti").orderBy("id").collect()).map((r) => r.id)).toEqual([3, 4]);
  });

  it("USING join keeps one key column; full outer coalesces it", async () => {
    const s = spark();
    const j = emp(s).join(dept(s), ["dept"], "full");
    expect(j.columns).toEqual(["dept", "id", "name", "dname"]);
    expect((await j.orderBy("dept").collect()).map((r) => r.dept)).toEqual([null, null, 10, 20, 30, 40]);
  });

  it("shuffled hash join when broadcast is disabled gives the same rows", async () => {
    const s = new SqlSession(localHost({ "spark.sql.autoBroadcastJoinThreshold": "-1" }));
    const e = emp(s), d = dept(s);
    const j = e.join(d, "dept");
    expect(j.explainString()).toContain("ShuffledHashJoin");
    expect((await j.orderBy("id").collect()).map((r) => r.dname)).toEqual(["eng", "ops"]);
  });

  it("broadcast() hint and threshold choose BroadcastHashJoin", () => {
    const s = new SqlSession(localHost({ "spark.sql.autoBroadcastJoinThreshold": "-1" }));
    expect(emp(s).join(F.broadcast(dept(s)), "dept").explainString()).toContain("BroadcastHashJoin");
  });

  it("self join via aliases and non-equi join", async () => {
    const s = spark();
    const e = emp(s);
    const a = e.alias("a"), b = e.alias("b");
    const rows = await a.join(b, F.col("a.id").lt(F.col("b.id"))).select(F.col("a.id").alias("x"), F.col("b.id").alias("y")).orderBy("x", "y").collect();
    expect(rows.length).toBe(6);
    expect(rows[0]).toEqual({ x: 1, y: 2 });
  });

  it("crossJoin", async () => {
    const s = spark();
    expect(await emp(s).crossJoin(dept(s)).count()).toBe(16);
  });
});

describe("windows", () => {
  const sales = (s: SqlSession) => s.createDataFrame(
    [["a", 1, 10], ["a", 2, 20], ["a", 3, 20], ["a", 4, 5], ["b", 1, 7], ["b", 2, null]],
    "k string, t int, v int",
  );
  it("ranking functions", async () => {
    const w = Window.partitionBy("k").orderBy(F.desc("v"));
    const rows = await sales(spark()).select("k", "t",
      F.row_number().over(w).alias("rn"), F.rank().over(w).alias("r"), F.dense_rank().over(w).alias("dr"),
      F.percent_rank().over(w).alias("pr"), F.ntile(2).over(w).alias("nt"), F.cume_dist().over(w).alias("cd"),
    ).orderBy("k", "rn").collect();
    expect(rows.map((r) => [r.k, r.t, r.rn, r.r, r.dr, r.nt])).toEqual([
      ["a", 2, 1, 1, 1, 1], ["a", 3, 2, 1, 1, 1], ["a", 1, 3, 3, 2, 2], ["a", 4, 4, 4, 3, 2],
      ["b", 1, 1, 1, 1, 1], ["b", 2, 2, 2, 2, 2],
    ]);
    expect(rows.map((r) => r.pr)).toEqual([0, 0, 2 / 3, 1, 0, 1]);
    expect(rows.map((r) => r.cd)).toEqual([0.5, 0.5, 0.75, 1, 0.5, 1]);
  });

  it("lag/lead and running and sliding frames", async () => {
    const w = Window.partitionBy("k").orderBy("t");
    const rows = await sales(spark()).select("k", "t",
      F.lag("v").over(w).alias("lag"), F.lead("v", 1, 0).over(w).alias("lead"),
      F.sum("v").over(w).alias("run"),
      F.sum("v").over(w.rowsBetween(-1, 1)).alias("slide"),
      F.sum("v").over(Window.partitionBy("k")).alias("tot"),
      F.max("v").over(w.rowsBetween(Window.unboundedPreceding, Window.currentRow)).alias("mx"),
    ).orderBy("k", "t").collect();
    expect(rows.map((r) => [r.lag, r.lead, r.run, r.slide, r.tot, r.mx])).toEqual([
      [null, 20, 10, 30, 55, 10], [10, 20, 30, 50, 55, 20], [20, 5, 50, 45, 55, 20], [20, 0, 55, 25, 55, 20],
      [null, null, 7, 7, 7, 7], [7, 0, 7, 7, 7, 7],
    ]);
  });

  it("rangeBetween over values", async () => {
    const df = spark().createDataFrame([[1], [2], [4], [7]], "x int");
    const rows = await df.select("x", F.sum("x").over(Window.orderBy("x").rangeBetween(-2, 0)).alias("s")).orderBy("x").collect();
    expect(rows.map((r) => r.s)).toEqual([1, 3, 6, 7]);
  });
});

describe("explode, collections, strings, dates", () => {
  it("explode, explode_outer, posexplode", async () => {
    const df = spark().createDataFrame([[1, [1, 2]], [2, []], [3, null]], "id int, xs array<int>");
    expect((await df.select("id", F.explode("xs")).collect()).map((r) => [r.id, r.col])).toEqual([[1, 1], [1, 2]]);
    expect((await df.select("id", F.explode_outer("xs").alias("x")).collect()).map((r) => [r.id, r.x])).toEqual([[1, 1], [1, 2], [2, null], [3, null]]);
    expect(await df.select(F.posexplode("xs")).collect()).toEqual([{ pos: 0, col: 1 }, { pos: 1, col: 2 }]);
  });

  it("string functions", async () => {
    const df = spark().createDataFrame([["  Hello World  "]], "s string");
    const r = (await df.select(
      F.trim("s").alias("t"), F.upper("s").alias("u"), F.length("s").alias("n"), F.substring(F.trim("s"), 1, 5).alias("sub"),
      F.lpad(F.lit("7"), 3, "0").alias("lp"), F.split(F.trim("s"), " ").alias("sp"), F.regexp_replace("s", "o", "0").alias("rr"),
      F.regexp_extract(F.trim("s"), "(\\w+) (\\w+)", 2).alias("re"), F.instr("s", "World").alias("i"),
      F.initcap(F.lit("hello wORLD")).alias("ic"), F.concat_ws("-", F.lit("a"), F.lit(null), F.lit("b")).alias("cw"),
      F.format_string("%05.1f|%-3s|%d", F.lit(3.14159), F.lit("x"), F.lit(42)).alias("fs"),
      F.concat(F.lit("a"), F.lit(null)).alias("cn"),
    ).collect())[0];
    expect(r).toEqual({
      t: "Hello World", u: "  HELLO WORLD  ", n: 15, sub: "Hello", lp: "007", sp: ["Hello", "World"], rr: "  Hell0 W0rld  ",
      re: "World", i: 9, ic: "Hello World", cw: "a-b", fs: "003.1|x  |42", cn: null,
    });
  });

  it("date functions", async () => {
    const df = spark().createDataFrame([["2024-01-31 13:45:10"]], "s string");
    const r = (await df.select(
      F.to_date("s").alias("d"), F.year("s").alias("y"), F.month("s").alias("m"), F.dayofmonth("s").alias("dd"),
      F.hour("s").alias("h"), F.date_format("s", "yyyy/MM/dd HH:mm").alias("f"), F.add_months(F.to_date("s"), 1).alias("am"),
      F.datediff(F.lit("2024-03-01"), F.to_date("s")).alias("dif"), F.date_trunc("month", "s").alias("tr"),
      F.unix_timestamp(F.lit("1970-01-02 00:00:00")).alias("ut"), F.from_unixtime(F.lit(86400)).alias("fu"),
      F.dayofweek("s").alias("dow"), F.last_day("s").alias("ld"),
    ).collect())[0]!;
    expect(r.d).toEqual(new Date("2024-01-31T00:00:00Z"));
    expect([r.y, r.m, r.dd, r.h, r.f, r.dif, r.ut, r.fu, r.dow]).toEqual([2024, 1, 31, 13, "2024/01/31 13:45", 30, 86400, "1970-01-02 00:00:00", 4]);
    expect(r.am).toEqual(new Date("2024-02-29T00:00:00Z"));
    expect(r.tr).toEqual(new Date("2024-01-01T00:00:00Z"));
    expect(r.ld).toEqual(new Date("2024-01-31T00:00:00Z"));
  });

  it("event-time windows (tumbling and sliding)", async () => {
    const df = spark().createDataFrame([["2024-01-01 10:03:00", 1], ["2024-01-01 10:07:00", 2], ["2024-01-01 10:12:00", 3]], "ts string, v int")
      .withColumn("ts", F.col("ts").cast("timestamp"));
    const tumbling = await df.groupBy(F.window("ts", "10 minutes")).agg(F.sum("v").alias("s")).orderBy("window").collect();
    expect(tumbling.map((r) => [(r.window as { start: Date }).start.toISOString(), r.s])).toEqual([["2024-01-01T10:00:00.000Z", 3], ["2024-01-01T10:10:00.000Z", 3]]);
    const sliding = await df.groupBy(F.window("ts", "10 minutes", "5 minutes")).agg(F.sum("v").alias("s")).orderBy("window").collect();
    expect(sliding.map((r) => r.s)).toEqual([1, 3, 5, 3]);
  });

  it("when/otherwise, isin, between, like, cast", async () => {
    const df = spark().createDataFrame([[1], [5], [10], [null]], "x int");
    const rows = await df.select(
      F.when(F.col("x").lt(3), "low").when(F.col("x").lt(8), "mid").otherwise("high").alias("b"),
      F.col("x").isin(1, 10).alias("in"), F.col("x").between(2, 9).alias("bt"),
      F.col("x").cast("string").like("1%").alias("lk"),
    ).collect();
    expect(rows).toEqual([
      { b: "low", in: true, bt: false, lk: true },
      { b: "mid", in: false, bt: true, lk: false },
      { b: "high", in: true, bt: false, lk: true },
      { b: "high", in: null, bt: null, lk: null },
    ]);
  });
});

describe("set operations, na, describe, show", () => {
  it("union, unionByName, intersect, subtract, exceptAll", async () => {
    const s = spark();
    const a = s.createDataFrame([[1, "x"], [2, "y"], [2, "y"]], "n int, c string");
    const b = s.createDataFrame([["y", 2], ["z", 3]], "c string, n int");
    expect(await a.union(a).count()).toBe(6);
    expect((await a.unionByName(b).orderBy("n").collect()).map((r) => r.n)).toEqual([1, 2, 2, 2, 3]);
    expect(await a.intersect(b.select("n", "c")).collect()).toEqual([{ n: 2, c: "y" }]);
    expect(await a.subtract(b.select("n", "c")).collect()).toEqual([{ n: 1, c: "x" }]);
    expect((await a.exceptAll(b.select("n", "c")).orderBy("n").collect()).map((r) => r.n)).toEqual([1, 2]);
    expect(() => a.union(s.createDataFrame([[1]], "n int"))).toThrow(/NUM_COLUMNS_MISMATCH/);
  });

  it("na.fill and na.drop", async () => {
    const df = people(spark());
    expect((await df.na.fill(0).orderBy("id").collect()).map((r) => r.salary)).toEqual([100, 80.5, 0, 60, 70]);
    expect((await df.na.fill({ name: "?" }).orderBy("id").collect()).map((r) => r.name)).toEqual(["alice", "bob", "carol", "dan", "?"]);
    expect(await df.na.drop().count()).toBe(2);
    expect(await df.na.drop("all").count()).toBe(5);
    expect(await df.dropna("any", undefined, ["salary"]).count()).toBe(4);
  });

  it("show prints PySpark's table with truncation and footer", async () => {
    const df = spark().createDataFrame([[1, "a very long string that will be truncated", null], [2, "b", 1.5]], "id int, s string, d double");
    expect(await df.showString(1)).toBe(
      "+---+--------------------+----+\n" +
      "| id|                   s|   d|\n" +
      "+---+--------------------+----+\n" +
      "|  1|a very long strin...|null|\n" +
      "+---+--------------------+----+\n" +
      "only showing top 1 row\n",
    );
    expect(await df.showString(20, false)).toBe(
      "+---+-----------------------------------------+----+\n" +
      "|id |s                                        |d   |\n" +
      "+---+-----------------------------------------+----+\n" +
      "|1  |a very long string that will be truncated|null|\n" +
      "|2  |b                                        |1.5 |\n" +
      "+---+-----------------------------------------+----+\n",
    );
  });

  it("describe computes count/mean/stddev/min/max as strings", async () => {
    const df = spark().createDataFrame([[1], [2], [3], [4]], "x int");
    const rows = await df.describe().collect();
    expect(rows).toEqual([
      { summary: "count", x: "4" }, { summary: "mean", x: "2.5" }, { summary: "stddev", x: "1.2909944487358056" },
      { summary: "min", x: "1" }, { summary: "max", x: "4" },
    ]);
  });

  it("cache serves later queries from the cached relation", async () => {
    const s = spark();
    const df = s.range(0, 10).cache();
    expect(await df.filter("id > 5").count()).toBe(4);
    expect(df.is_cached).toBe(true);
  });

  it("createDataFrame with an explicit StructType and collect of nested structs and maps", async () => {
    const s = spark();
    const schema = new StructType([{ name: "a", dataType: IntegerType, nullable: false }, { name: "b", dataType: StringType, nullable: true }]);
    const df = s.createDataFrame([[1, "x"]], schema).select(F.struct("a", "b").alias("s"), F.create_map(F.lit("k"), F.col("a")).alias("m"));
    expect(await df.collect()).toEqual([{ s: { a: 1, b: "x" }, m: { k: 1 } }]);
  });

  it("_repr_mimebundle_ gives text and an HTML table with row counts", async () => {
    const b = await spark().range(3)._repr_mimebundle_();
    expect(String(b["text/html"])).toContain("showing 3 of 3 rows");
    expect(String(b["text/plain"])).toContain("| id|");
  });
});

describe("show vertical", () => {
  it("prints one record block per row like PySpark", async () => {
    const df = new SqlSession(localHost()).createDataFrame([[1, "alice"]], "id int, name string");
    expect(await df.showString(20, true, true)).toBe("-RECORD 0-----\n id   | 1     \n name | alice \n");
  });
});

describe("udf and randomSplit", () => {
  it("F.udf ships a user function (with captured values) and sees nulls", async () => {
    const s = new SqlSession(localHost());
    const factor = 3;
    const times = F.udf((x: number | null) => (x === null ? -1 : x * factor), "int");
    const df = s.createDataFrame([[1], [null], [4]], "x int").select(times("x").alias("y"));
    expect(df.dtypes).toEqual([["y", "int"]]);
    expect((await df.collect()).map((r) => r.y)).toEqual([3, -1, 12]);
    const bad = F.udf((x: number) => { if (x > 1) throw new Error("too big"); return x; }, "int");
    await expect(s.createDataFrame([[1], [2]], "x int").select(bad("x")).collect()).rejects.toThrow(/FAILED_EXECUTE_UDF.*too big/);
  });

  it("randomSplit partitions the rows disjointly and deterministically", async () => {
    const df = new SqlSession(localHost()).range(0, 1000, 1, 3);
    const [a, b] = df.randomSplit([0.7, 0.3], 7);
    const ra = (await a!.collect()).map((r) => r.id as number), rb = (await b!.collect()).map((r) => r.id as number);
    expect(ra.length + rb.length).toBe(1000);
    expect(new Set([...ra, ...rb]).size).toBe(1000);
    expect(ra.length).toBeGreaterThan(600);
    expect(ra.length).toBeLessThan(800);
    expect((await a!.collect()).length).toBe(ra.length);
  });
});

describe("partitioning and rdd", () => {
  it("repartition, coalesce and df.rdd", async () => {
    const s = new SqlSession(localHost());
    const df = s.range(0, 100, 1, 4);
    expect((await df.repartition(3).toInternalRdd()).getNumPartitions()).toBe(3);
    expect((await df.coalesce(2).toInternalRdd()).getNumPartitions()).toBe(2);
    expect((await df.repartition(5, "id").toInternalRdd()).getNumPartitions()).toBe(5);
    expect(await df.repartition(3).count()).toBe(100);
    const rdd = df.filter("id < 3").rdd;
    expect(await rdd.collect()).toEqual([{ id: 0 }, { id: 1 }, { id: 2 }]);
    const ds = df.filter("id < 3").as<{ id: number }>();
    expect(await ds.map((r) => r.id * 10).collect()).toEqual([0, 10, 20]);
  });
});

describe("rollup and cube", () => {
  it("df.rollup / df.cube add subtotal rows", async () => {
    const df = new SqlSession(localHost()).createDataFrame([["a", "x", 1], ["a", "y", 2], ["b", "x", 3]], "g string, h string, v int");
    const r = await df.rollup("g", "h").agg(F.sum("v").alias("s")).orderBy("g", "h").collect();
    expect(r.map((x) => [x.g, x.h, x.s])).toEqual([[null, null, 6], ["a", null, 3], ["a", "x", 1], ["a", "y", 2], ["b", null, 3], ["b", "x", 3]]);
    expect(await df.cube("g", "h").count().count()).toBe(8);
  });
});

describe("danfojs interop", () => {
  it("toDanfo and createDataFrame(danfoDf) round-trip rows", async () => {
    const s = new SqlSession(localHost());
    const df = s.createDataFrame([[1, "a", 1.5], [2, "b", null]], "id int, name string, x double");
    const d = (await df.toDanfo()) as { columns: string[] };
    expect(d.columns).toEqual(["id", "name", "x"]);
    expect(await s.createDataFrame(d).collect()).toEqual([{ id: 1, name: "a", x: 1.5 }, { id: 2, name: "b", x: null }]);
  });
});
