// The same DataFrame / SQL queries on a real local[2] cluster (worker processes): results must
// equal the in-process stand-in's (which the DuckDB differential tests check), plans must show
// the exchanges, and file scans must read through the data sources with pushed filters.
// Runs once engine/worker-preload.ts loads the SQL layer (workers resolve the SQL operators by name).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession } from "../../engine/session";
import { SqlSession, sqlSessionOf, F, Window, type DataFrame } from "../../engine/sql/index";
import { localHost } from "./support/local-context";


const sortRows = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();

function queries(s: SqlSession): Record<string, () => DataFrame> {
  const people = () => s.createDataFrame(
    Array.from({ length: 200 }, (_, i) => [i, `p${i % 17}`, i % 7 === 0 ? null : i % 5, (i * 37) % 101]),
    "id int, name string, grp int, score int",
  );
  const groups = () => s.createDataFrame([[0, "zero"], [1, "one"], [2, "two"], [3, "three"], [9, "nine"]], "grp int, label string");
  return {
    aggregate: () => people().groupBy("grp").agg(F.count("*").alias("n"), F.sum("score").alias("s"), F.countDistinct("name").alias("d")),
    broadcastJoin: () => people().join(groups(), "grp", "left").select("id", "label"),
    shuffleJoin: () => people().hint("x").join(groups().hint("y"), ["grp"], "full").select("id", "grp", "label"),
    sort: () => people().orderBy(F.desc("score"), "id").limit(25),
    window: () => people().select("id", F.rank().over(Window.partitionBy("grp").orderBy(F.desc("score"))).alias("r")),
    explode: () => people().filter("id < 10").select("id", F.explode(F.array(F.col("id"), F.col("score"))).alias("v")),
    setops: () => people().select("grp").distinct().union(groups().select("grp")).distinct(),
    udf: () => { const k = 3; return people().select("id", F.udf((x: number | null) => (x === null ? null : x * k), "int")("grp").alias("g3")); },
    sql: () => { people().createOrReplaceTempView("p"); return s.sql("SELECT grp, max(score) AS m FROM p WHERE name LIKE 'p1%' GROUP BY grp HAVING count(*) > 2"); },
    subqueries: () => {
      people().createOrReplaceTempView("p");
      groups().createOrReplaceTempView("g");
      return s.sql("SELECT id, grp IN (SELECT grp FROM g WHERE grp > 0) AS ing, (SELECT count(*) FROM p p2 WHERE p2.score = p.id) AS c FROM p " +
        "WHERE grp NOT IN (SELECT grp FROM g WHERE label <> 'two') OR EXISTS (SELECT 1 FROM g WHERE grp = 9) AND id < 50");
    },
    // evaluated per distinct outer binding (non-equality correlation, IN under OR, HAVING)
    correlatedApply: () => {
      people().createOrReplaceTempView("p");
      groups().createOrReplaceTempView("g");
      return s.sql("SELECT grp, count(*) AS n, (SELECT count(*) FROM g WHERE g.grp < p.grp) AS below FROM p " +
        "WHERE score > 50 OR grp IN (SELECT grp FROM g WHERE length(g.label) > p.grp) GROUP BY grp HAVING count(*) > (SELECT min(grp) FROM g WHERE g.grp >= p.grp)");
    },
  };
}

describe("SQL on a real local[2] cluster", () => {
  let spark: SparkSession;
  let sql: SqlSession;
  let dir: string;
  beforeAll(async () => {
    spark = await SparkSession.builder().master("local[2]").appName("sql-cluster-test").config("spark.sql.shuffle.partitions", "3").getOrCreate();
    sql = sqlSessionOf(spark as never);
    dir = mkdtempSync(join(tmpdir(), "sql-cluster-"));
  });
  afterAll(async () => {
    await spark?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("every query gives the stand-in's rows", async () => {
    const local = new SqlSession(localHost({ "spark.sql.shuffle.partitions": "3" }));
    const onCluster = queries(sql), inProcess = queries(local);
    for (const name of Object.keys(onCluster)) {
      const a = await onCluster[name]!().collect();
      const b = await inProcess[name]!().collect();
      expect(sortRows(a), name).toEqual(sortRows(b));
      expect(a.length, name).toBeGreaterThan(0);
    }
  });

  it("shuffle joins and sorts run with exchanges when broadcast is off", async () => {
    spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "-1");
    try {
      const q = queries(sql).shuffleJoin!();
      expect(q.explainString()).toContain("ShuffledHashJoin");
      expect(await q.count()).toBe(201);
    } finally {
      spark.conf.set("spark.sql.autoBroadcastJoinThreshold", String(10 * 1024 * 1024));
    }
  });

  it("parquet write then read with pushed filters reaching the scan", async () => {
    const path = join(dir, "people.parquet");
    const src = sql.range(0, 1000).select(F.col("id"), F.col("id").mod(10).alias("k"), F.concat(F.lit("n"), F.col("id")).alias("name"));
    await src.write.mode("overwrite").parquet(path);
    const df = sql.read.parquet(path);
    const q = df.filter(F.col("k").eq(3).and(F.col("id").gt(500))).select("name");
    const plan = q.explainString();
    expect(plan).toMatch(/PushedFilters: \[[^\]]*EqualTo\(k,3\)/);
    expect(plan).toContain("ReadSchema: struct<id:bigint,k:bigint,name:string>");
    const rows = await q.collect();
    expect(rows.length).toBe(50);
    const viaSql = sql.sql(`SELECT count(*) AS n FROM parquet.\`${path}\` WHERE k = 3`);
    expect(await viaSql.collect()).toEqual([{ n: 100 }]);
  });

  it("cache() keeps results on the workers across actions", async () => {
    const df = sql.range(0, 5000, 1, 4).withColumn("sq", F.col("id").multiply(F.col("id"))).cache();
    expect(await df.count()).toBe(5000);
    expect((await df.agg(F.max("sq").alias("m")).collect())[0]!.m).toBe(4999 * 4999);
  });

  it("operators report rows through accumulators into the plan graph", async () => {
    const df = sql.range(0, 100, 1, 4).filter("id % 3 = 0").groupBy(F.col("id").mod(5).alias("m")).count();
    await df.collect();
    expect(JSON.stringify(sql.lastExecution!.planGraph())).toContain('"number of output rows":34');
  });

  it("toLocalIterator yields every row, one partition job at a time", async () => {
    const seen: number[] = [];
    for await (const r of sql.range(0, 50, 1, 5).toLocalIterator()) seen.push(r.id as number);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
