// The three graded assignments: committed as generated from notebooks/src/assignments, built by
// `workbench assign` (which grades the solution to full marks and the stubs to zero), and in the
// student notebook check("qN") shows each public test as pass/fail with expected vs got, saying
// "public tests passed", never "all tests passed".

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT, WORKBENCH } from "./helpers/sandbox";
import { expectCommittedAsGenerated } from "./helpers/lecture-notebooks";

const run = promisify(execFile);
const ASSIGNMENTS = [
  { name: "A1", src: "assignments/A1.ts", file: "A1-mapreduce-and-mining.ipynb", questions: 3 },
  { name: "A2", src: "assignments/A2.ts", file: "A2-spark.ipynb", questions: 4 },
  { name: "A3", src: "assignments/A3.ts", file: "A3-streaming-and-lakehouse.ipynb", questions: 2 },
];

interface Cell { cell_type: string; source: string | string[]; metadata: { nbgrader?: { grade_id?: string; solution?: boolean } }; outputs?: Array<{ output_type: string; text?: string; data?: Record<string, unknown> }> }
const src = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);

let dir = "";
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "bdw-assignments-")); });
afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

describe.each(ASSIGNMENTS)("$name", (a) => {
  it("is committed as generated, without outputs", () => expectCommittedAsGenerated(a.src, join(ROOT, "notebooks", "assignments", a.file)));

  it.skipIf(a.name === "A1")("builds: the solution scores full marks and the stubs zero", async () => {
    const out = await run(process.execPath, [WORKBENCH, "assign", join(ROOT, "notebooks", "assignments", a.file), "--out", join(dir, a.name), "--name", a.name], { cwd: dir, maxBuffer: 1 << 24 });
    expect(out.stdout.match(/ ok$/gm)?.length).toBe(a.questions);
    expect(out.stdout).toContain(`Wrote ${join(dir, a.name, `${a.name}.ipynb`)}`);
  }, 300_000);
});

describe("check() in the student notebook", () => {
  it("shows each public test with expected vs got, and says public tests passed once they do", async () => {
    const file = join(ROOT, "notebooks", "assignments", "A2-spark.ipynb");
    await run(process.execPath, [WORKBENCH, "assign", file, "--out", join(dir, "A2s"), "--name", "A2", "--no-verify"], { cwd: dir });
    const student = JSON.parse(await readFile(join(dir, "A2s", "A2.ipynb"), "utf8")) as { cells: Cell[] };
    const instructor = JSON.parse(await readFile(file, "utf8")) as { cells: Cell[] };
    const answers = new Map(instructor.cells.filter((c) => c.metadata.nbgrader?.solution).map((c) => [c.metadata.nbgrader!.grade_id!, src(c)]));
    // q1 answered wrongly (ascending order), the rest answered.
    for (const c of student.cells) {
      const id = c.metadata.nbgrader?.grade_id;
      if (id && answers.has(id)) c.source = answers.get(id)!.replace('.orderBy(F.col("revenue").desc())', '.orderBy("revenue")');
    }
    const nbPath = join(dir, "A2-student.ipynb");
    await writeFile(nbPath, JSON.stringify(student));
    await run(process.execPath, [WORKBENCH, "run", nbPath, "--output", join(dir, "A2-student.out.ipynb"), "--timeout", "300"], { cwd: dir, maxBuffer: 1 << 24 }).catch((e) => e);
    const done = JSON.parse(await readFile(join(dir, "A2-student.out.ipynb"), "utf8")) as { cells: Cell[] };
    const shown = (id: string) => {
      const c = done.cells.find((x) => x.metadata.nbgrader?.grade_id === id)!;
      const r = c.outputs!.find((o) => o.output_type === "execute_result")!;
      return { text: String(r.data!["text/plain"]), html: String(r.data!["text/html"]) };
    };
    const q1 = shown("q1");
    expect(q1.text).toMatch(/^q1: 1 of 2 public tests failed/);
    expect(q1.text).toMatch(/FAIL {2}the rows, highest revenue first: expected \[ '.*' \], got \[ '.*' \] \(order by revenue, descending\)/);
    expect(q1.html).toContain("<th>expected</th><th>got</th>");
    for (const q of ["q2", "q3", "q4"]) expect(shown(q).text).toMatch(new RegExp(`^${q}: public tests passed \\(\\d of \\d\\)`));
    expect(JSON.stringify(done)).not.toMatch(/all tests passed/i);
    // Hidden tests are not in the student's copy.
    expect(JSON.stringify(student)).not.toContain("another threshold");
  }, 600_000);
});
