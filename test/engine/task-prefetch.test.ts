// Task prefetch on real workers (spark.workbench.scheduler.prefetch): a busy slot running a task of
// a stage whose tasks are short is sent that stage's next task ahead, and its worker starts it the
// moment the slot frees. Results stay exact, the slots' accounting returns to idle, and a
// cancelled job's queued tasks are dropped on the worker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSession, waitFor } from "./helpers";
import type { SparkContext, SparkSession } from "../../engine/index";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A local[2] session for the describe block that calls this: started before its tests, stopped after. */
function sessionPerBlock(conf: Record<string, unknown> = {}): { spark: SparkSession; sc: SparkContext } {
  const session = {} as { spark: SparkSession; sc: SparkContext };
  beforeAll(async () => { Object.assign(session, await startSession("local[2]", conf)); });
  afterAll(async () => session.spark?.stop());
  return session;
}
const idle = (spark: SparkSession) => spark.sparkContext.cluster.workers().every((w) => w.freeSlots === w.slots);

describe("task prefetch", () => {
  const session = sessionPerBlock();

  it("sends short tasks ahead to busy slots: each waited task says how long, results are exact, slots end free", async () => {
    const { spark, sc } = session;
    const out = await sc.parallelize(range(4000), 400).map((x: number) => x * 2).collect();
    expect(out).toEqual(range(4000).map((x) => x * 2));
    const tasks = spark.lastJob()!.tasks();
    expect(tasks).toHaveLength(400);
    expect(tasks.every((t) => t.status === "SUCCESS")).toBe(true);
    // The first wave knows nothing of the stage: those tasks went to free slots only.
    const queued = tasks.filter((t) => (t.metrics?.queueWaitMs ?? 0) > 0);
    expect(queued.length).toBeGreaterThan(0);
    expect(queued.every((t) => t.taskId > Math.min(...tasks.map((x) => x.taskId)) + 1)).toBe(true);
    await waitFor(() => idle(spark));
  });

  it("a cancelled job drops its tasks queued on the workers; the next job runs on free slots", async () => {
    const { spark, sc } = session;
    sc.setJobGroup("prefetch-cancel");
    let started = 0;
    const off = sc.addSparkListener({
      onTaskEnd: () => { if (++started === 60) sc.cancelJobGroup("prefetch-cancel"); },
    });
    const job = sc.parallelize(range(2000), 400).map((x: number) => {
      // Partition 80's task runs long, so tasks are queued behind it when the job is cancelled.
      if (x === 400) { const end = Date.now() + 3000; while (Date.now() < end) { /* busy */ } }
      return x;
    }).collect();
    await expect(job).rejects.toThrow(/cancelled/);
    off();
    sc.clearJobGroup();
    await waitFor(() => idle(spark), 15_000);
    expect(await sc.parallelize(range(100), 10).sum()).toBe(4950);
  });
});

describe("an executor thread that dies with tasks queued behind its running one", () => {
  const session = sessionPerBlock();

  it("fails at most one task (retried), runs the queued ones on a fresh thread, and the result is exact", async () => {
    const { spark, sc } = session;
    const failures: string[] = [];
    const off = sc.addSparkListener({ onTaskEnd: (e) => { if (e.task.status === "FAILED") failures.push(e.task.error ?? ""); } });
    const out = await sc.parallelize(range(4000), 400).mapPartitionsWithIndex((i: number, it: Iterable<number>) => {
      // Partition 200's task ends normally, then an uncaught error kills its thread while the
      // next task (queued behind it) starts.
      if (i === 200) setTimeout(() => { throw new Error("thread killer"); }, 0);
      return it;
    }).collect();
    off();
    expect(out).toEqual(range(4000));
    // At most the one task the thread was running when it died (none if its queue was empty).
    expect(failures.length).toBeLessThanOrEqual(1);
    expect(failures.every((f) => f.includes("executor thread died: thread killer"))).toBe(true);
    await waitFor(() => idle(spark));
    expect(await sc.parallelize(range(100), 10).sum()).toBe(4950);
  });
});

describe("an executor thread that runs out of memory with tasks queued around the one that grows", () => {
  const session = sessionPerBlock({ "spark.executor.memory": "128m" });

  it("blames only the task that was running (its 4 attempts fail the job), never the tasks queued or ended around it", async () => {
    const { spark, sc } = session;
    const failed: number[] = [];
    const off = sc.addSparkListener({ onTaskEnd: (e) => { if (e.task.status === "FAILED") failed.push(e.task.partition); } });
    const job = sc.parallelize(range(4000), 400).mapPartitionsWithIndex((i: number, it: Iterable<number>) => {
      if (i === 300) { const hog: number[][] = []; for (;;) hog.push(new Array(1_000_000).fill(i)); }
      return it;
    }).count();
    await expect(job).rejects.toThrow(/executor thread died/);
    off();
    expect(failed.length).toBeGreaterThanOrEqual(4);
    expect(new Set(failed)).toEqual(new Set([300]));
    await waitFor(() => idle(spark), 15_000);
    expect(await sc.parallelize(range(100), 10).sum()).toBe(4950);
  });
});

describe("task prefetch turned off", () => {
  const session = sessionPerBlock({ "spark.workbench.scheduler.prefetch": 0 });

  it("with spark.workbench.scheduler.prefetch = 0 no task waits on a worker", async () => {
    const { spark, sc } = session;
    expect(await sc.parallelize(range(4000), 400).map((x: number) => x + 1).count()).toBe(4000);
    const tasks = spark.lastJob()!.tasks();
    expect(tasks).toHaveLength(400);
    expect(tasks.filter((t) => (t.metrics?.queueWaitMs ?? 0) > 0)).toEqual([]);
  });
});
