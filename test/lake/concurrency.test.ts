// Optimistic concurrency across processes: 8 writer processes x 50 commits on one table. No
// version gaps, no lost appends, every failed commit a clean Delta conflict exception; and the
// conflict rules themselves (which winning commits conflict with which transactions).
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commit, listLog, loadSnapshot, clearSnapshotCache, checkConflicts, type CommitRequest } from "../../engine/lake";

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", join(__dirname, "fixtures", "log-writer.ts"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`writer exited ${code}: ${err}`))));
  });
}

async function newTable(): Promise<string> {
  const table = mkdtempSync(join(tmpdir(), "lake-conc-"));
  await commit({
    table, readVersion: -1, operation: "CREATE TABLE", isBlindAppend: false,
    actions: [
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      { metaData: { id: "t", format: { provider: "parquet", options: {} }, schemaString: '{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]}', partitionColumns: [], configuration: {} } },
      ...Array.from({ length: 20 }, (_, i) => ({ add: { path: `seed-${i}.parquet`, partitionValues: {}, size: 1, modificationTime: 0, dataChange: true } })),
    ],
  });
  return table;
}

describe("concurrent writers on one Delta log", () => {
  it("8 processes x 50 commits (6 appenders, 2 deleters): no gaps, no lost appends, only Delta conflict errors", async () => {
    const table = await newTable();
    const outs = await Promise.all(Array.from({ length: 8 }, (_, i) => run([table, String(i), "50", i < 6 ? "append" : "delete"])));
    const results = outs.map((o) => JSON.parse(o.trim()) as { id: string; kind: string; versions: number[]; errors: string[]; other: string[]; skipped: number });
    for (const r of results) expect(r.other).toEqual([]);
    // Blind appends always commit.
    for (const r of results.filter((x) => x.kind === "append")) { expect(r.versions.length).toBe(50); expect(r.errors).toEqual([]); }
    // Failed deletes are clean conflicts with Delta's names.
    for (const r of results.filter((x) => x.kind === "delete")) {
      for (const e of r.errors) expect(["ConcurrentDeleteDeleteException", "ConcurrentDeleteReadException"]).toContain(e);
      // every attempt either committed or failed with a conflict, unless there was nothing left to delete
      expect(r.versions.length + r.errors.length + r.skipped).toBe(50);
      expect(r.skipped).toBeLessThan(50);
    }
    const all = results.flatMap((r) => r.versions).sort((a, b) => a - b);
    const log = listLog(table);
    // Versions 0..N with no gaps, each committed by exactly one writer.
    expect(log.commits).toEqual(Array.from({ length: log.commits.length }, (_, i) => i));
    expect(all).toEqual(log.commits.slice(1));
    // Every append is in the final snapshot (deleters only remove seed files or others' appends they saw).
    clearSnapshotCache();
    const snap = await loadSnapshot(table);
    const removed = results.filter((r) => r.kind === "delete").reduce((a, r) => a + r.versions.length, 0);
    expect(snap.files.size).toBe(20 + 300 - removed);
    expect(readdirSync(join(table, "_delta_log")).filter((f) => f.endsWith(".checkpoint.parquet")).length).toBeGreaterThan(0);
  }, 240_000);

  it("conflict rules: blind appends pass; reads vs concurrent changes fail with Delta's exceptions", () => {
    const base: CommitRequest = { table: "/x", readVersion: 3, actions: [], operation: "T", isBlindAppend: true };
    const add = { add: { path: "n.parquet", partitionValues: {}, size: 1, modificationTime: 0, dataChange: true } };
    const rm = { remove: { path: "a.parquet", dataChange: true } };
    const blindCi = { commitInfo: { isBlindAppend: true, operation: "WRITE" } };
    const updCi = { commitInfo: { isBlindAppend: false, operation: "UPDATE" } };
    expect(() => checkConflicts(base, 4, [blindCi, add])).not.toThrow();
    expect(() => checkConflicts({ ...base, isBlindAppend: false, readWholeTable: true, isolationLevel: "WriteSerializable" }, 4, [blindCi, add])).not.toThrow();
    expect(() => checkConflicts({ ...base, isBlindAppend: false, readWholeTable: true, isolationLevel: "Serializable" }, 4, [blindCi, add])).toThrow(expect.objectContaining({ name: "ConcurrentAppendException" }));
    expect(() => checkConflicts({ ...base, isBlindAppend: false, readWholeTable: true, isolationLevel: "WriteSerializable" }, 4, [updCi, add])).toThrow(expect.objectContaining({ name: "ConcurrentAppendException" }));
    expect(() => checkConflicts({ ...base, isBlindAppend: false, readFiles: ["a.parquet"], isolationLevel: "WriteSerializable" }, 4, [updCi, rm])).toThrow(expect.objectContaining({ name: "ConcurrentDeleteReadException" }));
    expect(() => checkConflicts({ ...base, isBlindAppend: false, actions: [rm], readFiles: [] , isolationLevel: "WriteSerializable"}, 4, [updCi, rm])).toThrow(expect.objectContaining({ name: "ConcurrentDeleteDeleteException" }));
    expect(() => checkConflicts(base, 4, [updCi, { metaData: {} as never }])).toThrow(expect.objectContaining({ name: "MetadataChangedException" }));
    expect(() => checkConflicts(base, 4, [updCi, { protocol: { minReaderVersion: 1, minWriterVersion: 3 } }])).toThrow(expect.objectContaining({ name: "ProtocolChangedException" }));
    expect(() => checkConflicts(base, 4, [updCi, { protocol: { minReaderVersion: 1, minWriterVersion: 3 } }])).toThrow(/DELTA_PROTOCOL_CHANGED/);
  });
});
