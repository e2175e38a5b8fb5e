// Live progress panel and job summary from plain job/stage/task data.
import { describe, expect, it } from "vitest";
import { assertWellFormedXml, externalReferences } from "../../test/fixtures/viz/xml-check";
import { jobFixture, runningJob, runningStages, stagesFixture, tasksFixture, T0 } from "../../test/fixtures/viz/fixtures";
import { consoleBar, renderProgress } from "./progress";
import { jobStatusLabel, jobSummary, renderJobSummary } from "./job-summary";
import { MIME } from "./mime";

describe("renderProgress", () => {
  it("draws Spark's console bar", () => {
    const s = runningStages.find((x) => x.stageId === 1)!;
    expect(consoleBar(s, 10)).toBe("[Stage 1:=====>    (2 + 2) / 4]");
    expect(consoleBar({ ...s, numCompletedTasks: 4, numActiveTasks: 0 }, 10)).toBe("[Stage 1:==========(4 + 0) / 4]");
    expect(consoleBar(stagesFixture[1]!, 10)).toBe("[Stage 0: skipped]");
  });

  it("lists stages in job order with skipped greyed", () => {
    const b = renderProgress(runningJob, runningStages, { now: T0 + 1_000 });
    const plain = b[MIME.text] as string;
    expect(plain.split("\n")[0]).toBe("Job 7: collect at <cell 4>:3 (RUNNING, 1 s)");
    expect(plain.split("\n").slice(1).map((l) => l.slice(0, 9))).toEqual(["[Stage 0:", "[Stage 1:", "[Stage 2:"]);
    const html = b[MIME.html] as string;
    assertWellFormedXml(html);
    expect(externalReferences(html)).toEqual([]);
    expect(html).toContain("skipped");
    expect(html).toContain("2/4 (2 running)");
    expect(html).not.toContain("<script");
  });
});

describe("renderJobSummary", () => {
  it("sums metrics over the job's tasks and counts skipped stages", () => {
    const p = jobSummary(jobFixture, stagesFixture, tasksFixture);
    expect(p.durationMs).toBe(2_340);
    expect(p.stagesRun).toBe(2);
    expect(p.stagesSkipped).toBe(1);
    expect(p.tasks).toBe(6);
    const all = tasksFixture.map((t) => t.metrics!);
    expect(p.totals.shuffleWriteBytes).toBe(all.reduce((a, m) => a + m.shuffleWriteBytes, 0));
    expect(p.totals.shuffleReadRecords).toBe(all.reduce((a, m) => a + m.shuffleReadRecords, 0));
    expect(p.totals.spillBytes).toBe(5_000_000);
    expect(p.stages.map((s) => s.stageId)).toEqual([0, 1, 2]);
  });

  it("renders text and HTML", () => {
    const b = renderJobSummary(jobFixture, stagesFixture, tasksFixture);
    const plain = b[MIME.text] as string;
    expect(plain).toContain("Job 7 SUCCEEDED: collect at <cell 4>:3");
    expect(plain).toContain("duration: 2 s | stages: 2 (+1 skipped) | tasks: 6");
    expect(plain).toContain("spill: 4.8 MiB");
    const html = b[MIME.html] as string;
    assertWellFormedXml(html);
    expect(externalReferences(html)).toEqual([]);
  });

  it("a cancelled job says CANCELLED (interrupted), and how many of its tasks ran in the line and the table alike", () => {
    const job = { ...jobFixture, status: "FAILED" as const, error: "Job 7 cancelled because the cell was interrupted" };
    const stages = [{ ...stagesFixture[0]!, numTasks: 20 }, { ...stagesFixture[1]! }, { ...stagesFixture[2]!, numTasks: 20 }];
    const ran = tasksFixture.slice(0, 3); // three tasks of stage 1 started before the interrupt
    const plain = renderJobSummary(job, stages, ran)[MIME.text] as string;
    expect(plain.split("\n")[0]).toBe("Job 7 CANCELLED (interrupted): collect at <cell 4>:3");
    expect(plain).toContain("tasks: 3 of 40 ran");
    const row = plain.split("\n").find((l) => l.startsWith("1 "))!;
    expect(row).toMatch(/ 3\/20 /);
    expect(jobStatusLabel({ status: "FAILED", error: "Job 3 cancelled as part of cancellation of all jobs" })).toBe("CANCELLED");
    expect(jobStatusLabel({ status: "FAILED", error: "Task 0 in stage 1 failed 4 times" })).toBe("FAILED");
    expect(jobStatusLabel({ status: "SUCCEEDED" })).toBe("SUCCEEDED");
    // a job that succeeded keeps the plain count
    expect(renderJobSummary(jobFixture, stagesFixture, tasksFixture)[MIME.text]).toMatch(/tasks: 6( \||\n)/);
  });
});
