// The failure replay (spark.lastJob().replay()): built from the job's real event log on a real
// cluster with a worker killed mid-job, and, for the fetch-failure wording and the cause-first
// order, from a hand-made log of one layer.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SparkContext, SparkSession } from "../../engine/index";
import { buildFailureReplay } from "../../engine/scheduler/failure-replay";
import type { JobRecord } from "../../engine/scheduler/job-tracker";
import { startSession, waitFor } from "./helpers";

let spark: SparkSession;
let sc: SparkContext;
beforeAll(async () => ({ spark, sc } = await startSession("local[2]")), 60_000);
afterAll(async () => spark?.stop());

describe("job.replay() on a real cluster", () => {
  it("says nothing failed for a job that ran cleanly", async () => {
    await sc.parallelize([1, 2, 3, 4], 2).map((x) => [x % 2, x] as [number, number]).reduceByKey((a, b) => a + b).collect();
    const r = spark.lastJob()!.replay();
    expect(r.hadFailure).toBe(false);
    expect(r.steps[0]!.kind).toBe("start");
    expect(r.steps.at(-1)!.title).toMatch(/^Job \d+ succeeded after \d+ ms$/);
    expect(r.steps.some((s) => s.kind === "worker-lost" || s.kind === "stage-resubmitted")).toBe(false);
    expect(String(r._repr_mimebundle_()["text/plain"])).toContain("Nothing failed during this job");
  }, 60_000);

  it("tells what a worker killed mid-job took with it, what was recomputed, and where the cache cut the lineage", async () => {
    const sums = sc.parallelize(Array.from({ length: 400 }, (_, i) => i), 8).map((x) => [x % 10, x] as [number, number]).reduceByKey((a, b) => a + b, 4).cache();
    await sums.count();                                   // map outputs and cached partitions on both workers
    let started = false;
    const off = sc.addSparkListener({ onTaskStart: () => { started = true; } });
    const job = sums.map(([, v]) => { const t = Date.now(); while (Date.now() - t < 150) { /* slow task */ } return v; }).reduce((a, b) => a + b);
    await waitFor(() => started, 30_000);
    off();
    const victim = spark.cluster.workers()[0]!.id;
    await spark.cluster.kill(victim);
    expect(await job).toBe((399 * 400) / 2);              // the answer does not change

    const r = spark.lastJob()!.replay();
    expect(r.hadFailure).toBe(true);
    const lost = r.steps.find((s) => s.kind === "worker-lost")!;
    expect(lost.title).toContain(`Worker ${victim} lost`);
    expect(lost.detail.join("\n")).toMatch(/shuffle \d+ \(written by stage \d+\): map outputs [\d, ]+ lost|cached ShuffledRDD \[\d+\] .*partitions [\d, ]+ lost/);
    const after = r.steps.slice(r.steps.indexOf(lost));
    expect(after.some((s) => s.kind === "stage-resubmitted" || (s.kind === "stage-submitted" && /lineage/.test(s.detail.join(" "))))).toBe(true);
    expect(r.steps.at(-1)!.title).toMatch(/succeeded/);
    expect(r.cuts.join("\n")).toMatch(/cached ShuffledRDD .* in stage \d+: \d+ partition reads from the cache, \d+ computed from lineage/);

    const b = r._repr_mimebundle_();
    expect(String(b["text/html"]).match(/<details class="bdw-replay-step"/g)!.length).toBe(r.steps.length);
    expect(String(b["text/html"])).toContain("data-kind=\"worker-lost\"");
    expect(String(b["text/plain"])).toMatch(/\d+\. \+\d+ ms {2}Worker .* lost/);
    await waitFor(() => spark.cluster.workers().filter((w) => w.state === "ALIVE").length === 2, 30_000);
  }, 120_000);
});

