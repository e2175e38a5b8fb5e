// The grading globals of every notebook: test(), expect() and check() for students and
// instructors, and the grader's own handle `__bigdata_grader__`, which is frozen and cannot be
// replaced, so a submission that redefines test/check/expect does not change how it is graded
// (the grader's cells take the functions from that handle, never from the globals).

import { createHash } from "node:crypto";
import { expect } from "./expect";
import { TestRegistry, type TestOptions } from "./registry";
import { CheckResult, GradeReport } from "./report-view";

export const GRADER_GLOBAL = "__bigdata_grader__";

/** A failed check() when the kernel runs with --check-raises (nbgrader's convention). */
export class ChecksFailedError extends Error {
  override name = "ChecksFailedError";
}

export interface GraderHandle {
  readonly test: (question: string, name: string, fn: () => unknown, opts?: TestOptions) => void;
  readonly expect: typeof expect;
  /** In graded cells check() does nothing: the grade() call after the cell runs the cases. */
  readonly check: (question?: string) => undefined;
  readonly begin: (question: string) => void;
  /** Cases registered from now on are hidden / public (the grader's cells switch at the markers). */
  readonly hidden: () => void;
  readonly visible: () => void;
  readonly grade: (question: string, nonce: string) => Promise<GradeReport>;
}

/** Defines the grading globals on globalThis (once per kernel process). */
export function installGradingGlobals(g: Record<string, unknown> = globalThis as Record<string, unknown>): void {
  if (Object.prototype.hasOwnProperty.call(g, GRADER_GLOBAL)) return;
  const registry = new TestRegistry();
  const test = (question: string, name: string, fn: () => unknown, opts?: TestOptions) => registry.register(question, name, fn, opts);
  const check = async (question?: string) => {
    const qs = question === undefined ? registry.questions() : [question];
    if (question !== undefined && typeof question !== "string") throw new TypeError(`check(question): question must be a string such as "q1"`);
    const results = [];
    for (const q of qs) results.push(new CheckResult(await registry.run(q)));
    // Under nbgrader (`--check-raises`), a failed check is an error: nbgrader scores a test cell
    // by whether it raised. The table is shown first.
    const failed = results.filter((r) => !r.passed);
    if (failed.length && process.env.BIGDATA_CHECK_RAISES === "1") {
      const show = g.display as ((x: unknown) => Promise<unknown>) | undefined;
      for (const r of results) await show?.(r);
      throw new ChecksFailedError(failed.map((r) => r.toString()).join("\n"));
    }
    return results.length === 1 ? results[0] : results;
  };
  const handle: GraderHandle = Object.freeze({
    test,
    expect,
    check: () => undefined,
    begin: (question: string) => registry.reset(question),
    hidden: () => registry.setSection("hidden"),
    visible: () => registry.setSection("public"),
    grade: async (question: string, nonce: string) => new GradeReport(await registry.run(question), nonce),
  });
  const define = (name: string, value: unknown) => Object.defineProperty(g, name, { configurable: true, enumerable: false, writable: true, value });
  define("test", test);
  define("expect", expect);
  define("check", check);
  // Graded runs are repeatable: the grader sets a seed and Math.random follows it.
  const seed = Number(process.env.BIGDATA_RANDOM_SEED);
  if (Number.isInteger(seed)) Math.random = seededRandom(seed);
  Object.defineProperty(g, GRADER_GLOBAL, { configurable: false, enumerable: false, writable: false, value: handle });
}

/** A repeatable uniform generator in [0, 1): SHA-256 of "seed:n" for n = 0, 1, ... (48 bits each). */
export function seededRandom(seed: number): () => number {
  let n = 0;
  return () => createHash("sha256").update(`${seed}:${n++}`).digest().readUIntBE(0, 6) / 2 ** 48;
}
