// Pure interaction logic on the engine's DAG/plan/table fixtures.
import { describe, expect, it } from "vitest";
import { dagFixture, joinDagFixture, planFixture } from "../../../test/fixtures/viz/fixtures";
import type { TablePayload } from "../../../engine/viz/table";
import { compareCells, lineageOf, nextSort, planSubtreeIds, rddOfNodeId, sortTable, stageDetails, stageDetailsHtml, upstreamStages } from "./interactions";
import { assertWellFormedXml } from "../../../test/fixtures/viz/xml-check";

describe("DAG interactions", () => {
  it("finds an RDD's lineage across shuffles", () => {
    expect([...lineageOf(dagFixture, 4)].sort()).toEqual([0, 1, 2, 3, 4]);
    expect([...lineageOf(dagFixture, 1)].sort()).toEqual([0, 1]);
    expect([...lineageOf(joinDagFixture, 14)].sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14]);
    expect([...lineageOf(joinDagFixture, 11)].sort((a, b) => a - b)).toEqual([10, 11]);
    expect([...lineageOf(dagFixture, 99)]).toEqual([99]);
  });

  it("finds upstream stages and node ids", () => {
    expect([...upstreamStages(joinDagFixture, 5)].sort()).toEqual([3, 4, 5]);
    expect([...upstreamStages(dagFixture, 1)].sort()).toEqual([0, 1]);
    expect(rddOfNodeId("s3r12")).toBe(12);
    expect(rddOfNodeId("title3")).toBeUndefined();
  });

  it("describes a clicked stage", () => {
    const d = stageDetails(dagFixture, 1)!;
    expect(d.rdds.map((r) => r.id)).toEqual([3, 4]);
    expect(d.shuffleIn).toEqual([{ fromStage: 0, shuffleId: 0, bytes: 48_213, records: 1_200 }]);
    expect(d.shuffleOut).toEqual([{ toStage: 2, shuffleId: 1, bytes: 3_100_000, records: 350 }]);
    const html = stageDetailsHtml(stageDetails(dagFixture, 0)!);
    assertWellFormedXml(html);
    expect(html).toContain("skipped: its shuffle output already existed");
    expect(html).toContain("cached MEMORY_ONLY");
    expect(stageDetails(dagFixture, 42)).toBeUndefined();
  });
});

describe("table sorting", () => {
  const p: TablePayload = {
    columns: [{ name: "n", type: "int", nullable: true }, { name: "s", type: "string", nullable: true }],
    rows: [[3, "b"], [null, "a"], [1, null], [2, "c"], [1, "z"]],
  };
  it("sorts numbers numerically with nulls last both ways, stably", () => {
    expect(sortTable(p, 0, false).rows).toEqual([[1, null], [1, "z"], [2, "c"], [3, "b"], [null, "a"]]);
    expect(sortTable(p, 0, true).rows).toEqual([[3, "b"], [2, "c"], [1, null], [1, "z"], [null, "a"]]);
    expect(sortTable(p, 1, false).rows.map((r) => r[1])).toEqual(["a", "b", "c", "z", null]);
    expect(p.rows[0]).toEqual([3, "b"]); // input untouched
  });
  it("cycles the sort direction per column", () => {
    expect(nextSort(undefined, 1)).toEqual({ column: 1, descending: false });
    expect(nextSort({ column: 1, descending: false }, 1)).toEqual({ column: 1, descending: true });
    expect(nextSort({ column: 1, descending: true }, 0)).toEqual({ column: 0, descending: false });
    expect(compareCells(10, 9)).toBeGreaterThan(0);
    expect(compareCells("10", "9")).toBeLessThan(0);
  });
});

describe("plan interactions", () => {
  it("finds an operator's inputs", () => {
    expect([...planSubtreeIds(planFixture, 3)].sort()).toEqual([3, 4, 5, 6, 7]);
    expect([...planSubtreeIds(planFixture, 6)].sort()).toEqual([6, 7]);
    expect([...planSubtreeIds(planFixture, 99)]).toEqual([]);
  });
});
