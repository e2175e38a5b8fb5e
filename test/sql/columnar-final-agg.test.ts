// The final hash aggregate merges the partial buffers into typed arrays (count, sum, avg, min,
// max of numbers; explain marks it [Columnar]) and gives exactly the rows of the row path's
// merge (columnar execution off): any number of groups, null / NaN / -0 / string / bigint keys,
// several keys, long sums past 2^53 (bigint, then Java's wrap-around), NaN in min and max, a
// global aggregate over no rows, and aggregates that keep the row runtime's merge.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { F, type DataFrame, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
let cached: DataFrame;
let rowsDf: DataFrame;
const N = 40_000;
const schema = "k INT, d DOUBLE, s STRING, l BIGINT, v INT";

beforeAll(async () => {
  ({ spark } = await startSession("local[2]"));
  const data = Array.from({ length: N }, (_, i) => [
    i % 11 === 0 ? null : (i * 7919) % 5003 - 100, // negative, small and past the direct table's keys... and nulls
    i % 13 === 0 ? null : i % 17 === 0 ? NaN : i % 19 === 0 ? -0 : i % 23 === 0 ? 0 : (i % 37) / 8,
    i % 5 === 0 ? null : `s${i % 300}`,
    i % 3 === 0 ? 4_000_000_000_000_000 + i : i, // long sums leave the safe integer range
    i % 7 === 0 ? null : i % 1000,
  ]);
  rowsDf = spark.createDataFrame(data, schema).repartition(3);
  cached = spark.createDataFrame(data, schema).repartition(3).cache();
  await cached.count();
});
afterAll(async () => spark?.stop());

const key = (r: unknown): string => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? `${v}n` : typeof v === "number" && (Object.is(v, -0) || Number.isNaN(v)) ? `num:${Object.is(v, -0) ? "-0" : "NaN"}` : v));

/** The rows with columnar execution on (typed final merge) and off (the row path): equal as multisets. */
async function bothWays(q: () => DataFrame): Promise<string[]> {
  const columnar = (await q().collect()).map(key).sort();
  spark.conf.set("spark.sql.parquet.enableVectorizedReader", "false");
  try {
    expect(q().explainString()).not.toContain("[Columnar]");
    expect((await q().collect()).map(key).sort()).toEqual(columnar);
  } finally {
    spark.conf.set("spark.sql.parquet.enableVectorizedReader", "true");
  }
  return columnar;
}

const aggs = () => [
  F.count("*").alias("n"), F.count("v").alias("nv"), F.sum("v").alias("sv"), F.sum("d").alias("sd"), F.sum("l").alias("sl"),
  F.avg("d").alias("ad"), F.avg("v").alias("av"), F.min("d").alias("mind"), F.max("d").alias("maxd"), F.min("l").alias("minl"), F.max("v").alias("maxv"),
];

describe("columnar final aggregate", () => {
  it("explain marks a final aggregate of number counts, sums, means and extremes; others keep the row merge", () => {
    const finalLine = (df: DataFrame) => df.explainString().split("\n")[1]!;
    expect(finalLine(cached.groupBy("k").agg(F.sum("v"), F.avg("d"), F.max("d"), F.count("*"))))
      .toMatch(/^\*\(2\) HashAggregate\(keys=\[k#\d+\], functions=\[sum\(v#\d+\), avg\(d#\d+\), max\(d#\d+\), count\(1\)\]\) \[Columnar\]$/);
    expect(finalLine(rowsDf.groupBy("k").agg(F.min("l")))).toMatch(/functions=\[min\(l#\d+L\)\]\) \[Columnar\]$/);
    for (const other of [cached.groupBy("k").agg(F.countDistinct("v")), cached.groupBy("k").agg(F.max("s")), cached.groupBy("k").agg(F.sum(F.col("v").cast("decimal(10,2)")))]) {
      expect(finalLine(other)).toMatch(/^\*\(2\) HashAggregate\(.*\]\)$/);
    }
  });

  it("gives the row path's rows: one int key with thousands of groups, nulls and negative keys", async () => {
    for (const df of [cached, rowsDf]) expect((await bothWays(() => df.groupBy("k").agg(...aggs()))).length).toBeGreaterThan(4000);
  });

  it("double keys (NaN, -0 and 0 together), string keys, several keys", async () => {
    expect(await bothWays(() => cached.groupBy("d").agg(...aggs()))).toHaveLength(new Set((await cached.select("d").distinct().collect()).map(key)).size);
    await bothWays(() => cached.groupBy("s").agg(...aggs()));
    await bothWays(() => cached.groupBy("s", "v").agg(...aggs()));
    await bothWays(() => cached.groupBy(F.col("l").plus(1).alias("big")).agg(F.count("*"), F.sum("v")));
  });

  it("min and max over zeros of both signs, NaN and nulls, as the row merge", async () => {
    // z: zeros of both signs, NaN and nulls in each group; w: zeros and nulls only.
    const z = [0, -0, NaN, null, -0, 0], w = [-0, null, 0, 0, -0];
    const data = Array.from({ length: 4096 }, (_, i) => [i % 64, z[(i * 5 + (i >> 6)) % z.length]!, w[(i * 3 + (i >> 7)) % w.length]!]);
    for (const df of [spark.createDataFrame(data, "g INT, z DOUBLE, w DOUBLE").repartition(5), spark.createDataFrame(data, "g INT, z DOUBLE, w DOUBLE").repartition(7).cache()]) {
      const rows = await bothWays(() => df.groupBy("g").agg(F.min("z").alias("a"), F.max("z").alias("b"), F.min("w").alias("c"), F.max("w").alias("d"), F.sum("w").alias("e")));
      expect(rows).toHaveLength(64);
    }
  });

  it("long sums past 2^53 as Spark's: exact, then wrapped around", async () => {
    const [row] = await bothWays(() => cached.groupBy().agg(F.sum("l").alias("sl"), F.sum(F.col("l").multiply(1000)).alias("wrapped")));
    expect(row).toContain("n\""); // bigint beyond 2^53
  });

  it("global aggregates, over no rows too, and a DISTINCT (keys only)", async () => {
    await bothWays(() => cached.agg(...aggs()));
    const empty = await bothWays(() => cached.filter("v > 5000").agg(...aggs()));
    expect(empty).toEqual([key({ n: 0, nv: 0, sv: null, sd: null, sl: null, ad: null, av: null, mind: null, maxd: null, minl: null, maxv: null })]);
    await bothWays(() => cached.filter("v > 5000").groupBy("k").agg(F.sum("v")));
    await bothWays(() => cached.select("s", "v").distinct());
  });
});
