// spark.read.* and spark.sql over file views return a DataFrame synchronously (as in PySpark):
// the schema is inferred by synchronous reads on the driver. Parquet files are written by DuckDB
// (independent writer); schemas follow Spark's type names for them.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { join } from "node:path";
import { SqlSession, DataFrame } from "../../engine/sql/index";
import "../../engine/sql/datasources";
import { localHost } from "./support/local-context";
import { tempDir, cleanupTemp, writeText, duck } from "../datasources/helpers";

let dir: string;
let pq: string;
beforeAll(async () => {
  dir = tempDir("read-sync-");
  pq = join(dir, "t.parquet");
  const c = await duck();
  await c.run(`COPY (SELECT i::BIGINT AS id, 'n' || i AS name, (i / 2.0)::DOUBLE AS half, i % 2 = 0 AS even FROM range(10) t(i)) TO '${pq}' (FORMAT PARQUET)`);
  writeText(join(dir, "people.csv"), "name,age\nann,31\nbob,\n");
  writeText(join(dir, "events.json"), '{"id": 1, "tags": ["a"], "at": {"x": 1.5}}\n{"id": 2, "tags": [], "at": null}\n');
  writeText(join(dir, "lines.txt"), "one\ntwo\n");
});
afterAll(() => cleanupTemp());

const session = () => new SqlSession(localHost());

describe("spark.read returns a DataFrame synchronously", () => {
  it("parquet: schema from the footer", () => {
    const df = session().read.parquet(pq);
    expect(df).toBeInstanceOf(DataFrame);
    expect(df.dtypes).toEqual([["id", "bigint"], ["name", "string"], ["half", "double"], ["even", "boolean"]]);
  });
  it("csv with header and inferSchema, json, text, format().load()", () => {
    const s = session();
    expect(s.read.option("header", true).option("inferSchema", true).csv(join(dir, "people.csv")).dtypes).toEqual([["name", "string"], ["age", "int"]]);
    expect(s.read.option("header", "true").csv(join(dir, "people.csv")).dtypes).toEqual([["name", "string"], ["age", "string"]]);
    expect(s.read.json(join(dir, "events.json")).schema.simpleString()).toBe("struct<at:struct<x:double>,id:bigint,tags:array<string>>");
    expect(s.read.text(join(dir, "lines.txt")).dtypes).toEqual([["value", "string"]]);
    expect(s.read.format("parquet").load(pq).columns).toEqual(["id", "name", "half", "even"]);
    expect(s.read.format("csv").option("header", true).load(join(dir, "people.csv")).columns).toEqual(["name", "age"]);
  });
  it("PySpark keyword arguments as an options object: schema, format, header, sep", () => {
    const s = session();
    expect(s.read.csv(join(dir, "people.csv"), { header: true, schema: "name string, age int" }).dtypes).toEqual([["name", "string"], ["age", "int"]]);
    expect(s.read.load(join(dir, "people.csv"), undefined, { format: "csv", header: true, inferSchema: true }).dtypes).toEqual([["name", "string"], ["age", "int"]]);
  });
  it("a DataFrame is not thenable, so `await spark.read.csv(p)` still gives the DataFrame", async () => {
    const df = session().read.parquet(pq);
    expect((df as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await df).toBe(df);
  });
  it("a missing path fails at the call with PATH_NOT_FOUND", () => {
    expect(() => session().read.parquet(join(dir, "nope.parquet"))).toThrow(/Path does not exist/);
  });
  it("spark.sql over a file view is synchronous; sqlAsync stays an alias", async () => {
    const s = session();
    const df = s.sql(`SELECT id, name FROM parquet.\`${pq}\` WHERE even`);
    expect(df).toBeInstanceOf(DataFrame);
    expect(df.dtypes).toEqual([["id", "bigint"], ["name", "string"]]);
    expect((await s.sqlAsync(`SELECT * FROM csv.\`${join(dir, "people.csv")}\``)).columns).toEqual(["_c0", "_c1"]);
  });
});
