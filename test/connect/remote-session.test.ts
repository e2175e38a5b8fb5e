// The remote session's API beyond queries, against real Spark 4.0.1 through Spark Connect:
// SparkSession.builder().remote(...), spark.conf, spark.catalog, cache/persist, reads and writes
// on the server's files, tables, toLocalIterator, and what a remote session refuses.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SparkSession, F, StorageLevel, RegressionEvaluator, StringIndexer, VectorAssembler, type ListenerEvent, type RemoteSparkSession } from "../../engine/index";
import { javaMissing, startConnectServer, type ConnectServer } from "./connect-server";

const noJava = javaMissing();
let server: ConnectServer | undefined;
let spark: RemoteSparkSession;
const dir = mkdtempSync(join(tmpdir(), "bdw-connect-io-"));

beforeAll(async () => {
  if (noJava) return;
  server = await startConnectServer({ "spark.sql.warehouse.dir": join(dir, "warehouse"), "spark.connect.progress.reportInterval": "200ms" });
  spark = await SparkSession.builder().remote(server.url).config("spark.sql.shuffle.partitions", "3").getOrCreate();
}, 240_000);
afterAll(async () => {
  await spark?.stop().catch(() => undefined);
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!!noJava)("a remote session", () => {
  it("comes from the builder, with its settings on the server", () => {
    expect(spark.version).toBe("4.0.1");
    expect(spark.conf.get("spark.sql.shuffle.partitions")).toBe("3");
    spark.conf.set("spark.sql.shuffle.partitions", 5);
    expect(spark.conf.get("spark.sql.shuffle.partitions")).toBe("5");
    expect(spark.conf.get("spark.nope.not.set", "fallback")).toBe("fallback");
    expect(() => spark.conf.get("spark.nope.not.set")).toThrow(/SQL_CONF_NOT_FOUND/);
  });

  it("refuses a master and a remote together, as PySpark does", async () => {
    await expect(SparkSession.builder().master("local[2]").remote(server!.url).getOrCreate()).rejects.toThrow(/CANNOT_CONFIGURE_SPARK_CONNECT_MASTER/);
  });

  it("has the server's catalog", () => {
    spark.range(3).createOrReplaceTempView("three");
    expect(spark.catalog.tableExists("three")).toBe(true);
    expect(spark.catalog.listTables().map((t) => [t.name, t.isTemporary])).toContainEqual(["three", true]);
    expect(spark.catalog.listColumns("three")).toEqual([{ name: "id", dataType: "bigint", nullable: false }]);
    expect(spark.catalog.currentDatabase()).toBe("default");
    expect(spark.catalog.dropTempView("three")).toBe(true);
    expect(spark.catalog.tableExists("three")).toBe(false);
  });

  it("caches on the server", async () => {
    const df = spark.range(100).filter("id % 7 = 0");
    expect(df.is_cached).toBe(false);
    df.persist(StorageLevel.MEMORY_ONLY);
    expect(df.storageLevel.toString()).toBe(StorageLevel.MEMORY_ONLY.toString());
    expect(await df.count()).toBe(15);
    expect(spark.range(100).filter("id % 7 = 0").is_cached).toBe(true); // the server matches plans by their result
    df.unpersist(true);
    expect(df.is_cached).toBe(false);
  });

  it("writes and reads the server's files, and saves tables", async () => {
    const path = join(dir, "people.parquet");
    const people = spark.createDataFrame([{ name: "ann", age: 34 }, { name: "bob", age: 28 }], "name string, age int");
    await people.write.mode("overwrite").parquet(path);
    const back = spark.read.parquet(path);
    expect(back.dtypes).toEqual([["name", "string"], ["age", "int"]]);
    expect(await back.orderBy("name").collect()).toEqual([{ name: "ann", age: 34 }, { name: "bob", age: 28 }]);
    const csv = join(dir, "people.csv");
    await people.write.option("header", true).csv(csv);
    expect(await spark.read.option("header", true).option("inferSchema", true).csv(csv).orderBy(F.desc("age")).first()).toEqual({ name: "ann", age: 34 });
    await people.write.saveAsTable("people_t");
    await spark.createDataFrame([{ name: "cid", age: 45 }], "name string, age int").write.insertInto("people_t");
    expect(await spark.table("people_t").count()).toBe(3);
    const e = await people.write.saveAsTable("people_t").catch((x: unknown) => x);
    expect((e as { condition?: string }).condition).toBe("TABLE_OR_VIEW_ALREADY_EXISTS");
  });

  it("iterates, prints its schema as the server sees it, and explains in every mode", async () => {
    const df = spark.sql("SELECT id, CAST(id AS DECIMAL(10, 2)) AS d FROM range(3)");
    const seen: unknown[] = [];
    for await (const r of df.toLocalIterator()) seen.push(r.id);
    expect(seen).toEqual([0, 1, 2]);
    expect(df.schemaString()).toBe("root\n |-- id: long (nullable = false)\n |-- d: decimal(10,2) (nullable = true)\n"); // Spark: a decimal cast may overflow to null
    expect(df.explainString("extended")).toMatch(/== Parsed Logical Plan ==[\s\S]*== Physical Plan ==/);
    expect(() => df.explainString("nope" as "simple")).toThrow(/INVALID_EXPLAIN_MODE/);
  });

  it("sends createDataFrame timestamps as instants: the session time zone set later changes how they print, not when they were", async () => {
    const events = spark.createDataFrame([[new Date("2024-03-10T12:00:00Z")], [new Date("2024-03-10T23:30:00Z")]], "t timestamp");
    const fields = events.select("t", F.hour("t").alias("hour"), F.date_format("t", "yyyy-MM-dd HH:mm").alias("local"));
    spark.conf.set("spark.sql.session.timeZone", "Asia/Tokyo");
    try {
      const rows = await fields.collect();
      expect(rows.map((r) => (r.t as Date).toISOString())).toEqual(["2024-03-10T12:00:00.000Z", "2024-03-10T23:30:00.000Z"]);
      expect(rows.map((r) => [r.hour, r.local])).toEqual([[21, "2024-03-10 21:00"], [8, "2024-03-11 08:30"]]);
    } finally {
      spark.conf.set("spark.sql.session.timeZone", "UTC");
    }
  });

  it("gives nested values as the embedded engine does: timestamps in structs as Dates, exact decimals in arrays and maps", async () => {
    const q = "SELECT named_struct('start', TIMESTAMP'2026-01-01 12:00:00', 'd', 1.50BD, 'n', 3L) AS w, " +
      "array(DATE'2026-01-02') AS ds, map('a', 2.25BD) AS m, array(named_struct('x', 2.5BD)) AS xs";
    const [remote] = await spark.sql(q).collect();
    const local = await SparkSession.builder().master("local[1]").appName("nested-reference").getOrCreate();
    try {
      const [embedded] = await local.sql(q).collect();
      expect((remote!.w as { start: unknown }).start).toBeInstanceOf(Date);
      expect(remote).toEqual(embedded);
    } finally {
      await local.stop();
    }
  });

  it("posts the server's progress as listener events (what the kernel's progress panel shows)", async () => {
    const events: ListenerEvent[] = [];
    const remove = spark.addSparkListener({ onEvent: (e) => events.push(e) });
    try {
      const [row] = await spark.sql("SELECT sum(id % 7) AS s FROM range(0, 300000000, 1, 4)").collect();
      expect(row).toEqual({ s: 899999997 });
    } finally {
      remove();
    }
    const kinds = events.map((e) => e.type);
    expect(kinds[0]).toBe("jobStart");
    expect(kinds[kinds.length - 1]).toBe("jobEnd");
    const end = events[events.length - 1] as Extract<ListenerEvent, { type: "jobEnd" }>;
    expect(end.job.status).toBe("SUCCEEDED");
    expect(end.job.description).toMatch(/^collect at /);
    const stages = events.filter((e): e is Extract<ListenerEvent, { type: "stageSubmitted" | "stageCompleted" }> => e.type === "stageSubmitted" || e.type === "stageCompleted");
    expect(stages.length).toBeGreaterThan(0);
    expect(stages.some((e) => e.stage.numTasks === 4)).toBe(true);
    expect(end.job.stageIds).toEqual([...new Set(stages.map((e) => e.stage.stageId))]);

    // spark.lastJob() is that job, as the server reported it; its views say what they cannot show.
    const job = spark.lastJob()!;
    expect(job.jobId).toBe(end.job.jobId);
    expect(job.status).toBe("SUCCEEDED");
    expect(job.stages().map((s) => s.stageId)).toEqual(end.job.stageIds);
    expect(job.stages().some((s) => s.numTasks === 4 && s.numCompletedTasks === 4 && s.status === "COMPLETE")).toBe(true);
    for (const view of [job.dag(), job.stageMetrics(), job.timeline()]) {
      const b = (view as { _repr_mimebundle_(): Record<string, string> })._repr_mimebundle_();
      expect(b["text/plain"]).toMatch(/^Remote session: the Spark Connect server reports each action's stages and task counts only/);
      expect(b["text/plain"]).toContain(`Job ${job.jobId} SUCCEEDED`);
      expect(b["text/plain"]).toMatch(/tasks: (\d+)/);
      expect(b["text/plain"]).not.toMatch(/ACTIVE|tasks: 0\b/);
      expect(b["text/html"]).toContain("bdw-notice");
    }
  }, 60_000);

  it("refuses what needs the embedded cluster, saying why", async () => {
    const df = spark.range(3);
    expect(() => df.rdd).toThrow(/JVM_ATTRIBUTE_NOT_SUPPORTED/);
    expect(() => spark.cluster).toThrow(/JVM_ATTRIBUTE_NOT_SUPPORTED[\s\S]*executors/);
    const people = spark.createDataFrame([{ city: "Oslo", age: 30 }], "city string, age int");
    expect(() => new VectorAssembler({ inputCols: ["age"], outputCol: "f" }).transform(people)).toThrow(/UNSUPPORTED_FEATURE\.SPARK_CONNECT[\s\S]*ML stages run on the embedded engine/);
    await expect(new StringIndexer({ inputCol: "city", outputCol: "i" }).fit(people)).rejects.toThrow(/UNSUPPORTED_FEATURE\.SPARK_CONNECT/);
    await expect(new RegressionEvaluator({ labelCol: "age", predictionCol: "age" }).evaluate(people)).rejects.toThrow(/UNSUPPORTED_FEATURE\.SPARK_CONNECT/);
    await expect(spark.plan(df)).rejects.toThrow(/UNSUPPORTED_FEATURE\.SPARK_CONNECT[\s\S]*df\.explain\(\)/);
    const twice = F.udf((x: unknown) => Number(x) * 2, "long");
    await expect(df.select(twice(F.col("id"))).collect()).rejects.toThrow(/UNSUPPORTED_FEATURE.SPARK_CONNECT.*JavaScript UDF/);
  });
});

describe.skipIf(!!noJava)("reattachable execution", () => {
  it("picks up a stream the server ends early (ReattachExecute after the last response) and gets every row", async () => {
    // The server ends each response stream after 64 KB; the client reattaches until ResultComplete.
    const short = await startConnectServer({ "spark.connect.execute.reattachable.senderMaxStreamSize": "65536" });
    const s = await SparkSession.builder().remote(short.url).getOrCreate();
    try {
      const rows = await s.sql("SELECT id, repeat('x', 100) AS pad FROM range(0, 20000, 1, 8)").collect();
      expect(rows.length).toBe(20000);
      expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 20000 }, (_, i) => i));
      expect(s.client.reattaches).toBeGreaterThan(0);
    } finally {
      await s.stop().catch(() => undefined);
      await short.stop();
    }
  }, 240_000);
});
