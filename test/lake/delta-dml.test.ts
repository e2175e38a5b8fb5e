// DeltaTable DML and utilities against plain-JS references: MERGE clause order and conditions
// (matched update/delete, not matched insert, not matched by source update/delete), Delta's
// multiple-match error, UPDATE forms, unconditional DELETE, OPTIMIZE compaction (same rows,
// fewer files, dataChange=false), detail(), forName, display.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, DeltaTable, loadSnapshot, readHistory, registerDeltaTableName, writeDeltaBatch, deltaFilesAddedSince } from "../../engine/index";

type R = { id: number; k: string; v: number };
const byId = (rows: object[]) => [...rows].sort((a, b) => (a as R).id - (b as R).id);

describe("DeltaTable DML", () => {
  let spark: SparkSession;
  let dir: string;
  const schema = "id bigint, k string, v bigint";
  beforeAll(async () => {
    spark = await SparkSession.builder().master("local[2]").appName("delta-dml").getOrCreate();
    dir = mkdtempSync(join(tmpdir(), "lake-dml-"));
  });
  afterAll(async () => {
    await spark?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const base: R[] = Array.from({ length: 30 }, (_, i) => ({ id: i, k: ["x", "y", "z"][i % 3]!, v: i * 2 }));

  it("merge with every clause kind matches a JS reference", async () => {
    const path = join(dir, "merge");
    await spark.createDataFrame(base, schema).repartition(3).write.format("delta").save(path);
    const src: R[] = [{ id: 1, k: "s", v: 100 }, { id: 2, k: "s", v: -1 }, { id: 4, k: "s", v: 400 }, { id: 40, k: "s", v: 4000 }, { id: 41, k: "s", v: -5 }];
    await DeltaTable.forPath(spark, path).alias("t").merge(spark.createDataFrame(src, schema).alias("s"), "t.id = s.id")
      .whenMatchedDelete("s.v < 0")
      .whenMatchedUpdate({ condition: "t.k = 'y'", set: { v: "s.v", k: "'updated'" } })
      .whenMatchedUpdateAll()
      .whenNotMatchedInsert({ condition: "s.v > 0", values: { id: "s.id", k: "'new'", v: "s.v" } })
      .whenNotMatchedBySourceUpdate({ condition: "t.id >= 27", set: { v: "t.v + 1" } })
      .whenNotMatchedBySourceDelete("t.id < 3")
      .execute();
    const want: R[] = [];
    const srcIds = new Map(src.map((s) => [s.id, s]));
    for (const t of base) {
      const s = srcIds.get(t.id);
      if (s) {
        if (s.v < 0) continue;
        if (t.k === "y") want.push({ id: t.id, k: "updated", v: s.v });
        else want.push({ ...s });
      } else if (t.id >= 27) want.push({ ...t, v: t.v + 1 });
      else if (t.id < 3) continue;
      else want.push(t);
    }
    for (const s of src) if (!base.some((t) => t.id === s.id) && s.v > 0) want.push({ id: s.id, k: "new", v: s.v });
    expect(byId(await spark.read.format("delta").load(path).collect())).toEqual(byId(want));
    expect(readHistory(path)[0]!.commitInfo.operation).toBe("MERGE");
  });

  it("a target row matched by two source rows fails with Delta's error; nothing is committed", async () => {
    const path = join(dir, "multi");
    await spark.createDataFrame(base, schema).write.format("delta").save(path);
    const dup = spark.createDataFrame([{ id: 5, k: "a", v: 1 }, { id: 5, k: "b", v: 2 }], schema);
    await expect(DeltaTable.forPath(spark, path).alias("t").merge(dup.alias("s"), "t.id = s.id").whenMatchedUpdateAll().execute())
      .rejects.toThrow(/DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE/);
    expect((await loadSnapshot(path)).version).toBe(0);
  });

  it("update forms, unconditional delete, optimize, detail, forName, display", async () => {
    const path = join(dir, "util");
    await spark.createDataFrame(base, schema).repartition(4).write.format("delta").partitionBy("k").save(path);
    registerDeltaTableName("util_table", path);
    const t = DeltaTable.forName(spark, "util_table");
    await t.update({ condition: "v > 50", set: { v: "0" } });
    await t.update({ k: "'w'" }); // no condition: every row (moves partitions)
    const want = base.map((r) => ({ id: r.id, k: "w", v: r.v > 50 ? 0 : r.v }));
    expect(byId(await t.toDF().collect())).toEqual(byId(want));
    const before = (await loadSnapshot(path)).files.size;
    expect(before).toBeGreaterThan(1);
    const opt = await (await t.optimize().executeCompaction()).collect();
    expect(opt[0]).toMatchObject({ numFilesRemoved: before, numFilesAdded: 1 });
    expect(byId(await t.toDF().collect())).toEqual(byId(want));
    const h = readHistory(path)[0]!;
    expect(h.commitInfo.operation).toBe("OPTIMIZE");
    expect(h.actions.filter((a) => "add" in a).every((a) => "add" in a && a.add.dataChange === false)).toBe(true);
    const d = (await (await t.detail()).collect())[0]!;
    expect(d).toMatchObject({ format: "delta", numFiles: 1, partitionColumns: ["k"], minReaderVersion: 1, minWriterVersion: 2 });
    const bundle = await t._repr_mimebundle_();
    expect(bundle["text/html"]).toContain("OPTIMIZE");
    await t.delete();
    expect(await t.toDF().count()).toBe(0);
    expect(await spark.read.format("delta").option("versionAsOf", 0).load(path).count()).toBe(30);
  });
});

describe("Delta as a streaming sink and source", () => {
  let spark: SparkSession;
  let dir: string;
  beforeAll(async () => {
    spark = await SparkSession.builder().master("local[2]").appName("delta-stream").getOrCreate();
    dir = mkdtempSync(join(tmpdir(), "lake-stream-"));
  });
  afterAll(async () => {
    await spark?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a replayed micro-batch is committed once (txn action), and the source lists new files per version", async () => {
    const path = join(dir, "sink");
    const batch = (b: number) => spark.createDataFrame([[b * 10, "s", b], [b * 10 + 1, "s", b]], "id bigint, k string, v bigint");
    expect((await writeDeltaBatch(batch(0), path, "q1", 0)).skipped).toBe(false);
    expect((await writeDeltaBatch(batch(1), path, "q1", 1)).skipped).toBe(false);
    expect((await writeDeltaBatch(batch(1), path, "q1", 1)).skipped).toBe(true); // replay after a failure
    expect((await writeDeltaBatch(batch(1), path, "q2", 1)).skipped).toBe(false); // another query
    expect(await spark.read.format("delta").load(path).count()).toBe(6);
    const snap = await loadSnapshot(path);
    expect(snap.txns.get("q1")?.version).toBe(1);
    const added = deltaFilesAddedSince(path, 1);
    expect(added.map((x) => x.version)).toEqual([2, 3]);
    expect(added.every((x) => x.files.length > 0)).toBe(true);
    expect(readHistory(path)[0]!.commitInfo.operation).toBe("STREAMING UPDATE");
  });
});
