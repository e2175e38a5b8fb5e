// The L02 (MapReduce) and L03 (patterns and mining) notebooks run headless through
// `workbench run` on the bigdata kernel with no error, print the independent checks they make
// against plain JavaScript, and with the model answers filled in every exercise check says correct.
// The committed notebooks must match their generators and carry no outputs.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { engineReady, installBigdataKernel, kernelInstallerExists, makeSandbox, ROOT, type Sandbox } from "./helpers/sandbox";
import { runProcess, workbench } from "./helpers/processes";
import { L02_SOLUTIONS } from "../../notebooks/src/L02";
import { L03_SOLUTIONS } from "../../notebooks/src/L03";

const bigdataReady = kernelInstallerExists() && (await engineReady());

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox();
  if (bigdataReady) await installBigdataKernel(sb);
});
afterAll(async () => {
  await sb?.cleanup();
});

const notebooks = [
  {
    name: "L02", src: "L02.ts", file: join(ROOT, "notebooks", "L02-mapreduce.ipynb"), solutions: L02_SOLUTIONS, exercises: 2,
    expect: ["matches plain JavaScript: true", "words emitted = MAP_OUTPUT_RECORDS: true", "same answer: true", "MAP_INPUT_RECORDS = 1200  lines in the files = 1200",
      "part-m-00003", "PATH_ALREADY_EXISTS", "MAPREDUCE_TASK_FAILED", "the dog ate it", "_SUCCESS"],
  },
  {
    name: "L03", src: "L03.ts", file: join(ROOT, "notebooks", "L03-mapreduce-patterns-and-mining.ipynb"), solutions: L03_SOLUTIONS, exercises: 4,
    expect: ["projection matches: true", "selection matches: true", "no combiner correct:          true", "average-of-averages correct:  false",
      "(sum, count) combiner correct: true", "broadcast join matches: true", "reduce-side join matches: true", "top-5 correct: true",
      "estimates within 4 standard deviations: 12 of 12", "MapReduce candidates = RDD candidates: true", "false negatives: 0",
      "V1 centres = Lloyd: true, V2 centres = Lloyd: true", "<svg"],
  },
];

describe.each(notebooks)("$name notebook", (n) => {
  it("is committed as generated, with empty outputs and the bigdata kernelspec", async () => {
    const check = await runProcess(process.execPath, ["--import", "tsx", join(ROOT, "notebooks", "src", n.src), "--check"], { cwd: ROOT });
    expect(check.code, check.stderr).toBe(0);
    const nb = JSON.parse(await readFile(n.file, "utf8"));
    expect(nb.metadata.kernelspec.name).toBe("bigdata");
    for (const c of nb.cells.filter((x: { cell_type: string }) => x.cell_type === "code")) {
      expect(c.outputs).toEqual([]);
      expect(c.execution_count).toBeNull();
    }
  });

  it.skipIf(!bigdataReady)("runs headless with `workbench run` and no error; its checks hold", async () => {
    const out = join(sb.dir, "work", `${n.name}.out.ipynb`);
    const res = await workbench(["run", n.file, "--output", out, "--timeout", "300"], { env: sb.env });
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
    const nb = JSON.parse(await readFile(out, "utf8"));
    const all = JSON.stringify(nb.cells);
    for (const s of n.expect) expect(all, s).toContain(JSON.stringify(s).slice(1, -1));
    const outputs = JSON.stringify(nb.cells.map((c: { outputs?: unknown }) => c.outputs ?? []));
    expect(outputs).not.toMatch(/✘/);
  }, 400_000);

  it.skipIf(!bigdataReady)("with the model answers filled in, every exercise check says correct", async () => {
    const nb = JSON.parse(await readFile(n.file, "utf8"));
    for (const { find, replace } of n.solutions) {
      const hits = nb.cells.filter((c: { source: string[] }) => c.source.join("").includes(find));
      expect(hits.length, find).toBe(1);
      hits[0].source = [hits[0].source.join("").replace(find, replace)];
    }
    const input = join(sb.dir, "work", `${n.name}-solved.ipynb`);
    await writeFile(input, JSON.stringify(nb));
    const out = join(sb.dir, "work", `${n.name}-solved.out.ipynb`);
    const res = await workbench(["run", input, "--output", out, "--timeout", "300", "--cwd", join(ROOT, "notebooks")], { env: sb.env });
    expect(res.code, res.stderr).toBe(0);
    const printed = JSON.stringify(JSON.parse(await readFile(out, "utf8")).cells.map((c: { outputs?: unknown }) => c.outputs ?? []));
    expect(printed.match(/✔/g)?.length).toBe(n.exercises);
    expect(printed).not.toMatch(/✘|not answered yet/);
  }, 400_000);
});