describe("buildFailureReplay on a hand-made log", () => {
  const stage = (stageId: number, kind: "ShuffleMapStage" | "ResultStage", attemptId = 0, failureReason?: string) => ({
    stageId, attemptId, name: `s${stageId}`, kind, numTasks: 2, numActiveTasks: 0, numCompletedTasks: 2, numFailedTasks: 0,
    status: failureReason ? "FAILED" as const : "COMPLETE" as const, rddIds: [], parentIds: [], failureReason,
  });
  const rec: JobRecord = {
    info: { jobId: 7, status: "SUCCEEDED", stageIds: [0, 1], description: "collect at <cell 2>:1", submissionTime: 1000 },
    stageIds: [0, 1],
    tasks: [{ taskId: 9, jobId: 7, stageId: 0, stageAttempt: 1, partition: 1, attempt: 0, workerId: "worker-2", launchTime: 1300, status: "SUCCESS" }],
    dag: {
      jobId: 7, description: "collect at <cell 2>:1", status: "SUCCEEDED", rdds: [], edges: [],
      stages: [
        { stageId: 0, name: "map", kind: "ShuffleMapStage", rddIds: [], parentStageIds: [], status: "COMPLETE", skipped: false, numTasks: 2, shuffleId: 0 },
        { stageId: 1, name: "collect", kind: "ResultStage", rddIds: [], parentStageIds: [0], status: "COMPLETE", skipped: false, numTasks: 2 },
      ],
    },
    events: [
      { type: "jobStart", time: 1000, job: { jobId: 7, status: "RUNNING", stageIds: [0, 1], description: "collect at <cell 2>:1", submissionTime: 1000 }, stages: [] },
      { type: "stageCompleted", time: 1200, stage: stage(1, "ResultStage", 0, "FetchFailed(ws://127.0.0.1:5000, shuffleId=0, mapId=1, reduceId=0)") },
      { type: "taskEnd", time: 1201, task: { taskId: 5, jobId: 7, stageId: 1, stageAttempt: 0, partition: 0, attempt: 0, workerId: "worker-1", launchTime: 1100, status: "FAILED", error: "worker lost" }, reason: "WorkerLost" },
      { type: "workerRemoved", time: 1202, workerId: "worker-1", reason: "killed", lost: { shuffleOutputs: [{ shuffleId: 0, mapIds: [1] }], cachedBlocks: [], taskIds: [5] } },
      { type: "stageSubmitted", time: 1300, stage: { ...stage(0, "ShuffleMapStage", 1), status: "ACTIVE" } },
      { type: "stageCompleted", time: 1350, stage: stage(0, "ShuffleMapStage", 1) },
      { type: "jobEnd", time: 1500, job: { jobId: 7, status: "SUCCEEDED", stageIds: [0, 1], description: "collect at <cell 2>:1", submissionTime: 1000, completionTime: 1500 } },
    ],
  };

  it("explains a fetch failure, tells a lost worker before what it caused, and follows the lost output until it is rewritten", () => {
    const r = buildFailureReplay(rec);
    expect(r.steps.map((s) => s.kind)).toEqual(["start", "stage-failed", "worker-lost", "tasks-failed", "stage-resubmitted", "stage-done", "end"]);
    expect(r.steps[1]!.detail[0]).toBe("fetch failure: a task could not read map output 1 of shuffle 0 from ws://127.0.0.1:5000; every output that address served is dropped and the map side reruns for the missing partitions");
    expect(r.steps[2]!.detail).toContain("shuffle 0 (written by stage 0): map outputs 1 lost");
    expect(r.steps[2]!.lostOutputStages).toEqual([0]);
    expect(r.steps[4]!.title).toBe("Stage 0 resubmitted (attempt 1): recomputes partitions 1");
    expect(r.steps[5]!.lostOutputStages).toEqual([]);                 // rewritten
    expect(r.steps[6]!).toMatchObject({ at: 500, title: "Job 7 succeeded after 500 ms" });
  });
});
