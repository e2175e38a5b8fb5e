// The log's failure modes and the lecture's measurements: a writer killed before its commit, a
// corrupt or truncated commit / checkpoint (named with file and version), a missing
// _last_checkpoint, time travel by version and timestamp, schema enforcement and evolution with
// Delta's errors, VACUUM, and snapshot loading that stays flat with checkpoints.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, truncateSync, unlinkSync, utimesSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, DeltaTable, F, loadSnapshot, clearSnapshotCache, readHistory, commit, listLog, lastScan } from "../../engine/index";

describe("Delta log robustness, time travel, schema rules, vacuum", () => {
  let spark: SparkSession;
  let dir: string;
  const schema = "id bigint, grp string, v bigint";
  beforeAll(async () => {
    spark = await SparkSession.builder().master("local[2]").appName("delta-log").getOrCreate();
    dir = mkdtempSync(join(tmpdir(), "lake-log-"));
  });
  afterAll(async () => {
    await spark?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a writer killed between data files and log: previous version reads; vacuum removes the orphan after retention", async () => {
    const path = join(dir, "crash");
    await spark.createDataFrame([[1, "a", 1], [2, "b", 2]], schema).write.format("delta").save(path);
    const r = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, "fixtures", "killed-writer.ts"), path]);
    expect(r.signal).toBe("SIGKILL");
    expect(existsSync(join(path, "part-00000-killed-writer-c000.snappy.parquet"))).toBe(true);
    expect(listLog(path).commits).toEqual([0]);
    expect(await spark.read.format("delta").load(path).count()).toBe(2);
    // Within the retention period the orphan stays (it could belong to a running writer).
    spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
    await DeltaTable.forPath(spark, path).vacuum(1);
    expect(existsSync(join(path, "part-00000-killed-writer-c000.snappy.parquet"))).toBe(true);
    const old = (Date.now() - 2 * 3600_000) / 1000;
    utimesSync(join(path, "part-00000-killed-writer-c000.snappy.parquet"), old, old);
    const removed = await (await DeltaTable.forPath(spark, path).vacuum(1)).collect();
    expect(removed.map((x) => String(x.path))).toEqual([`file:${path}/part-00000-killed-writer-c000.snappy.parquet`]);
    expect(existsSync(join(path, "part-00000-killed-writer-c000.snappy.parquet"))).toBe(false);
    expect(await spark.read.format("delta").load(path).count()).toBe(2);
    expect(readHistory(path).slice(0, 2).map((h) => h.commitInfo.operation)).toEqual(["VACUUM END", "VACUUM START"]);
    spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "true");
    await expect(DeltaTable.forPath(spark, path).vacuum(0)).rejects.toThrow(/DELTA_VACUUM_RETENTION_PERIOD_TOO_SHORT/);
  });

  it("vacuum deletes files removed longer ago than the retention; time travel to them then fails cleanly", async () => {
    const path = join(dir, "vac");
    await spark.createDataFrame([[1, "a", 1]], schema).write.format("delta").save(path);
    await spark.createDataFrame([[2, "a", 2]], schema).write.format("delta").mode("overwrite").save(path);
    spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
    // Retention 0 deletes what was removed (and written) strictly before now, as Delta does; let the clock pass the commit.
    await new Promise((r) => setTimeout(r, 50));
    const gone = await (await DeltaTable.forPath(spark, path).vacuum(0)).collect();
    spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "true");
    expect(gone.length).toBe((await loadSnapshot(path, 0)).files.size);
    expect(await spark.read.format("delta").load(path).collect()).toEqual([{ id: 2, grp: "a", v: 2 }]);
    await expect(spark.read.format("delta").option("versionAsOf", 0).load(path).collect()).rejects.toThrow();
    await expect(DeltaTable.forPath(spark, path).restoreToVersion(0)).rejects.toThrow(/DELTA_CANNOT_RESTORE_TABLE_VERSION/);
  });

  it("corrupt / truncated commit and checkpoint files are reported with file name and version; missing _last_checkpoint falls back to listing", async () => {
    const path = join(dir, "corrupt");
    await spark.createDataFrame([[0, "a", 0]], schema).write.format("delta").save(path);
    for (let i = 1; i <= 11; i++) await spark.createDataFrame([[i, "a", i]], schema).write.format("delta").mode("append").save(path);
    const log = join(path, "_delta_log");
    expect(existsSync(join(log, "00000000000000000010.checkpoint.parquet"))).toBe(true);
    // Missing _last_checkpoint: listing finds the checkpoint.
    unlinkSync(join(log, "_last_checkpoint"));
    clearSnapshotCache();
    const s = await loadSnapshot(path);
    expect(s.checkpointVersion).toBe(10);
    expect(await spark.read.format("delta").load(path).count()).toBe(12);
    // A truncated checkpoint.
    const copy = join(dir, "corrupt-ckpt");
    cpSync(path, copy, { recursive: true });
    truncateSync(join(copy, "_delta_log", "00000000000000000010.checkpoint.parquet"), 100);
    clearSnapshotCache();
    await expect(loadSnapshot(copy)).rejects.toThrow(/00000000000000000010\.checkpoint\.parquet \(version 10\)/);
    // A corrupt JSON commit.
    const copy2 = join(dir, "corrupt-json");
    cpSync(path, copy2, { recursive: true });
    writeFileSync(join(copy2, "_delta_log", "00000000000000000011.json"), '{"commitInfo":{}}\n{"add":{"path":"x.parq');
    clearSnapshotCache();
    await expect(loadSnapshot(copy2)).rejects.toThrow(/DELTA_LOG_FILE_CORRUPT.*00000000000000000011\.json \(version 11\)/);
    expect(await spark.read.format("delta").option("versionAsOf", 10).load(copy2).count()).toBe(11);
  });

  it("time travel by version and timestamp, and Delta's errors outside the history", async () => {
    const path = join(dir, "tt");
    await spark.createDataFrame([[1, "a", 1]], schema).write.format("delta").save(path);
    await new Promise((r) => setTimeout(r, 20));
    await spark.createDataFrame([[2, "a", 2]], schema).write.format("delta").mode("append").save(path);
    const [h1, h0] = readHistory(path);
    expect(await spark.read.format("delta").option("timestampAsOf", new Date(h0!.timestamp).toISOString()).load(path).count()).toBe(1);
    expect(await spark.read.format("delta").option("timestampAsOf", new Date(h1!.timestamp).toISOString()).load(path).count()).toBe(2);
    expect(() => spark.read.format("delta").option("versionAsOf", 5).load(path)).toThrow(/DELTA_VERSION_NOT_FOUND.*Available versions: \[0, 1\]/);
    expect(() => spark.read.format("delta").option("timestampAsOf", "2000-01-01 00:00:00").load(path)).toThrow(/DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION/);
    expect(() => spark.read.format("delta").option("timestampAsOf", "2999-01-01 00:00:00").load(path)).toThrow(/DELTA_TIMESTAMP_GREATER_THAN_COMMIT/);
    expect(await spark.sql(`SELECT count(*) AS n FROM delta.\`${path}\``).collect()).toEqual([{ n: 2 }]);
    expect(await spark.sql(`SELECT count(*) AS n FROM delta.\`${path}\` VERSION AS OF 0`).collect()).toEqual([{ n: 1 }]);
    expect(await spark.sql(`SELECT id FROM delta.\`${path}\` TIMESTAMP AS OF '${new Date(h0!.timestamp).toISOString()}'`).collect()).toEqual([{ id: 1 }]);
    const hist = await spark.sql(`DESCRIBE HISTORY delta.\`${path}\``).select("version", "operation").collect();
    expect(hist).toEqual([{ version: 1, operation: "WRITE" }, { version: 0, operation: "WRITE" }]);
    expect(await spark.sql(`DESCRIBE HISTORY delta.\`${path}\` LIMIT 1`).count()).toBe(1);
    expect(() => spark.sql("SELECT * FROM parquet.`/tmp` VERSION AS OF 1")).toThrow(/UNSUPPORTED_FEATURE.TIME_TRAVEL/);
  });

  it("schema enforcement and evolution with Delta's errors; save modes", async () => {
    const path = join(dir, "schema");
    await spark.createDataFrame([[1, "a", 1]], schema).write.format("delta").save(path);
    await expect(spark.createDataFrame([[1, "a", 1]], schema).write.format("delta").save(path)).rejects.toThrow(/DELTA_PATH_EXISTS/);
    await spark.createDataFrame([[9, "a", 9]], schema).write.format("delta").mode("ignore").save(path);
    const extra = spark.createDataFrame([[2, "b", 2, "x"]], "id bigint, grp string, v bigint, note string");
    const err = await extra.write.format("delta").mode("append").save(path).catch((e) => e);
    expect(String(err)).toMatch(/DELTA_METADATA_MISMATCH/);
    expect(String(err)).toMatch(/extra column note/);
    const wrongType = spark.createDataFrame([[3, "c", "three"]], "id bigint, grp string, v string");
    await expect(wrongType.write.format("delta").mode("append").save(path)).rejects.toThrow(/DELTA_METADATA_MISMATCH[\s\S]*Field v: table type bigint, data type string/);
    await expect(wrongType.write.format("delta").mode("append").option("mergeSchema", "true").save(path)).rejects.toThrow(/DELTA_FAILED_TO_MERGE_FIELDS/);
    await extra.write.format("delta").mode("append").option("mergeSchema", "true").save(path);
    expect(spark.read.format("delta").load(path).columns).toEqual(["id", "grp", "v", "note"]);
    expect(await spark.read.format("delta").load(path).filter(F.col("note").isNull()).count()).toBe(1);
    // Fewer columns are fine (missing ones are null), as in Delta.
    await spark.createDataFrame([[4]], "id bigint").write.format("delta").mode("append").save(path);
    expect((await spark.read.format("delta").load(path).filter("id = 4").collect())[0]).toEqual({ id: 4, grp: null, v: null, note: null });
    await wrongType.write.format("delta").mode("overwrite").option("overwriteSchema", "true").save(path);
    expect(spark.read.format("delta").load(path).dtypes).toEqual([["id", "bigint"], ["grp", "string"], ["v", "string"]]);
    expect(spark.read.format("delta").option("versionAsOf", 0).load(path).dtypes).toEqual([["id", "bigint"], ["grp", "string"], ["v", "bigint"]]);
  });

  it("replaceWhere overwrites only the partitions its predicate selects", async () => {
    const path = join(dir, "rw");
    await spark.createDataFrame([[1, "a", 1], [2, "b", 2], [3, "b", 3]], schema).write.format("delta").partitionBy("grp").save(path);
    DeltaTable.forPath(spark, path);
    await spark.createDataFrame([[9, "b", 9]], schema).write.format("delta").mode("overwrite").option("replaceWhere", "grp = 'b'").save(path);
    expect(await spark.read.format("delta").load(path).orderBy("id").collect()).toEqual([{ id: 1, grp: "a", v: 1 }, { id: 9, grp: "b", v: 9 }]);
    expect(readHistory(path)[0]!.commitInfo.operationParameters).toMatchObject({ mode: "Overwrite", predicate: JSON.stringify(["grp = 'b'"]) });
  });

  it("data skipping with add stats and partition pruning", async () => {
    const path = join(dir, "skip");
    for (let k = 0; k < 5; k++) {
      const rows = Array.from({ length: 10 }, (_, i) => [k * 10 + i, k % 2 ? "odd" : "even", i]);
      await spark.createDataFrame(rows, schema).repartition(1).write.format("delta").mode(k ? "append" : "error").partitionBy("grp").save(path);
    }
    expect(await spark.read.format("delta").load(path).filter(F.col("id").ge(40)).count()).toBe(10);
    expect(lastScan.files).toBe(1);
    expect(lastScan.skippedByStats).toBe(4);
    expect(await spark.read.format("delta").load(path).filter(F.col("grp").eq("odd")).count()).toBe(20);
    expect(lastScan.skippedByPartition).toBe(3);
  });

  it("loading the latest snapshot replays only the commits after the newest checkpoint", async () => {
    const table = mkdtempSync(join(tmpdir(), "lake-flat-"));
    await commit({ table, readVersion: -1, operation: "CREATE TABLE", isBlindAppend: false, actions: [
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      { metaData: { id: "x", format: { provider: "parquet", options: {} }, schemaString: '{"type":"struct","fields":[]}', partitionColumns: [], configuration: {} } },
    ] });
    const replayed: number[] = [];
    for (let v = 1; v <= 100; v++) {
      await commit({ table, readVersion: v - 1, operation: "WRITE", isBlindAppend: true, actions: [{ add: { path: `f${v}`, partitionValues: {}, size: 1, modificationTime: 0, dataChange: true } }] });
      if (v % 25 === 0) { clearSnapshotCache(); replayed.push((await loadSnapshot(table)).commitsReplayed); }
    }
    expect(replayed).toEqual([5, 0, 5, 0]);
    expect((await loadSnapshot(table)).files.size).toBe(100);
    rmSync(table, { recursive: true, force: true });
  });
});
