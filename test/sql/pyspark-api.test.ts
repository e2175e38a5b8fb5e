// DataFrame methods against PySpark's documented results (the examples in the PySpark API docs:
// describe, summary, na.fill / na.drop, dropDuplicates, unionByName, sort with `ascending`, join
// spellings, printSchema / dtypes / simpleString, explain modes, first / take / toLocalIterator).
import { describe, it, expect } from "vitest";
import { SqlSession, F } from "../../engine/sql/index";
import { localHost, LocalSparkContext } from "./support/local-context";
import { MapConf } from "../../engine/sql/session-types";

const session = () => new SqlSession(localHost());
// PySpark's doc examples run on local[*]: three rows land in three partitions, whose partial
// aggregates are merged in order (floating-point results depend on that).
const docSession = () => new SqlSession({ sparkContext: new LocalSparkContext(4), conf: new MapConf() });
const people = (s: SqlSession) => s.createDataFrame([["Bob", 13, 40.3, 150.5], ["Alice", 12, 37.8, 142.3], ["Tom", 11, 44.1, 142.2]], ["name", "age", "weight", "height"]);
const table = async (df: { collect(): Promise<Record<string, unknown>[]> }) => (await df.collect()).map((r) => Object.values(r));

describe("describe / summary (PySpark docs)", () => {
  it("describe(['age']) and describe of three numeric columns", async () => {
    const df = people(docSession());
    expect(await table(df.describe(["age"]))).toEqual([["count", "3"], ["mean", "12.0"], ["stddev", "1.0"], ["min", "11"], ["max", "13"]]);
    expect(await table(df.describe(["age", "weight", "height"]))).toEqual([
      ["count", "3", "3", "3"],
      ["mean", "12.0", "40.73333333333333", "145.0"],
      ["stddev", "1.0", "3.1722757341273704", "4.763402145525822"],
      ["min", "11", "37.8", "142.2"],
      ["max", "13", "44.1", "150.5"],
    ]);
  });
  it("summary() has the quartiles; summary(stats) picks rows", async () => {
    const df = people(docSession()).select("age", "weight", "height");
    expect(await table(df.summary())).toEqual([
      ["count", "3", "3", "3"],
      ["mean", "12.0", "40.73333333333333", "145.0"],
      ["stddev", "1.0", "3.1722757341273704", "4.763402145525822"],
      ["min", "11", "37.8", "142.2"],
      ["25%", "11", "37.8", "142.2"],
      ["50%", "12", "40.3", "142.3"],
      ["75%", "13", "44.1", "150.5"],
      ["max", "13", "44.1", "150.5"],
    ]);
    expect(await table(df.summary("count", "min", "25%", "75%", "max"))).toEqual([
      ["count", "3", "3", "3"], ["min", "11", "37.8", "142.2"], ["25%", "11", "37.8", "142.2"], ["75%", "13", "44.1", "150.5"], ["max", "13", "44.1", "150.5"],
    ]);
  });
});

describe("na functions (PySpark docs)", () => {
  const data = (s: SqlSession) => s.createDataFrame([[10, 80.5, "Alice", null], [5, null, "Bob", null], [null, null, "Tom", null], [null, null, null, true]], "age bigint, height double, name string, bool boolean");
  it("na.fill(50), fill(false), fill(dict), fill(value, subset as a string)", async () => {
    const s = session();
    expect(await table(data(s).na.fill(50))).toEqual([[10, 80.5, "Alice", null], [5, 50, "Bob", null], [50, 50, "Tom", null], [50, 50, null, true]]);
    expect((await table(data(s).na.fill(false))).map((r) => r[3])).toEqual([false, false, false, true]);
    expect(await table(data(s).na.fill({ age: 50, name: "unknown" }))).toEqual([[10, 80.5, "Alice", null], [5, null, "Bob", null], [50, null, "Tom", null], [50, null, "unknown", true]]);
    expect((await table(data(s).fillna("?", "name"))).map((r) => r[2])).toEqual(["Alice", "Bob", "Tom", "?"]);
    expect((await table(data(s).na.fill(1, ["height"]))).map((r) => [r[0], r[1]])).toEqual([[10, 80.5], [5, 1], [null, 1], [null, 1]]);
  });
  it("na.drop(how, thresh, subset)", async () => {
    const s = session();
    const df = s.createDataFrame([[10, 80.5, "Alice"], [5, null, "Bob"], [null, null, "Tom"], [null, null, null]], "age bigint, height double, name string");
    expect(await table(df.na.drop())).toEqual([[10, 80.5, "Alice"]]);
    expect((await table(df.na.drop("all"))).length).toBe(3);
    expect((await table(df.na.drop("any", 2))).map((r) => r[2])).toEqual(["Alice", "Bob"]);
    expect((await table(df.dropna("any", undefined, "age"))).map((r) => r[2])).toEqual(["Alice", "Bob"]);
    expect(() => df.na.drop("some" as "any")).toThrow(/should be 'any' or 'all'/);
  });
});

