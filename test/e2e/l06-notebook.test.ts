// The L06 notebook runs headless through `workbench run` on the bigdata kernel with no error, and
// a notebook with a deliberate error makes the run exit non-zero with the error shown. The
// committed notebook must also match its generator and carry no outputs.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { engineReady, installBigdataKernel, kernelInstallerExists, L06, makeSandbox, type Sandbox } from "./helpers/sandbox";
import { makeNotebook } from "./helpers/notebooks";
import { pidsMatching, workbench } from "./helpers/processes";
import { expectCommittedAsGenerated, expectSolutionsPass, runNotebook } from "./helpers/lecture-notebooks";
import { L06_SOLUTIONS } from "../../notebooks/src/L06";

const bigdataReady = kernelInstallerExists() && (await engineReady());

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox();
  if (bigdataReady) await installBigdataKernel(sb);
});
afterAll(async () => {
  await sb?.cleanup();
});

describe("L06 notebook", () => {
  it("is committed as generated, with empty outputs and the bigdata kernelspec", () => expectCommittedAsGenerated("L06.ts", L06));

  it.skipIf(!bigdataReady)("runs headless with `workbench run` and no error", async () => {
    const { all } = await runNotebook(sb, L06, "L06", 180);
    // Independent checks on what the lecture claims (values computed by plain JS in the notebook).
    expect(all).toContain("matches plain JavaScript: true");
    expect(all).toContain("same answer: true");
    expect(all).toContain("after map and filter: 0 jobs");
    expect(all).toMatch(/skipped: shuffle output reused/);
    expect(all).toContain("mapValues: 1 shuffle(s), map: 2 shuffle(s)");
    expect(all).toContain("The prediction held");
    expect(all).toMatch(/-> reducer \d+ {2}\(hash = \d+, \d+ mod 2 = \d\)/);   // data on the word count's shuffle edge
    expect(all).toMatch(/Failure replay of job \d+/);
    expect(all).toContain("answer: [[0,4],[1,6],[2,8],[3,10]]");
    expect(all).toMatch(/shuffle write records +\d+ +2,000 /);   // groupByKey ships all 2,000 pairs
    expect(all).toContain("<svg");
    expect(pidsMatching(join(sb.dir, "runtime", "workbench-kernel-"))).toEqual([]);
  }, 600_000);

  it.skipIf(!bigdataReady)("with the model answers filled in, every exercise check says correct", async () => {
    const { outputs } = await expectSolutionsPass(sb, L06, L06_SOLUTIONS, "L06", 3, 180);
    expect(outputs).toContain("the job had 3 stages");
  }, 600_000);

  it.skipIf(!bigdataReady)("a bigdata notebook with a deliberate error exits non-zero and shows the error", async () => {
    const input = join(sb.dir, "work", "broken.ipynb");
    await writeFile(input, JSON.stringify(makeNotebook({ name: "bigdata", language: "typescript" }, [
      { source: "const ok = await sc.parallelize([1, 2, 3], 2).map((x) => x + 1).collect();\nok" },
      { source: 'await sc.parallelize([1, 2, 3], 2).map((x) => { if (x === 2) throw new Error("deliberate task failure"); return x; }).collect()' },
      { source: 'console.log("must not run")' },
    ])));
    const res = await workbench(["run", input], { env: sb.env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("deliberate task failure");
    const nb = JSON.parse(await readFile(join(sb.dir, "work", "broken.out.ipynb"), "utf8"));
    expect(nb.cells[1].outputs.some((o: { output_type: string }) => o.output_type === "error")).toBe(true);
    expect(nb.cells[2].outputs).toEqual([]);
    expect(JSON.stringify(nb.cells[0].outputs)).toMatch(/2,\s*3,\s*4/);
  });
});
