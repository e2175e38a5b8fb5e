// The L06 notebook runs headless through `workbench run` on the bigdata kernel with no error, and
// a notebook with a deliberate error makes the run exit non-zero with the error shown. The
// committed notebook must also match its generator and carry no outputs.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { engineReady, installBigdataKernel, kernelInstallerExists, L06, makeSandbox, ROOT, type Sandbox } from "./helpers/sandbox";
import { makeNotebook } from "./helpers/notebooks";
import { pidsMatching, runProcess, workbench } from "./helpers/processes";
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
  it("is committed as generated, with empty outputs and the bigdata kernelspec", async () => {
    const check = await runProcess(process.execPath, ["--import", "tsx", join(ROOT, "notebooks", "src", "L06.ts"), "--check"], { cwd: ROOT });
    expect(check.code, check.stderr).toBe(0);
    const nb = JSON.parse(await readFile(L06, "utf8"));
    expect(nb.metadata.kernelspec.name).toBe("bigdata");
    expect(nb.metadata.kernelspec.language).toBe("typescript");
    for (const c of nb.cells.filter((x: { cell_type: string }) => x.cell_type === "code")) {
      expect(c.outputs).toEqual([]);
      expect(c.execution_count).toBeNull();
    }
  });

  it.skipIf(!bigdataReady)("runs headless with `workbench run` and no error", async () => {
    const out = join(sb.dir, "work", "L06.out.ipynb");
    const res = await workbench(["run", L06, "--output", out, "--timeout", "180"], { env: sb.env });
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
    const nb = JSON.parse(await readFile(out, "utf8"));
    const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code");
    expect(code.every((c: { execution_count: number | null }) => c.execution_count !== null)).toBe(true);
    const all = JSON.stringify(nb.cells);
    // Independent checks on what the lecture claims (values computed by plain JS in the notebook).
    expect(all).toContain("matches plain JavaScript: true");
    expect(all).toContain("same answer: true");
    expect(all).toContain("after map and filter: 0 jobs");
    expect(all).toMatch(/skipped: shuffle output reused/);
    expect(all).toContain("<svg");
    expect(pidsMatching(join(sb.dir, "runtime", "workbench-kernel-"))).toEqual([]);
  });

  it.skipIf(!bigdataReady)("with the model answers filled in, every exercise check says correct", async () => {
    const nb = JSON.parse(await readFile(L06, "utf8"));
    for (const { find, replace } of L06_SOLUTIONS) {
      const hits = nb.cells.filter((c: { source: string[] }) => c.source.join("").includes(find));
      expect(hits.length, find).toBe(1);
      hits[0].source = [hits[0].source.join("").replace(find, replace)];
    }
    const input = join(sb.dir, "work", "L06-solved.ipynb");
    await writeFile(input, JSON.stringify(nb));
    // The kernel's cwd is the package's notebooks/ folder, as for the real L06 (notebooks
    // outside the package: outside-package-typing.test.ts).
    const res = await workbench(["run", input, "--output", "-", "--timeout", "180", "--cwd", join(ROOT, "notebooks")], { env: sb.env });
    expect(res.code, res.stderr).toBe(0);
    const printed = JSON.stringify(JSON.parse(res.stdout).cells.map((c: { outputs?: unknown }) => c.outputs ?? []));
    expect(printed.match(/✔/g)?.length).toBe(3);
    expect(printed).not.toMatch(/✘|not answered yet/);
    expect(printed).toContain("the job had 3 stages");
  });

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