describe("rows and sorting", () => {
  it("dropDuplicates() and dropDuplicates(subset)", async () => {
    const df = session().createDataFrame([{ name: "Alice", age: 5, height: 80 }, { name: "Alice", age: 5, height: 80 }, { name: "Alice", age: 10, height: 80 }]);
    expect(await df.dropDuplicates().count()).toBe(2);
    expect(await table(df.dropDuplicates(["name", "height"]))).toEqual([["Alice", 5, 80]]);
    expect(await df.dropDuplicates("name", "age").count()).toBe(2);
  });
  it("unionByName(other, allowMissingColumns)", async () => {
    const s = session();
    const df1 = s.createDataFrame([[1, 2, 3]], ["col0", "col1", "col2"]);
    const df2 = s.createDataFrame([[4, 5, 6]], ["col1", "col2", "col3"]);
    const u = df1.unionByName(df2, true);
    expect(u.columns).toEqual(["col0", "col1", "col2", "col3"]);
    expect(await table(u)).toEqual([[1, 2, 3, null], [null, 4, 5, 6]]);
    expect(() => df1.unionByName(df2)).toThrow();
  });
  it("sort / orderBy with PySpark's ascending keyword and null orderings", async () => {
    const s = session();
    const df = s.createDataFrame([[2, "Alice"], [5, "Bob"], [null, "Tom"], [5, "Ann"]], "age int, name string");
    const names = async (d: typeof df) => (await d.collect()).map((r) => r.name);
    expect(await names(df.sort("age", "name", { ascending: false }))).toEqual(["Bob", "Ann", "Alice", "Tom"]);
    expect(await names(df.orderBy(["age", "name"], { ascending: [false, true] }))).toEqual(["Ann", "Bob", "Alice", "Tom"]);
    expect(await names(df.orderBy("age", "name"))).toEqual(["Tom", "Alice", "Ann", "Bob"]);
    expect(await names(df.orderBy(F.col("age").desc_nulls_first(), "name"))).toEqual(["Tom", "Ann", "Bob", "Alice"]);
    expect(await names(df.orderBy(F.col("age").asc_nulls_last(), "name"))).toEqual(["Alice", "Ann", "Bob", "Tom"]);
    expect(await names(df.orderBy(F.desc("age"), F.asc("name")))).toEqual(["Ann", "Bob", "Alice", "Tom"]);
  });
  it("first() on an empty DataFrame is null; take(n); head(n); toLocalIterator is an async iterable", async () => {
    const df = session().range(0, 10);
    expect(await df.filter("id > 100").first()).toBeNull();
    expect(await df.take(3)).toEqual([{ id: 0 }, { id: 1 }, { id: 2 }]);
    expect(await df.head(2)).toEqual([{ id: 0 }, { id: 1 }]);
    const seen: unknown[] = [];
    for await (const r of df.filter("id % 4 = 0").toLocalIterator()) seen.push(r.id);
    expect(seen).toEqual([0, 4, 8]);
  });
});

describe("pivot (PySpark docs)", () => {
  const earnings = (s: SqlSession) => s.createDataFrame([
    { course: "dotNET", year: 2012, earnings: 10000 }, { course: "Java", year: 2012, earnings: 20000 }, { course: "dotNET", year: 2012, earnings: 5000 },
    { course: "dotNET", year: 2013, earnings: 48000 }, { course: "Java", year: 2013, earnings: 30000 },
  ]);
  it("with the values given, pivot(...).sum(...) is a DataFrame at once", async () => {
    const df = earnings(session()).groupBy("year").pivot("course", ["dotNET", "Java"]).sum("earnings").sort("year");
    expect(df.columns).toEqual(["year", "dotNET", "Java"]);
    expect(await table(df)).toEqual([[2012, 15000, 20000], [2013, 48000, 30000]]);
  });
  it("without values the distinct values (sorted) come from a job: a Promise", async () => {
    const df = (await earnings(session()).groupBy("year").pivot("course").sum("earnings")).sort("year");
    expect(df.columns).toEqual(["year", "Java", "dotNET"]);
    expect(await table(df)).toEqual([[2012, 20000, 15000], [2013, 30000, 48000]]);
  });
});

describe("joins: every `how` spelling PySpark accepts", () => {
  it("synonyms give the same rows as their canonical join type", async () => {
    const s = session();
    const l = s.createDataFrame([[1, "a"], [2, "b"], [3, "c"]], "k int, lv string");
    const r = s.createDataFrame([[2, "x"], [3, "y"], [4, "z"]], "k int, rv string");
    const expected: Record<string, number> = { inner: 2, full: 4, left: 3, right: 3, left_semi: 2, left_anti: 1 };
    const synonyms: Record<string, string[]> = {
      inner: ["inner"], full: ["outer", "full", "fullouter", "full_outer"], left: ["left", "leftouter", "left_outer"],
      right: ["right", "rightouter", "right_outer"], left_semi: ["semi", "leftsemi", "left_semi"], left_anti: ["anti", "leftanti", "left_anti"],
    };
    for (const [canon, names] of Object.entries(synonyms)) {
      const want = (await l.join(r, "k", canon).collect()).map((x) => JSON.stringify(x)).sort();
      expect(want.length, canon).toBe(expected[canon]);
      for (const how of names) expect((await l.join(r, "k", how).collect()).map((x) => JSON.stringify(x)).sort(), how).toEqual(want);
    }
    expect(await l.join(r, undefined, "cross").count()).toBe(9);
    expect(await l.crossJoin(r).count()).toBe(9);
    expect(await l.join(r, [l.col("k").eq(r.col("k")), r.col("rv").neq("y")], "inner").count()).toBe(1);
    expect(() => l.join(r, "k", "sideways")).toThrow(/Unsupported join type/);
  });
});

