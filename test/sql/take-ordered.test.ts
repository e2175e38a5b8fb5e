// ORDER BY ... LIMIT n runs as Spark's TakeOrderedAndProject: explain prints it as Spark 4 does
// (limit counting the offset rows, the projection folded in), each partition's first rows are
// taken on the column batches of a columnar stage (cached data, spark.range, Parquet, a broadcast
// join's probe) and on rows otherwise, and every query gives exactly the rows of a full sort cut
// to the window, with columnar execution on and off: nulls, NaN, -0, strings, several keys, ties.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { F, type DataFrame, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
let cached: DataFrame;
const dir = mkdtempSync(join(tmpdir(), "bdw-take-ordered-"));
const schema = "i INT, d DOUBLE, s STRING, g INT";
const N = 30_000;

beforeAll(async () => {
  ({ spark } = await startSession("local[2]"));
  const data = Array.from({ length: N }, (_, k) => [
    k % 7 === 0 ? null : (k * 7919) % 1000,
    k % 13 === 0 ? null : k % 17 === 0 ? NaN : k % 19 === 0 ? -0 : ((k * 31) % 977) / 4,
    k % 3 === 0 ? null : `s${(k * 13) % 40}`,
    k % 5,
  ]);
  cached = spark.createDataFrame(data, schema).repartition(3).cache();
  await cached.count();
  await spark.createDataFrame(data, schema).repartition(2).write.parquet(join(dir, "t.parquet"));
});
afterAll(async () => { await spark?.stop(); rmSync(dir, { recursive: true, force: true }); });

const key = (r: unknown): string => JSON.stringify(r, (_k, v) => (typeof v === "number" && (Object.is(v, -0) || Number.isNaN(v)) ? `num:${Object.is(v, -0) ? "-0" : "NaN"}` : v));
const normalize = (plan: string) => plan.replace(/#\d+L?/g, "#N");

/** With columnar execution on, then off: the same rows in the same order; returns them. */
async function bothWays(q: () => DataFrame): Promise<string[]> {
  const columnar = (await q().collect()).map(key);
  spark.conf.set("spark.sql.parquet.enableVectorizedReader", "false");
  try {
    expect(q().explainString()).not.toContain("[Columnar]");
    expect((await q().collect()).map(key)).toEqual(columnar);
  } finally {
    spark.conf.set("spark.sql.parquet.enableVectorizedReader", "true");
  }
  return columnar;
}

describe("TakeOrderedAndProject", () => {
  it("explain prints Spark's node: limit with the offset rows, the orders, the projected output", () => {
    const df = spark.range(0, 100).selectExpr("id AS k", "id * 2 AS v");
    expect(normalize(df.orderBy("k").limit(10).explainString())).toBe([
      "== Physical Plan ==",
      "TakeOrderedAndProject(limit=10, orderBy=[k#N ASC NULLS FIRST], output=[k#N,v#N]) [Columnar]",
      "+- *(1) Project [id#N AS k#N, (id#N * 2) AS v#N] [Columnar]",
      "   +- *(1) Range (0, 100, step=1, splits=2) [Columnar]",
      "",
    ].join("\n"));
    expect(normalize(df.orderBy(F.col("k").desc()).offset(3).limit(10).select(F.col("v").plus(1).alias("w")).explainString()))
      .toContain("TakeOrderedAndProject(limit=13, offset=3, orderBy=[k#N DESC NULLS LAST], output=[w#N])");
    expect(normalize(spark.sql("SELECT id FROM range(10) ORDER BY id LIMIT 3 OFFSET 2").explainString()))
      .toContain("TakeOrderedAndProject(limit=5, offset=2, orderBy=[id#N ASC NULLS FIRST], output=[id#N])");
    // Past the top-k threshold: a full sort, then the limit.
    const big = df.orderBy("k").limit(20_000).explainString();
    expect(big).not.toContain("TakeOrderedAndProject");
    expect(big).toContain("Sort [k");
    // Over a row-path child the node runs on rows: no mark.
    expect(cached.groupBy("g").count().orderBy("g").limit(2).explainString()).toMatch(/TakeOrderedAndProject\(.*\)\n/);
  });

  it("over cached batches: the first rows of a full sort, one key or several, any direction, with offsets", async () => {
    const cases: [string, () => DataFrame][] = [
      ["d asc", () => cached.orderBy("d")],
      ["d desc", () => cached.orderBy(F.col("d").desc())],
      ["d desc nulls first", () => cached.orderBy(F.col("d").desc_nulls_first())],
      ["i asc nulls last, s desc", () => cached.orderBy(F.col("i").asc_nulls_last(), F.col("s").desc())],
      ["s, g", () => cached.orderBy("s", "g")],
      ["i + g (an expression)", () => cached.orderBy(F.col("i").plus(F.col("g")))],
    ];
    for (const [what, sorted] of cases) {
      const all = (await sorted().collect()).map(key);
      for (const [n, off] of [[10, 0], [2500, 0], [5, 3], [100, 2000]] as const) {
        const top = await bothWays(() => sorted().offset(off).limit(n));
        expect(top, `${what}: ${n} after ${off}`).toEqual(all.slice(off, off + n));
      }
    }
  });

  it("folds a projection in and filters below it", async () => {
    const q = () => cached.filter("g <> 2").orderBy(F.col("d").desc(), "i").limit(50).select(F.col("s"), F.col("i").multiply(2).alias("i2"));
    expect(q().explainString()).toMatch(/TakeOrderedAndProject\(limit=50, orderBy=\[d#\d+ DESC NULLS LAST,i#\d+ ASC NULLS FIRST\], output=\[s#\d+,i2#\d+\]\) \[Columnar\]/);
    const all = (await cached.filter("g <> 2").orderBy(F.col("d").desc(), "i").select(F.col("s"), F.col("i").multiply(2).alias("i2")).collect()).map(key);
    expect(await bothWays(q)).toEqual(all.slice(0, 50));
  });

  it("over Parquet files and a broadcast join's probe", async () => {
    const t = () => spark.read.parquet(join(dir, "t.parquet"));
    const all = (await t().orderBy(F.col("i").desc(), "d").collect()).map(key);
    expect(await bothWays(() => t().orderBy(F.col("i").desc(), "d").limit(25))).toEqual(all.slice(0, 25));
    const dim = spark.createDataFrame(Array.from({ length: 5 }, (_, g) => [g, `group ${g}`]), "g INT, label STRING");
    const joined = () => t().join(F.broadcast(dim), "g").filter("d IS NOT NULL");
    expect(joined().orderBy("d", "i").limit(10).explainString()).toMatch(/TakeOrderedAndProject.*\[Columnar\]\n.*\n?.*BroadcastHashJoin/);
    const full = (await joined().orderBy("d", "i").collect()).map(key);
    expect(await bothWays(() => joined().orderBy("d", "i").limit(10))).toEqual(full.slice(0, 10));
  });

  it("SQL ORDER BY ... LIMIT ... OFFSET, an empty window and a limit past the rows", async () => {
    cached.createOrReplaceTempView("t_top");
    const all = (await spark.sql("SELECT s, i FROM t_top ORDER BY s DESC, i").collect()).map(key);
    expect(await bothWays(() => spark.sql("SELECT s, i FROM t_top ORDER BY s DESC, i LIMIT 7 OFFSET 4"))).toEqual(all.slice(4, 11));
    expect(await bothWays(() => spark.sql("SELECT s FROM t_top ORDER BY s LIMIT 0"))).toEqual([]);
    expect(await bothWays(() => cached.filter("g = 1").orderBy("i").limit(9000))).toHaveLength(N / 5);
  });
});
