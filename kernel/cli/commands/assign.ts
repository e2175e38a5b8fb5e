// `workbench assign`: turns an instructor notebook into the student notebook and the autograder
// bundle, after proving them: the solution must score full marks and the stubs zero on every
// graded question, or nothing is written.

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { readNotebook } from "../run/index";
import { buildAssignment, type AssignmentBundle, type Nb } from "../../grading/assignment";
import { writeBundle } from "../grade/bundle";
import { findSubmissions, gradeBatch } from "../grade/grade-batch";
import { int, parse, UsageError, type Command } from "./command";
import { resolveSpec } from "./run";

export const assignCommand: Command = {
  name: "assign",
  summary: "build the student notebook and autograder bundle of an assignment",
  help: `Usage: workbench assign INSTRUCTOR.ipynb --out DIR [options]

Reads an instructor notebook whose test cells carry nbgrader metadata (grade: true, grade_id,
points) and whose solutions sit between // BEGIN SOLUTION and // END SOLUTION, and writes
  DIR/NAME.ipynb   the student notebook: solutions replaced by stubs, hidden tests
                   (// BEGIN HIDDEN TESTS ... // END HIDDEN TESTS) removed, public tests kept,
                   locked cells checksummed
  DIR/NAME.zip     the autograder bundle for \`workbench grade --bundle\`
It first grades the solution and the student notebook with the real grader and refuses to build
unless the solution scores full marks and the stubs zero on every graded question.

Options:
  --out DIR             where to write (required)
  --name NAME           assignment name (default: the notebook's file name without .ipynb)
  --no-verify           skip the solution/stub check (not recommended)
  --cell-timeout S      per-cell limit while verifying (default 120)
  -h, --help            show this help`,
  async run(args) {
    const { values, positionals } = parse(args, {
      out: { type: "string", short: "o" },
      name: { type: "string" },
      "no-verify": { type: "boolean" },
      "cell-timeout": { type: "string" },
    });
    if (values.help) return console.log(this.help), 0;
    if (positionals.length !== 1) throw new UsageError("give exactly one instructor notebook");
    if (!values.out) throw new UsageError("--out DIR is required");
    const input = resolve(positionals[0]!);
    const name = values.name ?? basename(input).replace(/\.ipynb$/, "");
    const instructor = (await readNotebook(input)) as unknown as Nb;
    const { student, bundle, solution } = buildAssignment(instructor, name);
    console.log(`${name}: ${bundle.questions.length} graded questions, ${bundle.totalPoints} points`);
    if (!values["no-verify"]) {
      const cellTimeoutS = int(values["cell-timeout"], "--cell-timeout", 1) ?? 120;
      const ok = await verify(bundle, solution, student, cellTimeoutS);
      if (!ok) {
        console.error(`workbench assign: not built: the solution must score full marks and the stubs zero on every question`);
        return 1;
      }
    }
    const out = resolve(values.out);
    await mkdir(out, { recursive: true });
    await writeFile(join(out, `${name}.ipynb`), JSON.stringify(student, null, 1) + "\n");
    await writeBundle(join(out, `${name}.zip`), bundle);
    console.log(`Wrote ${join(out, `${name}.ipynb`)} and ${join(out, `${name}.zip`)}`);
    return 0;
  },
};

/** Grades the solution and the stubs; prints each question's two scores. */
async function verify(bundle: AssignmentBundle, solution: Nb, student: Nb, cellTimeoutS: number): Promise<boolean> {
  const scratch = await mkdtemp(join(tmpdir(), "bdw-assign-"));
  const { spec, cleanup } = await resolveSpec("bigdata", () => undefined);
  try {
    await mkdir(join(scratch, "in"));
    await writeFile(join(scratch, "in", "1-solution.ipynb"), JSON.stringify(solution));
    await writeFile(join(scratch, "in", "2-stub.ipynb"), JSON.stringify(student));
    const subs = await findSubmissions(join(scratch, "in"));
    const { rows } = await gradeBatch(subs, {
      spec, bundle, hide: [], out: join(scratch, "out"),
      limits: { cellTimeoutMs: cellTimeoutS * 1000, questionTimeoutMs: cellTimeoutS * 1000 },
    });
    const [sol, stub] = rows;
    if (!sol?.grade || !stub?.grade) {
      console.error(`could not grade: ${sol?.failure ?? stub?.failure}`);
      return false;
    }
    let ok = true;
    console.log(`  question   solution   stub`);
    bundle.questions.forEach((q, i) => {
      const a = sol.grade!.questions[i]!, b = stub.grade!.questions[i]!;
      const good = a.score === q.points && b.score === 0;
      ok &&= good;
      console.log(`  ${q.id.padEnd(10)} ${`${a.score}/${q.points}`.padEnd(10)} ${`${b.score}/${q.points}`.padEnd(6)} ${good ? "ok" : "WRONG"}`);
      if (a.score !== q.points) console.log(`    solution: ${a.reason ?? a.cases.filter((c) => !c.passed).map((c) => `${c.name}: ${c.error ?? `expected ${c.expected}, got ${c.got}`}`).join("; ")}`);
      if (b.score !== 0) console.log(`    stub passes: ${b.cases.filter((c) => c.passed).map((c) => c.name).join(", ")}`);
    });
    for (const e of sol.grade.cellErrors) console.log(`    solution cell ${e.cellIndex}: ${e.ename}: ${e.evalue}`);
    return ok;
  } finally {
    await cleanup();
    await rm(scratch, { recursive: true, force: true });
  }
}
