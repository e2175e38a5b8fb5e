// CSV and JSON scans feed column batches: a columnar stage (filters, projections, join probe,
// partial aggregate) reads a text file's records as batches, without a row object per record, and
// every query gives exactly the rows the row path gives (columnar execution off), with every
// parse mode, the corrupt-record column, partition columns, nulls and each type.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { F, type DataFrame, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
const dir = mkdtempSync(join(tmpdir(), "bdw-columnar-csv-"));
const jsonDir = mkdtempSync(join(tmpdir(), "bdw-columnar-json-"));
beforeAll(async () => {
  ({ spark } = await startSession("local[2]"));
  // Two partition directories, 3 files; some malformed records and nulls.
  for (const [sub, f, from] of [["region=eu", "a.csv", 0], ["region=eu", "b.csv", 9000], ["region=us", "c.csv", 20000]] as const) {
    const lines = ["id,k,x,name,ok,day"];
    for (let i = from; i < from + 9000; i++) {
      if (i % 1999 === 0) lines.push(`${i},oops,1.5,bad,true,2024-01-01`); // k is not an int
      else if (i % 2503 === 0) lines.push(`${i},3`); // too few fields
      else lines.push(`${i},${i % 97},${i % 13 === 0 ? "" : (i / 8).toString()},${i % 7 === 0 ? "" : `n${i % 50}`},${i % 2 === 0},2024-01-${String(1 + (i % 28)).padStart(2, "0")}`);
    }
    mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, sub, f), lines.join("\n") + "\n");
  }
  // JSON lines: nested values, missing keys, malformed lines.
  const json: string[] = [];
  for (let i = 0; i < 12_000; i++) {
    if (i % 1777 === 0) json.push(`{"id": ${i}, "k": `); // truncated
    else if (i % 2333 === 0) json.push(`[${i}]`); // not an object
    else json.push(JSON.stringify({ id: i, k: i % 31, x: i % 11 === 0 ? null : i / 3, tags: i % 5 === 0 ? undefined : [`t${i % 4}`, `u${i % 3}`], p: { a: i % 9, b: `b${i % 6}` } }));
  }
  mkdirSync(join(jsonDir, "day=1"), { recursive: true });
  writeFileSync(join(jsonDir, "day=1", "a.json"), json.slice(0, 6000).join("\n") + "\n");
  mkdirSync(join(jsonDir, "day=2"), { recursive: true });
  writeFileSync(join(jsonDir, "day=2", "b.json"), json.slice(6000).join("\n") + "\n");
});
afterAll(async () => { await spark?.stop(); for (const d of [dir, jsonDir]) rmSync(d, { recursive: true, force: true }); });

const key = (r: unknown): string => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? `${v}n` : v instanceof Date ? `date:${v.toISOString()}` : typeof v === "number" && (Object.is(v, -0) || Number.isNaN(v)) ? `num:${String(v)}` : v));

/** The query's rows with columnar execution on and off: equal as multisets; returns how many. */
async function sameBothWays(q: () => DataFrame): Promise<number> {
  const columnar = (await q().collect()).map(key).sort();
  spark.conf.set("spark.sql.parquet.enableVectorizedReader", "false");
  let rows: string[];
  try {
    expect(q().explainString()).toContain("Batched: false");
    rows = (await q().collect()).map(key).sort();
  } finally {
    spark.conf.set("spark.sql.parquet.enableVectorizedReader", "true");
  }
  expect(columnar).toEqual(rows);
  return rows.length;
}

const JSON_SCHEMA = "id LONG, k INT, x DOUBLE, tags ARRAY<STRING>, p STRUCT<a: INT, b: STRING>, _corrupt_record STRING";
const json = (mode: string) => spark.read.option("mode", mode).schema(JSON_SCHEMA).json(jsonDir);

const SCHEMA = "id LONG, k INT, x DOUBLE, name STRING, ok BOOLEAN, day DATE, _corrupt_record STRING";
const csv = (mode: string) => spark.read.option("header", true).option("mode", mode).schema(SCHEMA).csv(dir);

