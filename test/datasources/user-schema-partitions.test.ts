// spark.read.schema(...) over partitioned directories: as in Spark, the partition columns the
// directories name are appended to the user's data columns (a user column of the same name gives
// the type, the directory the values); a path that cannot be listed yet keeps the user's schema.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
const dir = mkdtempSync(join(tmpdir(), "bdw-user-schema-"));
beforeAll(async () => {
  ({ spark } = await startSession("local[1]"));
  for (const [region, year, a] of [["eu", 2023, 1], ["us", 2024, 2]] as const) {
    mkdirSync(join(dir, `region=${region}`, `year=${year}`), { recursive: true });
    writeFileSync(join(dir, `region=${region}`, `year=${year}`, "part.csv"), `a,b\n${a},${a * 10}\n`);
  }
});
afterAll(async () => { await spark?.stop(); rmSync(dir, { recursive: true, force: true }); });

describe("a user schema over partitioned directories", () => {
  it("gets the partition columns appended, typed by inference", async () => {
    const df = spark.read.option("header", true).schema("a INT, b INT").csv(dir);
    expect(df.columns).toEqual(["a", "b", "region", "year"]);
    expect(df.schema.simpleString()).toBe("struct<a:int,b:int,region:string,year:int>");
    expect(await df.orderBy("a").collect()).toEqual([{ a: 1, b: 10, region: "eu", year: 2023 }, { a: 2, b: 20, region: "us", year: 2024 }]);
    expect(await df.filter("region = 'us'").select("a").collect()).toEqual([{ a: 2 }]);
  });

  it("takes a partition column's type from the user's schema, its values from the directory", async () => {
    const df = spark.read.option("header", true).schema("a INT, b INT, year STRING").csv(dir);
    expect(df.schema.simpleString()).toBe("struct<a:int,b:int,region:string,year:string>");
    expect(await df.orderBy("a").collect()).toEqual([{ a: 1, b: 10, region: "eu", year: "2023" }, { a: 2, b: 20, region: "us", year: "2024" }]);
  });

  it("keeps the user's schema for a path that does not exist yet (the scan reports it)", async () => {
    const df = spark.read.schema("a INT").csv(join(dir, "missing"));
    expect(df.columns).toEqual(["a"]);
    await expect(df.collect()).rejects.toThrow(/PATH_NOT_FOUND|does not exist/);
  });
});
