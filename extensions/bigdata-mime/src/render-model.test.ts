// The extension draws each MIME payload with the engine's renderers, and falls back safely.
import { describe, expect, it } from "vitest";
import { renderDag } from "../../../engine/viz/dag";
import { renderJobSummary } from "../../../engine/viz/job-summary";
import { renderProgress } from "../../../engine/viz/progress";
import { renderStageMetrics } from "../../../engine/viz/stage-metrics";
import { renderTable } from "../../../engine/viz/table";
import { renderPlanGraph } from "../../../engine/viz/plan-graph";
import { renderStreamTable } from "../../../engine/viz/stream-table";
import { renderLineage } from "../../../engine/viz/lineage";
import { MIME } from "../../../engine/viz/mime";
import { IntegerType, StringType, StructField, StructType } from "../../../engine/sql/types";
import { dagFixture, jobFixture, planFixture, runningJob, runningStages, stagesFixture, tasksFixture } from "../../../test/fixtures/viz/fixtures";
import { assertWellFormedXml } from "../../../test/fixtures/viz/xml-check";
import extension, { MIME_TYPES, renderView } from "./index";

/** What a bundle looks like after a JSON round trip through the notebook file. */
const viaJson = (b: Record<string, unknown>) => JSON.parse(JSON.stringify(b)) as Record<string, unknown>;

describe("renderView", () => {
  it("redraws every payload kind exactly as the static HTML", () => {
    const schema = new StructType([StructField("id", IntegerType), StructField("name", StringType)]);
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [MIME.dag, renderDag(dagFixture), "dag"],
      [MIME.progress, renderProgress(runningJob, runningStages, { now: runningJob.submissionTime + 1500 }), "progress"],
      [MIME.progress, renderJobSummary(jobFixture, stagesFixture, tasksFixture), "summary"],
      [MIME.metrics, renderStageMetrics(stagesFixture[2]!, tasksFixture), "metrics"],
      [MIME.table, renderTable(schema, [{ id: 2, name: "b" }, { id: 1, name: null }], { totalRows: 5 }), "table"],
      [MIME.plan, renderPlanGraph(planFixture), "plan"],
      [MIME.stream, renderStreamTable({ progress: [{ batchId: 0, numInputRows: 3 }], schema, rows: [{ id: 1, name: "x" }] }), "stream"],
      [MIME.lineage, renderLineage("(1) ParallelCollectionRDD[0] at parallelize at <cell 1>:1 []"), "lineage"],
    ];
    for (const [mime, bundle, kind] of cases) {
      const v = renderView(mime, viaJson(bundle));
      expect(v.kind).toBe(kind);
      assertWellFormedXml(v.html);
      if (kind !== "table") expect(v.html).toBe(bundle[MIME.html]);
    }
  });

  it("sorts tables on request", () => {
    const schema = new StructType([StructField("id", IntegerType)]);
    const b = viaJson(renderTable(schema, [{ id: 2 }, { id: 10 }, { id: 1 }]));
    const html = renderView(MIME.table, b, { sort: { column: 0, descending: true } }).html;
    expect([...html.matchAll(/<td[^>]*>(\d+)<\/td>/g)].map((m) => m[1])).toEqual(["10", "2", "1"]);
    expect(html).toContain("id \u25BC");
  });

  it("falls back to the bundle's HTML, then to escaped text", () => {
    expect(renderView(MIME.dag, { [MIME.dag]: { nope: 1 }, [MIME.html]: "<b>x</b>", [MIME.text]: "x" })).toEqual({ kind: "fallback", html: "<b>x</b>" });
    expect(renderView(MIME.plan, { [MIME.plan]: 3, [MIME.text]: "<plan>" })).toEqual({ kind: "fallback", html: "<pre>&lt;plan&gt;</pre>" });
  });

  it("registers one factory for all the workbench MIME types", () => {
    expect(extension.rendererFactory.mimeTypes).toEqual(MIME_TYPES);
    expect(extension.rendererFactory.safe).toBe(true);
    expect(MIME_TYPES.every((m) => m.startsWith("application/vnd.bigdata."))).toBe(true);
  });
});
