// A field called "__proto__" is data like any other: from a CSV header, a JSON key (top level or
// nested), a SQL alias, a struct or a map, through shuffles, the wire and Parquet files; it never
// becomes (or changes) an object's prototype.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SparkSession } from "../../engine/index";
import { startSession } from "./helpers";

let spark: SparkSession;
const dir = mkdtempSync(join(tmpdir(), "proto-names-"));
beforeAll(async () => { ({ spark } = await startSession("local[2]")); });
afterAll(async () => { await spark?.stop(); });

describe("fields named __proto__", () => {
  it("CSV header and JSON keys keep their values", async () => {
    writeFileSync(join(dir, "a.csv"), "__proto__,b\n1,2\n3,4\n");
    writeFileSync(join(dir, "a.json"), '{"__proto__": 5, "b": 1, "m": {"__proto__": 7, "k": 1}}\n');
    const csv = await spark.read.option("header", true).csv(join(dir, "a.csv")).collect();
    expect(JSON.stringify(csv)).toBe('[{"__proto__":"1","b":"2"},{"__proto__":"3","b":"4"}]');
    expect(Object.keys(csv[0]!)).toEqual(["__proto__", "b"]);
    const json = await spark.read.json(join(dir, "a.json")).collect();
    expect(JSON.stringify(json)).toBe('[{"__proto__":5,"b":1,"m":{"__proto__":7,"k":1}}]');
  });

  it("SQL aliases, structs, maps and grouping keep the name through shuffles and the wire", async () => {
    const q = async (sql: string) => JSON.stringify(await spark.sql(sql).collect());
    expect(await q("SELECT 1 AS `__proto__`, 2 AS b")).toBe('[{"__proto__":1,"b":2}]');
    expect(await q("SELECT named_struct('__proto__', 1, 'x', 2) AS s")).toBe('[{"s":{"__proto__":1,"x":2}}]');
    expect(await q("SELECT named_struct('__proto__', id, 'x', 2) AS s FROM range(2)")).toBe('[{"s":{"__proto__":0,"x":2}},{"s":{"__proto__":1,"x":2}}]');
    expect(await q("SELECT map('__proto__', 1, 'x', 2) AS m")).toBe('[{"m":{"__proto__":1,"x":2}}]');
    expect(await q("SELECT `__proto__`, count(*) AS c FROM (SELECT id % 2 AS `__proto__` FROM range(10)) GROUP BY `__proto__` ORDER BY `__proto__`"))
      .toBe('[{"__proto__":0,"c":5},{"__proto__":1,"c":5}]');
    const df = spark.createDataFrame([JSON.parse('{"__proto__": 3, "a": 1}')]);
    expect(df.columns).toEqual(["__proto__", "a"]);
    expect(JSON.stringify(await df.collect())).toBe('[{"__proto__":3,"a":1}]');
  });

  it("round-trips through Parquet and JSON files, and pollutes no prototype", async () => {
    const df = spark.sql("SELECT id AS `__proto__`, named_struct('__proto__', id * 10) AS s FROM range(3)");
    await df.write.mode("overwrite").parquet(join(dir, "p"));
    await df.write.mode("overwrite").json(join(dir, "j"));
    const want = '[{"__proto__":0,"s":{"__proto__":0}},{"__proto__":1,"s":{"__proto__":10}},{"__proto__":2,"s":{"__proto__":20}}]';
    expect(JSON.stringify(await spark.read.json(join(dir, "j")).orderBy("__proto__").collect())).toBe(want);
    // Parquet keeps the name at the top level and in nested structs (hyparquet assembles structs
    // with obj[name] = value, so the reader renames such nested fields while it decodes).
    expect(JSON.stringify(await spark.read.parquet(join(dir, "p")).orderBy("__proto__").collect())).toBe(want);
    expect(spark.read.parquet(join(dir, "p")).schema.simpleString()).toBe("struct<__proto__:bigint,s:struct<__proto__:bigint>>");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const rows = await spark.read.parquet(join(dir, "p")).collect();
    expect(Object.getPrototypeOf(Object.getPrototypeOf(rows[0]))).toBe(Object.prototype);
  });
});
