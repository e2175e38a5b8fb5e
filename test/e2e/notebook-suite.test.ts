// Every notebook keeps running: each lecture notebook and each assignment's instructor notebook
// (its solution, with every public and hidden test) runs in a fresh bigdata kernel through
// Jupyter's own executor, nbclient, with no error output outside cells tagged raises-exception,
// within a budget of BUDGET_S seconds per notebook. (`workbench run` runs each lecture notebook in
// its lNN-notebook test, and `workbench assign` runs each solution through the grader.)

import { describe, expect, it } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT } from "./helpers/sandbox";
import { lectureSandbox } from "./helpers/lecture-notebooks";
import { runProcess } from "./helpers/processes";

/** Per-notebook budget: nbclient's timeout for a cell, and the limit of the whole run. */
const BUDGET_S = 240;
const haveNbclient = existsSync("/usr/bin/python3");
const env = await lectureSandbox();

const notebooks = [
  ...readdirSync(join(ROOT, "notebooks")).filter((f) => /^L\d\d-.*\.ipynb$/.test(f) && !f.endsWith(".out.ipynb")).map((f) => join(ROOT, "notebooks", f)),
  ...readdirSync(join(ROOT, "notebooks", "assignments")).filter((f) => /^A\d-.*\.ipynb$/.test(f) && !f.endsWith(".out.ipynb")).map((f) => join(ROOT, "notebooks", "assignments", f)),
].sort();

interface Out { output_type: string; ename?: string; evalue?: string; text?: string; data?: Record<string, unknown> }
interface Cell { cell_type: string; metadata: { tags?: string[] }; outputs?: Out[] }

describe.skipIf(!haveNbclient || !env.ready)("every notebook runs under nbclient", () => {
  it("finds the ten lectures and three assignments", () => expect(notebooks.length).toBe(13));

  it.each(notebooks.map((n) => [n.slice(ROOT.length + 1), n]))("%s", async (_name, file) => {
    const out = join(env.sb().dir, "work", `${String(file).split("/").pop()!.replace(/\.ipynb$/, "")}.nbclient.ipynb`);
    const py = [
      "import nbformat, nbclient, sys",
      "nb = nbformat.read(sys.argv[1], as_version=4)",
      `nbclient.NotebookClient(nb, kernel_name='bigdata', timeout=${BUDGET_S}, resources={'metadata': {'path': sys.argv[3]}}).execute()`,
      "nbformat.write(nb, sys.argv[2])",
    ].join("\n");
    const started = Date.now();
    const res = await runProcess("/usr/bin/python3", ["-c", py, String(file), out, join(String(file), "..")], { env: env.sb().env, timeoutMs: BUDGET_S * 1000 });
    expect(res.code, res.stderr.slice(-3000)).toBe(0);
    const nb = JSON.parse(await readFile(out, "utf8")) as { cells: Cell[] };
    const errors = nb.cells
      .filter((c) => c.cell_type === "code" && !(c.metadata.tags ?? []).includes("raises-exception"))
      .flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}`));
    expect(errors).toEqual([]);
    // An assignment's solution passes its own checks, public and hidden.
    if (String(file).includes("/assignments/")) {
      const checks = nb.cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === "execute_result").map((o) => String(o.data?.["text/plain"] ?? "")))
        .filter((t) => /^q\d+: /.test(t));
      expect(checks.length).toBeGreaterThan(1);
      for (const t of checks) expect(t).toMatch(/^q\d+: public tests passed/);
    }
    expect(Date.now() - started).toBeLessThan(BUDGET_S * 1000);
  }, BUDGET_S * 1000 + 30_000);
});
