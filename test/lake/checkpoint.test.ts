// Checkpoints in the protocol's forms: our single-file checkpoint holds the snapshot's state;
// a multi-part checkpoint (NNN.checkpoint.PPPPPPPPPP.TTTTTTTTTT.parquet) is read as one; an
// incomplete multi-part set is ignored; and reader features this reader lacks are refused by name.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commit, loadSnapshot, clearSnapshotCache, checkpointRows, CHECKPOINT_SCHEMA, checkReadable, listLog } from "../../engine/lake";
import { writeParquet } from "../../engine/sql/datasources/parquet-writer";
import { Options } from "../../engine/sql/datasources/options";

async function table(commits: number): Promise<string> {
  const t = mkdtempSync(join(tmpdir(), "lake-ckpt-"));
  await commit({ table: t, readVersion: -1, operation: "CREATE TABLE", isBlindAppend: false, actions: [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    { metaData: { id: "c", format: { provider: "parquet", options: {} }, schemaString: '{"type":"struct","fields":[{"name":"p","type":"string","nullable":true,"metadata":{}}]}', partitionColumns: ["p"], configuration: {} } },
  ] });
  for (let v = 1; v <= commits; v++) {
    const actions: Parameters<typeof commit>[0]["actions"] = [{ add: { path: `p=${v % 3}/f${v}.parquet`, partitionValues: { p: String(v % 3) }, size: v, modificationTime: v, dataChange: true, stats: `{"numRecords":${v}}` } }];
    if (v % 4 === 0) actions.push({ remove: { path: `p=${(v - 1) % 3}/f${v - 1}.parquet`, deletionTimestamp: Date.now(), dataChange: true } });
    if (v === 7) actions.push({ txn: { appId: "stream-1", version: 3, lastUpdated: 7 } });
    await commit({ table: t, readVersion: v - 1, operation: "WRITE", isBlindAppend: v % 4 !== 0, actions });
  }
  return t;
}

describe("checkpoints", () => {
  it("the checkpoint at version 10 holds exactly the replayed state (files, partition values, stats, txn, tombstones)", async () => {
    const t = await table(12);
    const fromJson = await (async () => { clearSnapshotCache(); rmSync(join(t, "_delta_log", "00000000000000000010.checkpoint.parquet")); unlinkSync(join(t, "_delta_log", "_last_checkpoint")); return loadSnapshot(t, 12); })();
    expect(fromJson.checkpointVersion).toBeUndefined();
    const at10 = await loadSnapshot(t, 10);
    writeParquet(join(t, "_delta_log", "00000000000000000010.checkpoint.parquet"), checkpointRows(at10), CHECKPOINT_SCHEMA, new Options({}), "snappy");
    clearSnapshotCache();
    const fromCkpt = await loadSnapshot(t, 12);
    expect(fromCkpt.checkpointVersion).toBe(10);
    expect(fromCkpt.commitsReplayed).toBe(2);
    // Same files with the same fields (checkpoints store dataChange=false, as the protocol says).
    const fields = (m: ReadonlyMap<string, { path: string; partitionValues: object; size: number; modificationTime: number; stats?: string | null }>) =>
      [...m.values()].map((a) => ({ path: a.path, partitionValues: a.partitionValues, size: a.size, modificationTime: a.modificationTime, stats: a.stats })).sort((a, b) => a.path.localeCompare(b.path));
    expect(fields(fromCkpt.files)).toEqual(fields(fromJson.files));
    expect(fromCkpt.txns.get("stream-1")?.version).toBe(3);
    expect([...fromCkpt.tombstones.keys()].sort()).toEqual([...fromJson.tombstones.keys()].sort());
    expect(fromCkpt.metadata.partitionColumns).toEqual(["p"]);
    rmSync(t, { recursive: true, force: true });
  });

  it("multi-part checkpoints are read as one; an incomplete set is not used", async () => {
    const t = await table(10);
    const log = join(t, "_delta_log");
    const snap = await loadSnapshot(t, 10);
    const rows = checkpointRows(snap);
    const half = Math.ceil(rows.length / 2);
    unlinkSync(join(log, "00000000000000000010.checkpoint.parquet"));
    writeParquet(join(log, "00000000000000000010.checkpoint.0000000001.0000000002.parquet"), rows.slice(0, half), CHECKPOINT_SCHEMA, new Options({}), "snappy");
    writeParquet(join(log, "00000000000000000010.checkpoint.0000000002.0000000002.parquet"), rows.slice(half), CHECKPOINT_SCHEMA, new Options({}), "snappy");
    writeFileSync(join(log, "_last_checkpoint"), JSON.stringify({ version: 10, size: rows.length, parts: 2 }));
    expect(listLog(t).checkpoints).toEqual([{ version: 10, files: ["00000000000000000010.checkpoint.0000000001.0000000002.parquet", "00000000000000000010.checkpoint.0000000002.0000000002.parquet"] }]);
    clearSnapshotCache();
    const s = await loadSnapshot(t);
    expect(s.checkpointVersion).toBe(10);
    expect([...s.files.keys()].sort()).toEqual([...snap.files.keys()].sort());
    // Remove part 2: the set is incomplete, the reader falls back to the JSON commits.
    renameSync(join(log, "00000000000000000010.checkpoint.0000000002.0000000002.parquet"), join(log, "ignored.parquet"));
    clearSnapshotCache();
    const s2 = await loadSnapshot(t);
    expect(s2.checkpointVersion).toBeUndefined();
    expect([...s2.files.keys()].sort()).toEqual([...snap.files.keys()].sort());
    expect(readdirSync(log)).toContain("ignored.parquet");
    rmSync(t, { recursive: true, force: true });
  });

  it("refuses reader features it does not support, naming them", () => {
    expect(() => checkReadable("t", { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors", "timestampNtz"] })).toThrow(/DELTA_UNSUPPORTED_FEATURES_FOR_READ.*deletionVectors/);
    expect(() => checkReadable("t", { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["v2Checkpoint"] })).toThrow(/v2Checkpoint/);
    expect(() => checkReadable("t", { minReaderVersion: 2, minWriterVersion: 5 }, { configuration: { "delta.columnMapping.mode": "name" } } as never)).toThrow(/columnMapping/);
    expect(() => checkReadable("t", { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["timestampNtz"] })).not.toThrow();
    expect(() => checkReadable("t", { minReaderVersion: 1, minWriterVersion: 2 })).not.toThrow();
  });
});
