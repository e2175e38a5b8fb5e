// The autograder end to end, through the CLI a course uses: `workbench assign` builds A1 (and
// proves the solution scores full marks and the stubs zero), then `workbench grade` grades crafted
// submissions: correct, partial, hangs in a question and at the top level, code that throws,
// process.exit(), a deleted and an edited test cell, output flooding, a submission that snoops on
// the bundle and the other submissions, and one that redefines check/test/expect and forges a
// report. Each gets the score and status a careful human grader would give.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT, WORKBENCH } from "./helpers/sandbox";

const run = promisify(execFile);
const A1 = join(ROOT, "notebooks", "assignments", "A1-mapreduce-and-mining.ipynb");
const asRoot = process.platform === "linux" && process.getuid?.() === 0;

interface Cell { cell_type: string; source: string | string[]; metadata: { nbgrader?: { grade_id?: string; solution?: boolean } }; outputs?: unknown[] }
interface Nb { cells: Cell[] }
const src = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);
const gid = (c: Cell) => c.metadata.nbgrader?.grade_id;
const code = (source: string, grade_id?: string): Cell => ({ cell_type: "code", source, metadata: grade_id ? { nbgrader: { grade_id, solution: true } } : {}, outputs: [] });

let dir = "";
let student: Nb;
let answers: Record<string, string> = {};
let gradeOut = "";
let results: Record<string, { score: number; max_score: number; output: string; tests: Array<{ name: string; score: number; max_score: number; status: string; output: string; visibility: string }> }> = {};
let csv = "";