describe("schema text (PySpark's printSchema / dtypes / simpleString)", () => {
  it("dtypes and simpleString use Spark SQL type names", () => {
    const df = session().createDataFrame([[14, "Tom"]], ["age", "name"]);
    expect(df.dtypes).toEqual([["age", "bigint"], ["name", "string"]]);
    const t = session().sql("SELECT cast(1 AS int) i, array(1, 2) a, map('k', 1.5D) m, named_struct('x', 1L) s, cast(1 AS decimal(10,2)) d, date'2024-01-01' dt, cast(1 AS smallint) sm, cast(1 AS tinyint) ti, cast(1 AS float) f");
    expect(t.dtypes).toEqual([["i", "int"], ["a", "array<int>"], ["m", "map<string,double>"], ["s", "struct<x:bigint>"], ["d", "decimal(10,2)"], ["dt", "date"], ["sm", "smallint"], ["ti", "tinyint"], ["f", "float"]]);
    expect(t.schema.names).toEqual(t.columns);
    expect(t.schema.simpleString()).toBe("struct<i:int,a:array<int>,m:map<string,double>,s:struct<x:bigint>,d:decimal(10,2),dt:date,sm:smallint,ti:tinyint,f:float>");
  });
  it("printSchema tree: top level ' |-- ', nested levels ' |    |-- ' (Spark's StructType.treeString)", () => {
    const df = session().createDataFrame([{ name: "a", info: { age: 1, tags: ["x"] }, m: new Map([["k", 1]]) }], "name string, info struct<age:int,tags:array<string>>, m map<string,int>");
    expect(df.schema.treeString()).toBe([
      "root",
      " |-- name: string (nullable = true)",
      " |-- info: struct (nullable = true)",
      " |    |-- age: integer (nullable = true)",
      " |    |-- tags: array (nullable = true)",
      " |    |    |-- element: string (containsNull = true)",
      " |-- m: map (nullable = true)",
      " |    |-- key: string",
      " |    |-- value: integer (valueContainsNull = true)",
      "",
    ].join("\n"));
  });
});

describe("small PySpark behaviours", () => {
  it("printSchema(level) limits nesting; storageLevel; withColumn needs a Column", async () => {
    const s = session();
    const df = s.createDataFrame([{ a: { b: { c: 1 } } }], "a struct<b:struct<c:int>>");
    expect(df.schemaString(1)).toBe("root\n |-- a: struct (nullable = true)\n");
    expect(df.schemaString(2)).toBe("root\n |-- a: struct (nullable = true)\n |    |-- b: struct (nullable = true)\n");
    const r = s.range(0, 10);
    expect(r.storageLevel.toString()).toBe("StorageLevel(False, False, False, False, 1)");
    r.cache();
    expect(r.storageLevel.toString()).toBe("StorageLevel(True, True, False, True, 1)");
    expect(() => r.withColumn("x", 5 as never)).toThrow(/NOT_COLUMN.*should be a Column, got number/);
  });
});

describe("explain(mode)", () => {
  it("simple, extended, formatted, cost and codegen print their sections", () => {
    const df = session().range(0, 100).filter("id > 5").groupBy(F.col("id").mod(3).alias("m")).count();
    expect(df.explainString().startsWith("== Physical Plan ==\n")).toBe(true);
    const ext = df.explainString("extended");
    for (const h of ["== Parsed Logical Plan ==", "== Analyzed Logical Plan ==", "== Optimized Logical Plan ==", "== Physical Plan =="]) expect(ext).toContain(h);
    const mask = (t: string) => t.replace(/#\d+/g, "#_");
    expect(mask(df.explainString(true))).toBe(mask(ext));
    expect(df.explainString("formatted")).toMatch(/^== Physical Plan ==\n[\s\S]*\(1\)/);
    const cost = df.explainString("cost");
    expect(cost.startsWith("== Optimized Logical Plan ==\n")).toBe(true);
    expect(cost).toMatch(/Statistics\(sizeInBytes=\d+\.\d (B|KiB|MiB|GiB|TiB|PiB|EiB)\)/);
    expect(cost).toContain("== Physical Plan ==");
    expect(df.explainString("codegen")).toMatch(/^Found \d+ WholeStageCodegen subtrees\.\n== Subtree 1 \/ \d+ ==/);
    expect(() => df.explainString("verbose" as "simple")).toThrow(/INVALID_EXPLAIN_MODE|Unknown explain mode/);
  });
});
