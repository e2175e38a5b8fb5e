// Savepoints and restarts from retained checkpoints on real workers: a job stopped with a savepoint
// and resumed by a new job, a job cancelled (its coordinator gone) and resumed from its checkpoint
// directory, a keyed task rescaled from 2 to 3 subtasks; the outputs of both runs together are
// exactly-once. A changed program is refused with the task that differs.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StreamExecutionEnvironment, type SparkSession } from "../../engine/index";
import { startSession, waitFor } from "../engine/helpers";
import { build, checkExact, N } from "./keyed-sums-job";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[2]")); }, 60_000);
afterAll(async () => { await spark?.stop(); });

const progressed = (job: { getMetrics(): { tasks: Array<Record<string, unknown>> } }, n: number) =>
  waitFor(() => Number(job.getMetrics().tasks[0]?.recordsOut ?? 0) >= n, 30_000);

describe("savepoints", () => {
  it("stop with a savepoint, resume in a new job: the two runs' outputs are exactly-once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sp-"));
    const env1 = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(5);
    const first = build(env1, 3000);
    const job1 = await env1.execute("savepoint run 1");
    await progressed(job1, 600);
    const path = await job1.stopWithSavepoint(dir);
    expect(path.startsWith(dir)).toBe(true);
    expect(job1.getJobStatus()).toBe("FINISHED");
    expect(first.rolling.values.length).toBeGreaterThan(0);
    expect(first.rolling.values.length).toBeLessThan(N);

    const env2 = StreamExecutionEnvironment.getExecutionEnvironment(spark, { "execution.savepoint.path": path }).setBufferTimeout(5);
    const second = build(env2, 20_000);
    const job2 = await env2.execute("savepoint run 2");
    expect(job2.restoredFrom).toBe(path);
    await job2.getJobExecutionResult();
    checkExact([...first.rolling.values, ...second.rolling.values], second.finals.values);
  }, 90_000);

  it("a cancelled job resumes from its checkpoint directory (the latest completed checkpoint)", async () => {
    const env1 = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(5).enableCheckpointing(100);
    const first = build(env1, 3000);
    const job1 = await env1.execute("checkpointed run 1");
    await waitFor(() => (job1.latestCompletedCheckpoint() ?? 0) >= 2, 30_000);
    await job1.cancel();
    expect(job1.getJobStatus()).toBe("CANCELED");
    const env2 = StreamExecutionEnvironment.getExecutionEnvironment(spark, { "execution.savepoint.path": job1.checkpointDirectory }).setBufferTimeout(5);
    const second = build(env2, 20_000);
    const job2 = await env2.execute("checkpointed run 2");
    expect(job2.restoredFrom).toMatch(/chk-\d+$/);
    await job2.getJobExecutionResult();
    checkExact([...first.rolling.values, ...second.rolling.values], second.finals.values);
  }, 90_000);

  it("rescaling: keyed state saved by 1 subtask is split by key group over 2", async () => {
    const env1 = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(5);
    const first = build(env1, 3000, 1);
    const job1 = await env1.execute("rescale run 1");
    await progressed(job1, 600);
    const path = await job1.stopWithSavepoint();
    const env2 = StreamExecutionEnvironment.getExecutionEnvironment(spark, { "execution.savepoint.path": path }).setBufferTimeout(5);
    const second = build(env2, 20_000, 2);
    await (await env2.execute("rescale run 2")).getJobExecutionResult();
    checkExact([...first.rolling.values, ...second.rolling.values], second.finals.values);
  }, 90_000);

  it("a savepoint is refused by a different program, naming the task that differs", async () => {
    const env1 = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(5);
    build(env1, 3000);
    const job1 = await env1.execute("refuse run 1");
    await progressed(job1, 300);
    const path = await job1.stopWithSavepoint();
    const env2 = StreamExecutionEnvironment.getExecutionEnvironment(spark, { "execution.savepoint.path": path });
    env2.fromSequence(1, 10).map((x: number) => x * 2).print();
    await expect(env2.execute("other program")).rejects.toThrow(/SAVEPOINT_INCOMPATIBLE.*tasks/);
    const env3 = StreamExecutionEnvironment.getExecutionEnvironment(spark, { "execution.savepoint.path": join(path, "nope") });
    build(env3, 3000);
    await expect(env3.execute("missing")).rejects.toThrow(/SAVEPOINT_NOT_FOUND/);
    // more slots than the cluster has: refused at once (Flink's NoResourceAvailableException), not hung
    const env4 = StreamExecutionEnvironment.getExecutionEnvironment(spark).setParallelism(3);
    env4.fromSequence(1, 10).print();
    await expect(env4.execute("too wide")).rejects.toThrow(/NO_RESOURCE_AVAILABLE.*3 task slots.*has 2/);
  }, 90_000);
});
