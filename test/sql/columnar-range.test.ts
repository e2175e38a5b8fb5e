// spark.range as a columnar source: its ids are generated in the tasks as Float64Array batches
// feeding the columnar stage (filters, projections, a broadcast join's probe, a partial
// aggregate), and every query gives exactly the rows the row path gives (columnar execution off,
// spark.sql.parquet.enableVectorizedReader=false), in the same order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { F, type DataFrame, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => ({ spark } = await startSession("local[2]")));
afterAll(async () => spark?.stop());

const key = (r: unknown): string => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? `${v}n` : typeof v === "number" && (Object.is(v, -0) || Number.isNaN(v)) ? `num:${Object.is(v, -0) ? "-0" : "NaN"}` : v));

/** The query's rows with columnar execution on and off: equal (in order when `ordered`); returns how many. */
async function sameBothWays(q: () => DataFrame, ordered = true): Promise<number> {
  const columnar = (await q().collect()).map(key);
  spark.conf.set("spark.sql.parquet.enableVectorizedReader", "false");
  let rows: string[];
  try {
    expect(q().explainString()).not.toContain("[Columnar]");
    rows = (await q().collect()).map(key);
  } finally {
    spark.conf.set("spark.sql.parquet.enableVectorizedReader", "true");
  }
  if (!ordered) { columnar.sort(); rows.sort(); }
  expect(columnar).toEqual(rows);
  return rows.length;
}

describe("spark.range feeds column batches", () => {
  it("runs columnar, as explain shows, while its bounds are safe integers", () => {
    const plan = spark.range(0, 25_003, 1, 3).filter("id % 2 = 0").explainString();
    expect(plan).toContain("Range (0, 25003, step=1, splits=3) [Columnar]");
    expect(plan).toMatch(/Filter .* \[Columnar\]/);
    // Past 2^53 a double does not hold every id: the row path runs.
    expect(spark.range(2 ** 53, 2 ** 53 + 10).explainString()).not.toContain("[Columnar]");
  });

  it("gives the row path's ids: many batches, negative and uneven steps, empty and tiny partitions, near 2^53", async () => {
    expect(await sameBothWays(() => spark.range(0, 25_003, 1, 3))).toBe(25_003);
    expect(await sameBothWays(() => spark.range(10, -7, -3, 2))).toBe(6);
    expect(await sameBothWays(() => spark.range(5, 5))).toBe(0);
    expect(await sameBothWays(() => spark.range(0, 10, 4, 7))).toBe(3);
    expect(await sameBothWays(() => spark.range(Number.MAX_SAFE_INTEGER - 20, Number.MAX_SAFE_INTEGER, 3, 2))).toBe(7);
    expect((await spark.range(0, 25_003, 1, 3).collect()).map((r) => r.id).slice(-2)).toEqual([25_001, 25_002]);
  });

  it("filters and projections over the ids: arithmetic, nulls, casts, strings", async () => {
    const n = await sameBothWays(() => spark.range(-500, 30_000, 7, 3)
      .selectExpr("id", "id % 7 AS k", "id * 2.5 AS x", "CASE WHEN id % 3 = 0 THEN NULL ELSE id END AS n", "cast(id AS string) AS s", "id / 0 AS z")
      .filter("k <> 1 AND (n IS NULL OR n > -100)"));
    expect(n).toBeGreaterThan(3000);
  });

  it("a partial aggregate over the ids, grouped and global", async () => {
    const q = () => spark.range(0, 50_000, 1, 4).selectExpr("id % 97 AS k", "id").groupBy("k")
      .agg(F.sum("id").alias("s"), F.avg("id").alias("a"), F.min("id").alias("lo"), F.max("id").alias("hi"), F.count("*").alias("n")).orderBy("k");
    expect(await sameBothWays(q)).toBe(97);
    const [row] = await spark.range(0, 50_000, 1, 4).agg(F.sum("id").alias("s"), F.count("*").alias("n")).collect();
    expect(row).toEqual({ s: (49_999 * 50_000) / 2, n: 50_000 });
  });

  it("a broadcast join of two ranges, probed and counted in the columnar stage", async () => {
    const big = () => spark.range(0, 200_000, 1, 4).selectExpr("id % 10000 AS k");
    const small = () => spark.range(0, 10_000, 2, 2).selectExpr("id AS k", "id * 3 AS v");
    const joined = () => big().join(small(), "k");
    expect(joined().explainString()).toMatch(/BroadcastHashJoin .* \[Columnar\]/);
    expect(await sameBothWays(() => joined().groupBy().agg(F.count("*").alias("n"), F.sum("v").alias("sv")))).toBe(1);
    expect(await joined().count()).toBe(100_000);
    expect(await sameBothWays(() => joined().filter("k < 40"), false)).toBe(400);
  });
});
