// Tables written here are valid Delta tables for another implementation: delta-rs reads every
// version with the same rows, schema, partition columns and history, and reads our checkpoint;
// DuckDB reads the data files. DML results (delete/update/merge/restore) are checked against a
// plain-JS reference at every version. And the other way: a table delta-rs writes (with its own
// checkpoint) reads here with delta-rs's rows at every version.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, DeltaTable, F, readHistory, loadSnapshot } from "../../engine/index";
import { venvPython } from "../python/venv";
import { duckRows } from "../datasources/helpers";

type R = { id: number; grp: string; v: number | null };
const key = (r: object) => JSON.stringify(r, Object.keys(r).sort());
const sorted = (rows: object[]) => rows.map((r) => JSON.parse(key(r)) as object).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

function peer(cmd: "read" | "write", path: string): any {
  const run = () => JSON.parse(execFileSync(venvPython(), [join(__dirname, "delta_rs_peer.py"), cmd, path], { encoding: "utf8", maxBuffer: 64 << 20 }));
  try {
    return run();
  } catch (e) {
    // The peer process itself aborting (delta-rs's native runtime, SIGABRT) is not our table's fault: try it once more.
    if ((e as { signal?: string }).signal !== "SIGABRT") throw e;
    if (cmd === "write") rmSync(path, { recursive: true, force: true });
    return run();
  }
}

describe("Delta tables written here, read by delta-rs (and the reverse)", () => {
  let spark: SparkSession;
  let dir: string;
  beforeAll(async () => {
    spark = await SparkSession.builder().master("local[2]").appName("delta-write-interop").getOrCreate();
    dir = mkdtempSync(join(tmpdir(), "lake-interop-"));
  });
  afterAll(async () => {
    await spark?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("create, appends past a checkpoint, delete, update, merge, overwrite, restore: same rows at every version in delta-rs", async () => {
    const path = join(dir, "t");
    const schema = "id bigint, grp string, v bigint";
    const ref: R[][] = [];
    let cur: R[] = [];
    const snap = (rows: R[]) => { cur = rows; ref.push(rows.map((r) => ({ ...r }))); };

    const first: R[] = Array.from({ length: 20 }, (_, i) => ({ id: i, grp: ["a", "b", "c"][i % 3]!, v: i % 5 === 0 ? null : i * 10 }));
    await spark.createDataFrame(first, schema).write.format("delta").partitionBy("grp").save(path);
    snap(first);
    for (let k = 1; k <= 10; k++) {
      const more: R[] = [{ id: 100 + k, grp: ["a", "b", "c"][k % 3]!, v: k }];
      await spark.createDataFrame(more, schema).write.format("delta").mode("append").save(path);
      snap([...cur, ...more]);
    }
    // version 10 has a checkpoint
    expect(readdirSync(join(path, "_delta_log"))).toContain("00000000000000000010.checkpoint.parquet");

    const t = DeltaTable.forPath(spark, path);
    await t.delete("v < 30");
    snap(cur.filter((r) => !(r.v !== null && r.v < 30)));
    await t.update("grp = 'b'", { v: "v + 1000" });
    snap(cur.map((r) => (r.grp === "b" ? { ...r, v: r.v === null ? null : r.v + 1000 } : r)));
    const src: R[] = [{ id: 1, grp: "b", v: -1 }, { id: 3, grp: "a", v: -3 }, { id: 500, grp: "c", v: 5 }, { id: 501, grp: "a", v: 6 }];
    const metrics = await t.alias("t").merge(spark.createDataFrame(src, schema).alias("s"), "t.id = s.id")
      .whenMatchedUpdate({ set: { v: "s.v" } })
      .whenNotMatchedInsertAll("s.v > 5")
      .execute();
    const ids = new Set(cur.map((r) => r.id));
    const merged = cur.map((r) => { const s = src.find((x) => x.id === r.id); return s ? { ...r, v: s.v } : r; });
    snap([...merged, ...src.filter((s) => !ids.has(s.id) && s.v! > 5)]);
    const m = (await metrics.collect())[0]!;
    expect(m.num_updated_rows).toBe(src.filter((s) => ids.has(s.id)).length);
    expect(m.num_inserted_rows).toBe(1);
    // (id 4 is still there: a MERGE that changes nothing makes no commit, as Delta's commitIfNeeded)
    await t.alias("t").merge(spark.createDataFrame([{ id: 4, grp: "b", v: 0 }], schema).alias("s"), "t.grp = s.grp AND t.id = s.id")
      .whenMatchedDelete().whenNotMatchedBySourceDelete("t.v > 100000").execute();
    snap(cur.filter((r) => r.id !== 4));
    await spark.createDataFrame([{ id: 7, grp: "z", v: 7 }], schema).write.format("delta").mode("overwrite").save(path);
    snap([{ id: 7, grp: "z", v: 7 }]);
    const back = ref[12]!;
    await t.restoreToVersion(12);
    snap(back);

    // Our reads at every version against the reference.
    for (let v = 0; v < ref.length; v++) {
      const rows = await spark.read.format("delta").option("versionAsOf", v).load(path).collect();
      expect(sorted(rows), `version ${v}`).toEqual(sorted(ref[v]!));
    }
    // delta-rs reads every version with the same rows, the schema and the history.
    const p = peer("read", path);
    expect(p.latest).toBe(ref.length - 1);
    for (let v = 0; v < ref.length; v++) expect(sorted(p.versions[v]), `delta-rs version ${v}`).toEqual(sorted(ref[v]!));
    expect(p.partitionColumns).toEqual(["grp"]);
    expect(p.schema.fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`)).toEqual(["id:long", "grp:string", "v:long"]);
    const ours = readHistory(path).reverse().map((h) => ({ version: h.version, operation: h.commitInfo.operation }));
    expect(p.history).toEqual(ours);
    expect(ours.map((h) => h.operation)).toEqual(["WRITE", ...Array(10).fill("WRITE"), "DELETE", "UPDATE", "MERGE", "MERGE", "WRITE", "RESTORE"]);
    // Our checkpoint in the protocol's schema, as delta-rs/pyarrow see it.
    const ck = p.checkpoints["00000000000000000010.checkpoint.parquet"];
    expect(ck.columns).toEqual(["txn", "add", "remove", "metaData", "protocol"]);
    expect(ck.add).toContain("path: string");
    expect(ck.add).toContain("partitionValues: map<string, string");
    expect(ck.rows).toBe(2 + (await loadSnapshot(path, 10)).files.size); // protocol + metaData + one add per live file
    // DuckDB reads our Parquet data files.
    const n = await duckRows(`select count(*)::INTEGER as n from read_parquet('${path}/**/*.parquet')`);
    expect(n[0]!.n).toBeGreaterThan(0);
    // DESCRIBE HISTORY as a DataFrame.
    const h = await t.history(2).collect();
    expect(h.map((r) => r.operation)).toEqual(["RESTORE", "WRITE"]);
  });

  it("reads a table delta-rs wrote (appends, delete, its checkpoint) with delta-rs's rows at every version", async () => {
    const path = join(dir, "from-rs");
    const p = peer("write", path);
    for (let v = 0; v <= p.latest; v++) {
      const rows = await spark.read.format("delta").option("versionAsOf", v).load(path).collect();
      expect(sorted(rows), `version ${v}`).toEqual(sorted(p.versions[v]));
    }
    const s = await loadSnapshot(path);
    expect(s.checkpointVersion).toBe(p.latest);
    expect(await spark.read.format("delta").load(path).filter(F.col("part").eq("a")).count()).toBe(p.versions[p.latest].filter((r: { part: string }) => r.part === "a").length);
  });
});
