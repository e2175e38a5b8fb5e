// The grading pieces that need no kernel: markers, the student notebook and bundle, merging a
// submission with the template, expect(), the registry and the check()/Gradescope views.

import { describe, expect as vexpect, it } from "vitest";
import { AssignmentError, gradedTestSource, publicTests, stubSolutions } from "./markers";
import { buildAssignment, cellChecksum, mergeSubmission, nbgrader, text, type Nb, type NbCell } from "./assignment";
import { deepEqual, expect, TestFailure } from "./expect";
import { TestRegistry } from "./registry";
import { CheckResult } from "./report-view";
import { GRADER_GLOBAL, installGradingGlobals, seededRandom } from "./globals";

const cell = (source: string, nbg?: Record<string, unknown>, id?: string): NbCell => ({
  cell_type: "code", id, source, metadata: nbg ? { nbgrader: nbg } : {}, outputs: [], execution_count: null,
});
const nb = (cells: NbCell[]): Nb => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });

describe("markers", () => {
  it("replaces solution regions by a TODO and a throwing stub, keeping indentation and STUB lines", () => {
    const src = "function f() {\n  // BEGIN SOLUTION: return the answer\n  return 42;\n  // END SOLUTION\n}\n// BEGIN SOLUTION\n// STUB: let x: number | undefined;\nlet x = 1;\n// END SOLUTION";
    vexpect(stubSolutions(src, "cell 1")).toBe(
      'function f() {\n  // TODO: return the answer\n  throw new Error("not implemented yet: return the answer");\n}\n// TODO: your code here\nlet x: number | undefined;',
    );
  });

  it("names the cell and line of unbalanced markers", () => {
    vexpect(() => stubSolutions("a\n// BEGIN SOLUTION\nb", "cell 4")).toThrow(new AssignmentError("cell 4, line 2: BEGIN SOLUTION has no END SOLUTION"));
    vexpect(() => publicTests("// END HIDDEN TESTS", "cell 2")).toThrow(/cell 2, line 1: END HIDDEN TESTS without a BEGIN/);
  });

  it("drops hidden tests from the student copy and switches sections in the graded copy", () => {
    const t = 'test("q1", "a", () => {});\n// BEGIN HIDDEN TESTS\ntest("q1", "h", () => {});\n// END HIDDEN TESTS\ncheck("q1")';
    vexpect(publicTests(t, "c")).toBe('test("q1", "a", () => {});\n\ncheck("q1")'.replace("\n\n", "\n"));
    const g = gradedTestSource("q1", t, "N", "c");
    vexpect(g.split("\n")[0]).toMatch(/\.begin\("q1"\); \{ const \{ test, expect, check \} = .*; test\("q1", "a"/);
    vexpect(g.split("\n").length).toBe(t.split("\n").length + 2);
    vexpect(g.indexOf(".hidden();")).toBeLessThan(g.indexOf('"h"'));
    vexpect(g.trim().endsWith('.grade("q1", "N")')).toBe(true);
  });
});

describe("assignment", () => {
  const instructor = nb([
    cell("const data = [1, 2, 3];", { locked: true, grade_id: "setup" }, "c0"),
    cell("function total(xs: number[]) {\n  // BEGIN SOLUTION\n  return xs.reduce((a, b) => a + b, 0);\n  // END SOLUTION\n}", undefined, "c1"),
    cell('test("q1", "sum", () => expect(total(data)).toBe(6));\n// BEGIN HIDDEN TESTS\ntest("q1", "empty", () => expect(total([])).toBe(0));\n// END HIDDEN TESTS\ncheck("q1")', { grade: true, grade_id: "q1", points: 2 }, "c2"),
  ]);

  it("builds the student notebook, the bundle and the solution submission", () => {
    const { student, bundle, solution } = buildAssignment(instructor, "T");
    vexpect(bundle.totalPoints).toBe(2);
    vexpect(bundle.questions[0]!.tests).toContain("empty");
    vexpect(text(student.cells[2]!.source)).not.toContain("empty");
    vexpect(text(student.cells[1]!.source)).toContain("throw new Error");
    vexpect(nbgrader(student.cells[1]!)).toMatchObject({ solution: true, grade_id: "c1-answer" });
    vexpect(text(solution.cells[1]!.source)).toContain("reduce");
    vexpect(nbgrader(student.cells[0]!)!.checksum).toBe(cellChecksum(student.cells[0]!));
  });

  it("refuses graded cells without points, duplicate ids and imports in test cells", () => {
    vexpect(() => buildAssignment(nb([cell("test('q', 'a', () => {})", { grade: true, grade_id: "q" })]), "T")).toThrow(/points must be a number > 0/);
    vexpect(() => buildAssignment(nb([cell("1", { grade: true, grade_id: "q", points: 1 }), cell("2", { grade: true, grade_id: "q", points: 1 })]), "T")).toThrow(/used by another cell/);
    vexpect(() => buildAssignment(nb([cell('import * as fs from "node:fs";', { grade: true, grade_id: "q", points: 1 })]), "T")).toThrow(/import declarations/);
    vexpect(() => buildAssignment(nb([cell("1")]), "T")).toThrow(/no graded test cells/);
  });

  it("restores edited locked cells, puts deleted ones back in place and keeps one of duplicates", () => {
    const { student } = buildAssignment(instructor, "T");
    const sub = structuredClone(student);
    sub.cells[0]!.source = "const data = [100];";
    const q1 = sub.cells.splice(2, 1)[0]!;
    sub.cells.push(cell("// my scratch"), structuredClone(sub.cells[0]!));
    const { notebook, notes } = mergeSubmission(sub, student);
    vexpect(notes).toEqual([{ grade_id: "setup", what: "edited" }, { grade_id: "setup", what: "duplicated" }, { grade_id: "q1", what: "deleted" }]);
    vexpect(notebook.cells.map((c) => text(c.source).split("\n")[0])).toEqual([
      "const data = [1, 2, 3];", "function total(xs: number[]) {", text(q1.source).split("\n")[0], "// my scratch",
    ]);
  });
});

describe("expect", () => {
  it("compares structurally, and says what was expected and what came back", () => {
    vexpect(deepEqual({ a: [1, { b: NaN }], m: new Map([[1, new Set([2])]]) }, { a: [1, { b: NaN }], m: new Map([[1, new Set([2])]]) })).toBe(true);
    vexpect(deepEqual([1, 2], [2, 1])).toBe(false);
    try {
      expect([1, 2], "sort first").toEqual([2, 1]);
      throw new Error("unreachable");
    } catch (e) {
      vexpect(e).toBeInstanceOf(TestFailure);
      vexpect(e).toMatchObject({ expected: "[ 2, 1 ]", got: "[ 1, 2 ]", hint: "sort first" });
    }
    vexpect(() => expect(0.1 + 0.2).toBeCloseTo(0.3, 10)).not.toThrow();
    vexpect(() => expect([3, 1]).toEqualUnordered([1, 3])).not.toThrow();
    vexpect(() => expect(() => { throw new Error("bad key"); }).toThrow(/key/)).not.toThrow();
    vexpect(() => expect(1).not.toBe(1)).toThrow(TestFailure);
  });

  it("is not fooled by a patched Object.is", () => {
    const saved = Object.is;
    Object.is = () => true;
    try {
      vexpect(() => expect(1).toBe(2)).toThrow(TestFailure);
    } finally {
      Object.is = saved;
    }
  });
});

describe("registry and check()", () => {
  it("runs a question's cases, weights them and reports public tests, never all tests", async () => {
    const r = new TestRegistry();
    r.register("q1", "a", () => expect(1).toBe(1), { points: 3 });
    r.register("q1", "b", async () => expect(await Promise.resolve(2)).toBe(3));
    r.register("q1", "c", () => { throw new RangeError("boom"); });
    const report = await r.run("q1");
    vexpect(report.fraction).toBeCloseTo(3 / 5);
    vexpect(report.cases.map((c) => [c.name, c.passed])).toEqual([["a", true], ["b", false], ["c", false]]);
    vexpect(report.cases[2]!.error).toBe("RangeError: boom");
    const shown = new CheckResult(report).toString();
    vexpect(shown).toMatch(/^q1: 2 of 3 public tests failed/);
    const ok = new CheckResult(await (() => { const r2 = new TestRegistry(); r2.register("q2", "x", () => {}); return r2.run("q2"); })());
    vexpect(ok.toString()).toMatch(/^q2: public tests passed \(1 of 1\)/);
    vexpect(ok.toString()).not.toMatch(/all tests/);
  });

  it("rejects malformed tests with a clear message", () => {
    const r = new TestRegistry();
    vexpect(() => r.register("", "a", () => {})).toThrow(/question must be a non-empty string/);
    vexpect(() => r.register("q1", "a", 42)).toThrow(/fn must be a function/);
  });
});

describe("the grading globals", () => {
  it("seed Math.random when the grader asks (repeatable runs) and freeze the grader's handle", () => {
    const saved = Math.random;
    const savedSeed = process.env.BIGDATA_RANDOM_SEED;
    process.env.BIGDATA_RANDOM_SEED = "42";
    try {
      const g: Record<string, unknown> = {};
      installGradingGlobals(g);
      const a = [Math.random(), Math.random(), Math.random()];
      const r = seededRandom(42);
      vexpect(a).toEqual([r(), r(), r()]);
      vexpect(a.every((x) => x >= 0 && x < 1)).toBe(true);
      vexpect(() => { "use strict"; (g as Record<string, unknown>)[GRADER_GLOBAL] = {}; }).toThrow(TypeError);
      vexpect(Object.isFrozen(g[GRADER_GLOBAL])).toBe(true);
      g.check = () => "all tests passed";
      vexpect(typeof (g[GRADER_GLOBAL] as { grade: unknown }).grade).toBe("function");
    } finally {
      Math.random = saved;
      if (savedSeed === undefined) delete process.env.BIGDATA_RANDOM_SEED; else process.env.BIGDATA_RANDOM_SEED = savedSeed;
    }
  });
});
