// The L09 notebook runs headless through `workbench run` with no error, its PageRank versions
// agree, and with the model answers every exercise check says correct.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { engineReady, installBigdataKernel, kernelInstallerExists, makeSandbox, ROOT, type Sandbox } from "./helpers/sandbox";
import { runProcess, workbench } from "./helpers/processes";
import { L09_SOLUTIONS } from "../../notebooks/src/L09";

const L09 = join(ROOT, "notebooks", "L09-graphs.ipynb");
const bigdataReady = kernelInstallerExists() && (await engineReady());

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox();
  if (bigdataReady) await installBigdataKernel(sb);
});
afterAll(async () => { await sb?.cleanup(); });

describe("L09 notebook", () => {
  it("is committed as generated", async () => {
    const check = await runProcess(process.execPath, ["--import", "tsx", join(ROOT, "notebooks", "src", "L09.ts"), "--check"], { cwd: ROOT });
    expect(check.code, check.stderr).toBe(0);
  });

  it.skipIf(!bigdataReady)("with the model answers, runs headless and every check says correct", async () => {
    const nb = JSON.parse(await readFile(L09, "utf8"));
    for (const { find, replace } of L09_SOLUTIONS) {
      const hits = nb.cells.filter((c: { source: string[] }) => c.source.join("").includes(find));
      expect(hits.length, find).toBe(1);
      hits[0].source = [hits[0].source.join("").replace(find, replace)];
    }
    const input = join(sb.dir, "work", "L09-solved.ipynb");
    await writeFile(input, JSON.stringify(nb));
    const out = join(sb.dir, "work", "L09-solved.out.ipynb");
    const res = await workbench(["run", input, "--output", out, "--timeout", "300", "--cwd", join(ROOT, "notebooks")], { env: sb.env });
    expect(res.code, res.stderr).toBe(0);
    const printed = JSON.stringify(JSON.parse(await readFile(out, "utf8")).cells.map((c: { outputs?: unknown }) => c.outputs ?? []));
    expect(printed.match(/✔/g)?.length).toBe(2);
    expect(printed).not.toMatch(/✘|not answered yet/);
    expect(printed).toContain("RDD version matches local: true");
    expect(printed).toContain("Pregel version matches local: true");
    expect(printed).toContain("7.000000/33");
  }, 600_000);
});
