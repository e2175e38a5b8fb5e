// Grades a folder of submissions: each in its own kernel process and fresh working directory,
// several at once (bounded by cores), in a stable order, writing results.json, feedback.html and
// the graded notebook per submission and gradebook.csv for the class.

import { chmod, cp, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { KernelProcess, readNotebook, type KernelSpec } from "../run/index";
import type { AssignmentBundle, Nb } from "../../grading/assignment";
import { gradeSubmission, type GradeLimits, type SubmissionGrade } from "./grade-submission";
import { feedbackHtml, gradebookCsv, gradescopeResults, type GradebookRow } from "./results";
import { sandboxFor, type Sandbox } from "./sandbox";

export interface Submission {
  id: string;
  notebook: string;
  /** Files copied into the working directory beside the notebook (a submission folder's other files). */
  dir?: string;
}

/** `submissions/alice.ipynb` or `submissions/alice/<one notebook + files>`, sorted by id. */
export async function findSubmissions(root: string): Promise<Submission[]> {
  const out: Submission[] = [];
  for (const name of (await readdir(root)).sort()) {
    const path = join(root, name);
    const s = await stat(path);
    if (s.isFile() && name.endsWith(".ipynb")) out.push({ id: name.slice(0, -".ipynb".length), notebook: path });
    else if (s.isDirectory()) {
      const nbs = (await readdir(path)).filter((f) => f.endsWith(".ipynb") && !f.endsWith(".out.ipynb"));
      if (nbs.length === 1) out.push({ id: name, notebook: join(path, nbs[0]!), dir: path });
      else out.push({ id: name, notebook: nbs.length ? "" : join(path, "(none)"), dir: path });
    }
  }
  return out;
}

export interface BatchOptions {
  spec: KernelSpec;
  bundle: AssignmentBundle;
  /** Paths the submissions must not see (the bundle, the submissions folder, the results). */
  hide: string[];
  out: string;
  jobs?: number;
  limits?: Partial<GradeLimits>;
  log?: (line: string) => void;
}

export interface BatchResult {
  rows: GradebookRow[];
  sandbox: Sandbox["level"];
}

export async function gradeBatch(subs: Submission[], opts: BatchOptions): Promise<BatchResult> {
  await mkdir(opts.out, { recursive: true });
  const workBase = await mkdtemp(join(tmpdir(), "bdw-grade-"));
  // Each kernel's user may pass through to its own folder, but not list the others.
  await chmod(workBase, 0o711);
  const jobs = Math.max(1, Math.min(opts.jobs ?? availableParallelism(), subs.length || 1));
  const rows: GradebookRow[] = new Array(subs.length);
  let next = 0;
  let level: Sandbox["level"] = "none";
  const worker = async (slot: number) => {
    for (let k = next++; k < subs.length; k = next++) {
      const sub = subs[k]!;
      const workdir = join(workBase, `s${k}`);
      try {
        await mkdir(workdir);
        if (sub.dir) await cp(sub.dir, workdir, { recursive: true, filter: (src) => resolve(src) !== resolve(sub.notebook) });
        const nb = (await readNotebook(sub.notebook)) as unknown as Nb;
        const sandbox = await sandboxFor({ workdir, hide: [...opts.hide, workBase], slot });
        level = sandbox.level;
        const grade = await gradeSubmission(nb, opts.bundle, {
          spec: opts.spec,
          limits: opts.limits,
          log: (l) => opts.log?.(`${sub.id}: ${l}`),
          startKernel: (env) => KernelProcess.start(opts.spec, { cwd: workdir, env, mapEnv: sandbox.env, wrap: sandbox.wrap, runtimeDir: sandbox.runtimeDir, user: sandbox.user, spawnAsUser: sandbox.spawnAsUser }),
        });
        await writeOutputs(opts.out, sub.id, opts.bundle.name, grade);
        rows[k] = { submission: sub.id, grade };
        opts.log?.(`${sub.id}: ${grade.score} / ${grade.maxScore} (${grade.executionTimeS.toFixed(1)} s)`);
      } catch (e) {
        const failure = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        rows[k] = { submission: sub.id, failure };
        opts.log?.(`${sub.id}: not graded: ${failure}`);
        await mkdir(join(opts.out, sub.id), { recursive: true });
        await writeFile(join(opts.out, sub.id, "results.json"), JSON.stringify({
          score: 0, max_score: opts.bundle.totalPoints, execution_time: 0, output: `Not graded: ${failure}`,
          visibility: "visible", stdout_visibility: "hidden", tests: [],
        }, null, 1) + "\n");
      } finally {
        await rm(workdir, { recursive: true, force: true }).catch(() => undefined);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: jobs }, (_, slot) => worker(slot)));
  } finally {
    await rm(workBase, { recursive: true, force: true }).catch(() => undefined);
  }
  await writeFile(join(opts.out, "gradebook.csv"), gradebookCsv(rows, opts.bundle.questions.map((q) => q.id)));
  return { rows, sandbox: level };
}

async function writeOutputs(out: string, id: string, assignment: string, g: SubmissionGrade): Promise<void> {
  const dir = join(out, id);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "results.json"), JSON.stringify(gradescopeResults(g), null, 1) + "\n");
  await writeFile(join(dir, "feedback.html"), feedbackHtml(id, assignment, g));
  await writeFile(join(dir, "graded.ipynb"), JSON.stringify(g.notebook, null, 1) + "\n");
}
