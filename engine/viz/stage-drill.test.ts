// A stage's drill-down (the job summary's per-stage task metrics, timeline and tasks).
import { describe, expect, it } from "vitest";
import type { StageInfo, TaskInfo } from "../scheduler/job-info";
import { jobSummary } from "./job-summary";
import { DRILL_TASKS_PER_STAGE, stageDrillHtml, stageDrills } from "./stage-drill";
import { jobFixture, stagesFixture, tasksFixture } from "../../test/fixtures/viz/fixtures";
import { assertWellFormedXml, externalReferences } from "../../test/fixtures/viz/xml-check";

const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;

describe("stage drill-down", () => {
  it("has each stage that ran: its metrics, one bar and one row per task", () => {
    const p = jobSummary(jobFixture, stagesFixture, tasksFixture);
    // stage 0 was skipped: nothing to drill into
    expect(p.details!.map((d) => d.stageId).sort()).toEqual([1, 2]);
    const s1 = p.details!.find((d) => d.stageId === 1)!;
    const mine = tasksFixture.filter((t) => t.stageId === 1);
    expect(s1.tasks.map((t) => t.taskId).sort((a, b) => a - b)).toEqual(mine.map((t) => t.taskId).sort((a, b) => a - b));
    expect(s1.metrics.numSuccessful).toBe(mine.filter((t) => t.status === "SUCCESS").length);
    expect(s1.tasks.find((t) => t.partition === 0)!.shuffleWriteBytes).toBe(700_000);
    const html = stageDrillHtml(s1);
    assertWellFormedXml(html);
    expect(externalReferences(html)).toEqual([]);
    expect(count(html, /class="bdw-task-row"/g)).toBe(mine.length);
    expect(count(html, /class="bdw-task-bar"/g)).toBe(mine.length);
    expect(html).toContain("75th percentile");
    expect(html).toContain(`Event timeline (${mine.length} tasks)`);
  });

  it("keeps the slowest tasks of a big stage and says how many it left out", () => {
    const stage: StageInfo = { ...stagesFixture[2]!, numTasks: 150 };
    const tasks: TaskInfo[] = Array.from({ length: 150 }, (_, i) => ({
      taskId: i, jobId: 7, stageId: stage.stageId, stageAttempt: 0, partition: i, attempt: 0, workerId: `worker-${i % 3}`,
      launchTime: 1_000 + i, finishTime: 1_000 + i + (i === 7 ? 5_000 : 10 + (i % 50)), status: "SUCCESS",
      metrics: { ...tasksFixture[0]!.metrics!, durationMs: i === 7 ? 5_000 : 10 + (i % 50) },
    }));
    const [d] = stageDrills([stage], tasks);
    expect(d!.tasks).toHaveLength(DRILL_TASKS_PER_STAGE);
    expect(d!.omittedTasks).toBe(50);
    expect(d!.tasks.some((t) => t.taskId === 7)).toBe(true);
    // the quantiles are over every task, not only the kept ones
    expect(d!.metrics.numSuccessful).toBe(150);
    expect(stageDrillHtml(d!)).toContain(`${DRILL_TASKS_PER_STAGE} slowest of 150 tasks`);
  });

  it("shows the tasks still running when the job ended as killed with it", () => {
    const stage = stagesFixture[2]!;
    const tasks: TaskInfo[] = [
      { taskId: 1, jobId: 7, stageId: stage.stageId, stageAttempt: 0, partition: 0, attempt: 0, workerId: "worker-1", launchTime: 1_000, finishTime: 1_500, status: "SUCCESS" },
      { taskId: 2, jobId: 7, stageId: stage.stageId, stageAttempt: 0, partition: 1, attempt: 0, workerId: "worker-1", launchTime: 1_500, status: "RUNNING" },
    ];
    const [ended] = stageDrills([stage], tasks, { jobEnd: 1_800 });
    expect(ended!.tasks.map((t) => [t.status, t.end])).toEqual([["SUCCESS", 500], ["KILLED", 800]]);
    const [live] = stageDrills([stage], tasks, { now: 1_800 });
    expect(live!.tasks[1]!.status).toBe("RUNNING");
    expect(stageDrillHtml(live!)).toContain(">running<");
  });
});
