// The DAG scheduler driven by events with fake workers: the test plays the workers, answering
// each launched task. Every test ends with all job-scoped tables empty.

import { describe, expect, it } from "vitest";
import { decode, encode } from "../common/codec";
import { serializeFunction } from "../common/closure";
import { ParallelCollectionRDD, type RDD, type RddContext } from "../rdd";
import type { TaskEndMessage, TaskMessage } from "../rpc/protocol";
import { DAGScheduler } from "./dag-scheduler";
import type { ListenerEvent } from "./job-info";
import type { TaskPayload, StagePayload } from "../executor";

class FakeContext implements RddContext {
  readonly isDriver = true;
  readonly defaultParallelism = 2;
  private rdd = 0;
  private shuffle = 0;
  newRddId() { return this.rdd++; }
  newShuffleId() { return this.shuffle++; }
  runJob(): Promise<never> { throw new Error("not in this test"); }
  serialize(fn: Function, what: string) { return serializeFunction(fn, what); }
  unpersistRdd() {}
}

interface Launched { workerId: string; msg: TaskMessage; stage: StagePayload }

function setup(workers = ["w1", "w2"], opts: { prefetch?: number } = {}) {
  const launched: Launched[] = [];
  const killed: number[] = [];
  const s = new DAGScheduler({
    launch(workerId, msg) {
      const p = decode<TaskPayload>(msg.payload);
      launched.push({ workerId, msg, stage: decode<StagePayload>(p.stage) });
      return true;
    },
    kill(_w, taskId) { killed.push(taskId); },
  }, opts);
  const events: ListenerEvent[] = [];
  s.bus.add({ onEvent: (e) => events.push(e) });
  for (const w of workers) s.workerAdded({ workerId: w, pid: 1, host: "127.0.0.1", slots: 1, shuffleAddress: `ws://${w}`, localDir: "/tmp" });
  const take = () => launched.splice(0);
  const end = (l: Launched, status: TaskEndMessage["status"], result?: unknown, extra: Partial<TaskEndMessage> = {}) =>
    s.taskEnded(l.workerId, {
      t: "taskEnd", taskId: l.msg.taskId, status, result: result === undefined ? undefined : encode(result),
      metrics: {}, accumulators: [], blocksAdded: [], blocksRemoved: [], ...extra,
    });
  const mapDone = (l: Launched, reducers = 2) => end(l, "success", { sizes: Array(reducers).fill(10), records: Array(reducers).fill(1) });
  return { s, launched, killed, events, take, end, mapDone, ctx: new FakeContext() };
}

const resultFn = serializeFunction((it: Iterator<unknown>) => it, "collect");
const job = (s: DAGScheduler, rdd: RDD<unknown>) =>
  s.submitJob({ rdd, partitions: Array.from({ length: rdd.getNumPartitions() }, (_, i) => i), resultFn, callSite: "collect at test" });

function expectIdle(s: DAGScheduler) {
  for (const [k, v] of Object.entries(s.internalTableSizes())) expect([k, v]).toEqual([k, 0]);
}

