// Debian's nbclient (the reference Python notebook executor) runs a notebook on the bigdata
// kernel: it must see the rich outputs (execute_result, HTML/SVG displays, the job's progress
// panel) and the in-place updates (update_display_data rewrites the earlier output).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { engineReady, installBigdataKernel, kernelInstallerExists, makeSandbox, type Sandbox } from "./helpers/sandbox";
import { makeNotebook, normalizedOutputs, type TestCell } from "./helpers/notebooks";
import { pidsMatching, runProcess } from "./helpers/processes";

const haveNbclient = existsSync("/usr/bin/python3");
const bigdataReady = kernelInstallerExists() && (await engineReady());

let sb: Sandbox;
beforeAll(async () => {
  if (!bigdataReady) return;
  sb = await makeSandbox();
  await installBigdataKernel(sb);
});
afterAll(async () => {
  await sb?.cleanup();
});

const CELLS: TestCell[] = [
  { source: "6 * 7" },
  { source: 'const h = await display("first");\nawait h.update("second");' },
  {
    source: [
      "const sums = await sc.parallelize(Array.from({ length: 60 }, (_, i) => i), 3)",
      "  .map((x): [number, number] => [x % 4, x]).reduceByKey((a, b) => a + b).collect();",
      "sums.sort((a, b) => a[0] - b[0])",
    ].join("\n"),
  },
  { source: "await display(spark.lastJob()!.dag());\nconsole.log('dag shown');" },
  { source: "spark.lastJob()" },
];

describe.skipIf(!haveNbclient || !bigdataReady)("nbclient executes a bigdata notebook", () => {
  it("sees rich outputs and in-place updates", async () => {
    const input = join(sb.dir, "work", "rich.ipynb");
    const output = join(sb.dir, "work", "rich.out.ipynb");
    await writeFile(input, JSON.stringify(makeNotebook({ name: "bigdata", language: "typescript" }, CELLS)));
    const py = [
      "import nbformat, nbclient, sys",
      "nb = nbformat.read(sys.argv[1], as_version=4)",
      "nbclient.NotebookClient(nb, kernel_name='bigdata', timeout=180, resources={'metadata': {'path': sys.argv[3]}}).execute()",
      "nbformat.write(nb, sys.argv[2])",
    ].join("\n");
    const res = await runProcess("/usr/bin/python3", ["-c", py, input, output, join(sb.dir, "work")], { env: sb.env, timeoutMs: 300_000 });
    expect(res.code, res.stderr).toBe(0);
    const nb = JSON.parse(await readFile(output, "utf8"));
    const outs = normalizedOutputs(nb);

    expect(outs[0]).toEqual([{ output_type: "execute_result", data: { "text/plain": "42" }, execution_count: 1 }]);
    // The display was updated in place: one output, showing the second value.
    expect(outs[1]!.length).toBe(1);
    expect(String(outs[1]![0]!.data["text/plain"])).toContain("second");
    expect(JSON.stringify(outs[1])).not.toContain("first");

    // The job cell: the progress panel (an HTML display, updated to its final state) and the result.
    const jobOuts = outs[2]!;
    const result = jobOuts.find((o) => o.output_type === "execute_result")!;
    expect(JSON.parse(JSON.stringify(result.data["text/plain"])).replace(/\s+/g, "")).toBe("[[0,420],[1,435],[2,450],[3,465]]");
    const panels = jobOuts.filter((o) => o.output_type === "display_data");
    expect(panels.length).toBeGreaterThan(0);
    expect(Object.keys(panels[0]!.data)).toContain("text/html");
    expect(String(panels[0]!.data["text/html"])).toContain("bdw-stage-row");

    const dag = outs[3]![0]!;
    expect(String(dag.data["image/svg+xml"] ?? dag.data["text/html"])).toContain("<svg");
    const job = outs[4]![0]!;
    expect(String(job.data["text/html"])).toContain("<table");
    expect(pidsMatching(join(sb.dir, "runtime"))).toEqual([]);
  });
});
