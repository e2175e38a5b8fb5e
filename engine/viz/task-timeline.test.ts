// Task timeline: lanes never hold overlapping tasks, the Vega-Lite spec is self-contained, and
// vega renders it to well-formed SVG offline.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emptyTaskMetrics, type TaskInfo } from "../scheduler/job-info";
import { stagesFixture, tasksFixture, T0 } from "../../test/fixtures/viz/fixtures";
import { assertWellFormedXml, externalReferences } from "../../test/fixtures/viz/xml-check";
import { renderTaskTimeline, taskTimelineSpec, timelineRows, timelineText } from "./task-timeline";
import { MIME } from "./mime";

function t(id: number, worker: string, start: number, dur?: number): TaskInfo {
  return { taskId: id, jobId: 1, stageId: 0, stageAttempt: 0, partition: id, attempt: 0, workerId: worker, launchTime: start, ...(dur !== undefined ? { finishTime: start + dur } : {}), status: dur === undefined ? "RUNNING" : "SUCCESS" };
}

describe("timeline lanes", () => {
  it("puts concurrent tasks of a worker in separate lanes and reuses free lanes", () => {
    const rows = timelineRows([t(1, "w1", 0, 10), t(2, "w1", 5, 10), t(3, "w1", 10, 5), t(4, "w2", 0, 3)]);
    expect(rows.map((r) => r.lane)).toEqual(["w1 · 0", "w2 · 0", "w1 · 1", "w1 · 0"]);
  });

  it("never overlaps two tasks in one lane, and uses as many lanes as the peak concurrency", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 30 }), fc.constantFrom("a", "b")), { minLength: 1, maxLength: 30 }), (specs) => {
        const tasks = specs.map(([s, d, w], i) => t(i, w, s, d));
        const rows = timelineRows(tasks);
        for (const r of rows) for (const o of rows) if (r !== o && r.lane === o.lane) expect(r.end <= o.start || o.end <= r.start).toBe(true);
        for (const w of ["a", "b"]) {
          const mine = tasks.filter((x) => x.workerId === w);
          // peak concurrency by sweeping every launch instant
          const peak = Math.max(0, ...mine.map((x) => mine.filter((y) => y.launchTime <= x.launchTime && y.finishTime! > x.launchTime).length));
          expect(new Set(rows.filter((r) => r.worker === w).map((r) => r.lane)).size).toBe(peak);
        }
      }),
    );
  });

  it("starts a task that waited on its worker behind the slot's previous one (task prefetch) where it ran", () => {
    // Both launched at 0 on one slot; the second waited 10 ms in the slot's queue.
    const queued = { ...t(2, "w1", 0, 15), metrics: { ...emptyTaskMetrics(), queueWaitMs: 10 } };
    const rows = timelineRows([t(1, "w1", 0, 10), queued]);
    expect(rows.map((r) => [r.taskId, r.lane, r.start, r.end, r.duration])).toEqual([[1, "w1 · 0", 0, 10, 10], [2, "w1 · 0", 10, 15, 5]]);
  });

  it("extends running tasks to `now`", () => {
    const rows = timelineRows([t(1, "w", 100, 50), t(2, "w", 120)], [], 400);
    expect(rows[1]).toMatchObject({ start: 20, end: 300, running: true });
  });
});

describe("renderTaskTimeline", () => {
  it("renders spec, SVG and text for the fixture job", async () => {
    const b = await renderTaskTimeline(tasksFixture, stagesFixture, { now: T0 + 3_000 });
    const svg = b[MIME.svg] as string;
    assertWellFormedXml(svg);
    expect(externalReferences(svg)).toEqual([]);
    expect(svg).toContain("worker-1 · 0");
    const spec = b[MIME.vegaLite] as { data: { values: unknown[] } };
    expect(JSON.stringify(spec)).not.toMatch(/https?:/);
    expect(spec.data.values).toHaveLength(6);
    const plain = b[MIME.text] as string;
    expect(plain.split("\n")).toHaveLength(3);
    expect(plain).toContain("6 tasks on 2 worker(s)");
    expect((taskTimelineSpec(tasksFixture) as { height?: number }).height).toBe(44);
  });

  it("handles no tasks", async () => {
    const b = await renderTaskTimeline([]);
    expect(b[MIME.text]).toBe("Task timeline: no tasks");
    expect(timelineText([])).toBe("Task timeline: no tasks");
  });
});
