// `workbench run` against a reference kernel (Debian's ipykernel): our ZeroMQ client must build
// the same outputs as nbclient (the reference Python client) for the same notebook, exit non-zero
// with the error shown on a failing cell, interrupt a cell over its time limit, and leave no
// kernel process behind.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeSandbox, type Sandbox } from "./helpers/sandbox";
import { makeNotebook, normalizedOutputs, type TestCell } from "./helpers/notebooks";
import { alive, pidsMatching, runProcess, workbench } from "./helpers/processes";
import { findKernelSpec, KernelProcess, executeNotebook, parseNotebook } from "../../kernel/cli/index";

const havePython = existsSync("/usr/bin/python3") && existsSync("/usr/share/jupyter/kernels/python3/kernel.json");
const PY = { name: "python3", language: "python" };

const RICH: TestCell[] = [
  { source: "# title", markdown: true },
  { source: "print('a')\nprint('b')\nimport sys\nprint('warn', file=sys.stderr)\n6 * 7" },
  { source: "from IPython.display import display, HTML, clear_output\nh = display(HTML('<b>v1</b>'), display_id='panel')\nh.update(HTML('<b>v2</b>'))" },
  // An update from a later cell rewrites the output of the earlier one, in place.
  { source: "h.update(HTML('<b>v3</b>'))\nprint('updated')" },
  { source: "print('gone')\nclear_output(wait=True)\nprint('kept')" },
  { source: "1/0", tags: ["raises-exception"] },
  { source: "{'x': [1, 2]}" },
  { source: "" },
];

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox();
});
afterAll(async () => {
  await sb?.cleanup();
});

async function writeNb(name: string, cells: TestCell[]): Promise<string> {
  const p = join(sb.dir, "work", name);
  await writeFile(p, JSON.stringify(makeNotebook(PY, cells)));
  return p;
}

describe.skipIf(!havePython)("workbench run with the python3 reference kernel", () => {
  it("builds the same outputs as nbclient, with display updates applied in place", async () => {
    const input = await writeNb("rich.ipynb", RICH);
    const ours = join(sb.dir, "work", "rich.ours.ipynb");
    const res = await workbench(["run", input, "--output", ours, "--timeout", "120"], { env: sb.env });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("All 6 code cells ran without error");

    const theirs = join(sb.dir, "work", "rich.nbclient.ipynb");
    const py = [
      "import nbformat, nbclient, sys",
      "nb = nbformat.read(sys.argv[1], as_version=4)",
      "nbclient.NotebookClient(nb, kernel_name='python3', timeout=120).execute()",
      "nbformat.write(nb, sys.argv[2])",
    ].join("\n");
    const ref = await runProcess("/usr/bin/python3", ["-c", py, input, theirs], { env: sb.env, timeoutMs: 120_000 });
    expect(ref.code, ref.stderr).toBe(0);

    const a = parseNotebook(await readFile(ours, "utf8"));
    const b = JSON.parse(await readFile(theirs, "utf8"));
    expect(normalizedOutputs(a)).toEqual(normalizedOutputs(b));
    // Known values, independent of either client:
    const outs = normalizedOutputs(a);
    expect(outs[0]).toEqual([
      { output_type: "stream", name: "stdout", text: "a\nb\n" },
      { output_type: "stream", name: "stderr", text: "warn\n" },
      { output_type: "execute_result", data: { "text/plain": "42" }, execution_count: 1 },
    ]);
    expect(outs[1]![0]!.data["text/html"]).toBe("<b>v3</b>");
    expect(outs[3]).toEqual([{ output_type: "stream", name: "stdout", text: "kept\n" }]);
    expect(outs[4]![0]!.ename).toBe("ZeroDivisionError");
    expect(a.cells.filter((c) => c.cell_type === "code").map((c) => (c as { execution_count: number | null }).execution_count))
      .toEqual([1, 2, 3, 4, 5, 6, null]);
    expect(a.metadata.language_info?.name).toBe("python");
    expect(pidsMatching(join(sb.dir, "runtime", "workbench-kernel-"))).toEqual([]);
  });

  it("exits 1 on a failing cell, prints the error, and does not run later cells", async () => {
    const input = await writeNb("fails.ipynb", [
      { source: "x = 1" },
      { source: "raise ValueError('deliberate failure for the test')" },
      { source: "print('must not run')" },
    ]);
    const res = await workbench(["run", input], { env: sb.env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("ValueError: deliberate failure for the test");
    const out = parseNotebook(await readFile(join(sb.dir, "work", "fails.out.ipynb"), "utf8"));
    const cells = out.cells as Array<{ outputs: Array<{ output_type: string }>; execution_count: number | null }>;
    expect(cells[1]!.outputs.map((o) => o.output_type)).toEqual(["error"]);
    expect(cells[2]!.outputs).toEqual([]);
    expect(cells[2]!.execution_count).toBeNull();
    // The source notebook is untouched.
    expect(JSON.parse(await readFile(input, "utf8")).cells[1].outputs).toEqual([]);
  });

  it("keeps going after errors with --allow-errors but still exits 1", async () => {
    const input = await writeNb("allow.ipynb", [{ source: "undefined_name" }, { source: "print('still ran')" }]);
    const res = await workbench(["run", input, "--allow-errors", "--output", "-"], { env: sb.env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("NameError");
    const nb = parseNotebook(res.stdout);
    expect(normalizedOutputs(nb)[1]).toEqual([{ output_type: "stream", name: "stdout", text: "still ran\n" }]);
  });

  it("interrupts a cell over --timeout and fails the run", async () => {
    const input = await writeNb("slow.ipynb", [{ source: "import time\ntime.sleep(600)" }, { source: "print('after')" }]);
    const res = await workbench(["run", input, "--timeout", "2"], { env: sb.env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("CellTimeoutError");
    const outs = normalizedOutputs(parseNotebook(await readFile(join(sb.dir, "work", "slow.out.ipynb"), "utf8")));
    // The kernel really was interrupted (its own KeyboardInterrupt), then the runner's error.
    expect(outs[0]!.map((o) => o.ename)).toEqual(["KeyboardInterrupt", "CellTimeoutError"]);
    expect(outs[1]).toEqual([]);
    expect(pidsMatching(join(sb.dir, "runtime", "workbench-kernel-"))).toEqual([]);
  });

  it("reports a kernel that dies mid-cell and reaps its process group", async () => {
    const spec = findKernelSpec("python3", sb.env);
    const kernel = await KernelProcess.start(spec, { env: sb.env, cwd: join(sb.dir, "work") });
    const pid = kernel.pid!;
    expect(alive(pid)).toBe(true);
    const nb = parseNotebook(JSON.stringify(makeNotebook(PY, [
      // A grandchild in the kernel's process group: shutdown must not leave it behind.
      { source: "import subprocess\np = subprocess.Popen(['sleep', '600'])\np.pid" },
      { source: "import os\nos._exit(3)" },
    ])));
    const result = await executeNotebook(nb, kernel, { timeoutMs: 60_000 });
    const grandchild = Number((normalizedOutputs(nb)[0]![0]!.data as Record<string, string>)["text/plain"]);
    expect(result.failures.map((f) => [f.kind, f.ename])).toEqual([["kernel-died", "DeadKernelError"]]);
    const exit = await kernel.shutdown();
    expect(exit.code).toBe(3);
    expect(alive(pid)).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(grandchild)).toBe(false);
  });
});
