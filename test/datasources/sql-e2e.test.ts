// spark.read / df.write through the public SparkSession on a real local cluster. Executor threads
// resolve the SQL scan and the data sources by name (engine/worker-preload.ts loads them).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { SparkSession, F } from "../../engine/index";
import { cleanupTemp, duckRows, sortedJson, tempDir, writeText } from "./helpers";

describe("spark.read / df.write on the cluster", () => {
  let spark: SparkSession;
  beforeAll(async () => {
    spark = await SparkSession.builder().master("local[2]").appName("datasources-sql-e2e").getOrCreate();
  });
  afterAll(async () => {
    await spark?.stop();
    cleanupTemp();
  });

  it("reads CSV with header/inferSchema, filters, and writes partitioned Parquet DuckDB can read", async () => {
    const lines = ["id,city,temp"];
    for (let i = 0; i < 500; i++) lines.push(`${i},${["Oslo", "Lima", "Pune"][i % 3]},${(i % 40) - 5}.5`);
    const p = writeText(join(tempDir(), "weather.csv"), lines.join("\n") + "\n");
    const df = spark.read.option("header", true).option("inferSchema", true).csv(p);
    expect(df.schema.simpleString()).toBe("struct<id:int,city:string,temp:double>");
    const rows = await df.filter(F.col("temp").gt(30)).collect();
    expect(rows.length).toBe(lines.slice(1).filter((l) => Number(l.split(",")[2]) > 30).length);

    const out = join(tempDir(), "by_city");
    await df.write.partitionBy("city").mode("overwrite").parquet(out);
    const theirs = await duckRows(`select count(*)::INTEGER as n from read_parquet('${out}/**/*.parquet', hive_partitioning = true)`);
    expect(theirs).toEqual([{ n: 500 }]);
    const back = spark.read.parquet(out);
    expect(back.schema.simpleString()).toBe("struct<id:int,temp:double,city:string>");
    const lima = await back.filter(F.col("city").eq("Lima")).select("id").collect();
    expect(sortedJson(lima)).toEqual(sortedJson(lines.slice(1).map((l) => l.split(",")).filter((x) => x[1] === "Lima").map((x) => ({ id: Number(x[0]) }))));
  });

  it("a file scan's tasks report the bytes and records they read (Spark's input metrics)", async () => {
    const text = "x,y\n" + Array.from({ length: 1000 }, (_, i) => `${i},${i * 2}`).join("\n") + "\n";
    const p = writeText(join(tempDir(), "metrics.csv"), text);
    const df = spark.read.option("header", true).option("inferSchema", true).csv(p);
    expect(await df.filter("x > 10").count()).toBe(989);
    const scan = spark.lastJob()!.tasks().filter((t) => (t.metrics?.bytesRead ?? 0) > 0);
    expect(scan.reduce((a, t) => a + t.metrics!.bytesRead, 0)).toBe(Buffer.byteLength(text));
    expect(scan.reduce((a, t) => a + t.metrics!.recordsRead, 0)).toBe(1000);
  });

  it("JSON lines round trip through df.write.json and spark.read.json", async () => {
    const df = spark.createDataFrame([[1, "a", [1, 2]], [2, null, []]], "id bigint, s string, xs array<bigint>");
    const out = join(tempDir(), "json");
    await df.write.json(out);
    const back = spark.read.json(out);
    expect(back.schema.simpleString()).toBe("struct<id:bigint,s:string,xs:array<bigint>>");
    expect(sortedJson(await back.collect())).toEqual(sortedJson([{ id: 1, s: "a", xs: [1, 2] }, { id: 2, s: null, xs: [] }]));
    await expect(df.write.json(out)).rejects.toThrow(/PATH_ALREADY_EXISTS/);
  });
});
