// The L05 notebook (partitioning, replication, consistency) is committed as generated and runs
// headless through `workbench run`; with the model answers, every exercise check says correct.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { engineReady, installBigdataKernel, kernelInstallerExists, makeSandbox, ROOT, type Sandbox } from "./helpers/sandbox";
import { runProcess, workbench } from "./helpers/processes";
import { L05_SOLUTIONS } from "../../notebooks/src/L05";

const NB = join(ROOT, "notebooks", "L05-partitioning.ipynb");
const bigdataReady = kernelInstallerExists() && (await engineReady());

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox();
  if (bigdataReady) await installBigdataKernel(sb);
}, 600_000);
afterAll(async () => {
  await sb?.cleanup();
});

describe("L05 notebook", () => {
  it("is committed as generated", async () => {
    const check = await runProcess(process.execPath, ["--import", "tsx", join(ROOT, "notebooks", "src", "L05.ts"), "--check"], { cwd: ROOT });
    expect(check.code, check.stderr).toBe(0);
  });

  it.skipIf(!bigdataReady)("runs headless, shows the lecture's claims, and the model answers pass every check", async () => {
    const nb = JSON.parse(await readFile(NB, "utf8"));
    for (const { find, replace } of L05_SOLUTIONS) {
      const hits = nb.cells.filter((c: { source: string[] }) => c.source.join("").includes(find));
      expect(hits.length, find).toBe(1);
      hits[0].source = [hits[0].source.join("").replace(find, replace)];
    }
    const input = join(sb.dir, "work", "L05-solved.ipynb");
    await writeFile(input, JSON.stringify(nb));
    const res = await workbench(["run", input, "--output", "-", "--timeout", "180", "--cwd", join(ROOT, "notebooks")], { env: sb.env });
    expect(res.code, res.stderr).toBe(0);
    const printed = JSON.stringify(JSON.parse(res.stdout).cells.map((c: { outputs?: unknown }) => c.outputs ?? []));
    expect(printed.match(/✔/g)?.length).toBe(2);
    expect(printed).not.toMatch(/✘|not answered yet/);
    expect(printed).toContain("(stale!)");
    expect(printed).toContain("conflict: true");
    expect(printed).toMatch(/ring: 1\d\.\d% of keys moved|ring: 2\d\.\d% of keys moved/);
  }, 600_000);
});
