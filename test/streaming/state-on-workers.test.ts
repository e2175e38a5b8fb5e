// The state of a streaming aggregation and deduplication lives on the workers (Spark's
// StateStoreRDD): every batch runs one state task per state partition on the worker processes,
// the number of partitions is the one fixed when the checkpoint was created, a worker lost between
// batches takes its cached state with it and the next task reloads it from the checkpoint's
// files, and a restart rebuilds state from the snapshot files. Every batch is compared with the
// plain JS reference of ./reference.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { F, MemoryStream, type DataFrame, type SparkSession } from "../../engine/index";
import { startSession, waitFor } from "../engine/helpers";
import { referenceWindowedCounts, rowText, type Ev } from "./reference";

let spark: SparkSession;
beforeAll(async () => ({ spark } = await startSession("local[2]")));
afterAll(async () => spark?.stop());

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0);
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `stream-${p}-`));
type WinRow = { window: { start: Date; end: Date }; word: string; count: number | bigint };

/** Batches of events on three keys, event time moving on 6 minutes a batch, some out of order. */
const eventBatches = (n: number): Ev[][] => Array.from({ length: n }, (_, b) =>
  Array.from({ length: 30 }, (_, i) => ({ key: ["a", "b", "c"][i % 3]!, t: T0 + b * 6 * MIN + ((i * 37) % 600) * 1000 })));

function windowedQuery(input: MemoryStream, cp: string, out: Array<{ id: number; rows: string[] }>) {
  return input.toDF().withWatermark("ts", "5 minutes").groupBy(F.window("ts", "10 minutes", "5 minutes"), "word").count()
    .writeStream.outputMode("update").option("checkpointLocation", cp)
    .foreachBatch(async (df: DataFrame, id: number) => {
      out.push({ id, rows: ((await df.collect()) as WinRow[]).map((r) => rowText(r.window.start.getTime(), r.window.end.getTime(), r.word, Number(r.count))).sort() });
    }).start();
}

const reference = (batches: Ev[][]) => referenceWindowedCounts(batches, { size: 10 * MIN, slide: 5 * MIN, delay: 5 * MIN, mode: "update" }).map((b) => b.rows);