describe("DAGScheduler with fake workers", () => {
  it("runs a narrow job as one stage with one task per partition", async () => {
    const { s, take, end, ctx, events } = setup();
    const rdd = new ParallelCollectionRDD(ctx, [1, 2, 3, 4], 2).map((x: number) => x * 2);
    const p = job(s, rdd);
    const tasks = take();
    expect(tasks).toHaveLength(2);
    expect(new Set(tasks.map((t) => t.workerId))).toEqual(new Set(["w1", "w2"]));
    expect(tasks[0]!.stage.kind).toBe("result");
    end(tasks[1]!, "success", "b");
    end(tasks[0]!, "success", "a");
    expect(await p).toEqual(["a", "b"]);
    expect(events.map((e) => e.type).filter((t) => t.startsWith("job"))).toEqual(["jobStart", "jobEnd"]);
    expectIdle(s);
  });

  it("splits at the shuffle, runs the map stage first and skips it when its outputs exist", async () => {
    const { s, take, end, mapDone, ctx, events } = setup();
    const pairs = new ParallelCollectionRDD(ctx, [["a", 1], ["b", 2]], 2) as unknown as RDD<[string, number]>;
    const reduced = pairs.reduceByKey((a, b) => a + b);
    const p = job(s, reduced);
    const maps = take();
    expect(maps.map((t) => t.stage.kind)).toEqual(["shuffleMap", "shuffleMap"]);
    expect(maps[0]!.stage.shuffleWrite?.mapSideCombine).toBe(true);
    mapDone(maps[0]!);
    expect(take()).toHaveLength(0); // the reduce stage waits for every map output
    mapDone(maps[1]!);
    const reduces = take();
    expect(reduces.map((t) => t.stage.kind)).toEqual(["result", "result"]);
    expect(reduces[0]!.stage.shuffleReads[0]!.outputs.map((o) => o.address).sort()).toEqual(["ws://w1", "ws://w2"]);
    for (const r of reduces) end(r, "success", r.msg.partition);
    expect(await p).toEqual([0, 1]);
    expectIdle(s);

    // Second action over the same shuffle: the map stage is skipped.
    events.length = 0;
    const p2 = job(s, reduced);
    const again = take();
    expect(again.map((t) => t.stage.kind)).toEqual(["result", "result"]);
    for (const r of again) end(r, "success", 0);
    await p2;
    const start = events.find((e) => e.type === "jobStart") as Extract<ListenerEvent, { type: "jobStart" }>;
    expect(start.stages).toHaveLength(2);
    const rec = s.tracker.jobs.get(start.job.jobId)!;
    expect(rec.dag.stages.find((x) => x.kind === "ShuffleMapStage")!.skipped).toBe(true);
    expectIdle(s);
  });

  it("retries a failing task and fails the job after 4 attempts with the user's error", async () => {
    const { s, take, end, ctx } = setup(["w1"]);
    const p = job(s, new ParallelCollectionRDD(ctx, [1], 1));
    for (let i = 0; i < 4; i++) {
      const [t] = take();
      expect(t!.msg.attempt).toBe(i);
      end(t!, "failed", undefined, { error: { kind: "Error", name: "TypeError", condition: "", message: "boom", stack: "TypeError: boom\n    at userFn (cell.ts:3:9)" } });
    }
    const err = await p.catch((e) => e);
    expect(err.message).toMatch(/failed 4 times.*TypeError: boom/s);
    expect(err.context).toMatchObject({ stageId: expect.any(Number), partition: 0 });
    expect(err.stack).toContain("userFn (cell.ts:3:9)");
    expectIdle(s);
  });

  it("recovers from a fetch failure by rerunning the lost map output, then the reduce stage", async () => {
    const { s, take, end, mapDone, ctx } = setup();
    const pairs = new ParallelCollectionRDD(ctx, [["a", 1], ["b", 2]], 2) as unknown as RDD<[string, number]>;
    const p = job(s, pairs.groupByKey());
    for (const m of take()) mapDone(m);
    const reduces = take();
    end(reduces[0]!, "fetchFailed", undefined, {
      fetchFailed: { shuffleId: reduces[0]!.stage.shuffleReads[0]!.shuffleId, mapId: 1, reduceId: 0, address: "ws://w2" },
      error: { kind: "ExecutionError", name: "ExecutionError", condition: "FETCH_FAILED", message: "gone" },
    });
    end(reduces[1]!, "success", "r1");
    await new Promise((r) => setTimeout(r, 120)); // resubmission is delayed a little, as in Spark
    const rerun = take();
    expect(rerun.map((t) => [t.stage.kind, t.msg.partition])).toEqual([["shuffleMap", 1]]);
    mapDone(rerun[0]!);
    const retry = take();
    expect(retry.map((t) => [t.stage.kind, t.msg.partition])).toEqual([["result", 0]]);
    end(retry[0]!, "success", "r0");
    expect(await p).toEqual(["r0", "r1"]);
    expectIdle(s);
  });

  it("reruns tasks and lost map outputs when a worker is lost", async () => {
    const { s, take, end, mapDone, ctx, events } = setup();
    const pairs = new ParallelCollectionRDD(ctx, [["a", 1], ["b", 2]], 2) as unknown as RDD<[string, number]>;
    const p = job(s, pairs.reduceByKey((a, b) => a + b));
    const maps = take();
    const onW1 = maps.find((m) => m.workerId === "w1")!;
    const onW2 = maps.find((m) => m.workerId === "w2")!;
    mapDone(onW1);
    s.workerLost("w1", "killed");           // w1's output and nothing running on it
    s.workerAdded({ workerId: "w3", pid: 1, host: "127.0.0.1", slots: 1, shuffleAddress: "ws://w3", localDir: "/tmp" });
    mapDone(onW2);
    const rerun = take();                    // map 0 again (its output died with w1)
    expect(rerun.map((t) => [t.stage.kind, t.msg.partition])).toEqual([["shuffleMap", onW1.msg.partition]]);
    expect(rerun[0]!.workerId).not.toBe("w1");
    mapDone(rerun[0]!);
    const reduces = take();
    expect(reduces.every((r) => r.stage.shuffleReads[0]!.outputs.every((o) => o.address !== "ws://w1"))).toBe(true);
    for (const r of reduces) end(r, "success", 1);
    await p;
    expect(events.some((e) => e.type === "workerRemoved")).toBe(true);
    expectIdle(s);
  });

  it("cancels a job: rejects it, kills its tasks, and frees their slots when the kills are confirmed", async () => {
    const { s, take, end, killed, ctx } = setup();
    const p = job(s, new ParallelCollectionRDD(ctx, [1, 2], 2));
    const tasks = take();
    s.cancelAllJobs();
    await expect(p).rejects.toThrow(/cancelled/);
    expect(killed.sort()).toEqual(tasks.map((t) => t.msg.taskId).sort());
    expect(s.internalTableSizes().zombies).toBe(2);
    for (const t of tasks) end(t, "killed");
    expectIdle(s);
    // The slots are usable again.
    const p2 = job(s, new ParallelCollectionRDD(ctx, [1], 1));
    const [t] = take();
    end(t!, "success", "ok");
    expect(await p2).toEqual(["ok"]);
    expectIdle(s);
  });

  it("queues tasks until a worker joins, and prefers the executor that caches a partition", async () => {
    const { s, take, end, ctx } = setup([]);
    const cached = new ParallelCollectionRDD(ctx, [1, 2], 2).cache();
    const p = job(s, cached);
    expect(take()).toHaveLength(0);
    s.workerAdded({ workerId: "w1", pid: 1, host: "h", slots: 2, shuffleAddress: "ws://w1", localDir: "/tmp" });
    const tasks = take();
    expect(tasks).toHaveLength(2);
    for (const t of tasks) {
      end(t, "success", 0, { blocksAdded: [{ blockId: `rdd_${cached.id}_${t.msg.partition}`, where: "memory", bytes: 8 }] });
    }
    await p;
    // The block locations are remembered per executor slot.
    const locs = s.cachedPartitions(cached.id);
    expect([...locs.keys()].sort()).toEqual([0, 1]);
    const p2 = job(s, cached.map((x: number) => x));
    const again = take();
    for (const t of again) {
      expect(locs.get(t.msg.partition)).toContain(`${t.workerId}#${t.msg.slot}`);
      end(t, "success", 0);
    }
    await p2;
    expectIdle(s);
  });
});

