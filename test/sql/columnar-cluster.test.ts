// Columnar stages on a real local[2] cluster: group-by aggregates, filters, projections and a
// broadcast join over DuckDB-written Parquet (nulls, NaN, -0, longs beyond 2^53, strings), each
// checked against DuckDB on the same file; explain() marks the columnar operators.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { SparkSession } from "../../engine/session";
import { F, type DataFrame } from "../../engine/sql/index";

let dir: string, fact: string, dim: string;
let con: DuckDBConnection;
let spark: SparkSession;

/** Rows as sorted canonical text; doubles rounded to 9 significant digits (sum order differs). */
function canon(rows: Record<string, unknown>[], cols: string[]): string[] {
  const val = (v: unknown) => {
    if (v === null || v === undefined) return "null";
    if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? String(Number(v)) : v.toString();
    if (typeof v === "number") return Number.isNaN(v) ? "NaN" : Number.isInteger(v) ? String(v === 0 ? 0 : v) : v.toPrecision(9);
    return JSON.stringify(v);
  };
  return rows.map((r) => cols.map((c) => val(r[c])).join("|")).sort();
}

async function duck(sql: string): Promise<Record<string, unknown>[]> {
  return (await con.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "columnar-cluster-"));
  con = await (await DuckDBInstance.create(":memory:")).connect();
  fact = join(dir, "fact.parquet");
  dim = join(dir, "dim.parquet");
  await con.run(`COPY (SELECT i AS id,
      CASE WHEN i % 29 = 0 THEN NULL ELSE (i % 37)::INTEGER END AS k,
      CASE WHEN i % 31 = 0 THEN NULL ELSE (i * 7 % 500)::INTEGER END AS d,
      CASE WHEN i % 11 = 0 THEN NULL WHEN i % 53 = 0 THEN -0.0 ELSE (i * 7919 % 100003) / 4.0 END::DOUBLE AS v,
      CASE WHEN i % 97 = 0 THEN 4611686018427387904 + i ELSE i END::BIGINT AS big,
      CASE WHEN i % 5 = 0 THEN NULL ELSE 's' || (i % 7) END AS s
    FROM range(60000) r(i)) TO '${fact}' (FORMAT parquet, ROW_GROUP_SIZE 8192)`);
  await con.run(`COPY (SELECT i::INTEGER AS d, (i * 13 % 100)::INTEGER AS w, 'n' || (i % 3) AS name FROM range(400) r(i)) TO '${dim}' (FORMAT parquet)`);
  spark = await SparkSession.builder().master("local[2]").appName("columnar-cluster").getOrCreate();
}, 120_000);

