// The autograder's batch figure: `workbench grade` on 20 submissions of A1 (its solution; each runs
// three MapReduce jobs and MinHash), all cores, against one submission graded alone in the same
// run times 20 (the batch without parallelism). Target: 20 submissions in under 5 minutes on 2 cores.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchResult } from "./run";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WORKBENCH = join(ROOT, "kernel", "bin", "workbench.mjs");
const A1 = join(ROOT, "notebooks", "assignments", "A1-mapreduce-and-mining.ipynb");

interface Cell { source: string | string[]; metadata: { nbgrader?: { grade_id?: string; solution?: boolean } } }

function grade(subs: string, bundle: string, out: string, jobs: number): number {
  const t0 = performance.now();
  execFileSync(process.execPath, [WORKBENCH, "grade", subs, "--bundle", bundle, "--out", out, "--jobs", String(jobs), "--quiet"], { stdio: "ignore" });
  return (performance.now() - t0) / 1000;
}

export const benches: Record<string, () => Promise<BenchResult>> = {
  "grader-batch": async () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-grader-"));
    try {
      execFileSync(process.execPath, [WORKBENCH, "assign", A1, "--out", join(dir, "dist"), "--name", "A1", "--no-verify"], { stdio: "ignore" });
      const student = JSON.parse(readFileSync(join(dir, "dist", "A1.ipynb"), "utf8")) as { cells: Cell[] };
      const instructor = JSON.parse(readFileSync(A1, "utf8")) as { cells: Cell[] };
      const answers = new Map(instructor.cells.filter((c) => c.metadata.nbgrader?.solution).map((c) => [c.metadata.nbgrader!.grade_id!, c.source]));
      for (const c of student.cells) { const id = c.metadata.nbgrader?.grade_id; if (id && answers.has(id)) c.source = answers.get(id)!; }
      const one = join(dir, "one"), many = join(dir, "many");
      mkdirSync(one);
      mkdirSync(many);
      writeFileSync(join(one, "s00.ipynb"), JSON.stringify(student));
      for (let i = 0; i < 20; i++) writeFileSync(join(many, `s${String(i).padStart(2, "0")}.ipynb`), JSON.stringify(student));
      const bundle = join(dir, "dist", "A1.zip");
      const single = grade(one, bundle, join(dir, "out1"), 1);
      const jobs = availableParallelism();
      const batch = grade(many, bundle, join(dir, "out20"), jobs);
      const book = readFileSync(join(dir, "out20", "gradebook.csv"), "utf8").trim().split("\n").slice(1);
      const allFull = book.length === 20 && book.every((l) => l.split(",")[1] === "10");
      return {
        name: `grade 20 A1 submissions, ${jobs} at a time`, value: batch, unit: "s",
        baseline: single * 20, baselineName: "one submission alone x 20", ratio: batch / (single * 20),
        target: "< 300 s on 2 cores", pass: allFull && batch < 300, note: allFull ? undefined : "NOT ALL SCORED 10/10",
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
