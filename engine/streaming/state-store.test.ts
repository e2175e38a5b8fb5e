// The state store rebuilds any committed version from its delta files, and a version rewritten
// after a crash replaces the leftovers of the failed attempt.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rmSync } from "node:fs";
import { SNAPSHOT_EVERY, StatePartition, StateStore } from "./state-store";
import { CheckpointDir } from "./checkpoint-log";

const dir = () => mkdtempSync(join(tmpdir(), "state-store-"));

describe("StateStore", () => {
  it("replays deltas to any committed version; keys compare by value (Dates, structs)", () => {
    const d = dir();
    const s = new StateStore(d, 3);
    const k = (w: string, word: string) => [{ start: new Date(`2026-01-01T${w}:00Z`), end: new Date(`2026-01-01T${w}:10Z`) }, word];
    // A model of the versions, kept in plain Maps.
    const model: Map<string, number>[] = [new Map()];
    const ops: Array<Array<["put", string, string, number] | ["remove", string, string]>> = [
      [["put", "12:00", "dog", 1], ["put", "12:05", "owl", 1], ["put", "12:00", "cat", 2]],
      [["put", "12:00", "dog", 2], ["remove", "12:05", "owl"]],
      [["put", "12:10", "owl", 5], ["remove", "12:00", "cat"], ["remove", "12:00", "nothing"]],
    ];
    for (const batch of ops) {
      const m = new Map(model[model.length - 1]);
      for (const op of batch) {
        if (op[0] === "put") { s.put(k(op[1], op[2]), [op[3]]); m.set(`${op[1]} ${op[2]}`, op[3]); }
        else { s.remove(k(op[1], op[2])); m.delete(`${op[1]} ${op[2]}`); }
      }
      s.commit();
      model.push(m);
    }
    for (let v = 0; v < model.length; v++) {
      const r = new StateStore(d, 3);
      r.load(v);
      const got = new Map([...r.entries()].map((e) => [`${(e.key[0] as { start: Date }).start.toISOString().slice(11, 16)} ${e.key[1]}`, e.value[0] as number]));
      expect(got).toEqual(model[v]);
      expect(r.numRowsTotal).toBe(model[v]!.size);
    }
  });

  it("re-committing a version after a crash removes the failed attempt's files", () => {
    const d = dir();
    const a = new StateStore(d, 4);
    for (let i = 0; i < 8; i++) a.put([`k${i}`], [i]);
    a.commit(); // version 1 touches several partitions
    const b = new StateStore(d, 4);
    b.load(0);
    b.put(["only"], [1]);
    b.commit(); // version 1 again, one partition
    const c = new StateStore(d, 4);
    c.load(1);
    expect([...c.entries()].map((e) => e.key)).toEqual([["only"]]);
    const files = [0, 1, 2, 3].flatMap((p) => { try { return readdirSync(join(d, String(p))); } catch { return []; } });
    expect(files).toEqual(["1.delta"]);
  });
});

describe("StatePartition snapshots", () => {
  it("writes a snapshot every SNAPSHOT_EVERY versions and rebuilds later versions from it without the older deltas", () => {
    const d = dir();
    const p = new StatePartition(d, 0);
    const model = new Map<string, number>();
    const versions: Map<string, number>[] = [new Map()];
    for (let v = 1; v <= 2 * SNAPSHOT_EVERY + 3; v++) {
      p.put([`k${v}`], [v]); model.set(`k${v}`, v);
      if (v % 3 === 0) { p.remove([`k${v - 2}`]); model.delete(`k${v - 2}`); }
      if (v % 4 === 0) { p.put(["k1"], [v]); model.set("k1", v); }
      expect(p.commit()).toBe(v);
      versions.push(new Map(model));
    }
    const files = readdirSync(join(d, "0"));
    expect(files.filter((f) => f.endsWith(".snapshot")).sort()).toEqual([`${SNAPSHOT_EVERY}.snapshot`, `${2 * SNAPSHOT_EVERY}.snapshot`].sort());
    const read = (v: number) => { const r = new StatePartition(d, 0); r.load(v); return new Map([...r.entries()].map((e) => [e.key[0] as string, e.value[0] as number])); };
    for (let v = 0; v < versions.length; v++) expect(read(v)).toEqual(versions[v]);
    // Versions at or after the second snapshot need neither the first snapshot nor any delta before it.
    for (let v = 1; v <= 2 * SNAPSHOT_EVERY; v++) rmSync(join(d, "0", `${v}.delta`), { force: true });
    rmSync(join(d, "0", `${SNAPSHOT_EVERY}.snapshot`));
    for (let v = 2 * SNAPSHOT_EVERY; v < versions.length; v++) expect(read(v)).toEqual(versions[v]);
  });
});

describe("CheckpointDir", () => {
  it("keeps the query id and writes Spark-style offsets and commits logs", () => {
    const d = dir();
    const cp = new CheckpointDir(d);
    const id = cp.queryId(() => "abc");
    expect(new CheckpointDir(d).queryId(() => "other")).toBe(id);
    cp.writeOffsets(0, { batchWatermarkMs: 0, batchTimestampMs: 5, conf: { "spark.sql.shuffle.partitions": "4" } }, [3, { logOffset: 1 }, undefined]);
    cp.writeCommit(0, 42);
    expect(cp.readOffsets(0)).toEqual({ meta: { batchWatermarkMs: 0, batchTimestampMs: 5, conf: { "spark.sql.shuffle.partitions": "4" } }, offsets: [3, { logOffset: 1 }, undefined] });
    expect(cp.readCommit(0)).toEqual({ nextBatchWatermarkMs: 42 });
    expect(cp.readCommit(1)).toBeUndefined();
    expect(cp.offsets.latest()!.batchId).toBe(0);
  });
});