afterAll(async () => {
  await spark?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function check(df: DataFrame, sql: string, cols: string[]): Promise<string> {
  const [got, want] = await Promise.all([df.collect(), duck(sql)]);
  expect(canon(got as unknown as Record<string, unknown>[], cols)).toEqual(canon(want, cols));
  return df.explainString("simple");
}

describe("columnar stages on local[2] = DuckDB", () => {
  // Spark's sum of a bigint wraps around like Java's long (without ANSI); DuckDB's HUGEINT does not.
  const wrappedSum = (c: string) => `((((sum(${c})::HUGEINT + 9223372036854775808) % 18446744073709551616) + 18446744073709551616) % 18446744073709551616 - 9223372036854775808)`;

  it("group by an int key with nulls: sum, avg, count, min, max (doubles with -0, longs beyond 2^53)", async () => {
    const f = spark.read.parquet(fact);
    const plan = await check(
      f.groupBy("k").agg(F.sum("v").alias("sv"), F.avg("v").alias("av"), F.count("*").alias("n"), F.count("v").alias("nv"),
        F.min("v").alias("mn"), F.max("big").alias("mb"), F.sum("big").alias("sb")),
      `SELECT k, sum(v) AS sv, avg(v) AS av, count(*) AS n, count(v) AS nv, min(v) AS mn, max(big) AS mb, ${wrappedSum("big")} AS sb FROM '${fact}' GROUP BY k`,
      ["k", "sv", "av", "n", "nv", "mn", "mb", "sb"],
    );
    expect(plan).toMatch(/HashAggregate\(keys=\[k#\d+\], functions=\[partial_sum.*\[Columnar\]/);
    expect(plan).toContain("Batched: true");
  }, 60_000);

  it("filter and projection, then a string-keyed aggregate", async () => {
    const f = spark.read.parquet(fact);
    const q = f.filter(F.col("v").gt(100).and(F.col("k").isNotNull())).select(F.col("s"), F.col("v").plus(1).alias("v1"), F.col("k"))
      .groupBy("s").agg(F.sum("v1").alias("t"), F.count("k").alias("n"));
    await check(q, `SELECT s, sum(v + 1) AS t, count(k) AS n FROM '${fact}' WHERE v > 100 AND k IS NOT NULL GROUP BY s`, ["s", "t", "n"]);
  }, 60_000);

  it("broadcast hash join then aggregate (inner and left outer), and rows out of a columnar scan", async () => {
    const f = spark.read.parquet(fact), d = spark.read.parquet(dim);
    const inner = f.join(d, "d").groupBy("name").agg(F.count("*").alias("n"), F.sum("w").alias("sw"), F.sum("v").alias("sv"));
    const plan = await check(inner, `SELECT name, count(*) AS n, sum(w) AS sw, sum(v) AS sv FROM '${fact}' f JOIN '${dim}' USING (d) GROUP BY name`, ["name", "n", "sw", "sv"]);
    expect(plan).toMatch(/BroadcastHashJoin .*\[Columnar\]/);
    // A dimension keyed 0..399: the join is probed inside the generated loop (global, and by a
    // build column), and where an argument is not a number vector (big: longs beyond 2^53) each batch is joined first.
    const global = f.join(d, "d").agg(F.count("*").alias("n"), F.sum("w").alias("sw"), F.sum("v").alias("sv"), F.max("v").alias("mv"), F.sum("k").alias("sk"), F.count("k").alias("ck"));
    await check(global, `SELECT count(*) AS n, sum(w) AS sw, sum(v) AS sv, max(v) AS mv, sum(k) AS sk, count(k) AS ck FROM '${fact}' f JOIN '${dim}' USING (d)`, ["n", "sw", "sv", "mv", "sk", "ck"]);
    const byW = f.join(d, "d").groupBy("w").agg(F.count("*").alias("n"), F.avg("k").alias("ak"), F.min("v").alias("mv"), F.sum("big").alias("sb"));
    await check(byW, `SELECT w, count(*) AS n, avg(k) AS ak, min(v) AS mv, ${wrappedSum("big")} AS sb FROM '${fact}' f JOIN '${dim}' USING (d) GROUP BY w`, ["w", "n", "ak", "mv", "sb"]);
    const left = f.filter(F.col("id").lt(3000)).join(d.filter(F.col("w").lt(50)), "d", "left").select("id", "w", "name");
    await check(left, `SELECT id, w, name FROM '${fact}' f LEFT JOIN (SELECT * FROM '${dim}' WHERE w < 50) USING (d) WHERE id < 3000`, ["id", "w", "name"]);
  }, 60_000);

  it("spark.sql.parquet.enableVectorizedReader=false runs the same query on rows, with the same result", async () => {
    const f = spark.read.parquet(fact);
    const q = () => f.filter(F.col("v").gt(100)).groupBy("k").agg(F.sum("v").alias("sv"), F.count("*").alias("n"));
    const sql = `SELECT k, sum(v) AS sv, count(*) AS n FROM '${fact}' WHERE v > 100 GROUP BY k`;
    spark.conf.set("spark.sql.parquet.enableVectorizedReader", "false");
    try {
      const plan = await check(q(), sql, ["k", "sv", "n"]);
      expect(plan).not.toContain("[Columnar]");
      expect(plan).not.toContain("Batched: true");
      expect(spark.lastQueryExecution()!.toString()).not.toContain("[Columnar]");
    } finally {
      spark.conf.unset("spark.sql.parquet.enableVectorizedReader");
    }
    expect(await check(q(), sql, ["k", "sv", "n"])).toContain("[Columnar]");
  }, 60_000);
});