describe("CSV scans feed column batches", () => {
  it("a filter and projection over a CSV scan run columnar, as explain shows", () => {
    const plan = csv("PERMISSIVE").filter("k > 3").select("id", "x").explainString();
    expect(plan).toContain("FileScan csv");
    expect(plan).toContain("Batched: true");
    expect(plan).toMatch(/Filter .* \[Columnar\]/);
  });

  it("PERMISSIVE: the row path's values, nulls, partition column and corrupt records", async () => {
    expect(await sameBothWays(() => csv("PERMISSIVE").filter("id % 3 <> 1 OR _corrupt_record IS NOT NULL"))).toBeGreaterThan(18_000);
    const bad = await csv("PERMISSIVE").filter("_corrupt_record IS NOT NULL").select("id", "k").collect();
    expect(bad.length).toBeGreaterThan(10);
    // A field that does not parse is null; a short record keeps the fields it has.
    expect(bad.filter((r) => (r.id as number) % 1999 === 0).every((r) => r.k === null)).toBe(true);
    expect(bad.filter((r) => (r.id as number) % 2503 === 0 && (r.id as number) % 1999 !== 0).every((r) => r.k === 3)).toBe(true);
    expect(await sameBothWays(() => csv("PERMISSIVE").selectExpr("id * 2 AS i2", "x + k AS xk", "upper(name) AS u", "day", "NOT ok AS nok"))).toBe(27_000);
    // Inferred types and the partition column (region) from the directories.
    const inferred = () => spark.read.option("header", true).option("inferSchema", true).csv(dir);
    expect(await sameBothWays(() => inferred().filter("id % 5 = 0").select("region", "id", "k", "x", "name", "day"))).toBe(5400);
  });

  it("DROPMALFORMED drops the same records; a partial aggregate over the batches", async () => {
    const q = () => csv("DROPMALFORMED").groupBy("k").agg(F.sum("id").alias("s"), F.avg("x").alias("a"), F.count("name").alias("n"), F.max("day").alias("d"));
    expect(await sameBothWays(q)).toBe(97);
    const kept = await csv("DROPMALFORMED").filter("id >= 0").count();
    expect(kept).toBe(27_000 - (await csv("PERMISSIVE").filter("_corrupt_record IS NOT NULL").count()));
  });

  it("FAILFAST fails with the same error naming the file, line and column", async () => {
    // One file: the same record fails first either way.
    const file = join(dir, "region=eu", "a.csv");
    const message = async (): Promise<string> => {
      try { await spark.read.option("header", true).option("mode", "FAILFAST").schema(SCHEMA).csv(file).filter("k > 1").count(); return "no error"; } catch (e) { return (e as Error).message.replace(/^.*?ExecutionError: /, ""); }
    };
    const columnar = await message();
    spark.conf.set("spark.sql.parquet.enableVectorizedReader", "false");
    let rows: string;
    try { rows = await message(); } finally { spark.conf.set("spark.sql.parquet.enableVectorizedReader", "true"); }
    expect(columnar).toMatch(/^\[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION\] Malformed records are detected in record parsing \(CSV\) at file:.*a\.csv, line 2, column `k`: cannot parse the value as int: 'oops'/);
    expect(columnar).toBe(rows);
  });

  it("a broadcast join probed with a CSV stream side", async () => {
    const dim = () => spark.range(0, 97).selectExpr("CAST(id AS INT) AS k", "id * 10 AS w");
    expect(await sameBothWays(() => csv("DROPMALFORMED").join(dim(), "k").groupBy().agg(F.count("*").alias("n"), F.sum("w").alias("sw")))).toBe(1);
  });
});

describe("JSON scans feed column batches", () => {
  it("run columnar, with the row path's values in every mode", async () => {
    expect(json("PERMISSIVE").filter("k > 3").explainString()).toMatch(/FileScan json .*Batched: true/);
    expect(await sameBothWays(() => json("PERMISSIVE").filter("id % 4 <> 1 OR _corrupt_record IS NOT NULL"))).toBeGreaterThan(9000);
    expect(await sameBothWays(() => json("DROPMALFORMED").selectExpr("day", "id + k AS s", "size(tags) AS n", "p.b AS b", "x * 2 AS x2"))).toBe(12_000 - 7 - 5); // 7 truncated lines, 5 more that are not objects
    expect(await sameBothWays(() => json("DROPMALFORMED").groupBy("k").agg(F.sum("id").alias("s"), F.avg("x").alias("a"), F.count("tags").alias("t")))).toBe(31);
  });
});
