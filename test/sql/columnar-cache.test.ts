// The in-memory columnar cache (Spark's InMemoryRelation): df.cache() stores column batches on
// the workers, and every query over the cache gives exactly the rows the same query gives over
// the uncached DataFrame — for every type (nulls, NaN, -0, longs past 2^53, decimals, dates,
// nested values, vectors), with column pruning, on the columnar path (filters, projections and
// partial aggregates read the batches directly) and on the row path (sorts, joins, windows), at
// every storage level (serialized and spilled batches round-trip their typed arrays).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { F, StorageLevel, Window, type DataFrame, type SparkSession } from "../../engine/index";
import { Decimal } from "../../engine/common/decimal";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => ({ spark } = await startSession("local[2]")));
afterAll(async () => spark?.stop());

const schema = "i INT, l BIGINT, d DOUBLE, s STRING, b BOOLEAN, dec DECIMAL(30,4), dt DATE, arr ARRAY<INT>, st STRUCT<x: INT, y: STRING>";

function rows(n: number): unknown[][] {
  const out: unknown[][] = [];
  for (let k = 0; k < n; k++) {
    out.push([
      k % 7 === 0 ? null : k % 5,
      k % 11 === 0 ? 9007199254740993n + BigInt(k) : k * 3, // some longs past 2^53
      k % 13 === 0 ? null : k % 17 === 0 ? NaN : k % 19 === 0 ? -0 : k / 4,
      k % 3 === 0 ? null : `s${k % 10}`,
      k % 4 === 0 ? null : k % 2 === 0,
      k % 9 === 0 ? null : new Decimal(BigInt(k) * 123456789012345n, 4),
      k % 8 === 0 ? null : new Date(Date.UTC(2024, 0, 1 + (k % 30))),
      k % 6 === 0 ? null : [k, k + 1],
      k % 10 === 0 ? null : { x: k, y: `y${k}` },
    ]);
  }
  return out;
}

// 25,000 rows in 3 partitions: several 10,000-row batches per partition, plus short ones.
const N = 25_000;
function frames(): { cached: DataFrame; plain: DataFrame } {
  const data = rows(N);
  const plain = spark.createDataFrame(data, schema).repartition(3);
  const cached = spark.createDataFrame(data, schema).repartition(3).cache();
  return { cached, plain };
}

/** Rows as comparable text: Object.is semantics for -0 and NaN, bigints and decimals exact. */
const key = (r: unknown): string => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? `${v}n` : typeof v === "number" && (Object.is(v, -0) || Number.isNaN(v)) ? `num:${Object.is(v, -0) ? "-0" : "NaN"}` : v instanceof Decimal ? `dec:${v.toString()}` : v));
async function same(a: DataFrame, b: DataFrame, ordered = false): Promise<number> {
  const [x, y] = [(await a.collect()).map(key), (await b.collect()).map(key)];
  if (!ordered) { x.sort(); y.sort(); }
  expect(x).toEqual(y);
  return x.length;
}

