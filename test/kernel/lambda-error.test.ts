// The error a student sees when their function throws inside a task (issue 21): one error naming
// the stage, partition and attempts; the cell line of the action; the user's function named; the
// engine's (worker bundle) frames folded into one "… N engine frames" line; printed once.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CellExecutor, installCellPositionHook } from "../../kernel/executor/cell-executor";
import { startSession } from "../engine/helpers";
import type { SparkContext, SparkSession } from "../../engine/index";

let spark: SparkSession, sc: SparkContext, ex: CellExecutor;
const g = globalThis as Record<string, unknown>;
const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, "");

beforeAll(async () => {
  ({ spark, sc } = await startSession("local[1]"));
  ex = new CellExecutor(process.cwd());
  installCellPositionHook(() => ex);
  // As the kernel does (kernel.ts jobCallSite): the failed job's call site names the cell line.
  ex.jobCallSite = (jobId) => {
    const m = /<cell (\d+)>:(\d+)$/.exec(sc.statusTracker().getJobInfo(jobId)?.description ?? "");
    return m ? { file: CellExecutor.fileName(Number(m[1])), line: Number(m[2]) } : undefined;
  };
  g.sc = sc;
  expect((await ex.execute("const sc = (globalThis as any).sc;", 1)).status).toBe("ok");
}, 120_000);
afterAll(async () => { delete g.sc; await spark?.stop(); });

describe("an exception thrown inside a lambda", () => {
  it("is one error: stage, partition, attempts, the action's cell line, the user's function, folded engine frames", async () => {
    const cell = [
      "const rdd = sc.parallelize([1, 2, 3, 4], 2);",
      "const checkValue = (x: number) => {",
      "  if (x === 3) throw new Error(\"bad value \" + x);",
      "  return x;",
      "};",
      "await rdd.map(checkValue).collect();",
    ].join("\n");
    const r = await ex.execute(cell, 2);
    expect(r.status).toBe("error");
    if (r.status !== "error") return;
    const text = strip(r.error.traceback.join("\n"));
    expect(r.error.ename).toBe("ExecutionError");
    expect(text).toMatch(/Task failure \(stage 0, partition 1, 4 attempts, job 0, last on [\w-]+\):/);
    expect(text).toContain("Cell In[2], line 6");
    expect(text).toContain("----> 6 await rdd.map(checkValue).collect();");
    expect(text).toContain("Error: bad value 3");
    // The lambda's own cell line, with its code and the arrow, as a driver frame would show it.
    expect(text).toContain("Cell In[2], line 3, in checkValue (your function, run on a worker)");
    expect(text).toContain("----> 3   if (x === 3) throw new Error(\"bad value \" + x);");
    expect(text).toMatch(/… \d+ engine frames/);
    // No bundle paths, no compiled-closure internals, and the user's error printed once.
    expect(text).not.toContain("worker-bundles");
    expect(text).not.toContain("factoryFor");
    expect(text.match(/Error: bad value 3/g)?.length).toBe(2); // the cause, and the one-line summary
    expect(text.split("\n").length).toBeLessThan(25);
  }, 120_000);
});
