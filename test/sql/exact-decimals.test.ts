// DecimalType is exact beyond a double's 15 digits (issue 20): values too wide for a double are
// Decimal objects (unscaled bigint + scale), everything else stays a number. Checked here on a
// real local[2] cluster (values cross worker processes and shuffles), through Parquet, CSV, JSON
// and Delta files, against DuckDB reading the engine's own Parquet (an independent reference), and
// in the engine's typed errors. Spark 4.0.1 itself checks the SQL semantics in
// test/connect/sql-differential.test.ts over test/sql/golden/decimals.sql.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { Decimal, SparkSession, F, DecimalType, IntegerType, StructType, StructField } from "../../engine/index";
import { encode, decode } from "../../engine/common/codec";
import { SqlSession } from "../../engine/sql/index";
import { localHost } from "./support/local-context";

const WIDE = "12345678901234567890.12";
const text = (rows: Record<string, unknown>[], c: string) => rows.map((r) => (r[c] === null ? "null" : String(r[c])));

describe("Decimal values", () => {
  it("are exact text, compare and survive the wire codec", () => {
    const d = Decimal.of(WIDE);
    expect(d.toString()).toBe(WIDE);
    expect(new Decimal(-5n, 3).toString()).toBe("-0.005");
    expect(JSON.stringify({ d })).toBe(`{"d":"${WIDE}"}`);
    const back = decode<{ d: Decimal }>(encode({ d }));
    expect(back.d).toBeInstanceOf(Decimal);
    expect(back.d.toString()).toBe(WIDE);
    expect(() => Decimal.of("12x")).toThrow(/not a decimal number/);
  });
});

describe("exact decimals in SQL (embedded)", () => {
  const s = new SqlSession(localHost());
  const ansi = new SqlSession(localHost({ "spark.sql.ansi.enabled": "true" }));

  it("collect() gives a Decimal for values beyond 15 digits and numbers otherwise", async () => {
    const [r] = await s.sql(`SELECT CAST('${WIDE}' AS DECIMAL(38,2)) AS w, CAST('1.25' AS DECIMAL(38,2)) AS n`).collect();
    expect(r!.w).toBeInstanceOf(Decimal);
    expect(String(r!.w)).toBe(WIDE);
    expect(r!.n).toBe(1.25);
  });

  it("arithmetic overflow beyond the precision is NULL, or NUMERIC_VALUE_OUT_OF_RANGE under ANSI", async () => {
    const q = "SELECT CAST('99999999999999999999999999999999999999' AS DECIMAL(38,0)) + 1 AS x";
    expect((await s.sql(q).collect())[0]!.x).toBeNull();
    await expect(ansi.sql(q).collect()).rejects.toThrow(/NUMERIC_VALUE_OUT_OF_RANGE.*cannot be represented as Decimal\(38, 0\)/);
    await expect(ansi.sql("SELECT sum(x) FROM VALUES (CAST('99999999999999999999999999999999999999' AS DECIMAL(38,0))), (CAST(1 AS DECIMAL(38,0))) AS t(x)").collect())
      .rejects.toThrow(/NUMERIC_VALUE_OUT_OF_RANGE/);
  });

  it("lit(Decimal) keeps its digits and its type; createDataFrame takes Decimals, text and numbers", async () => {
    const df = s.range(1).select(F.lit(Decimal.of(WIDE)).alias("x"));
    expect(df.schema.simpleString()).toBe("struct<x:decimal(22,2)>");
    expect(text(await df.collect(), "x")).toEqual([WIDE]);
    const schema = new StructType([StructField("id", IntegerType), StructField("amount", DecimalType(38, 2))]);
    const t = s.createDataFrame([[1, Decimal.of(WIDE)], [2, "0.005"], [3, 2.5]], schema);
    expect(text(await t.orderBy("id").collect(), "amount")).toEqual([WIDE, "0.01", "2.5"]);
    expect(text(await t.agg(F.sum("amount").alias("s")).collect(), "s")).toEqual(["12345678901234567892.63"]);
  });
});