describe("task prefetch (a busy slot is sent its next short task ahead)", () => {
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const ran = (ms: number) => ({ metrics: { durationMs: ms } });
  const free = (s: DAGScheduler) => s.workerInfos().map((w) => w.freeSlots);

  it("sends a busy slot the next task of a stage whose tasks are short, and frees the slot when both ended", async () => {
    const { s, take, end, ctx } = setup(["w1", "w2"], { prefetch: 1 });
    const p = job(s, new ParallelCollectionRDD(ctx, [0, 1, 2, 3, 4, 5], 6));
    const first = take();
    expect(first).toHaveLength(2); // nothing is known about the stage's tasks yet: one per slot
    end(first[0]!, "success", 0, ran(1));
    // The freed slot gets a task and, as its stage's tasks are short, one ahead; the other
    // (still busy) slot one ahead too.
    const next = take();
    expect(next.map((t) => t.workerId).sort()).toEqual([first[0]!.workerId, first[0]!.workerId, first[1]!.workerId].sort());
    const ahead = next.find((t) => t.workerId === first[1]!.workerId)!;
    expect(ahead.msg.slot).toBe(first[1]!.msg.slot);
    expect(free(s)).toEqual([0, 0]);
    // Each slot holds at most one task ahead (prefetch 1): when a slot's running task ends, its
    // queued one runs and one more goes ahead of it.
    end(first[1]!, "success", 0, ran(1));
    const refill = take();
    expect(refill.map((t) => t.workerId)).toEqual([first[1]!.workerId]);
    const rest = [...next, ...refill];
    for (const t of rest) end(t, "success", t.msg.partition, ran(1));
    for (let more = take(); more.length; more = take()) for (const t of more) end(t, "success", t.msg.partition, ran(1));
    expect(await p).toEqual([0, 0, 2, 3, 4, 5].map((x, i) => (i < 2 ? 0 : x)));
    expect(free(s)).toEqual([1, 1]);
    expectIdle(s);
  });

  it("does not send ahead for a stage whose tasks are long, or when spark.workbench.scheduler.prefetch is 0", async () => {
    for (const [opts, ms] of [[{}, 50], [{ prefetch: 0 }, 1]] as const) {
      const { s, take, end, ctx } = setup(["w1", "w2"], opts);
      const p = job(s, new ParallelCollectionRDD(ctx, [0, 1, 2, 3, 4, 5], 6));
      let inFlight = take();
      while (inFlight.length) {
        expect(inFlight.length).toBeLessThanOrEqual(2);
        const [done, ...others] = inFlight;
        end(done!, "success", done!.msg.partition, ran(ms));
        const launched = take();
        expect(launched.length).toBeLessThanOrEqual(1); // only into the slot that freed
        inFlight = [...others, ...launched];
      }
      expect(await p).toEqual([0, 1, 2, 3, 4, 5]);
      expectIdle(s);
    }
  });

  it("sends a reduce stage's second wave ahead from the start when it reads only a little shuffle data, not when it reads more or has another input", async () => {
    const cases: Array<[string, number, (ctx: FakeContext, pairs: RDD<[string, number]>) => RDD<unknown>, number]> = [
      ["small shuffle input", 100, (_c, pairs) => pairs.reduceByKey((a, b) => a + b, 4), 4],
      ["over PREFETCH_SMALL_INPUT_BYTES", 64 * 1024, (_c, pairs) => pairs.reduceByKey((a, b) => a + b, 4), 2],
      ["a collection beside the shuffle", 100, (c, pairs) => pairs.reduceByKey((a, b) => a + b, 2).union(new ParallelCollectionRDD(c, [["z", 0]], 2) as unknown as RDD<[string, number]>), 2],
    ];
    for (const [what, bytes, build, firstWave] of cases) {
      const { s, take, end, ctx } = setup();
      const pairs = new ParallelCollectionRDD(ctx, [["a", 1], ["b", 2], ["c", 3], ["d", 4]], 2) as unknown as RDD<[string, number]>;
      const p = job(s, build(ctx, pairs));
      const maps = take();
      expect(maps).toHaveLength(2);
      for (const m of maps) end(m, "success", { sizes: Array(4).fill(bytes), records: Array(4).fill(1) }, ran(1));
      // Nothing of the reduce stage has ended: only its input can say its tasks are short.
      const reduces = take();
      expect([what, reduces.length]).toEqual([what, firstWave]);
      expect(new Set(reduces.map((t) => t.workerId))).toEqual(new Set(["w1", "w2"]));
      const inFlight = [...reduces];
      while (inFlight.length) {
        const t = inFlight.shift()!;
        end(t, "success", t.msg.partition, ran(1));
        inFlight.push(...take());
      }
      expect(((await p) as number[]).length).toBe(4);
      expect(free(s)).toEqual([1, 1]);
      expectIdle(s);
    }
  });

  it("never queues a task behind another stage's task, and a cancelled job's queued tasks free their slots once killed", async () => {
    const { s, take, end, killed, ctx } = setup(["w1"], { prefetch: 1 });
    s.workerAdded({ workerId: "w2", pid: 1, host: "h", slots: 1, shuffleAddress: "ws://w2", localDir: "/tmp" });
    const slow = job(s, new ParallelCollectionRDD(ctx, [0], 1));
    const [long] = take();
    const quick = job(s, new ParallelCollectionRDD(ctx, [0, 1, 2, 3], 4));
    const [q0] = take();
    expect(q0!.workerId).not.toBe(long!.workerId);
    end(q0!, "success", 0, ran(1));
    // One task into the freed slot and one ahead of it; none behind the other job's task.
    const next = take();
    expect(next.map((t) => t.workerId)).toEqual([q0!.workerId, q0!.workerId]);
    s.cancelJob(1);
    await expect(quick).rejects.toThrow(/cancelled/);
    expect(killed.sort()).toEqual(next.map((t) => t.msg.taskId).sort());
    for (const t of next) end(t, "killed");
    expect(free(s).sort()).toEqual([0, 1]);
    end(long!, "success", "done", ran(100));
    expect(await slow).toEqual(["done"]);
    expectIdle(s);
  });

  it("sends about 4 ms of work ahead at once (at most spark.workbench.scheduler.prefetch tasks), spread over the slots, and refills a slot only when its queue ran dry", async () => {
    for (const [ms, perSlot] of [[1, 4], [0.1, 16], [3, 1]] as const) {
      const { s, take, end, ctx } = setup();
      const p = job(s, new ParallelCollectionRDD(ctx, range(40), 40));
      const first = take();
      end(first[0]!, "success", 0, ran(ms));
      // The freed slot gets a task; then each slot `perSlot` ahead (as 4 ms of the stage's mean task time allows).
      const batch = take();
      expect(batch).toHaveLength(1 + 2 * perSlot);
      for (const w of ["w1", "w2"]) expect(batch.filter((t) => t.workerId === w)).toHaveLength(w === first[0]!.workerId ? 1 + perSlot : perSlot);
      // The other slot's running task ends: its first queued one runs; the slot is refilled only
      // if that emptied its queue.
      end(first[1]!, "success", 0, ran(ms));
      const refill = take();
      expect(refill.map((t) => t.workerId)).toEqual(perSlot === 1 ? [first[1]!.workerId] : []);
      // Finish everything in order of launch; results are exact.
      const inFlight = [...batch, ...refill];
      while (inFlight.length) {
        const t = inFlight.shift()!;
        end(t, "success", t.msg.partition, ran(ms));
        inFlight.push(...take());
      }
      const out = (await p) as number[];
      expect(out.slice(2)).toEqual(range(40).slice(2));
      expect(free(s)).toEqual([1, 1]);
      expectIdle(s);
    }
  });
});
