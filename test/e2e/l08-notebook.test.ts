// The L08 (streaming) notebook runs headless through `workbench run` with no error; its claims
// are checked against values the notebook computes in plain JS (the guide's example, restart);
// with the model answers filled in, every exercise check says correct. The committed notebook
// must match its generator and carry no outputs.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { engineReady, installBigdataKernel, kernelInstallerExists, makeSandbox, ROOT, type Sandbox } from "./helpers/sandbox";
import { pidsMatching, runProcess, workbench } from "./helpers/processes";
import { L08_SOLUTIONS } from "../../notebooks/src/L08";

const L08 = join(ROOT, "notebooks", "L08-streaming.ipynb");
const bigdataReady = kernelInstallerExists() && (await engineReady());

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox();
  if (bigdataReady) await installBigdataKernel(sb);
});
afterAll(async () => {
  await sb?.cleanup();
});

describe("L08 notebook (structured streaming)", () => {
  it("is committed as generated, with empty outputs and the bigdata kernelspec", async () => {
    const check = await runProcess(process.execPath, ["--import", "tsx", join(ROOT, "notebooks", "src", "L08.ts"), "--check"], { cwd: ROOT });
    expect(check.code, check.stderr).toBe(0);
    const nb = JSON.parse(await readFile(L08, "utf8"));
    expect(nb.metadata.kernelspec.name).toBe("bigdata");
    for (const c of nb.cells.filter((x: { cell_type: string }) => x.cell_type === "code")) {
      expect(c.outputs).toEqual([]);
      expect(c.execution_count).toBeNull();
    }
  });

  it.skipIf(!bigdataReady)("runs headless with `workbench run` and no error; live panels, the guide's example, restart", async () => {
    const out = join(sb.dir, "work", "L08.out.ipynb");
    const res = await workbench(["run", L08, "--output", out, "--timeout", "240", "--cwd", join(ROOT, "notebooks")], { env: sb.env });
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
    const nb = JSON.parse(await readFile(out, "utf8"));
    const all = JSON.stringify(nb.cells);
    expect(all).toContain("matches plain JavaScript: true");
    expect(all).toContain("(12:09, cat) counted: true / (12:04, donkey) dropped: true");
    expect(all).toContain("state survived the restart: true");
    expect(all).toContain("Queries with streaming sources must be executed with writeStream.start()");
    // The query panels are display_data with a display id (live), with the batch table and charts.
    const displays = nb.cells.flatMap((c: { outputs?: Array<{ output_type: string; data?: Record<string, unknown> }> }) => c.outputs ?? [])
      .filter((o: { output_type: string; data?: Record<string, unknown> }) => o.output_type === "display_data" && o.data?.["application/vnd.bigdata.stream+json"]);
    expect(displays.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(displays)).toContain("<svg");
    expect(all).toContain("numRowsDroppedByWatermark");
    const outputs = JSON.stringify(nb.cells.map((c: { outputs?: unknown }) => c.outputs ?? []));
    expect(outputs).not.toMatch(/✘/);
    // Batch jobs do not each get a job progress panel: the query panel covers them.
    expect(outputs).not.toContain("collect at <unknown>");
    expect(pidsMatching(join(sb.dir, "runtime", "workbench-kernel-"))).toEqual([]);
  });

  it.skipIf(!bigdataReady)("with the model answers filled in, every exercise check says correct", async () => {
    const nb = JSON.parse(await readFile(L08, "utf8"));
    for (const { find, replace } of L08_SOLUTIONS) {
      const hits = nb.cells.filter((c: { source: string[] }) => c.source.join("").includes(find));
      expect(hits.length, find).toBe(1);
      hits[0].source = [hits[0].source.join("").replace(find, replace)];
    }
    const input = join(sb.dir, "work", "L08-solved.ipynb");
    await writeFile(input, JSON.stringify(nb));
    const res = await workbench(["run", input, "--output", "-", "--timeout", "240", "--cwd", join(ROOT, "notebooks")], { env: sb.env });
    expect(res.code, res.stderr).toBe(0);
    const printed = JSON.stringify(JSON.parse(res.stdout).cells.map((c: { outputs?: unknown }) => c.outputs ?? []));
    expect(printed.match(/✔/g)?.length).toBe(3);
    expect(printed).not.toMatch(/✘|not answered yet/);
  });
});
