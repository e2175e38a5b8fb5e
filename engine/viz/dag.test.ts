// DAG renderer: well-formed self-contained SVG with every stage, RDD, shuffle label and marker.
import { describe, expect, it } from "vitest";
import { dagFixture, joinDagFixture } from "../../test/fixtures/viz/fixtures";
import { assertWellFormedXml, externalReferences } from "../../test/fixtures/viz/xml-check";
import { dagText, renderDag } from "./dag";
import { MIME } from "./mime";

describe("renderDag", () => {
  const b = renderDag(dagFixture);
  const svg = b[MIME.svg] as string;

  it("produces well-formed SVG with no external references", () => {
    assertWellFormedXml(svg);
    expect(externalReferences(svg)).toEqual([]);
    expect(svg).not.toContain("<script");
    assertWellFormedXml(b[MIME.html] as string);
    expect(b[MIME.dag]).toBe(dagFixture);
  });

  it("draws every stage and RDD with its call site, escaped", () => {
    for (const s of dagFixture.stages) expect(svg).toContain(`data-stage="${s.stageId}"`);
    for (const r of dagFixture.rdds) expect(svg).toContain(`data-rdd="${r.id}"`);
    expect(svg).toContain("Stage 0 (skipped)");
    expect(svg).toContain("ShuffledRDD [3]");
    expect(svg).toContain("reduceByKey at &lt;cell 3&gt;:1");
    expect(svg).toContain("mapValues &lt;&amp; &#39;quoted&#39;&gt; at &lt;cell 3&gt;:2");
  });

  it("marks the cached RDD, the skipped stage and labels shuffles with bytes and records", () => {
    expect(svg.match(/class="bdw-cached"/g)).toHaveLength(1);
    const cachedGroup = /<g class="bdw-rdd bdw-rdd-cached" data-rdd="(\d+)"/.exec(svg);
    expect(cachedGroup?.[1]).toBe("2");
    expect(svg).toMatch(/<g class="bdw-stage bdw-skipped" data-stage="0"/);
    expect(svg).toContain("47.1 KiB · 1,200 rec");
    expect(svg).toContain("3.0 MiB · 350 rec");
    expect(svg.match(/class="bdw-edge bdw-edge-shuffle"/g)).toHaveLength(2);
    expect(svg.match(/class="bdw-edge bdw-edge-narrow"/g)).toHaveLength(4);
    expect(svg).toContain("class=\"bdw-legend\"");
  });

  it("uses marker ids unique to the DAG, stable across renders", () => {
    const ids = [...svg.matchAll(/<marker id="([^"]+)"/g)].map((m) => m[1]);
    const other = renderDag(joinDagFixture)[MIME.svg] as string;
    const otherIds = [...other.matchAll(/<marker id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.some((i) => otherIds.includes(i))).toBe(false);
    expect(renderDag(dagFixture)[MIME.svg]).toBe(svg);
  });

  it("draws two shuffle inputs into one stage (join)", () => {
    const j = renderDag(joinDagFixture)[MIME.svg] as string;
    assertWellFormedXml(j);
    expect(j.match(/data-shuffle="[45]"/g)).toHaveLength(2);
    expect(j).toContain("238.4 MiB · 12,000,000 rec");
    expect(j).toContain("class=\"bdw-checkpointed\"");
    expect(j).toContain("Stage 4 (running)");
  });

  it("describes the DAG in text", () => {
    expect(dagText(dagFixture)).toBe(
      [
        "Job 7: collect at <cell 4>:3 (SUCCEEDED)",
        "Stage 0 (skipped): map at <cell 2>:5 [ShuffleMapStage, 4 tasks]",
        "  ParallelCollectionRDD [0]  parallelize at <cell 1>:2",
        "  MapPartitionsRDD [1]  flatMap at <cell 2>:4",
        "  MapPartitionsRDD [2]  map at <cell 2>:5  (cached MEMORY_ONLY)",
        "  --shuffle 0 (47.1 KiB, 1,200 records)--> Stage 1",
        "Stage 1: reduceByKey at <cell 3>:1 [ShuffleMapStage, 4 tasks]",
        "  ShuffledRDD [3]  reduceByKey at <cell 3>:1",
        "  MapPartitionsRDD [4]  mapValues <& 'quoted'> at <cell 3>:2",
        "  --shuffle 1 (3.0 MiB, 350 records)--> Stage 2",
        "Stage 2: collect at <cell 4>:3 [ResultStage, 2 tasks]",
        "  ShuffledRDD [5]  sortByKey at <cell 4>:2",
        "  MapPartitionsRDD [6]  map at <cell 4>:3",
      ].join("\n"),
    );
  });

  it("survives an empty DAG and RDD ids missing from the rdd list", () => {
    const empty = renderDag({ jobId: 1, description: "x", status: "UNKNOWN", stages: [], rdds: [], edges: [] });
    assertWellFormedXml(empty[MIME.svg] as string);
    const partial = renderDag({ ...dagFixture, rdds: dagFixture.rdds.slice(0, 3) });
    assertWellFormedXml(partial[MIME.svg] as string);
    expect(partial[MIME.svg]).toContain("RDD [5]");
  });
});

describe("large DAGs", () => {
  it("collapses skipped stages past 40 RDDs, and all but the last past 60 drawn RDDs", async () => {
    const { chainDag } = await import("../../test/fixtures/viz/fixtures");
    const { collapsedStages } = await import("./dag");
    expect([...collapsedStages(chainDag(10, 4, 6))]).toEqual([]); // 40 RDDs: all drawn
    expect([...collapsedStages(chainDag(12, 4, 8))]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(collapsedStages(chainDag(30, 5, 0)).size).toBe(29);
    expect([...collapsedStages(dagFixture, "skipped")]).toEqual([0]);
    const svg = renderDag(chainDag(12, 4, 8))[MIME.svg] as string;
    assertWellFormedXml(svg);
    expect(svg.match(/class="bdw-stage bdw-stage-collapsed bdw-skipped"/g)).toHaveLength(8);
    expect(svg.match(/class="bdw-rdd"/g)).toHaveLength(16);
    expect(svg.match(/class="bdw-edge bdw-edge-shuffle"/g)).toHaveLength(11);
    expect(svg).toContain("4 RDDs [0..3]");
  });
});