describe("df.cache() stores column batches", () => {
  it("every row and value comes back exactly, whole and pruned to some columns in any order", async () => {
    const { cached, plain } = frames();
    expect(await cached.count()).toBe(N);
    expect(await same(cached, plain)).toBe(N);
    expect(await same(cached.select("st", "d", "l"), plain.select("st", "d", "l"))).toBe(N);
    // NaN and the long past 2^53 survive the Float64Array / plain-array split.
    const special = await cached.filter(F.col("i").isNull().or(F.col("i").equalTo(1))).select("l", "d").collect();
    expect(special.some((r) => typeof r.l === "bigint" && (r.l as bigint) > 9007199254740993n)).toBe(true);
    expect((await cached.select("d").collect()).some((r) => Number.isNaN(r.d))).toBe(true);
    cached.unpersist();
  }, 120_000);

  it("filters, projections and aggregates run columnar over the cache (explain shows InMemoryTableScan) with the uncached answers", async () => {
    const { cached, plain } = frames();
    const q = (df: DataFrame) => df.filter(F.col("d").gt(100).and(F.col("s").isNotNull()))
      .select(F.col("i"), F.col("d").multiply(2).alias("d2"), F.col("s"), F.col("dec"))
      .groupBy("i", "s").agg(F.sum("d2").alias("t"), F.count("*").alias("n"), F.max("dec").alias("m"), F.avg("d2").alias("a"));
    expect(await same(q(cached), q(plain))).toBeGreaterThan(10);
    const plan = q(cached).explainString();
    expect(plan).toMatch(/InMemoryTableScan \[[^\]]*d#\d+/);
    expect(plan).toMatch(/Filter .*\[Columnar\]/);
    // Pruned: the scan reads only the columns the query uses (the InMemoryRelation below it lists them all, as Spark's does).
    expect(plan.split("\n").find((l) => l.includes("InMemoryTableScan"))).not.toMatch(/\bdt#/);
    expect(plan).toMatch(/InMemoryRelation \[[^\]]*\bdt#/);
    expect(q(cached).explainString("extended")).toMatch(/InMemoryRelation \[/);
    cached.unpersist();
  }, 120_000);

  it("row-path operators above the cache: sort, join, window, distinct", async () => {
    const { cached, plain } = frames();
    const sortQ = (df: DataFrame) => df.orderBy(F.col("d").desc_nulls_last(), F.col("l")).select("d", "l", "s").limit(500);
    await same(sortQ(cached), sortQ(plain), true);
    const dim = spark.createDataFrame(Array.from({ length: 10 }, (_, i) => [`s${i}`, i * 100]), "s STRING, w INT");
    await same(cached.join(dim, "s").groupBy("w").count(), plain.join(dim, "s").groupBy("w").count());
    const w = Window.partitionBy("i").orderBy(F.col("l"));
    await same(cached.select("i", "l", F.row_number().over(w).alias("rn")), plain.select("i", "l", F.row_number().over(w).alias("rn")));
    await same(cached.select("s", "b").distinct(), plain.select("s", "b").distinct());
    cached.unpersist();
  }, 120_000);

  it("a small cached table is still broadcast (the cache keeps its plan's size), a large one under a lower threshold is not", async () => {
    const { cached, plain } = frames();
    const dim = spark.createDataFrame(Array.from({ length: 10 }, (_, i) => [`s${i}`, i * 100]), "s STRING, w INT").cache();
    const q = (f: DataFrame, d: DataFrame) => f.join(d, "s").groupBy("w").agg(F.count("*").alias("n"), F.sum("i").alias("t"));
    await same(q(cached, dim), q(plain, dim));
    const plan = q(cached, dim).explainString("simple");
    expect(plan).toMatch(/BroadcastHashJoin/);
    expect(plan).toMatch(/BroadcastExchange[\s\S]*InMemoryTableScan \[s#\d+, w#\d+\]/);
    // Either side is 'large' under a 16-byte threshold: a shuffled join, the same answer.
    spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "16");
    try {
      expect(q(cached, dim).explainString("simple")).toMatch(/ShuffledHashJoin/);
      await same(q(cached, dim), q(plain, dim));
    } finally {
      spark.conf.unset("spark.sql.autoBroadcastJoinThreshold");
    }
    cached.unpersist();
    dim.unpersist();
  }, 120_000);

  it("a cached table broadcast as a join's build side (whole, and filtered) is collected as column batches: every value as uncached", async () => {
    const { cached, plain } = frames();
    // A cached stream side too: the join runs columnar (the build side is what is broadcast as batches).
    const fact = spark.range(40).selectExpr("CAST(id % 6 AS INT) AS i", "id").cache();
    const q = (d: DataFrame) => fact.join(F.broadcast(d), "i");
    const qf = (d: DataFrame) => fact.join(F.broadcast(d.filter(F.col("d").gt(5000).or(F.col("s").isNull()))), "i").groupBy("i").agg(F.count("*").alias("n"), F.sum("d").alias("sd"), F.max("l").alias("ml"), F.sort_array(F.collect_set("s")).alias("ss"));
    expect(q(cached).explainString("simple")).toMatch(/BroadcastHashJoin .*\[Columnar\][\s\S]*BroadcastExchange[\s\S]*InMemoryTableScan/);
    expect(await same(q(cached), q(plain))).toBeGreaterThan(100_000);
    expect(await same(qf(cached), qf(plain))).toBe(5);
    cached.unpersist();
    fact.unpersist();
  }, 120_000);

  it("a build side made from a cached table is broadcast once and reused by later queries while the cache holds (not when nondeterministic)", async () => {
    const fact = spark.range(30_000).selectExpr("CAST(id % 1000 AS INT) AS k", "CAST(id % 7 AS INT) AS v").cache();
    const dimData = Array.from({ length: 1000 }, (_, k) => [k, k % 13]);
    const dim = spark.createDataFrame(dimData, "k INT, w INT").cache();
    const plainDim = spark.createDataFrame(dimData, "k INT, w INT");
    const q = (d: DataFrame) => fact.join(F.broadcast(d), "k").agg(F.count("*").alias("n"), F.sum("w").alias("sw"), F.sum("v").alias("sv"));
    const sc = spark.sparkContext;
    const jobsOf = async (df: DataFrame) => {
      const before = sc.lastJob()?.jobId ?? -1;
      const rows = await df.collect();
      return { rows: JSON.stringify(rows), jobs: sc.lastJob()!.jobId - before };
    };
    const want = JSON.stringify(await q(plainDim).collect());
    const first = await jobsOf(q(dim)), second = await jobsOf(q(dim)), third = await jobsOf(q(dim));
    expect([first.rows, second.rows, third.rows]).toEqual([want, want, want]);
    expect(second.jobs).toBe(first.jobs - 1); // no job collects the build side again
    expect(third.jobs).toBe(second.jobs);
    // Another filter of the same cache is another build side; a nondeterministic one is built every time.
    const filtered = (d: DataFrame) => q(d.filter("w > 3"));
    expect(JSON.stringify(await filtered(dim).collect())).toBe(JSON.stringify(await filtered(plainDim).collect()));
    const random = (d: DataFrame) => fact.join(F.broadcast(d.filter("rand() < 2")), "k").agg(F.count("*").alias("n"));
    const r1 = await jobsOf(random(dim)), r2 = await jobsOf(random(dim));
    expect(r1.rows).toBe(JSON.stringify([{ n: 30_000 }]));
    expect(r2.jobs).toBe(r1.jobs);
    // Uncached, the build side is collected again (and a new cache of other rows is read, not the old build).
    dim.unpersist();
    const again = await jobsOf(q(dim));
    expect(again.rows).toBe(want);
    expect(again.jobs).toBe(first.jobs);
    const other = spark.createDataFrame(dimData.map(([k]) => [k, 1]), "k INT, w INT").cache();
    expect(await q(other).collect()).toEqual([{ n: 30_000, sw: 30_000, sv: JSON.parse(want)[0].sv }]);
    other.unpersist();
    fact.unpersist();
  }, 120_000);

  it("serialized, disk-only and memory-and-disk levels round-trip the batches", async () => {
    const data = rows(12_000);
    const plain = spark.createDataFrame(data, schema);
    for (const level of [StorageLevel.MEMORY_ONLY, StorageLevel.DISK_ONLY, StorageLevel.MEMORY_AND_DISK]) {
      const df = spark.createDataFrame(data, schema).persist(level);
      expect(df.storageLevel.toString()).toBe(level.toString());
      expect(await same(df, plain)).toBe(12_000);
      await same(df.groupBy("s").agg(F.sum("d"), F.min("l")), plain.groupBy("s").agg(F.sum("d"), F.min("l")));
      df.unpersist();
    }
  }, 120_000);

  it("a column of dense vectors is packed per batch: the same values at every level, with nulls, filters, sparse and mixed sizes", async () => {
    const { Vectors } = await import("../../engine/ml");
    const vrow = (k: number): unknown[] => [k, k % 9 === 0 ? null : Vectors.dense(k, -k / 3, k % 5 === 0 ? NaN : k * 1e-3), k % 4 === 0 ? Vectors.sparse(3, [1], [k]) : Vectors.dense(k, 0, 1),
      k % 7 === 0 ? Vectors.dense(k) : Vectors.dense(k, k)];
    const data = Array.from({ length: 25_000 }, (_, k) => vrow(k)); // several cache batches per partition
    const schemaV = "k INT, v VECTOR, mixed VECTOR, sizes VECTOR";
    const text = (r: Record<string, unknown>) => JSON.stringify([r.k, ...["v", "mixed", "sizes"].map((c) => (r[c] === null ? null : Array.from((r[c] as { toArray(): Float64Array }).toArray(), (x) => (Number.isNaN(x) ? "NaN" : x))))]);
    const plain = (await spark.createDataFrame(data, schemaV).collect()).map(text).sort();
    for (const level of [StorageLevel.MEMORY_AND_DISK_DESER, StorageLevel.MEMORY_ONLY, StorageLevel.DISK_ONLY]) {
      const df = spark.createDataFrame(data, schemaV).persist(level);
      expect((await df.collect()).map(text).sort()).toEqual(plain);
      const some = (await df.where("k % 3 = 1").select("k", "v").collect()).map((r) => JSON.stringify([r.k, r.v === null ? null : Array.from((r.v as { toArray(): Float64Array }).toArray(), (x) => (Number.isNaN(x) ? "NaN" : x))]));
      expect(some.sort()).toEqual(plain.map((t) => JSON.parse(t) as unknown[]).filter((r) => (r[0] as number) % 3 === 1).map((r) => JSON.stringify([r[0], r[1]])).sort());
      df.unpersist();
    }
  }, 120_000);

  it("ML vectors and CACHE TABLE go through the cache too", async () => {
    const { Vectors, VectorAssembler } = await import("../../engine/ml");
    const df = new VectorAssembler({ inputCols: ["a", "b"], outputCol: "v" }).transform(spark.createDataFrame([[1, 2.5], [3, 0], [5, 6]], "a INT, b DOUBLE")).cache();
    const got = (await df.select("v").collect()).map((r) => Array.from((r.v as { toArray(): Float64Array }).toArray()));
    expect(got).toEqual([[1, 2.5], [3, 0], [5, 6]]);
    expect(Vectors.dense(1, 2).size).toBe(2);
    df.unpersist();
    spark.createDataFrame(rows(3000), schema).createOrReplaceTempView("cached_t");
    await spark.sql("CACHE TABLE cached_t").collect();
    const viaSql = await spark.sql("SELECT s, count(*) AS n, sum(i) AS t FROM cached_t WHERE d > 10 GROUP BY s").collect();
    await spark.sql("UNCACHE TABLE cached_t").collect();
    const again = await spark.sql("SELECT s, count(*) AS n, sum(i) AS t FROM cached_t WHERE d > 10 GROUP BY s").collect();
    expect(viaSql.map(key).sort()).toEqual(again.map(key).sort());
  }, 120_000);
});

describe("explain() of a cached DataFrame", () => {
  // The text PySpark 4.0.1 prints (observed on this machine):
  //   InMemoryTableScan [id#0L]
  //      +- InMemoryRelation [id#0L], StorageLevel(disk, memory, deserialized, 1 replicas)
  //            +- *(1) Range (0, 10, step=1, splits=2)
  const plain = (text: string) => text.replace(/ \[Columnar\]/g, "").replace(/#\d+/g, "#N");
  it("shows the InMemoryRelation with its storage level and the cached plan below the InMemoryTableScan", async () => {
    const df = spark.range(10).cache();
    expect(plain(df.explainString("simple"))).toBe([
      "== Physical Plan ==",
      "InMemoryTableScan [id#NL]",
      "   +- InMemoryRelation [id#NL], StorageLevel(disk, memory, deserialized, 1 replicas)",
      "         +- *(1) Range (0, 10, step=1, splits=2)",
      "",
    ].join("\n"));
    // Deeper in a plan: six more spaces per level below the scan's own child prefix, as Spark indents inner children.
    const agg = plain(df.groupBy(F.col("id").mod(3).alias("k")).count().explainString("simple")).split("\n");
    const scan = agg.findIndex((l) => l.includes("InMemoryTableScan"));
    expect(agg[scan]).toBe("      +- InMemoryTableScan [id#NL]");
    expect(agg[scan + 1]).toBe("            +- InMemoryRelation [id#NL], StorageLevel(disk, memory, deserialized, 1 replicas)");
    expect(agg[scan + 2]).toBe("                  +- *(1) Range (0, 10, step=1, splits=2)");
    // The optimized logical plan names the level too; codegen lists only the query's own subtrees.
    expect(df.groupBy("id").count().explainString("extended")).toMatch(/\+- InMemoryRelation \[id#\d+L\], StorageLevel\(disk, memory, deserialized, 1 replicas\)/);
    expect(df.groupBy("id").count().explainString("codegen")).not.toContain("Range (0, 10");
    df.unpersist();
  });

  it("prints the level persist() was given, and the cached plan's own operators", async () => {
    const p = spark.range(3).persist(StorageLevel.MEMORY_ONLY);
    expect(plain(p.explainString("simple"))).toContain("+- InMemoryRelation [id#NL], StorageLevel(memory, 1 replicas)");
    const f = spark.range(10).filter("id > 3").persist(StorageLevel.DISK_ONLY);
    expect(plain(f.explainString("simple")).split("\n").slice(1, 5)).toEqual([
      "InMemoryTableScan [id#NL]",
      "   +- InMemoryRelation [id#NL], StorageLevel(disk, 1 replicas)",
      "         +- *(1) Filter (id#NL > 3)",
      "            +- *(1) Range (0, 10, step=1, splits=2)",
    ]);
    p.unpersist();
    f.unpersist();
  });
});

