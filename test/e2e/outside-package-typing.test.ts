// A notebook whose folder is outside the package (the kernel's cwd has no node_modules of ours):
// cells keep engine objects in variables (tslab must name their types in the declarations it
// emits for later cells), import engine types by package name, and get real types, not `any`.
// Once a known bug: "The inferred type of 'r' cannot be named without a reference to
// '.../node_modules/.cache/bigdata-workbench/kernel-types/...'".

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { engineReady, installBigdataKernel, kernelInstallerExists, makeSandbox, type Sandbox } from "./helpers/sandbox";
import { makeNotebook, normalizedOutputs } from "./helpers/notebooks";
import { workbench } from "./helpers/processes";

const bigdataReady = kernelInstallerExists() && (await engineReady());

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox();
  if (bigdataReady) await installBigdataKernel(sb);
}, 300_000);
afterAll(async () => {
  await sb?.cleanup();
});

describe.skipIf(!bigdataReady)("a notebook outside the package", () => {
  it("keeps RDDs in consts across cells, with the engine's real types", async () => {
    const input = join(sb.dir, "work", "outside.ipynb");
    await writeFile(input, JSON.stringify(makeNotebook({ name: "bigdata", language: "typescript" }, [
      { source: "const r = sc.parallelize([1, 2, 3], 2);\nawait r.count()" },
      { source: "const doubled = r.map((x) => x * 2);\nawait doubled.collect()" },
      { source: "import type { RDD } from \"bigdata-workbench\";\nconst typed: RDD<number> = doubled;\nawait typed.sum()" },
      // Not `any`: a wrong annotation is a compile error naming both types.
      { source: "const wrong: string = await r.count();", tags: ["raises-exception"] },
      // A multi-line named import binds every name for later cells (once they were undefined at run time).
      { source: "import {\n  F,\n  col,\n} from \"bigdata-workbench\";" },
      { source: "typeof F.upper + \" \" + typeof col" },
    ])));
    const res = await workbench(["run", input, "--output", "-", "--quiet"], { env: sb.env, timeoutMs: 240_000 });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const outs = normalizedOutputs(JSON.parse(res.stdout));
    // Cells with jobs also show progress panels (display_data); compare their results.
    const result = (i: number) => outs[i]!.find((o) => o.output_type === "execute_result")?.data["text/plain"];
    expect([result(0), result(1), result(2)]).toEqual(["3", "[ 2, 4, 6 ]", "12"]);
    const err = outs[3]!.find((o) => o.output_type === "error");
    expect(err?.ename).toBe("TSError");
    expect(String(err?.evalue)).toMatch(/Type 'number' is not assignable to type 'string'/);
    expect(result(5)).toBe("'function function'");
  }, 300_000);
});
