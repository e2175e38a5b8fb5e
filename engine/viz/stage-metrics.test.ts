// Stage summary metrics: quantiles per metric over successful tasks, skew flagged on the outlier.
import { describe, expect, it } from "vitest";
import { assertWellFormedXml, externalReferences } from "../../test/fixtures/viz/xml-check";
import { stagesFixture, tasksFixture } from "../../test/fixtures/viz/fixtures";
import { renderStageMetrics, stageMetricsSummary } from "./stage-metrics";
import { MIME } from "./mime";
import type { TaskInfo } from "../scheduler/job-info";

const stage1 = stagesFixture.find((s) => s.stageId === 1)!;
const stage2 = stagesFixture.find((s) => s.stageId === 2)!;

describe("stage metrics", () => {
  it("computes quantiles from the stage's successful tasks only", () => {
    const failed: TaskInfo = { ...tasksFixture[0]!, taskId: 999, status: "FAILED", metrics: { ...tasksFixture[0]!.metrics!, durationMs: 99_999 } };
    const p = stageMetricsSummary(stage1, [...tasksFixture, failed]);
    expect(p.numSuccessful).toBe(4);
    const dur = p.metrics.find((m) => m.key === "durationMs")!;
    // durations 150,170,160,1590 sorted 150,160,170,1590: indices 0,1,2,3,3
    expect(dur.quantiles).toEqual([150, 160, 170, 1590, 1590]);
    expect(p.metrics.some((m) => m.key === "recordsRead")).toBe(false); // all zero: hidden
  });

  it("flags the skewed partition", () => {
    const p = stageMetricsSummary(stage1, tasksFixture);
    const keys = p.skew.map((s) => s.metric).sort();
    expect(keys).toEqual(["durationMs", "shuffleReadBytes", "shuffleReadRecords"]);
    expect(p.skew.every((s) => s.partition === 3)).toBe(true);
    expect(stageMetricsSummary(stage2, tasksFixture).skew).toEqual([]);
  });

  it("renders text, HTML and JSON-safe data", () => {
    const b = renderStageMetrics(stage1, tasksFixture);
    const plain = b[MIME.text] as string;
    expect(plain).toContain("Stage 1: reduceByKey at <cell 3>:1");
    expect(plain).toMatch(/Duration\s+0\.2 s\s+0\.2 s\s+0\.2 s\s+2 s\s+2 s/);
    expect(plain).toContain("WARNING skew: Duration max 2 s (partition 3");
    const html = b[MIME.html] as string;
    assertWellFormedXml(html);
    expect(externalReferences(html)).toEqual([]);
    expect(html).toContain("&lt;cell 3&gt;");
    expect(JSON.parse(JSON.stringify(b[MIME.metrics]))).toEqual(b[MIME.metrics]);
  });

  it("handles a stage with no finished task", () => {
    const b = renderStageMetrics(stage1, []);
    expect(b[MIME.text]).toContain("0 completed tasks");
  });
});
