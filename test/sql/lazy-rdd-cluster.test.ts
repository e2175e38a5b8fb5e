// df.rdd and typed Datasets on a real local[2] cluster: df.rdd is a synchronous lazy RDD whose
// query (with the jobs planning needs: a broadcast build side, a sort's range sampling) is planned
// when its first action runs, through the engine's deferred pre-jobs. Expected rows come from the
// DataFrame's own collect() (checked elsewhere against DuckDB) and from plain arrays.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession } from "../../engine/session";
import { RDD } from "../../engine/rdd";
import { SqlSession, sqlSessionOf, F } from "../../engine/sql/index";

describe("df.rdd on a local[2] cluster", () => {
  let spark: SparkSession;
  let sql: SqlSession;
  const lastJobId = () => spark.sparkContext.lastJob()?.jobId ?? -1;
  beforeAll(async () => {
    spark = await SparkSession.builder().master("local[2]").appName("lazy-rdd-test").config("spark.sql.shuffle.partitions", "3").getOrCreate();
    sql = sqlSessionOf(spark as never);
  });
  afterAll(async () => {
    // Accessing df.rdd right before stopping must not start anything (it used to crash the process).
    void sql.range(0, 10).orderBy(F.desc("id")).rdd;
    await spark?.stop();
  });

  const query = () => {
    const facts = sql.range(0, 300, 1, 4).select(F.col("id"), F.col("id").mod(7).alias("k"));
    const dim = sql.createDataFrame([[0, "zero"], [1, "one"], [2, "two"], [3, "three"]], "k long, label string");
    // a broadcast join (its build side is collected in a job) and a global sort (range sampling job)
    return facts.join(F.broadcast(dim), "k").orderBy(F.desc("id"));
  };

  it("accessing and transforming df.rdd runs no job; the action runs the planning jobs then the job", async () => {
    const df = query();
    expect(df.explainString()).toContain("BroadcastHashJoin");
    const before = lastJobId();
    const rdd = df.rdd;
    expect(rdd).toBeInstanceOf(RDD);
    const labels = rdd.map((r) => `${String(r.id)}:${String(r.label)}`);
    expect(lastJobId()).toBe(before);
    const expected = (await df.collect()).map((r) => `${String(r.id)}:${String(r.label)}`);
    const afterCollect = lastJobId();
    expect(expected.length).toBe(Array.from({ length: 300 }, (_, i) => i % 7).filter((k) => k < 4).length);
    expect(await labels.collect()).toEqual(expected);
    // planning jobs (broadcast, sampling) plus the job itself ran
    expect(lastJobId()).toBeGreaterThan(afterCollect + 1);
    expect(rdd.getNumPartitions()).toBeGreaterThan(0);
    expect(await labels.count()).toBe(expected.length);
  });

  it("df.rdd is the same RDD on every access (cache() on it is kept)", async () => {
    const df = sql.range(0, 20, 1, 2).filter("id % 2 = 0");
    expect(df.rdd).toBe(df.rdd);
    df.rdd.cache();
    expect(await df.rdd.count()).toBe(10);
    expect(df.rdd.isCached).toBe(true);
    expect(await df.rdd.map((r) => Number(r.id)).reduce((a, b) => a + b)).toBe(90);
  });

  it("df.rdd.getNumPartitions() before any action when the plan decides it, equal to the planned count", async () => {
    const cases = [
      sql.range(0, 100, 1, 4),
      sql.range(0, 100, 1, 4).repartition(7),
      sql.range(0, 100, 1, 4).coalesce(2),
      sql.range(0, 100, 1, 4).groupBy(F.col("id").mod(5).alias("m")).count(),
      sql.createDataFrame([[1], [2], [3]], "x int").filter("x > 1"),
      sql.range(0, 100, 1, 4).limit(5),
    ];
    const expected = [4, 7, 2, 3, undefined, 1];
    for (const [i, df] of cases.entries()) {
      const before = lastJobId();
      const n = df.rdd.getNumPartitions();
      expect(lastJobId()).toBe(before);
      if (expected[i] !== undefined) expect(n, `case ${i}`).toBe(expected[i]);
      await df.rdd.count();
      expect(df.rdd.getNumPartitions(), `case ${i}`).toBe(n);
      expect((await df.toInternalRdd()).getNumPartitions(), `case ${i}`).toBe(n);
    }
  });

  it("a file scan's df.rdd.getNumPartitions() comes from synchronous split planning", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lazy-rdd-"));
    try {
      for (const i of [0, 1, 2]) writeFileSync(join(dir, `part-${i}.csv`), `a,b\n${i},x\n${i + 10},y\n`);
      const df = sql.read.option("header", true).option("inferSchema", true).csv(dir).filter("a > 0");
      const before = lastJobId();
      const n = df.rdd.getNumPartitions();
      expect(lastJobId()).toBe(before);
      expect(n).toBeGreaterThan(0);
      expect(await df.rdd.count()).toBe(5);
      expect(df.rdd.getNumPartitions()).toBe(n);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("partitions that need planning jobs raise a clear error until an action ran", async () => {
    const df = sql.range(0, 50, 1, 2).orderBy(F.desc("id"));
    expect(() => df.rdd.getNumPartitions()).toThrow(/known once its query is planned/);
    expect((await df.rdd.take(2)).map((r) => Number(r.id))).toEqual([49, 48]);
    expect(df.rdd.getNumPartitions()).toBeGreaterThan(0);
  });

  it("typed Dataset: lazy map/filter/groupByKey, toDF with and without a schema", async () => {
    type R = { id: number; k: number };
    const ds = sql.range(0, 100, 1, 4).select(F.col("id"), F.col("id").mod(3).alias("k")).as<R>();
    const before = lastJobId();
    const evens = ds.filter((r) => Number(r.id) % 2 === 0);
    const sums = ds.groupByKey((r) => Number(r.k)).mapGroups((k, rows) => [k, rows.reduce((a, r) => a + Number(r.id), 0)] as [number, number]);
    expect(lastJobId()).toBe(before);
    expect(await evens.count()).toBe(50);
    const expected = new Map<number, number>();
    for (let i = 0; i < 100; i++) expected.set(i % 3, (expected.get(i % 3) ?? 0) + i);
    expect(new Map(await sums.collect())).toEqual(expected);
    const back = evens.toDF();
    expect(back.columns).toEqual(["id", "k"]);
    expect((await back.filter("k = 0").count())).toBe(17);
    const mapped = ds.map((r) => ({ id: Number(r.id), sq: Number(r.id) * Number(r.id) })).toDF("id long, sq long");
    expect((await mapped.filter("sq > 9000").orderBy("id").collect()).map((r) => Number(r.id))).toEqual([95, 96, 97, 98, 99]);
  });
});
