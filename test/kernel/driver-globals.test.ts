// `sc` and `spark` are globals in the notebook kernel (not captured variables, as in a script):
// using one inside a closure is refused on the driver before the job starts, with the SPARK-5063
// message naming the variable (issue 21), instead of a ReferenceError on a worker.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CellExecutor } from "../../kernel/executor/cell-executor";
import { startSession } from "../engine/helpers";
import type { SparkContext, SparkSession } from "../../engine/index";

let spark: SparkSession, sc: SparkContext, ex: CellExecutor;
const g = globalThis as Record<string, unknown>;
const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, "");

beforeAll(async () => {
  ({ spark, sc } = await startSession("local[1]"));
  ex = new CellExecutor(process.cwd());
  // As the kernel defines them (kernel.ts installGlobals): accessors on globalThis.
  Object.defineProperty(g, "sc", { configurable: true, enumerable: false, get: () => sc });
  Object.defineProperty(g, "spark", { configurable: true, enumerable: false, get: () => spark });
  expect((await ex.execute("const ctx = (globalThis as any).sc;", 1)).status).toBe("ok");
}, 120_000);
afterAll(async () => { delete g.sc; delete g.spark; await spark?.stop(); });

describe("driver-only globals in a closure", () => {
  it.each([
    ["sc", "CONTEXT_ONLY_VALID_ON_DRIVER", "SparkContext can only be used on the driver"],
    ["spark", "", "SparkSession can only be used on the driver"],
  ])("refuses %s before any job starts", async (name, _cond, text) => {
    const before = sc.statusTracker().getJobIdsForGroup().length;
    const r = await ex.execute(`await ctx.parallelize([1, 2, 3]).map((x: number) => {\n  // @ts-ignore: a kernel global\n  const s = ${name};\n  return x;\n}).collect();`, name === "sc" ? 2 : 3);
    expect(r.status).toBe("error");
    if (r.status !== "error") return;
    expect(r.error.evalue).toContain(text);
    expect(r.error.evalue).toContain("SPARK-5063");
    expect(r.error.evalue).toContain(`variable '${name}'`);
    expect(strip(r.error.traceback.join("\n"))).not.toContain("ReferenceError");
    expect(sc.statusTracker().getJobIdsForGroup().length).toBe(before);
  }, 60_000);

  it("still runs closures that use other globals", async () => {
    const r = await ex.execute("await ctx.parallelize([1, 4, 9]).map((x: number) => Math.sqrt(x)).collect();", 4);
    expect(r.status).toBe("ok");
    expect(r.status === "ok" && r.value).toEqual([1, 2, 3]);
  }, 60_000);
});
