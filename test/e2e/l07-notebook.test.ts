// The L07 notebook (DataFrames, Catalyst, ML) runs headless through `workbench run` on the
// bigdata kernel with no error, its outputs show what the lecture claims (checked against plain
// JS computed in the notebook), and the model answers make every exercise check say correct.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { engineReady, installBigdataKernel, kernelInstallerExists, makeSandbox, ROOT, type Sandbox } from "./helpers/sandbox";
import { runProcess, workbench } from "./helpers/processes";
import { L07_SOLUTIONS } from "../../notebooks/src/L07";

const L07 = join(ROOT, "notebooks", "L07-spark-sql-and-ml.ipynb");
const bigdataReady = kernelInstallerExists() && (await engineReady());

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox();
  if (bigdataReady) await installBigdataKernel(sb);
});
afterAll(async () => {
  await sb?.cleanup();
});

describe("L07 notebook", () => {
  it("is committed as generated, with empty outputs and the bigdata kernelspec", async () => {
    const check = await runProcess(process.execPath, ["--import", "tsx", join(ROOT, "notebooks", "src", "L07.ts"), "--check"], { cwd: ROOT });
    expect(check.code, check.stderr).toBe(0);
    const nb = JSON.parse(await readFile(L07, "utf8"));
    expect(nb.metadata.kernelspec.name).toBe("bigdata");
    for (const c of nb.cells.filter((x: { cell_type: string }) => x.cell_type === "code")) {
      expect(c.outputs).toEqual([]);
      expect(c.execution_count).toBeNull();
    }
  });

  it.skipIf(!bigdataReady)("runs headless with `workbench run` and no error", async () => {
    const out = join(sb.dir, "work", "L07.out.ipynb");
    const res = await workbench(["run", L07, "--output", out, "--timeout", "300", "--cwd", join(ROOT, "notebooks")], { env: sb.env });
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
    const nb = JSON.parse(await readFile(out, "utf8"));
    const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code");
    expect(code.every((c: { execution_count: number | null }) => c.execution_count !== null)).toBe(true);
    const all = JSON.stringify(nb.cells);
    expect(all).toContain("same answers: true");
    expect(all).toContain("Analyzed Logical Plan");
    expect(all).toContain("Optimized Logical Plan");
    expect(all).toContain("Physical Plan");
    expect(all).toContain("surrogate (mean BMI)");
    expect(all).toMatch(/labels in index order: \[ 'no', 'yes', 'former' \]|labels in index order/);
    expect(all).toMatch(/\d+ jobs on the workers, \d+ L-BFGS iterations/);
    expect(all).toContain("sensitivity = TP/(TP+FN)");
    expect(all).toContain("application/vnd.vegalite.v5+json");
    expect(all).toMatch(/best model's test AUC = 0\.\d+/);
    expect(all).toContain("<svg");
  }, 600_000);

  it.skipIf(!bigdataReady)("with the model answers filled in, every exercise check says correct", async () => {
    const nb = JSON.parse(await readFile(L07, "utf8"));
    for (const { find, replace } of L07_SOLUTIONS) {
      const hits = nb.cells.filter((c: { source: string[] }) => c.source.join("").includes(find));
      expect(hits.length, find).toBe(1);
      hits[0].source = [hits[0].source.join("").replace(find, replace)];
    }
    const input = join(sb.dir, "work", "L07-solved.ipynb");
    await writeFile(input, JSON.stringify(nb));
    const output = join(sb.dir, "work", "L07-solved.out.ipynb");
    const res = await workbench(["run", input, "--output", output, "--timeout", "300", "--cwd", join(ROOT, "notebooks")], { env: sb.env });
    expect(res.code, res.stderr).toBe(0);
    const printed = JSON.stringify(JSON.parse(await readFile(output, "utf8")).cells.map((c: { outputs?: unknown }) => c.outputs ?? []));
    expect(printed.match(/✔/g)?.length).toBe(4);
    expect(printed).not.toMatch(/✘|not answered yet/);
  }, 600_000);
});
