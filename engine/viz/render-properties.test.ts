// Property checks over generated inputs: show() tables are rectangular and complete; any DAG
// (random stages, RDDs, shuffles, skips, caching) renders to well-formed, self-contained SVG
// holding every RDD it was given.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { JobDag } from "../scheduler/job-info";
import { IntegerType, StringType, StructField, StructType, DoubleType, BooleanType } from "../sql/types";
import { renderDag } from "./dag";
import { MIME } from "./mime";
import { showString } from "./show-string";
import { assertWellFormedXml, externalReferences } from "../../test/fixtures/viz/xml-check";

const schema = new StructType([StructField("i", IntegerType), StructField("s", StringType), StructField("d", DoubleType), StructField("b", BooleanType)]);
const row = fc.record({
  i: fc.option(fc.integer(), { nil: null }),
  s: fc.option(fc.string({ unit: fc.constantFrom("a", "b", "Z", " ", "-", "é"), maxLength: 30 }), { nil: null }),
  d: fc.option(fc.double({ noNaN: false }), { nil: null }),
  b: fc.option(fc.boolean(), { nil: null }),
});

describe("showString properties", () => {
  it("prints a rectangle of n rows with borders, and the footer exactly when rows were cut", () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 12 }), fc.integer({ min: 0, max: 10 }), fc.constantFrom<number | boolean>(true, false, 5, 0, 2), (rows, n, t) => {
        const out = showString(schema, rows, n, t);
        const lines = out.split("\n");
        expect(lines.pop()).toBe("");
        const shown = Math.min(n, rows.length);
        const footer = rows.length > n ? 1 : 0;
        expect(lines).toHaveLength(4 + shown + footer);
        const table = lines.slice(0, 4 + shown);
        const w = table[0]!.length;
        for (const l of table) expect(l.length).toBe(w);
        expect(table[0]).toBe(table[2]);
        expect(table[0]).toBe(table[table.length - 1]);
        expect(table[0]).toMatch(/^\+(-+\+)+$/);
        for (const l of table.slice(3, -1)) expect(l.split("|")).toHaveLength(schema.length + 2);
        if (footer) expect(lines[lines.length - 1]).toBe(`only showing top ${n} ${n === 1 ? "row" : "rows"}`);
        // every cell is at most `truncate` long when truncating
        const limit = t === true ? 20 : typeof t === "number" && t > 0 ? t : Infinity;
        for (const l of table.slice(3, -1)) for (const c of l.slice(1, -1).split("|")) expect(c.trim().length).toBeLessThanOrEqual(Math.max(limit, 3));
      }),
    );
  });
});

/** Random job DAGs: a forest of stages (parents have lower ids), 1-4 RDDs each. */
const dagArb = fc
  .array(fc.record({ rdds: fc.integer({ min: 1, max: 4 }), parents: fc.array(fc.nat(), { maxLength: 2 }), skipped: fc.boolean(), cachedAt: fc.option(fc.nat(), { nil: undefined }) }), { minLength: 1, maxLength: 7 })
  .map((specs): JobDag => {
    const dag: JobDag = { jobId: 1, description: "gen", status: "SUCCEEDED", stages: [], rdds: [], edges: [] };
    let id = 0;
    specs.forEach((spec, s) => {
      const parentStages = s === 0 ? [] : [...new Set(spec.parents.map((p) => p % s))];
      const ids: number[] = [];
      for (let k = 0; k < spec.rdds; k++) {
        const parents =
          k === 0
            ? parentStages.map((ps) => {
                const st = dag.stages[ps]!;
                return { rddId: st.rddIds[st.rddIds.length - 1]!, dependency: "shuffle" as const, shuffleId: ps };
              })
            : [{ rddId: id - 1, dependency: "narrow" as const }];
        dag.rdds.push({ id, name: k === 0 && parents.length ? "ShuffledRDD" : "MapPartitionsRDD", callSite: `op${id} at <cell ${s}>:${k}`, numPartitions: 2, cached: spec.cachedAt === k, parents });
        ids.push(id++);
      }
      dag.stages.push({ stageId: s, name: `stage ${s}`, kind: "ShuffleMapStage", rddIds: ids, parentStageIds: parentStages, status: spec.skipped ? "SKIPPED" : "COMPLETE", skipped: spec.skipped, numTasks: 2, shuffleId: s });
      for (const ps of parentStages) dag.edges.push({ fromStage: ps, toStage: s, shuffleId: ps, bytes: 100 * (ps + 1), records: ps + 1 });
    });
    return dag;
  });

describe("renderDag properties", () => {
  it("renders any DAG to well-formed SVG with every RDD and shuffle", () => {
    fc.assert(
      fc.property(dagArb, (dag) => {
        const svg = renderDag(dag, { collapse: "none" })[MIME.svg] as string;
        assertWellFormedXml(svg);
        expect(externalReferences(svg)).toEqual([]);
        for (const r of dag.rdds) expect(svg).toContain(`data-rdd="${r.id}"`);
        expect(svg.match(/class="bdw-edge bdw-edge-shuffle"/g)?.length ?? 0).toBe(dag.edges.length);
        expect(svg.match(/class="bdw-cached"/g)?.length ?? 0).toBe(dag.rdds.filter((r) => r.cached).length);
        expect(svg).not.toMatch(/NaN|undefined|Infinity/);
      }),
      { numRuns: 25 },
    );
  });
});
