// Call sites in a notebook name the user's cell and line exactly as tracebacks do (issue 21):
// RDD labels, toDebugString(), job descriptions and the DAG for a multi-line cell run through the
// kernel's real cell executor (tslab's compiler, the VM wrapper) against a real local cluster.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CellExecutor, installCellPositionHook } from "../../kernel/executor/cell-executor";
import { startSession } from "../engine/helpers";
import type { SparkContext, SparkSession } from "../../engine/index";

let spark: SparkSession, sc: SparkContext, ex: CellExecutor;
const g = globalThis as Record<string, unknown>;

beforeAll(async () => {
  ({ spark, sc } = await startSession("local[1]"));
  ex = new CellExecutor(process.cwd());
  installCellPositionHook(() => ex);
  g.sc = sc;
  const decl = await ex.execute("const sc = (globalThis as any).sc; let out: any;", 1);
  expect(decl.status).toBe("ok");
}, 120_000);

afterAll(async () => {
  delete g.sc;
  await spark?.stop();
});

// Twelve lines; the calls are on lines 1, 8, 9, 10 and 12 (the case from the issue).
const CELL = [
  "const a = sc.parallelize([1, 2, 3, 4, 5, 6], 2);",
  "// a comment",
  "const f = (x: number) => x * 2;",
  "function g(x: number): number {",
  "  return x + 1;",
  "}",
  "/* a block comment */",
  "const b = a.map(f);",
  "const c = b.map(g).filter((x: number) => x > 3);",
  "const pairs = c.map((x: number) => [x % 2, x] as [number, number]).reduceByKey((p: number, q: number) => p + q);",
  "",
  "out = { rdd: pairs, rows: await pairs.collect() };",
].join("\n");

describe("call sites of a multi-line notebook cell", () => {
  it("name the user's lines in RDD labels, toDebugString, the job and the DAG", async () => {
    const r = await ex.execute(CELL, 2);
    expect(r.status, r.status === "error" ? r.error.traceback.join("\n") : "").toBe("ok");
    const out = (await ex.execute("out", 90) as { value: unknown }).value as { rdd: { callSite: string; toDebugString(): string }; rows: Array<[number, number]> };
    // Independent reference: the same pipeline in plain JS.
    const ref = new Map<number, number>();
    for (const x of [1, 2, 3, 4, 5, 6].map((x) => x * 2).map((x) => x + 1).filter((x) => x > 3)) ref.set(x % 2, (ref.get(x % 2) ?? 0) + x);
    expect(new Map(out.rows)).toEqual(ref);

    expect(out.rdd.callSite).toBe("reduceByKey at <cell 2>:10");
    const debug = out.rdd.toDebugString();
    for (const site of ["reduceByKey at <cell 2>:10", "map at <cell 2>:10", "filter at <cell 2>:9", "map at <cell 2>:9", "map at <cell 2>:8", "parallelize at <cell 2>:1"]) {
      expect(debug).toContain(site);
    }
    // No label points past the end of the cell or at a line without a call.
    const lines = [...debug.matchAll(/<cell 2>:(\d+)/g)].map((m) => Number(m[1]));
    expect(new Set(lines)).toEqual(new Set([1, 8, 9, 10]));

    const job = sc.lastJob()!;
    const dag = job.dag();
    expect(dag.description).toBe("collect at <cell 2>:12");
    expect(sc.statusTracker().getJobInfo(job.jobId)?.description).toBe("collect at <cell 2>:12");
    expect(dag.stages.map((s) => s.name).sort()).toEqual(["collect at <cell 2>:12", "map at <cell 2>:10"].sort());
    expect(new Set(dag.rdds.map((x) => x.callSite))).toEqual(new Set([
      "parallelize at <cell 2>:1", "map at <cell 2>:8", "map at <cell 2>:9", "filter at <cell 2>:9", "map at <cell 2>:10", "reduceByKey at <cell 2>:10",
    ]));
  }, 120_000);

  it("names line 1 of a one-line cell (the wrapper's prefix is not counted)", async () => {
    const r = await ex.execute("out = { rdd: sc.parallelize([1, 2, 3]).map((x: number) => x + 1), rows: await sc.parallelize([7]).collect() };", 3);
    expect(r.status, r.status === "error" ? r.error.traceback.join("\n") : "").toBe("ok");
    const out = (await ex.execute("out", 91) as { value: unknown }).value as { rdd: { callSite: string } };
    expect(out.rdd.callSite).toBe("map at <cell 3>:1");
    expect(sc.lastJob()!.dag().description).toBe("collect at <cell 3>:1");
  }, 60_000);
});
