// Catalog tables over a warehouse directory (engine/sql/analysis/catalog-tables.ts): saveAsTable with every
// save mode, managed and external tables, spark.table / SQL by name, CREATE TABLE ... USING delta
// (empty, AS SELECT, partitioned, LOCATION, IF NOT EXISTS, OR REPLACE), INSERT INTO / OVERWRITE,
// Delta's DML and DeltaTable.forName by name, DROP TABLE, listTables, and Delta tables found again
// by a later session. delta-rs reads a table made by SQL with the same rows and history.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, DeltaTable } from "../../engine/index";
import { venvPython } from "../python/venv";

let spark: SparkSession;
let dir: string, warehouse: string;
const rows = async (df: { collect(): Promise<Record<string, unknown>[]> }) => (await df.collect()).map((r) => JSON.stringify(r));
const fails = (f: () => unknown) => Promise.resolve().then(f).then(() => "no error", (e: Error) => e.message);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "delta-catalog-"));
  warehouse = join(dir, "warehouse");
  spark = await SparkSession.builder().master("local[2]").appName("delta-catalog").config("spark.sql.warehouse.dir", warehouse).getOrCreate();
}, 60_000);
afterAll(async () => {
  await spark?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("saveAsTable", () => {
  it("creates a managed Delta table in the warehouse, readable by name from the API and SQL", async () => {
    await spark.range(3).selectExpr("id", "id * 10 AS v").write.format("delta").saveAsTable("events");
    expect(existsSync(join(warehouse, "events", "_delta_log"))).toBe(true);
    expect(await rows(spark.table("events").orderBy("id"))).toEqual(['{"id":0,"v":0}', '{"id":1,"v":10}', '{"id":2,"v":20}']);
    expect(await rows(spark.read.table("default.events").agg({ v: "sum" }))).toEqual(['{"sum(v)":30}']);
    expect(await rows(spark.sql("SELECT count(*) AS n FROM spark_catalog.default.events"))).toEqual(['{"n":3}']);
    const info = spark.catalog.listTables().find((t) => t.name === "events")!;
    expect(info).toMatchObject({ database: "default", tableType: "MANAGED", isTemporary: false });
    expect(spark.catalog.tableExists("events")).toBe(true);
    const hist = await DeltaTable.forName(spark, "events").history().select("version", "operation").collect();
    expect(hist).toEqual([{ version: 0, operation: "CREATE TABLE AS SELECT" }]);
  });

  it("honours the save modes: error, ignore, append, overwrite", async () => {
    const more = spark.range(3, 5).selectExpr("id", "id * 10 AS v");
    expect(await fails(() => more.write.format("delta").saveAsTable("events"))).toMatch(/TABLE_OR_VIEW_ALREADY_EXISTS.*`default`.`events`/);
    await more.write.format("delta").mode("ignore").saveAsTable("events");
    expect(await spark.table("events").count()).toBe(3);
    await more.write.mode("append").saveAsTable("events"); // format taken from the table
    expect(await spark.table("events").count()).toBe(5);
    await spark.range(1).selectExpr("id", "-1 AS v").write.format("delta").mode("overwrite").saveAsTable("events");
    expect(await rows(spark.table("events"))).toEqual(['{"id":0,"v":-1}']);
    const ops = (await DeltaTable.forName(spark, "events").history().orderBy("version").collect()).map((r) => r.operation);
    expect(ops).toEqual(["CREATE TABLE AS SELECT", "WRITE", "CREATE OR REPLACE TABLE AS SELECT"]);
    expect(await fails(() => more.write.format("parquet").mode("append").saveAsTable("events"))).toMatch(/doesn't match the specified format `parquet`/);
    // insertInto: by position, cast to the table's types; overwrite replaces the rows.
    await spark.createDataFrame([[7, 70]], "a int, b int").write.insertInto("events");
    expect(await rows(spark.table("events").orderBy("id"))).toEqual(['{"id":0,"v":-1}', '{"id":7,"v":70}']);
    expect(spark.table("events").schema.simpleString()).toBe("struct<id:bigint,v:int>");
    await spark.createDataFrame([[8, 80]], "a int, b int").write.insertInto("events", true);
    expect(await rows(spark.table("events"))).toEqual(['{"id":8,"v":80}']);
    expect(await fails(() => spark.range(1).write.insertInto("events"))).toMatch(/INSERT_COLUMN_ARITY_MISMATCH/);
    expect(await fails(() => spark.range(1).write.insertInto("nosuch"))).toMatch(/TABLE_OR_VIEW_NOT_FOUND/);
  });

  it("Parquet tables, external tables at a path, and a location already in use", async () => {
    await spark.range(4).write.saveAsTable("plain");
    expect(await spark.sql("SELECT sum(id) AS s FROM plain").collect()).toEqual([{ s: 6 }]);
    expect(await fails(() => DeltaTable.forName(spark, "plain"))).toMatch(/DELTA_MISSING_DELTA_TABLE.*`plain` is not a Delta table/);
    const ext = join(dir, "external-t");
    await spark.range(2).write.format("delta").option("path", ext).saveAsTable("ext");
    expect(spark.catalog.listTables().find((t) => t.name === "ext")?.tableType).toBe("EXTERNAL");
    expect(await spark.table("ext").count()).toBe(2);
    mkdirSync(join(warehouse, "squatted"), { recursive: true });
    writeFileSync(join(warehouse, "squatted", "leftover.txt"), "x");
    expect(await fails(() => spark.range(1).write.format("delta").saveAsTable("squatted"))).toMatch(/LOCATION_ALREADY_EXISTS/);
    expect(await fails(() => DeltaTable.forName(spark, "nosuch"))).toMatch(/DELTA_TABLE_NOT_FOUND/);
  });
});

describe("SQL DDL and DML on Delta catalog tables", () => {
  it("CREATE TABLE ... USING delta, INSERT INTO / OVERWRITE, DELETE, UPDATE, MERGE and DESCRIBE HISTORY by name", async () => {
    spark.sql("CREATE TABLE sales (region STRING, amount DECIMAL(10,2)) USING delta");
    spark.sql("INSERT INTO sales VALUES ('east', 10.5), ('west', 2.25)");
    spark.sql("INSERT INTO sales (amount, region) SELECT 1, 'north'");
    expect(await rows(spark.sql("SELECT region, CAST(amount AS STRING) AS a FROM sales ORDER BY region")))
      .toEqual(['{"region":"east","a":"10.50"}', '{"region":"north","a":"1.00"}', '{"region":"west","a":"2.25"}']);
    spark.sql("DELETE FROM sales WHERE region = 'west'");
    spark.sql("UPDATE sales SET amount = amount * 2 WHERE region = 'east'");
    spark.sql("MERGE INTO sales t USING (SELECT 'south' AS region, 3 AS amount) s ON t.region = s.region WHEN NOT MATCHED THEN INSERT *");
    expect(await rows(spark.sql("SELECT region, CAST(amount AS STRING) AS a FROM sales ORDER BY region")))
      .toEqual(['{"region":"east","a":"21.00"}', '{"region":"north","a":"1.00"}', '{"region":"south","a":"3.00"}']);
    const hist = (await spark.sql("DESCRIBE HISTORY sales").orderBy("version").collect()).map((r) => r.operation);
    expect(hist).toEqual(["CREATE TABLE", "WRITE", "WRITE", "DELETE", "UPDATE", "MERGE"]);
    // Time travel by name.
    expect(await spark.sql("SELECT count(*) AS n FROM sales VERSION AS OF 1").collect()).toEqual([{ n: 2 }]);
    expect(await spark.sql("SELECT count(*) AS n FROM default.sales VERSION AS OF 0").collect()).toEqual([{ n: 0 }]);
    spark.sql("INSERT OVERWRITE sales VALUES ('only', 1)");
    expect(await spark.sql("SELECT count(*) AS n FROM sales").collect()).toEqual([{ n: 1 }]);
  });

  it("CREATE TABLE AS SELECT (partitioned), IF NOT EXISTS, OR REPLACE, LOCATION; delta-rs reads it alike", async () => {
    spark.sql("CREATE TABLE parts USING delta PARTITIONED BY (k) AS SELECT id, id % 3 AS k FROM range(9)");
    expect(await rows(spark.sql("SELECT k, count(*) AS n FROM parts GROUP BY k ORDER BY k"))).toEqual(['{"k":0,"n":3}', '{"k":1,"n":3}', '{"k":2,"n":3}']);
    spark.sql("CREATE TABLE IF NOT EXISTS parts USING delta AS SELECT 1 AS id, 1 AS k");
    expect(await spark.table("parts").count()).toBe(9);
    expect(await fails(() => spark.sql("CREATE TABLE parts USING delta AS SELECT 1 AS id"))).toMatch(/TABLE_OR_VIEW_ALREADY_EXISTS/);
    spark.sql("CREATE OR REPLACE TABLE parts USING delta AS SELECT id, 'x' AS tag FROM range(2)");
    expect(await rows(spark.table("parts").orderBy("id"))).toEqual(['{"id":0,"tag":"x"}', '{"id":1,"tag":"x"}']);
    const peer = JSON.parse(execFileSync(venvPython(), [join(__dirname, "delta_rs_peer.py"), "read", join(warehouse, "parts")], { encoding: "utf8", maxBuffer: 64 << 20 }));
    expect(peer.latest).toBe(1);
    expect(peer.versions["0"]).toHaveLength(9);
    expect(peer.versions["1"]).toEqual([{ id: 0, tag: "x" }, { id: 1, tag: "x" }]);
    expect(peer.history.map((h: { operation: string }) => h.operation)).toEqual(["CREATE TABLE AS SELECT", "CREATE OR REPLACE TABLE AS SELECT"]);
    // An existing Delta table at a location becomes a catalog table as it is.
    const loc = join(dir, "by-location");
    await spark.range(5).write.format("delta").save(loc);
    spark.sql(`CREATE TABLE located USING delta LOCATION '${loc}'`);
    expect(await spark.table("located").count()).toBe(5);
  });

  it("commands right after CREATE TABLE (before its write has finished) wait for it", async () => {
    spark.sql("CREATE TABLE quick USING delta AS SELECT id FROM range(5)");
    const detail = spark.sql("DESCRIBE DETAIL quick");
    spark.sql("UPDATE quick SET id = id + 100 WHERE id = 0");
    spark.sql("DELETE FROM quick WHERE id = 4");
    const d = (await detail.collect())[0]!;
    expect(d.format).toBe("delta");
    expect(Number(d.numFiles)).toBeGreaterThan(0);
    expect(await rows(spark.sql("SELECT id FROM quick ORDER BY id"))).toEqual(['{"id":1}', '{"id":2}', '{"id":3}', '{"id":100}']);
  });

  it("DROP TABLE deletes a managed table's files and keeps an external one's; Delta tables outlive the session", async () => {
    spark.sql("CREATE TABLE doomed USING delta AS SELECT 1 AS x");
    await spark.table("doomed").count();
    spark.sql("DROP TABLE doomed");
    expect(existsSync(join(warehouse, "doomed"))).toBe(false);
    expect(spark.catalog.tableExists("doomed")).toBe(false);
    spark.sql("DROP TABLE ext");
    expect(existsSync(join(dir, "external-t", "_delta_log"))).toBe(true);
    expect(await fails(() => spark.sql("DROP TABLE doomed"))).toMatch(/TABLE_OR_VIEW_NOT_FOUND/);
    spark.sql("DROP TABLE IF EXISTS doomed");

    const before = spark.catalog.listTables().filter((t) => !t.isTemporary).map((t) => t.name);
    expect(before).toEqual(expect.arrayContaining(["events", "parts", "plain", "sales"]));
    await spark.stop();
    const later = await SparkSession.builder().master("local[1]").appName("delta-catalog-2").config("spark.sql.warehouse.dir", warehouse).getOrCreate();
    spark = later;
    {
      const names = later.catalog.listTables().map((t) => t.name);
      // Delta tables are found again in the warehouse; a Parquet table lasted for its session (in-memory catalog).
      expect(names).toEqual(expect.arrayContaining(["events", "parts", "sales"]));
      expect(names).not.toContain("plain");
      expect(await later.sql("SELECT count(*) AS n FROM sales").collect()).toEqual([{ n: 1 }]);
    }
  }, 60_000);
});