describe("state store on the workers", () => {
  it("one state task per state partition runs on the worker processes; a restart keeps the checkpoint's partition count", async () => {
    const prev = spark.conf.get("spark.sql.shuffle.partitions");
    spark.conf.set("spark.sql.shuffle.partitions", "3");
    const stages = new Map<number, { name: string; numTasks: number }>();
    const tasks: Array<{ stageId: number; partition: number; workerId: string }> = [];
    const off = spark.sparkContext.addSparkListener({
      onStageSubmitted: (e) => { stages.set(e.stage.stageId, { name: e.stage.name, numTasks: e.stage.numTasks }); },
      onTaskEnd: (e) => { tasks.push({ stageId: e.task.stageId, partition: e.task.partition, workerId: e.task.workerId }); },
    });
    const cp = tmp("state-parts");
    const input = new MemoryStream(spark, "word STRING, ts TIMESTAMP");
    const out: Array<{ id: number; rows: string[] }> = [];
    const batches = eventBatches(4);
    let q = windowedQuery(input, cp, out);
    for (const b of batches.slice(0, 2)) { input.addData(b.map((e) => ({ word: e.key, ts: new Date(e.t) }))); await q.processAllAvailable(); }
    await q.stop();
    spark.conf.set("spark.sql.shuffle.partitions", "5"); // the checkpoint keeps 3
    q = windowedQuery(input, cp, out);
    for (const b of batches.slice(2)) { input.addData(b.map((e) => ({ word: e.key, ts: new Date(e.t) }))); await q.processAllAvailable(); }
    await q.stop();
    off();
    spark.conf.set("spark.sql.shuffle.partitions", prev ?? "200");
    expect(out.map((b) => b.rows)).toEqual(reference(batches));
    expect(q.lastProgress!.stateOperators[0]!.numShufflePartitions).toBe(3);
    // Each batch's state stage: 3 tasks, partitions 0..2, every one on a worker process.
    const stateStages = [...stages].filter(([, s]) => /^collect at stateStoreSave state \(StateStoreRDD\), batch \d+$/.test(s.name)).map(([id]) => id);
    expect(stateStages.length).toBe(out.length); // one state job per batch (no-data batches included)
    expect([...stages.values()].filter((s) => /StateStoreRDD/.test(s.name)).every((s) => s.numTasks === 3)).toBe(true);
    const workers = new Set(spark.cluster.workers().map((w) => w.id));
    for (const id of stateStages) {
      const ts = tasks.filter((t) => t.stageId === id);
      expect(ts.map((t) => t.partition).sort()).toEqual([0, 1, 2]);
      for (const t of ts) expect(t.workerId === "driver" || !t.workerId).toBe(false);
    }
    expect(tasks.some((t) => workers.has(t.workerId))).toBe(true);
    // State files only under the checkpoint's 3 partitions, never under a 4th or 5th.
    const parts = readdirSync(join(cp, "state", "0"));
    expect(parts.length).toBeGreaterThan(0);
    for (const p of parts) expect(["0", "1", "2"]).toContain(p);
  });

  it("a worker killed between batches: its partitions' state is reloaded from the checkpoint and every batch stays exact", async () => {
    const input = new MemoryStream(spark, "word STRING, ts TIMESTAMP");
    const out: Array<{ id: number; rows: string[] }> = [];
    const batches = eventBatches(5);
    const q = windowedQuery(input, tmp("state-kill"), out);
    for (let i = 0; i < batches.length; i++) {
      if (i === 2 || i === 4) {
        const victim = spark.cluster.workers()[0]!.id;
        await spark.cluster.kill(victim);
        await waitFor(() => spark.cluster.workers().length === 2 && !spark.cluster.workers().some((w) => w.id === victim), 30_000);
      }
      input.addData(batches[i]!.map((e) => ({ word: e.key, ts: new Date(e.t) })));
      await q.processAllAvailable();
    }
    await q.stop();
    expect(q.exception()).toBe(null);
    expect(out.map((b) => b.rows)).toEqual(reference(batches));
  });

  it("a restart after more than a snapshot interval rebuilds state from the snapshot files alone", async () => {
    const cp = tmp("state-snap");
    const input = new MemoryStream(spark, "word STRING, ts TIMESTAMP");
    const out: Array<{ id: number; rows: string[] }> = [];
    // 1-minute steps keep windows open across many batches, so the state is never empty.
    const batches: Ev[][] = Array.from({ length: 14 }, (_, b) => [{ key: "a", t: T0 + b * MIN }, { key: "b", t: T0 + b * MIN + 1000 }]);
    let q = windowedQuery(input, cp, out);
    for (const b of batches.slice(0, 12)) { input.addData(b.map((e) => ({ word: e.key, ts: new Date(e.t) }))); await q.processAllAvailable(); }
    await q.stop();
    const versions = q.lastProgress!.batchId + 1;
    expect(versions).toBeGreaterThanOrEqual(10);
    // Delete every delta up to the first snapshot: only the snapshot can give the state back.
    const opDir = join(cp, "state", "0");
    let snapshots = 0;
    for (const p of readdirSync(opDir)) {
      for (const f of readdirSync(join(opDir, p))) {
        if (f === "10.snapshot") snapshots++;
        const m = /^(\d+)\.delta$/.exec(f);
        if (m && Number(m[1]) <= 10) rmSync(join(opDir, p, f));
      }
    }
    expect(snapshots).toBeGreaterThan(0);
    q = windowedQuery(input, cp, out);
    for (const b of batches.slice(12)) { input.addData(b.map((e) => ({ word: e.key, ts: new Date(e.t) }))); await q.processAllAvailable(); }
    await q.stop();
    expect(q.exception()).toBe(null);
    expect(out.map((b) => b.rows)).toEqual(reference(batches));
  });

  it("dropDuplicates keeps its seen keys on the workers across batches and a worker loss", async () => {
    const input = new MemoryStream(spark, "id INT, ts TIMESTAMP");
    const q = input.toDF().withWatermark("ts", "10 minutes").dropDuplicates(["id", "ts"]).writeStream.format("memory").queryName("dedup_workers").start();
    const seen = new Set<string>();
    const expected: number[] = [];
    for (let b = 0; b < 4; b++) {
      if (b === 2) {
        const victim = spark.cluster.workers()[1]!.id;
        await spark.cluster.kill(victim);
        await waitFor(() => spark.cluster.workers().length === 2 && !spark.cluster.workers().some((w) => w.id === victim), 30_000);
      }
      const rows = Array.from({ length: 20 }, (_, i) => ({ id: (i * 7 + b * 3) % 12, ts: new Date(T0) }));
      for (const r of rows) if (!seen.has(String(r.id))) { seen.add(String(r.id)); expected.push(r.id); }
      input.addData(rows);
      await q.processAllAvailable();
    }
    await q.stop();
    const got = (await spark.table("dedup_workers").collect()).map((r) => r.id as number);
    expect(got.sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
  });

  it("a stream-stream join buffers both sides on the workers: every matching pair once across batches and a worker loss", async () => {
    const left = new MemoryStream(spark, "lid INT, lt TIMESTAMP"), right = new MemoryStream(spark, "rid INT, rt TIMESTAMP");
    const l = left.toDF().withWatermark("lt", "1 hour"), r = right.toDF().withWatermark("rt", "1 hour");
    const stages: string[] = [];
    const off = spark.sparkContext.addSparkListener({ onStageSubmitted: (e) => { stages.push(e.stage.name); } });
    const q = l.join(r, F.expr("lid = rid AND rt >= lt AND rt <= lt + interval 10 minutes"))
      .writeStream.format("memory").queryName("join_workers").start();
    const L: Array<[number, number]> = [], R: Array<[number, number]> = [];
    for (let b = 0; b < 4; b++) {
      if (b === 2) {
        const victim = spark.cluster.workers()[0]!.id;
        await spark.cluster.kill(victim);
        await waitFor(() => spark.cluster.workers().length === 2 && !spark.cluster.workers().some((w) => w.id === victim), 30_000);
      }
      const ls = Array.from({ length: 8 }, (_, i): [number, number] => [(i + b) % 5, T0 + (b * 8 + i) * MIN]);
      const rs = Array.from({ length: 8 }, (_, i): [number, number] => [(i * 3 + b) % 5, T0 + (b * 8 + i) * MIN + 2 * MIN]);
      L.push(...ls); R.push(...rs);
      left.addData(ls.map(([lid, t]) => ({ lid, lt: new Date(t) })));
      right.addData(rs.map(([rid, t]) => ({ rid, rt: new Date(t) })));
      await q.processAllAvailable();
    }
    await q.stop();
    off();
    expect(q.exception()).toBe(null);
    const expected: string[] = [];
    for (const [lid, lt] of L) for (const [rid, rt] of R) if (lid === rid && rt >= lt && rt <= lt + 10 * MIN) expected.push(`${lid} ${lt} ${rt}`);
    const got = (await spark.table("join_workers").collect()).map((x) => `${x.lid} ${(x.lt as Date).getTime()} ${(x.rt as Date).getTime()}`);
    expect(expected.length).toBeGreaterThan(10);
    expect(got.sort()).toEqual(expected.sort());
    expect(stages.some((n) => /^collect at symmetricHashJoin state \(StateStoreRDD\), batch \d+$/.test(n))).toBe(true);
  });
});
