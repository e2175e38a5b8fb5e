// Checkpoints on real workers: barrier (aligned, exactly-once) and stop-the-world snapshots, and
// recovery after a worker is killed mid-job: restored state and transactional sink output are exact.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CollectSink, DataGeneratorSource, StreamExecutionEnvironment, ValueStateDescriptor, type SparkSession } from "../../engine/index";
import { sorted, startSession, waitFor } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[2]", { "spark.network.timeout": "5s" })); }, 60_000);
afterAll(async () => { await spark?.stop(); });

const N = 3000;
const keyOf = (i: number) => `k${(i * 31) % 7}`;
function reference(): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < N; i++) m.set(keyOf(i), (m.get(keyOf(i)) ?? 0) + i + 1); // values are i + 1 (> 0), so rolling sums never repeat
  return m;
}

function build(env: StreamExecutionEnvironment, rate: number) {
  const rolling = new CollectSink<[string, number]>();
  const finals = new CollectSink<[string, number, number]>();
  const keyed = env.fromSource(new DataGeneratorSource((i: number): [string, number] => [`k${(i * 31) % 7}`, i + 1], N, rate), undefined, "generator")
    .keyBy((e: any) => e[0]);
  keyed.reduce((a: [string, number], b: [string, number]) => [a[0], a[1] + b[1]] as [string, number]).sinkTo(rolling);
  keyed.process({
    sum: null as any, n: null as any,
    open(ctx: any) { this.sum = ctx.getState(new ValueStateDescriptor("sum", 0)); this.n = ctx.getState(new ValueStateDescriptor("n", 0)); },
    processElement(e: [string, number], ctx: any) { this.sum.update(this.sum.value() + e[1]); this.n.update(this.n.value() + 1); ctx.timerService().registerEventTimeTimer(1e15); },
    onTimer(_t: number, ctx: any, out: any) { out.collect([ctx.getCurrentKey(), this.sum.value(), this.n.value()]); },
  } as any).sinkTo(finals);
  return { rolling, finals };
}

function checkExact(rolling: Array<[string, number]>, finals: Array<[string, number, number]>): void {
  const ref = reference();
  expect(new Map(finals.map(([k, s]) => [k, s]))).toEqual(ref);
  expect(finals.reduce((n, f) => n + f[2], 0)).toBe(N);
  // exactly-once output: one rolling update per input record, no duplicates
  expect(rolling.length).toBe(N);
  expect(new Set(rolling.map((r) => JSON.stringify(r))).size).toBe(N);
  const maxByKey = new Map<string, number>();
  for (const [k, s] of rolling) maxByKey.set(k, Math.max(maxByKey.get(k) ?? 0, s));
  expect(maxByKey).toEqual(ref);
}

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
