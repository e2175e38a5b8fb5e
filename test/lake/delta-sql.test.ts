// Delta's SQL commands on delta.`path` and registered names, against plain-JS references:
// DELETE / UPDATE / MERGE INTO (every clause kind, with the metrics row Delta returns), DESCRIBE
// HISTORY, VERSION AS OF, RESTORE, VACUUM RETAIN, OPTIMIZE [ZORDER BY]; commands issued without
// awaiting run in order and later reads see them; errors reach sqlAsync. delta-rs reads the
// result at every version with the reference's rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, loadSnapshot, readHistory, registerDeltaTableName } from "../../engine/index";
import { venvPython } from "../python/venv";

type R = { id: number; k: string; v: number };
const byId = <T extends { id: number }>(rows: T[]) => [...rows].sort((a, b) => a.id - b.id);
const plain = (rows: object[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])));

describe("Delta SQL commands", () => {
  let spark: SparkSession;
  let dir: string;
  const schema = "id bigint, k string, v bigint";
  const base: R[] = Array.from({ length: 24 }, (_, i) => ({ id: i, k: ["x", "y", "z"][i % 3]!, v: i * 2 }));
  beforeAll(async () => {
    spark = await SparkSession.builder().master("local[2]").appName("delta-sql").getOrCreate();
    dir = mkdtempSync(join(tmpdir(), "lake-sql-"));
  });
  afterAll(async () => {
    await spark?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const rowsOf = async (path: string, version?: number) =>
    byId(plain(await spark.sql(`SELECT * FROM delta.\`${path}\`${version === undefined ? "" : ` VERSION AS OF ${version}`}`).collect()) as R[]);

  it("DELETE, UPDATE and MERGE match a JS reference at every version; delta-rs reads the same rows", async () => {
    const path = join(dir, "dml");
    await spark.createDataFrame(base, schema).repartition(3).write.format("delta").save(path);
    const versions: R[][] = [base];
    let cur = base;

    const del = await spark.sqlAsync(`DELETE FROM delta.\`${path}\` WHERE v > 30 AND k = 'x'`);
    const delRef = cur.filter((r) => !(r.v > 30 && r.k === "x"));
    expect(plain(await del.collect())).toEqual([{ num_affected_rows: cur.length - delRef.length }]);
    versions.push(cur = delRef);

    const upd = await spark.sqlAsync(`UPDATE delta.\`${path}\` AS t SET v = t.v * 10, k = upper(k) WHERE t.id % 4 = 1`);
    const updRef = cur.map((r) => (r.id % 4 === 1 ? { id: r.id, k: r.k.toUpperCase(), v: r.v * 10 } : r));
    expect(plain(await upd.collect())).toEqual([{ num_affected_rows: cur.filter((r) => r.id % 4 === 1).length }]);
    versions.push(cur = updRef);

    const src: R[] = [{ id: 2, k: "s", v: -1 }, { id: 5, k: "s", v: 500 }, { id: 7, k: "s", v: 700 }, { id: 50, k: "s", v: 5000 }, { id: 51, k: "s", v: -3 }];
    spark.createDataFrame(src, schema).createOrReplaceTempView("updates");
    const merged = await spark.sqlAsync(`
      MERGE INTO delta.\`${path}\` t USING updates s ON t.id = s.id
      WHEN MATCHED AND s.v < 0 THEN DELETE
      WHEN MATCHED AND t.k = 'Y' THEN UPDATE SET v = s.v + 1
      WHEN MATCHED THEN UPDATE SET *
      WHEN NOT MATCHED AND s.v > 0 THEN INSERT (id, k, v) VALUES (s.id, 'new', s.v)
      WHEN NOT MATCHED BY SOURCE AND t.id >= 22 THEN DELETE`);
    const ref: R[] = [];
    let upds = 0, dels = 0, ins = 0;
    const srcById = new Map(src.map((s) => [s.id, s]));
    for (const t of cur) {
      const s = srcById.get(t.id);
      if (s) {
        if (s.v < 0) { dels++; continue; }
        upds++;
        ref.push(t.k === "Y" ? { ...t, v: s.v + 1 } : { ...s });
      } else if (t.id >= 22) dels++;
      else ref.push(t);
    }
    for (const s of src) if (!cur.some((t) => t.id === s.id) && s.v > 0) { ins++; ref.push({ id: s.id, k: "new", v: s.v }); }
    expect(plain(await merged.collect())).toEqual([{ num_affected_rows: upds + dels + ins, num_updated_rows: upds, num_deleted_rows: dels, num_inserted_rows: ins }]);
    versions.push(cur = ref);

    for (let v = 0; v < versions.length; v++) expect(await rowsOf(path, v)).toEqual(byId(versions[v]!));
    expect(await rowsOf(path)).toEqual(byId(cur));

    const detail = plain(await spark.sql(`DESCRIBE DETAIL delta.\`${path}\``).select("format", "numFiles", "location").collect());
    expect(detail).toEqual([{ format: "delta", numFiles: (await loadSnapshot(path)).files.size, location: "file:" + path }]);
    const hist = plain(await spark.sql(`DESCRIBE HISTORY delta.\`${path}\``).select("version", "operation").collect());
    expect(hist).toEqual([{ version: 3, operation: "MERGE" }, { version: 2, operation: "UPDATE" }, { version: 1, operation: "DELETE" }, { version: 0, operation: "WRITE" }]);

    // delta-rs reads every version with the reference's rows.
    const peer = JSON.parse(execFileSync(venvPython(), [join(__dirname, "delta_rs_peer.py"), "read", path], { encoding: "utf8", maxBuffer: 64 << 20 })) as { versions: Record<string, R[]> };
    for (let v = 0; v < versions.length; v++) expect(byId(peer.versions[String(v)]!)).toEqual(byId(versions[v]!));
  });

  it("commands issued without awaiting run in order, and a later read sees them", async () => {
    const path = join(dir, "order");
    await spark.createDataFrame(base, schema).write.format("delta").save(path);
    registerDeltaTableName("ordered_t", path);
    spark.sql("DELETE FROM ordered_t WHERE id < 10");
    spark.sql("UPDATE ordered_t SET v = 0 WHERE id < 15");
    spark.sql("DELETE FROM ordered_t WHERE v = 0");
    // The result of a command nobody awaited shows like any DataFrame once it is done.
    await spark.sql("UPDATE ordered_t SET k = 'w' WHERE id = 23").show();
    const n = await spark.sql("SELECT count(*) AS n FROM delta.`" + path + "`").collect();
    expect(Number(n[0]!.n)).toBe(base.filter((r) => r.id >= 15).length);
    expect(readHistory(path).map((h) => h.commitInfo.operation)).toEqual(["UPDATE", "DELETE", "UPDATE", "DELETE", "WRITE"]);
    // A subquery in the condition.
    spark.createDataFrame([{ id: 16 }, { id: 17 }], "id bigint").createOrReplaceTempView("victims");
    const d = await (await spark.sqlAsync("DELETE FROM ordered_t WHERE id IN (SELECT id FROM victims)")).collect();
    expect(Number(d[0]!.num_affected_rows)).toBe(2);
    expect(await rowsOf(path)).toEqual(byId(base.filter((r) => r.id >= 15 && r.id !== 16 && r.id !== 17).map((r) => (r.id === 23 ? { ...r, k: "w" } : r))));
  });

  it("errors: a non-Delta target, an unknown column, and a MERGE with several matches reach sqlAsync", async () => {
    const path = join(dir, "errors");
    await spark.createDataFrame(base, schema).write.format("delta").save(path);
    await expect(spark.sqlAsync(`DELETE FROM parquet.\`${path}\` WHERE id = 1`)).rejects.toMatchObject({ condition: "DELTA_ONLY_OPERATION" });
    await expect(spark.sqlAsync(`UPDATE delta.\`${path}\` SET nope = 1`)).rejects.toMatchObject({ condition: "DELTA_COLUMN_NOT_FOUND_IN_MERGE" });
    spark.createDataFrame([{ id: 1, k: "a", v: 1 }, { id: 1, k: "b", v: 2 }], schema).createOrReplaceTempView("dups");
    await expect(spark.sqlAsync(`MERGE INTO delta.\`${path}\` t USING dups s ON t.id = s.id WHEN MATCHED THEN UPDATE SET *`))
      .rejects.toMatchObject({ condition: "DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE" });
    expect(readHistory(path)).toHaveLength(1);
  });

  it("MERGE: a matched row no clause applies to stays as it is and is not inserted; insert-only merge", async () => {
    const path = join(dir, "keep");
    await spark.createDataFrame(base, schema).repartition(2).write.format("delta").save(path);
    spark.createDataFrame([{ id: 3, k: "s", v: 1 }, { id: 4, k: "s", v: 5000 }, { id: 99, k: "s", v: 7 }], schema).createOrReplaceTempView("src_keep");
    const m = plain(await (await spark.sqlAsync(`MERGE INTO delta.\`${path}\` t USING src_keep s ON t.id = s.id
      WHEN MATCHED AND s.v > 1000 THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT *`)).collect());
    expect(m).toEqual([{ num_affected_rows: 2, num_updated_rows: 1, num_deleted_rows: 0, num_inserted_rows: 1 }]);
    expect(await rowsOf(path)).toEqual(byId([...base.map((r) => (r.id === 4 ? { ...r, v: 5000 } : r)), { id: 99, k: "s", v: 7 }]));
    // Matched rows but no clause applies to any and nothing to insert: no file rewritten, no commit.
    const versions = readHistory(path).length;
    const none = plain(await (await spark.sqlAsync(`MERGE INTO delta.\`${path}\` t USING src_keep s ON t.id = s.id WHEN MATCHED AND s.v > 9999 THEN DELETE`)).collect());
    expect(none).toEqual([{ num_affected_rows: 0, num_updated_rows: 0, num_deleted_rows: 0, num_inserted_rows: 0 }]);
    expect(readHistory(path).length).toBe(versions);
    spark.createDataFrame([{ id: 3, k: "s", v: 1 }, { id: 200, k: "n", v: 2 }], schema).createOrReplaceTempView("src_ins");
    const ins = plain(await (await spark.sqlAsync(`MERGE INTO delta.\`${path}\` t USING src_ins s ON t.id = s.id WHEN NOT MATCHED THEN INSERT *`)).collect());
    expect(ins).toEqual([{ num_affected_rows: 1, num_updated_rows: 0, num_deleted_rows: 0, num_inserted_rows: 1 }]);
    expect((await rowsOf(path)).length).toBe(base.length + 2);
    // Insert-only: no file rewritten, the commit only adds.
    expect(readHistory(path, 1).map((h) => [h.commitInfo.operation, h.removed, h.added])).toEqual([["MERGE", 0, 1]]);
  });

  it("RESTORE, VACUUM RETAIN n HOURS and OPTIMIZE ZORDER BY", async () => {
    const path = join(dir, "utils");
    for (let i = 0; i < 4; i++) {
      await spark.createDataFrame(base.filter((r) => r.id % 4 === i), schema).write.format("delta").mode("append").save(path);
    }
    await spark.sqlAsync(`DELETE FROM delta.\`${path}\` WHERE id < 12`);
    const restored = plain(await (await spark.sqlAsync(`RESTORE TABLE delta.\`${path}\` TO VERSION AS OF 3`)).collect());
    expect(restored[0]).toMatchObject({ num_of_files_after_restore: (await loadSnapshot(path, 3)).files.size, num_restored_files: (await loadSnapshot(path, 3)).files.size - (await loadSnapshot(path, 4)).files.size + (restored[0] as { num_removed_files: number }).num_removed_files });
    expect(await rowsOf(path)).toEqual(byId(base));

    const opt = plain(await (await spark.sqlAsync(`OPTIMIZE delta.\`${path}\` ZORDER BY (k, v)`)).collect());
    expect(opt[0]).toMatchObject({ numFilesAdded: 1 });
    expect((await loadSnapshot(path)).files.size).toBe(1);
    expect(await rowsOf(path)).toEqual(byId(base));
    const h = readHistory(path, 1)[0]!;
    expect(h.commitInfo.operation).toBe("OPTIMIZE");
    expect(h.commitInfo.operationParameters?.zOrderBy).toBe('["k","v"]');
    // The one file holds the rows in Z-order: a JS Z-value (percent_rank scaled to 10 bits per
    // column, bits interleaved with k's bit first) never decreases along the file.
    const inFile = plain(await spark.read.format("delta").load(path).collect()) as R[];
    const bucket = (vals: Array<string | number>, x: string | number) => {
      const rank = vals.filter((y) => y < x).length; // SQL rank() - 1
      return Math.floor((rank / (vals.length - 1)) * 1023);
    };
    const zOf = (r: R) => {
      const a = bucket(base.map((b) => b.k), r.k), b = bucket(base.map((x) => x.v), r.v);
      let z = 0;
      for (let bit = 0; bit < 10; bit++) z += (((a >> bit) & 1) * 2 ** (2 * bit + 1)) + (((b >> bit) & 1) * 2 ** (2 * bit));
      return z;
    };
    const zs = inFile.map(zOf);
    expect(zs).toEqual([...zs].sort((x, y) => x - y));
    expect(byId(inFile)).toEqual(byId(base));

    await expect(spark.sqlAsync(`VACUUM delta.\`${path}\` RETAIN 0 HOURS`)).rejects.toMatchObject({ condition: "DELTA_VACUUM_RETENTION_PERIOD_TOO_SHORT" });
    spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
    try {
      await new Promise((r) => setTimeout(r, 20));
      const dry = await (await spark.sqlAsync(`VACUUM delta.\`${path}\` RETAIN 0 HOURS DRY RUN`)).collect();
      const gone = await (await spark.sqlAsync(`VACUUM delta.\`${path}\` RETAIN 0 HOURS`)).collect();
      expect(gone.length).toBe(dry.length);
      expect(gone.length).toBeGreaterThanOrEqual(4);
      expect(await rowsOf(path)).toEqual(byId(base));
    } finally {
      spark.conf.unset("spark.databricks.delta.retentionDurationCheck.enabled");
    }
  });
});
