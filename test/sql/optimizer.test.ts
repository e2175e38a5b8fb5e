// Optimizer rules with expected plan text, and explain() showing pushdown reaching the scan.
import { describe, it, expect, beforeAll } from "vitest";
import { SqlSession, F, optimize, planString, registerDataSource, StructType, type LogicalPlan } from "../../engine/sql/index";
import { ConstantFolding, PushDownPredicates, ColumnPruning, runBatches, CombineFilters, BooleanSimplification } from "../../engine/sql/optimizer";
import { localHost } from "./support/local-context";

// Plans print attribute ids (#n); ids depend on creation order, so compare with ids masked.
const mask = (s: string) => s.replace(/#\d+/g, "#_");

// A data source that only describes itself: explain() never reads data.
beforeAll(() => {
  registerDataSource({
    format: "memtest",
    inferSchema() { return new StructType([{ name: "a", dataType: { type: "integer" }, nullable: true }, { name: "b", dataType: { type: "string" }, nullable: true }, { name: "c", dataType: { type: "double" }, nullable: true }]); },
    async planSplits() { return []; },
    readSplit() { return []; },
  });
});

const once = (rule: { name: string; apply(p: LogicalPlan): LogicalPlan }, p: LogicalPlan) =>
  runBatches(p, [{ name: "test", strategy: "fixedPoint", rules: [rule] }]);

describe("optimizer rules", () => {
  const spark = () => new SqlSession(localHost());

  it("constant folding and boolean simplification", () => {
    const df = spark().range(10).filter(F.lit(1).plus(2).eq(3).and(F.col("id").gt(F.lit(2).multiply(3))));
    const folded = once(BooleanSimplification, once(ConstantFolding, df.plan));
    expect(mask(planString(folded))).toBe("Filter (id#_L > 6)\n+- Range (0, 10, step=1, splits=None)");
  });

  it("combine filters and push them below projections", () => {
    const df = spark().range(10).select(F.col("id"), F.col("id").multiply(2).alias("d")).filter("d > 4").filter("id < 8");
    const p = once(ConstantFolding, once(PushDownPredicates, once(CombineFilters, df.plan)));
    expect(mask(planString(p))).toBe(
      "Project [id#_L, (id#_L * 2) AS d#_L]\n+- Filter (((id#_L * 2) > 4) AND (id#_L < 8))\n   +- Range (0, 10, step=1, splits=None)",
    );
  });

  it("predicate pushdown through joins: one-sided conjuncts go to their side, cross join becomes inner", () => {
    const s = spark();
    const a = s.createDataFrame([[1, "x"]], "k int, v string"), b = s.createDataFrame([[1, 2.0]], "k2 int, w double");
    const df = a.crossJoin(b).filter(F.col("k").eq(F.col("k2")).and(F.col("v").eq("x")).and(F.col("w").gt(1)));
    const p = optimize(df.plan);
    expect(mask(planString(p))).toBe([
      "Join Inner, (k#_ = k2#_)",
      ":- Filter ((v#_ = x) AND isnotnull(k#_))",
      ":  +- LocalRelation [k#_, v#_]",
      "+- Filter ((w#_ > 1.0) AND isnotnull(k2#_))",
      "   +- LocalRelation [k2#_, w#_]",
    ].join("\n"));
  });

  it("column pruning narrows projections", () => {
    const s = spark();
    const df = s.createDataFrame([[1, "x", 2.0]], "a int, b string, c double").select("a", "b", "c").select("a");
    expect(mask(planString(once(ColumnPruning, df.plan)))).toBe("Project [a#_]\n+- Project [a#_]\n   +- LocalRelation [a#_, b#_, c#_]");
    expect(mask(planString(optimize(df.plan)))).toBe("Project [a#_]\n+- LocalRelation [a#_, b#_, c#_]");
  });

  it("limit pushdown through projections and into union branches", () => {
    const s = spark();
    const df = s.range(100).union(s.range(50)).select(F.col("id").plus(1).alias("x")).limit(5);
    expect(mask(planString(optimize(df.plan)))).toBe([
      "Project [(id#_L + 1) AS x#_L]",
      "+- Limit 5",
      "   +- Union true",
      "      :- Limit 5",
      "      :  +- Range (0, 100, step=1, splits=None)",
      "      +- Limit 5",
      "         +- Range (0, 50, step=1, splits=None)",
    ].join("\n"));
  });

  it("chains of limits and offsets combine into one window of rows", async () => {
    const s = spark();
    const ids = Array.from({ length: 100 }, (_, i) => i);
    const cases: [string, (df: ReturnType<typeof s.range>) => ReturnType<typeof s.range>, number[]][] = [
      ["offset(3).limit(4)", (d) => d.offset(3).limit(4), ids.slice(3, 7)],
      ["limit(10).offset(4)", (d) => d.limit(10).offset(4), ids.slice(4, 10)],
      ["limit(10).offset(12)", (d) => d.limit(10).offset(12), []],
      ["offset(5).limit(20).offset(2).limit(3)", (d) => d.offset(5).limit(20).offset(2).limit(3), ids.slice(7, 10)],
      ["limit(8).limit(30)", (d) => d.limit(8).limit(30), ids.slice(0, 8)],
    ];
    for (const [what, f, expected] of cases) {
      const df = f(s.range(0, 100, 1, 1));
      expect(planString(optimize(df.plan)).match(/Limit/g), what).toHaveLength(1);
      expect((await df.collect()).map((r) => r.id), what).toEqual(expected);
    }
  });

  it("filters on grouping columns move below the aggregate", () => {
    const df = spark().createDataFrame([[1, 2]], "k int, v int").groupBy("k").agg(F.sum("v").alias("s")).filter("k > 0 AND s > 1");
    expect(mask(planString(optimize(df.plan)))).toBe([
      "Filter (s#_L > 1)",
      "+- Aggregate [k#_], [k#_, sum(v#_) AS s#_L]",
      "   +- Filter (k#_ > 0)",
      "      +- LocalRelation [k#_, v#_]",
    ].join("\n"));
  });

  it("a failing rule is reported by name", () => {
    const bad = { name: "ExplodingRule", apply: () => { throw new Error("boom"); } };
    expect(() => runBatches(spark().range(1).plan, [{ name: "b", strategy: "once", rules: [bad] }])).toThrow(/Optimizer rule ExplodingRule \(batch b\) failed: boom/);
  });
});

describe("explain", () => {
  it("shows pushed filters and the pruned read schema in the file scan", async () => {
    const s = new SqlSession(localHost());
    const df = s.read.format("memtest").load("/data/x");
    const q = df.filter(F.col("a").gt(5).and(F.col("b").isNotNull())).select("b");
    const text = q.explainString();
    expect(mask(text)).toBe([
      "== Physical Plan ==",
      "*(1) Project [b#_]",
      "+- *(1) Filter ((a#_ > 5) AND isnotnull(b#_))",
      "   +- *(1) FileScan memtest [a#_,b#_] Batched: false, Format: Memtest, Location: InMemoryFileIndex(1 paths)[file:/data/x], PushedFilters: [GreaterThan(a,5), IsNotNull(b)], ReadSchema: struct<a:int,b:string>",
      "",
    ].join("\n"));
  });

  it("extended mode prints parsed, analyzed, optimized and physical plans", () => {
    const s = new SqlSession(localHost());
    s.createDataFrame([[1, "a"]], "id int, name string").createOrReplaceTempView("t");
    const text = s.sql("SELECT name FROM t WHERE id = 1").explainString(true);
    expect(text).toMatch(/== Parsed Logical Plan ==[\s\S]*== Analyzed Logical Plan ==\nname: string\n[\s\S]*== Optimized Logical Plan ==[\s\S]*== Physical Plan ==/);
    const agg = s.sql("SELECT name, count(*) FROM t GROUP BY name").explainString();
    expect(mask(agg)).toContain("Exchange hashpartitioning(name#_, 4), ENSURE_REQUIREMENTS");
    expect(mask(agg)).toContain("HashAggregate(keys=[name#_], functions=[partial_count(1)])");
  });
});

describe("per-operator metrics", () => {
  it("tasks report rows out per physical operator into the plan graph", async () => {
    const s = new SqlSession(localHost());
    const df = s.range(0, 100, 1, 4).filter("id % 3 = 0").groupBy(F.col("id").mod(5).alias("m")).count();
    expect(await df.count()).toBe(5);
    await df.collect();
    const g = s.lastExecution!.planGraph();
    const byName = new Map<string, number[]>();
    const walk = (n: typeof g) => { byName.set(n.name, [...(byName.get(n.name) ?? []), Number(n.metrics?.["number of output rows"] ?? -1)]); n.children.forEach(walk); };
    walk(g);
    expect(byName.get("Range")).toEqual([100]);
    expect(byName.get("Filter")).toEqual([34]);
    expect(byName.get("HashAggregate")![0]).toBe(5);
  });
});
