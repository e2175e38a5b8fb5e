// Physical plan graph: explain-like text, SVG with every operator and rows on each edge.
import { describe, expect, it } from "vitest";
import { planFixture } from "../../test/fixtures/viz/fixtures";
import { assertWellFormedXml, externalReferences } from "../../test/fixtures/viz/xml-check";
import { planText, renderPlanGraph } from "./plan-graph";
import { MIME } from "./mime";

describe("renderPlanGraph", () => {
  it("prints an explain-style tree with metrics", () => {
    expect(planText(planFixture).split("\n")).toEqual([
      "HashAggregate (keys=[dept#7], functions=[count(1)]) [number of output rows: 4, time: 3 ms]",
      "+- Exchange hashpartitioning(dept#7, 4) [number of output rows: 8, shuffle bytes written: 1.2 KiB]",
      "   +- HashAggregate (keys=[dept#7], functions=[partial_count(1)]) [number of output rows: 8]",
      "      +- BroadcastHashJoin [dept_id#2], [dept_id#6], Inner, BuildRight [number of output rows: 1,234]",
      "         :- Filter (isnotnull(age#3) AND (age#3 > 21)) [number of output rows: 1,300]",
      "         :  +- Scan parquet people [dept_id#2,age#3] PushedFilters: [IsNotNull(age), GreaterThan(age,21)] [number of output rows: 5,000, number of files read: 2]",
      "         +- BroadcastExchange HashedRelationBroadcastMode [number of output rows: 4]",
      "            +- Scan csv depts [dept_id#6,dept#7] [number of output rows: 4]",
    ]);
  });

  it("draws each operator once with rows on the edges", () => {
    const b = renderPlanGraph(planFixture, { title: "Query 1" });
    const svg = b[MIME.svg] as string;
    assertWellFormedXml(svg);
    expect(externalReferences(svg)).toEqual([]);
    expect(svg.match(/class="bdw-plan-node"/g)).toHaveLength(8);
    expect(svg.match(/class="bdw-plan-edge"/g)).toHaveLength(7);
    expect(svg).toContain("5,000 rows");
    expect(svg).toContain("1,234 rows");
    expect(svg).toContain("(age#3 &gt; 21)");
    assertWellFormedXml(b[MIME.html] as string);
    expect(b[MIME.plan]).toBe(planFixture);
  });
});
