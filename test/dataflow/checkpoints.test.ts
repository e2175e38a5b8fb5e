// Checkpoints on real workers: barrier (aligned, exactly-once) and stop-the-world snapshots, and
// recovery after a worker is killed mid-job: restored state and transactional sink output are exact.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StreamExecutionEnvironment, type SparkSession } from "../../engine/index";
import { startSession, waitFor } from "../engine/helpers";
import { build, checkExact } from "./keyed-sums-job";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[2]", { "spark.network.timeout": "5s" })); }, 60_000);
afterAll(async () => { await spark?.stop(); });

describe("dataflow checkpoints", () => {
  it("barrier checkpoints (aligned, exactly-once) complete during the job; results exact", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).enableCheckpointing(150, "exactly_once").setBufferTimeout(5);
    const { rolling, finals } = build(env, 3000);
    const job = await env.execute("barrier checkpoints");
    const res = await job.getJobExecutionResult();
    if (process.env.DF_DEBUG) console.log("DBG1", res.restarts, JSON.stringify(job.failovers), rolling.values.length, JSON.stringify(res.checkpoints.map((c) => [c.id, c.status])));
    checkExact(rolling.values, finals.values);
    const done = res.checkpoints.filter((c) => c.status === "COMPLETED");
    expect(done.length).toBeGreaterThan(0);
    expect(done.every((c) => c.kind === "barrier" && c.stateBytes > 0)).toBe(true);
  }, 90_000);

  it("stop-the-world checkpoints: sources pause, the pipeline drains, everything is snapshotted, then resumes", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).enableCheckpointing(150).setBufferTimeout(5);
    env.getCheckpointConfig().setSnapshotKind("stop-the-world");
    const { rolling, finals } = build(env, 3000);
    const res = await (await env.execute("stw checkpoints")).getJobExecutionResult();
    checkExact(rolling.values, finals.values);
    const done = res.checkpoints.filter((c) => c.status === "COMPLETED");
    expect(done.length).toBeGreaterThan(0);
    expect(done.every((c) => c.kind === "stop-the-world" && c.pauseMs >= 0)).toBe(true);
  }, 90_000);

  it("a worker killed after a checkpoint: the job restarts from it and results are exactly-once", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).enableCheckpointing(150).setBufferTimeout(5);
    const { rolling, finals } = build(env, 2000);
    const job = await env.execute("kill a worker");
    await waitFor(() => job.latestCompletedCheckpoint() !== null, 30_000);
    const victim = spark.cluster.workers()[0].id;
    await spark.cluster.kill(victim);
    const res = await job.getJobExecutionResult();
    expect(res.restarts).toBeGreaterThanOrEqual(1);
    expect(job.failovers[0].restoredFrom).not.toBeNull();
    if (process.env.DF_DEBUG) console.log("DBG", JSON.stringify(job.failovers), rolling.values.length, finals.values.reduce((n, f) => n + f[2], 0), JSON.stringify(res.checkpoints.map((c) => [c.id, c.status])));
    checkExact(rolling.values, finals.values);
    await waitFor(() => spark.cluster.workers().length === 2, 30_000);
  }, 120_000);
});

describe("kills at many points", () => {
  it("three workers killed one after another during one job: results still exactly-once", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).enableCheckpointing(100).setBufferTimeout(5).setRestartAttempts(10);
    const { rolling, finals } = build(env, 600);
    const job = await env.execute("many kills");
    for (let k = 0; k < 3; k++) {
      const before = job.latestCompletedCheckpoint() ?? 0;
      await waitFor(() => (job.latestCompletedCheckpoint() ?? 0) > before && job.getJobStatus() === "RUNNING" && spark.cluster.workers().length === 2, 60_000);
      await spark.cluster.kill(spark.cluster.workers()[k % 2].id);
    }
    const res = await job.getJobExecutionResult();
    expect(res.restarts).toBeGreaterThanOrEqual(3);
    checkExact(rolling.values, finals.values);
    await waitFor(() => spark.cluster.workers().length === 2, 30_000);
  }, 180_000);
});