describe("exact decimals on a local[2] cluster and in files", () => {
  let spark: SparkSession;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "exact-decimals-"));
    spark = await SparkSession.builder().master("local[2]").appName("exact-decimals").config("spark.sql.shuffle.partitions", "3").getOrCreate();
  }, 120_000);
  afterAll(async () => {
    await spark?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // 1000 rows of 20-integer-digit amounts in 7 groups: sums far beyond 2^53, checked against bigint arithmetic.
  const amounts = Array.from({ length: 1000 }, (_, i) => `${98765432109876543n + BigInt(i) * 1234567890123n}.${String(i % 100).padStart(2, "0")}`);
  const expectedSums = () => {
    const sums = new Map<number, bigint>();
    amounts.forEach((a, i) => sums.set(i % 7, (sums.get(i % 7) ?? 0n) + BigInt(a.replace(".", ""))));
    return [...sums].sort((a, b) => a[0] - b[0]).map(([g, u]) => `${g}:${u.toString().slice(0, -2)}.${u.toString().slice(-2)}`);
  };

  it("group-by sums across workers and a shuffle are exact", async () => {
    const view = amounts.map((a, i) => `(${i % 7}, CAST('${a}' AS DECIMAL(38,2)))`).join(", ");
    spark.sql(`CREATE OR REPLACE TEMP VIEW big AS SELECT * FROM VALUES ${view} AS big(g, amount)`);
    const df = spark.sql("SELECT g, sum(amount) AS s FROM (SELECT * FROM big DISTRIBUTE BY amount) GROUP BY g ORDER BY g");
    const rows = await df.collect();
    expect(rows.map((r) => `${String(r.g)}:${String(r.s)}`)).toEqual(expectedSums());
  });

  it("Parquet keeps every digit both ways, and DuckDB reads the engine's file to the same sums", async () => {
    const path = join(dir, "amounts.parquet");
    const schema = new StructType([StructField("g", IntegerType), StructField("amount", DecimalType(38, 2)), StructField("small", DecimalType(10, 2))]);
    const df = spark.createDataFrame(amounts.map((a, i) => [i % 7, a, (i % 1000) / 100]), schema);
    await df.coalesce(1).write.mode("overwrite").parquet(path);
    const back = spark.read.parquet(path);
    expect(back.schema.simpleString()).toBe("struct<g:int,amount:decimal(38,2),small:decimal(10,2)>");
    expect(text(await back.orderBy("amount").limit(2).collect(), "amount")).toEqual(amounts.slice(0, 2));
    const ours = await back.groupBy("g").agg(F.sum("amount").alias("s")).orderBy("g").collect();
    expect(ours.map((r) => `${String(r.g)}:${String(r.s)}`)).toEqual(expectedSums());
    const file = readdirSync(path).find((f) => f.endsWith(".parquet"))!;
    const con = await (await DuckDBInstance.create(":memory:")).connect();
    const theirs = (await con.runAndReadAll(`SELECT g, CAST(sum(amount) AS VARCHAR) AS s, CAST(sum(small) AS VARCHAR) AS t FROM '${join(path, file)}' GROUP BY g ORDER BY g`)).getRows();
    expect(theirs.map((r) => `${String(r[0])}:${String(r[1])}`)).toEqual(expectedSums());
    const smallSums = await back.groupBy("g").agg(F.sum("small").alias("t")).orderBy("g").collect();
    expect(smallSums.map((r) => Number(r.t).toFixed(2))).toEqual(theirs.map((r) => Number(r[2]).toFixed(2)));
  });

  it("a filter on a wide decimal finds its row in Parquet (row-group stats are doubles there: no pruning on them)", async () => {
    const path = join(dir, "wide18.parquet");
    const schema = new StructType([StructField("id", IntegerType), StructField("amount", DecimalType(18, 2))]);
    await spark.createDataFrame([[1, "1234567890123456.78"], [2, "1.00"]], schema).coalesce(1).write.mode("overwrite").parquet(path);
    const hit = await spark.read.parquet(path).filter("amount = CAST('1234567890123456.78' AS DECIMAL(18,2))").collect();
    expect(hit.map((r) => `${String(r.id)}:${String(r.amount)}`)).toEqual(["1:1234567890123456.78"]);
    expect(await spark.read.parquet(path).filter("amount >= CAST('1234567890123456.78' AS DECIMAL(18,2))").count()).toBe(1);
  });

  it("CSV and JSON read with a decimal schema keep every digit; JSON writes exact numbers", async () => {
    const csv = join(dir, "in.csv");
    writeFileSync(csv, `id,amount\n1,${WIDE}\n2,-98765432109876543210.995\n3,abc\n`);
    const schema = new StructType([StructField("id", IntegerType), StructField("amount", DecimalType(38, 2))]);
    const fromCsv = await spark.read.schema(schema).option("header", "true").csv(csv).orderBy("id").collect();
    expect(text(fromCsv, "amount")).toEqual([WIDE, "-98765432109876543211.00", "null"]);
    const json = join(dir, "in.json");
    writeFileSync(json, `{"id":1,"amount":${WIDE}}\n{"id":2,"amount":0.125}\n`);
    const fromJson = spark.read.schema(schema).json(json);
    expect(text(await fromJson.orderBy("id").collect(), "amount")).toEqual([WIDE, "0.13"]);
    const out = join(dir, "out.json");
    await fromJson.coalesce(1).write.mode("overwrite").json(out);
    const written = readdirSync(out).filter((f) => f.endsWith(".json")).map((f) => readFileSync(join(out, f), "utf8")).join("");
    expect(written).toContain(`"amount":${WIDE}`);
    expect(written).toContain(`"amount":0.13`);
  });

  it("a Delta table round-trips wide decimals", async () => {
    const path = join(dir, "delta-amounts");
    const schema = new StructType([StructField("id", IntegerType), StructField("amount", DecimalType(38, 2))]);
    await spark.createDataFrame([[1, WIDE], [2, "-0.01"]], schema).write.format("delta").mode("overwrite").save(path);
    const rows = await spark.read.format("delta").load(path).orderBy("id").collect();
    expect(text(rows, "amount")).toEqual([WIDE, "-0.01"]);
  });
});
