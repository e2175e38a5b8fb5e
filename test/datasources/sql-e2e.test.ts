// spark.read / df.write through the SQL core on a real local cluster. Workers resolve the SQL
// scan and the data sources by name, so this needs engine/worker-preload.ts to import engine/sql
// and engine/sql/datasources; until the lead wires that, the suite is skipped.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SparkConf, SparkContext } from "../../engine/index";
import { SqlSession, F } from "../../engine/sql/index";
import "../../engine/sql/datasources";
import { cleanupTemp, duckRows, sortedJson, tempDir, writeText } from "./helpers";

// Executor threads import engine/worker-preload.ts; it must load engine/sql and its data sources.
const preload = readFileSync(new URL("../../engine/worker-preload.ts", import.meta.url), "utf8");
const wired = preload.includes("sql/datasources");

describe.skipIf(!wired)("spark.read / df.write on the cluster", () => {
  let sc: SparkContext;
  let spark: SqlSession;
  beforeAll(async () => {
    sc = await SparkContext.create(new SparkConf().setMaster("local[2]").setAppName("datasources-sql-e2e"));
    spark = new SqlSession({ sparkContext: sc as never });
  });
  afterAll(async () => {
    await sc?.stop();
    cleanupTemp();
  });

  it("reads CSV with header/inferSchema, filters, and writes partitioned Parquet DuckDB can read", async () => {
    const lines = ["id,city,temp"];
    for (let i = 0; i < 500; i++) lines.push(`${i},${["Oslo", "Lima", "Pune"][i % 3]},${(i % 40) - 5}.5`);
    const p = writeText(join(tempDir(), "weather.csv"), lines.join("\n") + "\n");
    const df = await spark.read.option("header", true).option("inferSchema", true).csv(p);
    expect(df.schema.simpleString()).toBe("struct<id:int,city:string,temp:double>");
    const warm = df.filter(F.col("temp").gt(30));
    const rows = await warm.collect();
    expect(rows.length).toBe(lines.slice(1).filter((l) => Number(l.split(",")[2]) > 30).length);

    const out = join(tempDir(), "by_city");
    await spark.writerFor(df).partitionBy("city").mode("overwrite").parquet(out);
    const theirs = await duckRows(`select count(*)::INTEGER as n from read_parquet('${out}/**/*.parquet', hive_partitioning = true)`);
    expect(theirs).toEqual([{ n: 500 }]);
    const back = await spark.read.parquet(out);
    expect(back.schema.simpleString()).toBe("struct<id:int,temp:double,city:string>");
    const lima = await back.filter(F.col("city").eq("Lima")).select("id").collect();
    expect(sortedJson(lima)).toEqual(sortedJson(lines.slice(1).map((l) => l.split(",")).filter((x) => x[1] === "Lima").map((x) => ({ id: Number(x[0]) }))));
  });
});