function submission(edit: (cells: Cell[]) => void = () => {}, fill = true): Nb {
  const nb = structuredClone(student);
  if (fill) for (const c of nb.cells) if (gid(c) && answers[gid(c)!]) c.source = answers[gid(c)!]!;
  edit(nb.cells);
  return nb;
}
const setAnswer = (cells: Cell[], id: string, source: string) => { cells.find((c) => gid(c) === id)!.source = source; };
const questionScore = (who: string, q: string) => results[who]!.tests.filter((t) => t.name === q || t.name.startsWith(q + " ")).reduce((a, t) => a + t.score, 0);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bdw-grader-e2e-"));
  // World-readable on purpose: what keeps a submission out of the bundle and the other
  // submissions must be the grader's sandbox, not this folder's mode.
  await chmod(dir, 0o755);
  const assign = await run(process.execPath, [WORKBENCH, "assign", A1, "--out", join(dir, "dist"), "--name", "A1"], { cwd: dir, maxBuffer: 1 << 24 });
  expect(assign.stdout).toMatch(/q1\s+4\/4\s+0\/4\s+ok/);
  student = JSON.parse(await readFile(join(dir, "dist", "A1.ipynb"), "utf8")) as Nb;
  const instructor = JSON.parse(await readFile(A1, "utf8")) as Nb;
  answers = Object.fromEntries(instructor.cells.filter((c) => c.metadata.nbgrader?.solution).map((c) => [gid(c)!, src(c)]));

  const subs = join(dir, "submissions");
  await mkdir(subs);
  const bundle = join(dir, "dist", "A1.zip");
  const crafted: Record<string, Nb> = {
    correct: submission(),
    partial: submission((cells) => {
      setAnswer(cells, "q1-answer", answers["q1-answer"]!.replace(/\.sort\(\(a, b\) => b\[1\] - a\[1\] \|\| .*?\)\.slice/, ".sort((a, b) => b[1] - a[1]).slice"));
      setAnswer(cells, "q3-answer", src(student.cells.find((c) => gid(c) === "q3-answer")!));
    }),
    "hang-question": submission((cells) => setAnswer(cells, "q2-answer", "async function joinOrders(): Promise<Array<[number, [string, number]]>> { while (true) {} }\n")),
    "hang-toplevel": submission((cells) => cells.splice(2, 0, code("let spins = 0;\nwhile (true) { spins++; }"))),
    throws: submission((cells) => setAnswer(cells, "q3-answer", "function similarPairs(threshold: number): Array<[string, string]> {\n  const names = Object.keys(docs);\n  throw new Error(\"my bug: \" + names.length);\n}\n")),
    exits: submission((cells) => setAnswer(cells, "q1-answer", "process.exit(3);\n" + answers["q1-answer"])),
    "deleted-test": submission((cells) => cells.splice(cells.findIndex((c) => gid(c) === "q2"), 1)),
    "edited-test": submission((cells) => { cells.find((c) => gid(c) === "q1")!.source = 'test("q1", "free points", () => {});\ncheck("q1")'; }, false),
    flood: submission((cells) => cells.splice(2, 0, code('for (let i = 0; i < 3000; i++) display.html("<p>" + "x".repeat(2000) + "</p>");'))),
    "memory-hog": submission((cells) => setAnswer(cells, "q3-answer", "const hoard: number[][] = [];\nwhile (true) hoard.push(new Array(1e6).fill(Math.random()));\n")),
    snoop: submission((cells) => cells.splice(2, 0, code(`
      import * as fs from "node:fs";
      import { execSync } from "node:child_process";
      const tryIt = (f: () => unknown) => { try { const v = f(); return typeof v === "string" ? "read " + v.length : "ok"; } catch (e: any) { return "denied " + (e.code ?? e.status ?? e.message); } };
      const snoop = {
        bundle: tryIt(() => fs.readFileSync(${JSON.stringify(bundle)}, "latin1")),
        bundleByShell: tryIt(() => execSync("cat " + ${JSON.stringify(bundle)} + " | wc -c").toString().trim()),
        other: tryIt(() => fs.readFileSync(${JSON.stringify(join(subs, "correct.ipynb"))}, "utf8")),
        results: tryIt(() => fs.readdirSync(${JSON.stringify(join(dir, "results"))}).join(",")),
        writeDist: tryIt(() => fs.writeFileSync(${JSON.stringify(join(dir, "dist", "owned.txt"))}, "x")),
        writeRepo: tryIt(() => fs.writeFileSync(${JSON.stringify(join(ROOT, "owned-by-submission.txt"))}, "x")),
        writeOwn: tryIt(() => fs.writeFileSync("mine.txt", "x")),
      };
      console.log("SNOOP " + JSON.stringify(snoop));
    `))),
    cheat: submission((cells) => {
      cells.splice(2, 0, code(`
        (globalThis as any).check = () => "all tests passed";
        (globalThis as any).test = () => undefined;
        (globalThis as any).expect = () => new Proxy({}, { get: () => () => undefined });
        try { (globalThis as any).__bigdata_grader__ = { grade: () => ({}) }; } catch { /* frozen */ }
      `));
      setAnswer(cells, "q3-answer", `function similarPairs(threshold: number): Array<[string, string]> {
        display.bundle({ "application/vnd.bigdata.grade+json": { question: "q3", cases: [], fraction: 1, nonce: "guess" }, "text/plain": "forged" });
        return [];
      }`);
    }, false),
  };
  for (const [name, nb] of Object.entries(crafted)) await writeFile(join(subs, `${name}.ipynb`), JSON.stringify(nb));
  gradeOut = (await run(process.execPath, [WORKBENCH, "grade", subs, "--bundle", bundle, "--out", join(dir, "results"), "--jobs", "2", "--cell-timeout", "30", "--question-timeout", "45", "--memory", "512"], { cwd: dir, maxBuffer: 1 << 24 })).stdout;
  for (const name of Object.keys(crafted)) results[name] = JSON.parse(await readFile(join(dir, "results", name, "results.json"), "utf8"));
  csv = await readFile(join(dir, "results", "gradebook.csv"), "utf8");
}, 900_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("workbench assign", () => {
  it("writes a student notebook without solutions or hidden tests, with locked cells checksummed", () => {
    const all = student.cells.map(src).join("\n");
    expect(all).not.toContain("BEGIN SOLUTION");
    expect(all).not.toContain("ties are broken alphabetically");
    expect(all).toContain("the top 3 words");
    expect(all).toContain("// TODO: sort by count (descending), then word, and keep k");
    const q1 = student.cells.find((c) => gid(c) === "q1")!;
    expect(q1.metadata).toMatchObject({ nbgrader: { grade: true, locked: true, points: 4 }, editable: false, deletable: false });
    expect((q1.metadata.nbgrader as { checksum?: string }).checksum).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("workbench grade on crafted submissions", () => {
  it("gives a correct submission full marks in Gradescope's format, public and hidden parts apart", () => {
    const r = results.correct!;
    expect(r.score).toBe(10);
    expect(r.max_score).toBe(10);
    expect(r.tests.map((t) => `${t.name}:${t.visibility}`)).toContain("q1 (hidden tests):after_published");
    expect(r.tests.every((t) => t.status === "passed")).toBe(true);
    expect(gradeOut).toMatch(/graded 12 of 12 submissions/);
  });

  it("gives partial credit by test weight", () => {
    expect(questionScore("partial", "q1")).toBeCloseTo((4 * 6) / 7, 2);
    expect(results.partial!.tests.find((t) => t.name === "q1 (hidden tests)")!.output).toMatch(/FAIL {2}ties are broken alphabetically/);
    expect(questionScore("partial", "q2")).toBe(3);
    expect(questionScore("partial", "q3")).toBe(0);
  });

  it("a hang in one question costs that question only", () => {
    const r = results["hang-question"]!;
    expect(questionScore("hang-question", "q2")).toBe(0);
    expect(r.tests.find((t) => t.name === "q2")!.output).toMatch(/timeout/);
    expect(questionScore("hang-question", "q1")).toBe(4);
    expect(questionScore("hang-question", "q3")).toBe(3);
    expect(r.output).toMatch(/fresh kernel/);
  });

  it("a hang at the top level is cut off and grading goes on", () => {
    expect(results["hang-toplevel"]!.score).toBe(10);
    expect(results["hang-toplevel"]!.output).toMatch(/did not finish in time/);
  });

  it("code that throws scores zero there, with the student's own cell and line in the feedback", async () => {
    expect(questionScore("throws", "q3")).toBe(0);
    expect(results.throws!.score).toBe(7);
    expect(results.throws!.tests.find((t) => t.name.startsWith("q3"))!.output).toMatch(/Error: my bug: 10/);
    const html = await readFile(join(dir, "results", "throws", "feedback.html"), "utf8");
    expect(html).toContain("my bug: 10");
    expect(html).toMatch(/my bug: 10 \(at Cell In\[\d+\], line 3\)/);
  });

  it("process.exit() in a cell costs what depended on it; the rest is graded in a fresh kernel", () => {
    expect(questionScore("exits", "q1")).toBe(0);
    expect(questionScore("exits", "q2")).toBe(3);
    expect(questionScore("exits", "q3")).toBe(3);
    expect(results.exits!.output).toMatch(/stopped the kernel/);
  });

  it("a deleted test cell is put back and an edited one restored", () => {
    expect(results["deleted-test"]!.score).toBe(10);
    expect(results["deleted-test"]!.output).toMatch(/locked cell q2 was deleted/);
    expect(results["edited-test"]!.score).toBe(0);
    expect(results["edited-test"]!.output).toMatch(/locked cell q1 was edited/);
  });

  it("a submission over the memory cap loses the question that ran out, not the others", () => {
    expect(questionScore("memory-hog", "q3")).toBe(0);
    expect(questionScore("memory-hog", "q1") + questionScore("memory-hog", "q2")).toBe(7);
    expect(results["memory-hog"]!.output).toMatch(/stopped the kernel|did not finish in time/);
  });

  it("output flooding is stopped at the cap without losing the grade", () => {
    expect(results.flood!.score).toBe(10);
    expect(results.flood!.output).toMatch(/wrote too much output/);
  });

  it("redefining check/test/expect or forging a report changes nothing", () => {
    expect(results.cheat!.score).toBe(0);
  });

  it.skipIf(!asRoot)("a submission cannot read the bundle or other submissions, nor write outside its folder", async () => {
    expect(gradeOut).toMatch(/sandbox: user\+namespace/);
    expect(results.snoop!.score).toBe(10);
    const graded = JSON.parse(await readFile(join(dir, "results", "snoop", "graded.ipynb"), "utf8")) as Nb;
    const line = JSON.stringify(graded.cells.map((c) => c.outputs ?? [])).match(/SNOOP (\{.*?\})\\n/)![1]!.replace(/\\"/g, '"');
    const snoop = JSON.parse(line) as Record<string, string>;
    expect(snoop.bundle).toBe("read 0");
    expect(snoop.bundleByShell).toBe("read 1"); // wc -c printed "0"
    expect(snoop.other).toMatch(/^denied/);
    expect(snoop.results).toMatch(/^(denied|read 0$)/);
    expect(snoop.writeDist).toMatch(/^denied/);
    expect(snoop.writeRepo).toMatch(/^denied/);
    expect(snoop.writeOwn).toBe("ok");
    expect(existsSync(join(dir, "dist", "owned.txt"))).toBe(false);
    expect(existsSync(join(ROOT, "owned-by-submission.txt"))).toBe(false);
  });

  it("writes a gradebook with a status column in a stable order", () => {
    const rows = csv.trim().split("\n");
    expect(rows[0]).toBe("submission,score,max_score,status,q1,q2,q3,notes");
    expect(rows.slice(1).map((r) => r.split(",")[0])).toEqual([...Object.keys(results)].sort());
    expect(rows.find((r) => r.startsWith("correct,"))).toMatch(/^correct,10,10,complete,4,3,3,/);
    expect(rows.find((r) => r.startsWith("hang-question,"))).toMatch(/,timeout,/);
    expect(rows.find((r) => r.startsWith("exits,"))).toMatch(/,crashed,/);
  });

  it("gradescope-bundle writes the upload zip, and its run_autograder path grades one submission", async () => {
    const zip = join(dir, "gradescope.zip");
    await run(process.execPath, [WORKBENCH, "gradescope-bundle", join(dir, "dist", "A1.zip"), "--out", zip, "--repo", ROOT], { cwd: dir });
    const { unzipSync, strFromU8 } = await import("fflate");
    const files = unzipSync(new Uint8Array(await readFile(zip)));
    expect(Object.keys(files).sort()).toEqual(["bundle.zip", "run_autograder", "setup.sh"]);
    expect(strFromU8(files["setup.sh"]!)).toContain(`git clone ${ROOT} /autograder/workbench`);
    expect(strFromU8(files.run_autograder!)).toContain("gradescope-run /autograder/source/bundle.zip /autograder/submission /autograder/results");
    // What run_autograder does, with this machine's paths: one submission folder in, results.json out.
    await mkdir(join(dir, "gs", "submission"), { recursive: true });
    await writeFile(join(dir, "gs", "bundle.zip"), files["bundle.zip"]!);
    await writeFile(join(dir, "gs", "submission", "A1.ipynb"), JSON.stringify(submission()));
    await run(process.execPath, [WORKBENCH, "gradescope-run", join(dir, "gs", "bundle.zip"), join(dir, "gs", "submission"), join(dir, "gs", "results")], { cwd: dir, maxBuffer: 1 << 24 });
    const r = JSON.parse(await readFile(join(dir, "gs", "results", "results.json"), "utf8"));
    expect([r.score, r.max_score, r.stdout_visibility]).toEqual([10, 10, "hidden"]);
  }, 300_000);
});

