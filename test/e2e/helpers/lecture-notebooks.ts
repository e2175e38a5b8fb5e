// What every lecture notebook's test does: the committed notebook matches its generator
// (notebooks/src/LNN.ts --check) with empty outputs and the bigdata kernelspec; it runs headless
// through `workbench run`; with the model answers (the generator's SOLUTIONS) filled in, every
// exercise check says correct. The tests add what each lecture's own outputs must show.

import { expect } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT, type Sandbox } from "./sandbox";
import { runProcess, workbench } from "./processes";

export interface Solution { find: string; replace: string }

interface Cell { cell_type: string; source: string[] | string; outputs?: unknown[]; execution_count?: number | null }
export interface Notebook { cells: Cell[]; metadata: { kernelspec: { name: string; language?: string } } }

export interface RunResult {
  notebook: Notebook;
  /** The whole executed notebook as JSON text (sources and outputs). */
  all: string;
  /** The outputs only, as JSON text. */
  outputs: string;
}

/** notebooks/src/<src> --check passes, and the committed notebook has no outputs and the bigdata kernelspec. */
export async function expectCommittedAsGenerated(src: string, file: string): Promise<void> {
  const check = await runProcess(process.execPath, ["--import", "tsx", join(ROOT, "notebooks", "src", src), "--check"], { cwd: ROOT });
  expect(check.code, check.stderr).toBe(0);
  const nb = JSON.parse(await readFile(file, "utf8")) as Notebook;
  expect(nb.metadata.kernelspec.name).toBe("bigdata");
  expect(nb.metadata.kernelspec.language).toBe("typescript");
  for (const c of nb.cells.filter((x) => x.cell_type === "code")) {
    expect(c.outputs).toEqual([]);
    expect(c.execution_count).toBeNull();
  }
}

/** The notebook with each solution's `find` (which must occur in exactly one cell) replaced. */
export async function withSolutions(file: string, solutions: readonly Solution[]): Promise<Notebook> {
  const nb = JSON.parse(await readFile(file, "utf8")) as Notebook;
  const text = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);
  for (const { find, replace } of solutions) {
    const hits = nb.cells.filter((c) => text(c).includes(find));
    expect(hits.length, find).toBe(1);
    hits[0]!.source = [text(hits[0]!).replace(find, replace)];
  }
  return nb;
}

/**
 * Runs a notebook (a file, or a notebook object written into the sandbox as `<name>.ipynb`)
 * with `workbench run`, its kernel in the package's notebooks/ folder; expects exit 0 and every
 * code cell executed.
 */
export async function runNotebook(sb: Sandbox, nb: string | Notebook, name: string, timeoutS = 300): Promise<RunResult> {
  const input = typeof nb === "string" ? nb : join(sb.dir, "work", `${name}.ipynb`);
  if (typeof nb !== "string") await writeFile(input, JSON.stringify(nb));
  const out = join(sb.dir, "work", `${name}.out.ipynb`);
  const res = await workbench(["run", input, "--output", out, "--timeout", String(timeoutS), "--cwd", join(ROOT, "notebooks")], { env: sb.env, timeoutMs: (timeoutS + 120) * 1000 });
  expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
  const notebook = JSON.parse(await readFile(out, "utf8")) as Notebook;
  expect(notebook.cells.filter((c) => c.cell_type === "code").every((c) => c.execution_count !== null)).toBe(true);
  return { notebook, all: JSON.stringify(notebook.cells), outputs: JSON.stringify(notebook.cells.map((c) => c.outputs ?? [])) };
}

/** With the model answers: `n` checks say correct (✔) and none says wrong or unanswered. */
export async function expectSolutionsPass(sb: Sandbox, file: string, solutions: readonly Solution[], name: string, n: number, timeoutS = 300): Promise<RunResult> {
  const r = await runNotebook(sb, await withSolutions(file, solutions), `${name}-solved`, timeoutS);
  expect(r.outputs.match(/.{0,300}(✘|not answered yet).{0,200}/)?.[0]).toBeUndefined();
  expect(r.outputs.match(/✔/g)?.length).toBe(n);
  return r;
}

/**
 * A throwaway Jupyter environment with the bigdata kernel installed, for one test file: registers
 * its beforeAll/afterAll; `ready` is false (tests skip) when the kernel or engine cannot run here.
 */
export async function lectureSandbox(): Promise<{ ready: boolean; sb: () => Sandbox }> {
  const { beforeAll, afterAll } = await import("vitest");
  const { engineReady, installBigdataKernel, kernelInstallerExists, makeSandbox } = await import("./sandbox");
  const ready = kernelInstallerExists() && (await engineReady());
  let sb: Sandbox | undefined;
  beforeAll(async () => {
    sb = await makeSandbox();
    if (ready) await installBigdataKernel(sb);
  }, 600_000);
  afterAll(async () => { await sb?.cleanup(); });
  return { ready, sb: () => sb! };
}
