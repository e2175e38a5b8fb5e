import { describe, expect, it } from "vitest";
import type { JobInfo, StageInfo, TaskInfo } from "../engine/scheduler/job-info";
import { ProgressPanel, plainRenderers } from "./progress-panel";
import type { DisplayContent } from "./display";

const job: JobInfo = { jobId: 7, status: "RUNNING", stageIds: [1, 2], description: "collect at <cell 1>:1", submissionTime: 1000 };
const stage = (stageId: number, numTasks: number): StageInfo => ({ stageId, attemptId: 0, name: `s${stageId}`, kind: stageId === 2 ? "ResultStage" : "ShuffleMapStage", numTasks, numActiveTasks: 0, numCompletedTasks: 0, numFailedTasks: 0, status: "PENDING", rddIds: [], parentIds: [] });
const task = (taskId: number, stageId: number, status: TaskInfo["status"]): TaskInfo => ({ taskId, jobId: 7, stageId, stageAttempt: 0, partition: taskId, attempt: 0, workerId: "w", launchTime: 1000, status });

describe("progress panel", () => {
  it("shows a panel at job start and ends with a summary under the same display id", async () => {
    const shown: Array<{ content: DisplayContent; id: string; update: boolean }> = [];
    const panel = new ProgressPanel({ show: (content, id, update) => shown.push({ content, id, update }) }, plainRenderers);
    panel.onEvent({ type: "jobStart", time: 1000, job, stages: [stage(1, 2), stage(2, 1)] });
    panel.onEvent({ type: "taskStart", time: 1001, task: task(0, 1, "RUNNING") });
    panel.onEvent({ type: "taskEnd", time: 1002, task: task(0, 1, "SUCCESS"), reason: "Success" });
    panel.onEvent({ type: "jobEnd", time: 1003, job: { ...job, status: "SUCCEEDED", completionTime: 1003 } });
    expect(shown[0]!.update).toBe(false);
    expect(String(shown[0]!.content.data["text/plain"])).toContain("Job 7");
    const last = shown[shown.length - 1]!;
    expect(last.update).toBe(true);
    expect(last.id).toBe(shown[0]!.id);
    expect(String(last.content.data["text/plain"])).toContain("SUCCEEDED");
    expect(String(last.content.data["text/plain"])).toContain("1 task(s)");
  });

  it("throttles updates and shows the latest counts", async () => {
    const shown: string[] = [];
    const panel = new ProgressPanel({ show: (c) => shown.push(String(c.data["text/plain"])) }, plainRenderers);
    panel.onEvent({ type: "jobStart", time: 0, job, stages: [stage(1, 50)] });
    for (let i = 0; i < 50; i++) {
      panel.onEvent({ type: "taskStart", time: 0, task: task(i, 1, "RUNNING") });
      panel.onEvent({ type: "taskEnd", time: 0, task: task(i, 1, "SUCCESS"), reason: "Success" });
    }
    // 100 events arrived at once: one initial render, then one throttled update with the totals.
    expect(shown.length).toBe(1);
    while (shown.length < 2) await new Promise((r) => setTimeout(r, 20));
    expect(shown.length).toBe(2);
    expect(shown[1]).toContain("50/50 done");
  });

  it("shows the jobs of one group (a display's collect and count) in one panel, labelled with the user's action", () => {
    const shown: Array<{ text: string; id: string; update: boolean }> = [];
    const panel = new ProgressPanel({ show: (c, id, update) => shown.push({ text: String(c.data["text/plain"]), id, update }) }, plainRenderers);
    const close = panel.openGroup("show at <cell 4>:2");
    const j1: JobInfo = { ...job, jobId: 1, stageIds: [1], description: "collect at <cell 4>:2" };
    const j2: JobInfo = { ...job, jobId: 2, stageIds: [2], description: "count at <cell 4>:2" };
    panel.onEvent({ type: "jobStart", time: 1000, job: j1, stages: [stage(1, 2)] });
    panel.onEvent({ type: "jobStart", time: 1000, job: j2, stages: [stage(2, 1)] });
    panel.onEvent({ type: "taskEnd", time: 1001, task: { ...task(0, 1, "SUCCESS"), jobId: 1 }, reason: "Success" });
    panel.onEvent({ type: "jobEnd", time: 1002, job: { ...j1, status: "SUCCEEDED", completionTime: 1002 } });
    // One job still runs: the panel keeps showing progress, not a summary.
    expect(shown[shown.length - 1]!.text).toContain("RUNNING");
    panel.onEvent({ type: "taskEnd", time: 1003, task: { ...task(1, 2, "SUCCESS"), jobId: 2 }, reason: "Success" });
    panel.onEvent({ type: "jobEnd", time: 1004, job: { ...j2, status: "SUCCEEDED", completionTime: 1004 } });
    close();
    expect(new Set(shown.map((x) => x.id)).size).toBe(1);
    expect(shown.filter((x) => !x.update)).toHaveLength(1);
    const last = shown[shown.length - 1]!.text;
    expect(last).toContain("show at <cell 4>:2 SUCCEEDED in 4 ms, 2 stage(s), 2 task(s)");
    // After the group closes, a job gets its own panel again.
    panel.onEvent({ type: "jobStart", time: 2000, job: { ...job, jobId: 3 }, stages: [stage(1, 1)] });
    expect(shown[shown.length - 1]!.update).toBe(false);
    expect(new Set(shown.map((x) => x.id)).size).toBe(2);
  });

  it("says which running jobs a cancel from the panel stops (the group's running members)", () => {
    const seen: Array<number[] | undefined> = [];
    const renderers = { ...plainRenderers, renderProgress: (j: JobInfo, st: StageInfo[], o?: { activeJobIds?: number[] }) => (seen.push(o?.activeJobIds), plainRenderers.renderProgress(j, st)) };
    const panel = new ProgressPanel({ show: () => {} }, renderers);
    const close = panel.openGroup("show at <cell 5>:1");
    const j1: JobInfo = { ...job, jobId: 11, stageIds: [1] };
    const j2: JobInfo = { ...job, jobId: 12, stageIds: [2] };
    panel.onEvent({ type: "jobStart", time: 1000, job: j1, stages: [stage(1, 2)] });
    expect(seen[seen.length - 1]).toEqual([11]);
    panel.onEvent({ type: "jobStart", time: 1000, job: j2, stages: [stage(2, 1)] });
    expect(seen[seen.length - 1]).toEqual([11, 12]);
    panel.onEvent({ type: "jobEnd", time: 1002, job: { ...j1, status: "SUCCEEDED", completionTime: 1002 } });
    expect(seen[seen.length - 1]).toEqual([12]);
    close();
  });
});
