// nbgrader interop: nbgrader itself (pinned in test/python/nbgrader-requirements.txt) reads the
// A1 instructor notebook's cell metadata and markers, generates the student version, autogrades
// three submissions with the bigdata kernel (started with --check-raises, so a failed check()
// raises as nbgrader expects), and gives the same scores as `workbench grade`.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { ROOT, WORKBENCH } from "./helpers/sandbox";
import { lectureSandbox } from "./helpers/lecture-notebooks";
import { pinnedPython } from "../python/venv";

const run = promisify(execFile);
const env = await lectureSandbox();
const A1 = join(ROOT, "notebooks", "assignments", "A1-mapreduce-and-mining.ipynb");

interface Cell { source: string | string[]; metadata: { nbgrader?: { grade_id?: string; solution?: boolean } } }
let course = "";
let nbgraderScores: Record<string, number> = {};
let ourScores: Record<string, number> = {};
let release: { cells: Cell[] };

beforeAll(async () => {
  if (!env.ready) return;
  const py = pinnedPython("nbgrader-requirements.txt", ".venv-nbgrader");
  const e = { ...env.sb().env, PATH: `${dirname(py)}:${process.env.PATH}` };
  course = await mkdtemp(join(tmpdir(), "bdw-nbgrader-"));
  await mkdir(join(course, "source", "A1"), { recursive: true });
  await copyFile(A1, join(course, "source", "A1", "A1.ipynb"));
  await writeFile(join(course, "nbgrader_config.py"), [
    "c = get_config()",
    "c.CourseDirectory.course_id = 'bigdata'",
    "c.ClearSolutions.code_stub = {'typescript': '// YOUR CODE HERE\\nthrow new Error(\"not implemented yet\");'}",
    "c.Execute.extra_arguments = ['--check-raises']",
    "c.Execute.timeout = 240",
  ].join("\n") + "\n");
  const nbgrader = (...args: string[]) => run(join(dirname(py), "nbgrader"), args, { cwd: course, env: e, maxBuffer: 1 << 26 });
  await nbgrader("generate_assignment", "A1", "--force");
  release = JSON.parse(await readFile(join(course, "release", "A1", "A1.ipynb"), "utf8"));
  const source = JSON.parse(await readFile(A1, "utf8")) as { cells: Cell[] };
  const answers = new Map(source.cells.filter((c) => c.metadata.nbgrader?.solution).map((c) => [c.metadata.nbgrader!.grade_id!, c.source]));
  const students: Record<string, string[]> = { alice: ["q1-answer", "q2-answer", "q3-answer"], bob: [], carol: ["q1-answer", "q2-answer"] };
  await mkdir(join(course, "ours"));
  for (const [who, filled] of Object.entries(students)) {
    const nb = structuredClone(release);
    for (const c of nb.cells) if (filled.includes(c.metadata.nbgrader?.grade_id ?? "")) c.source = answers.get(c.metadata.nbgrader!.grade_id!)!;
    await mkdir(join(course, "submitted", who, "A1"), { recursive: true });
    await writeFile(join(course, "submitted", who, "A1", "A1.ipynb"), JSON.stringify(nb));
    await writeFile(join(course, "ours", `${who}.ipynb`), JSON.stringify(nb));
  }
  await nbgrader("autograde", "A1", "--create", "--force");
  await nbgrader("export");
  const csv = (await readFile(join(course, "grades.csv"), "utf8")).trim().split("\n");
  const head = csv[0]!.split(",");
  for (const line of csv.slice(1)) {
    const f = line.split(",");
    nbgraderScores[f[head.indexOf("student_id")]!] = Number(f[head.indexOf("score")]);
  }
  await run(process.execPath, [WORKBENCH, "assign", A1, "--out", join(course, "dist"), "--name", "A1", "--no-verify"], { cwd: course, env: e });
  await run(process.execPath, [WORKBENCH, "grade", join(course, "ours"), "--bundle", join(course, "dist", "A1.zip"), "--out", join(course, "results"), "--jobs", "2"], { cwd: course, env: e, maxBuffer: 1 << 24 });
  for (const who of Object.keys(students)) ourScores[who] = JSON.parse(await readFile(join(course, "results", who, "results.json"), "utf8")).score;
}, 900_000);

afterAll(async () => {
  if (course) await rm(course, { recursive: true, force: true });
});

describe.skipIf(!env.ready)("nbgrader on a workbench assignment", () => {
  it("generate_assignment reads the metadata and markers: stubs, no hidden tests, locked cells", () => {
    const text = JSON.stringify(release);
    expect(text).not.toContain("BEGIN SOLUTION");
    expect(text).not.toContain("ties are broken alphabetically");
    expect(text).toContain("the top 3 words");
    const q1 = release.cells.find((c) => c.metadata.nbgrader?.grade_id === "q1")!;
    expect(q1.metadata).toMatchObject({ nbgrader: { grade: true, locked: true, points: 4 } });
  });

  it("autograde with the bigdata kernel gives the same scores as workbench grade", () => {
    expect(nbgraderScores).toEqual({ alice: 10, bob: 0, carol: 7 });
    expect(ourScores).toEqual(nbgraderScores);
  });
});
