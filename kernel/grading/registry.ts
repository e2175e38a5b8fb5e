// Graded tests in a notebook: test("q1", "name", fn) registers a case under a question,
// check("q1") runs that question's cases and shows each as pass/fail with expected vs got.
// The grader (kernel/cli/grade) drives the same registry through begin/hidden/grade, which run the
// bundle's cases in a fresh section and report the outcome tagged with the run's nonce.

import { TestFailure, show } from "./expect";

export type Visibility = "public" | "hidden";

export interface TestOptions {
  /** Weight of this case within its question (default 1). */
  points?: number;
  /** What a student reads when the case fails. */
  message?: string;
  /** Limit for an asynchronous case, ms (default 60 s). */
  timeoutMs?: number;
}

export interface TestCase {
  question: string;
  name: string;
  fn: () => unknown;
  weight: number;
  message?: string;
  timeoutMs: number;
  visibility: Visibility;
}

export interface CaseResult {
  question: string;
  name: string;
  passed: boolean;
  weight: number;
  visibility: Visibility;
  expected?: string;
  got?: string;
  message?: string;
  /** Name and message of an error the case threw (not a failed expectation). */
  error?: string;
  ms: number;
}

export interface QuestionReport {
  question: string;
  cases: CaseResult[];
  /** Passed weight over total weight, 0..1 (0 when the question has no cases). */
  fraction: number;
}

export class GradingUsageError extends Error {
  override name = "GradingUsageError";
}

const DEFAULT_CASE_TIMEOUT_MS = 60_000;
const now = Date.now;

export class TestRegistry {
  private readonly cases = new Map<string, Map<string, TestCase>>();
  private section: Visibility = "public";

  register(question: unknown, name: unknown, fn: unknown, opts: TestOptions = {}): void {
    if (typeof question !== "string" || !question) throw new GradingUsageError(`test(question, name, fn): question must be a non-empty string, got ${show(question)}`);
    if (typeof name !== "string" || !name) throw new GradingUsageError(`test("${question}", name, fn): name must be a non-empty string, got ${show(name)}`);
    if (typeof fn !== "function") throw new GradingUsageError(`test("${question}", "${name}", fn): fn must be a function, got ${show(fn)}`);
    const weight = opts.points ?? 1;
    if (typeof weight !== "number" || !(weight >= 0)) throw new GradingUsageError(`test("${question}", "${name}"): points must be a number >= 0`);
    let q = this.cases.get(question);
    if (!q) this.cases.set(question, (q = new Map()));
    q.set(name, {
      question, name, fn: fn as () => unknown, weight, message: opts.message,
      timeoutMs: opts.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS, visibility: this.section,
    });
  }

  questions(): string[] {
    return [...this.cases.keys()];
  }

  /** Forgets a question's cases and starts its public section (the grader, before a test cell). */
  reset(question: string): void {
    this.cases.delete(question);
    this.section = "public";
  }

  /** Cases registered from now on are hidden (public again after reset). */
  setSection(v: Visibility): void {
    this.section = v;
  }

  /** Runs the question's cases in registration order (a snapshot: cases added meanwhile do not count). */
  async run(question: string): Promise<QuestionReport> {
    const cases = [...(this.cases.get(question)?.values() ?? [])];
    const results: CaseResult[] = [];
    for (const c of cases) results.push(await runCase(c));
    const total = results.reduce((a, r) => a + r.weight, 0);
    const passed = results.reduce((a, r) => a + (r.passed ? r.weight : 0), 0);
    return { question, cases: results, fraction: total > 0 ? passed / total : 0 };
  }
}

async function runCase(c: TestCase): Promise<CaseResult> {
  const base = { question: c.question, name: c.name, weight: c.weight, visibility: c.visibility };
  const t0 = now();
  try {
    const r = c.fn();
    if (r && typeof (r as PromiseLike<unknown>).then === "function") {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TestFailure(`did not finish within ${c.timeoutMs / 1000} s`, "an answer", "no answer in time", c.message)), c.timeoutMs);
      });
      try {
        await Promise.race([r, limit]);
      } finally {
        clearTimeout(timer);
      }
    }
    return { ...base, passed: true, ms: now() - t0 };
  } catch (e) {
    const ms = now() - t0;
    if (e instanceof TestFailure) return { ...base, passed: false, expected: e.expected, got: e.got, message: e.hint ?? c.message, ms };
    const at = e instanceof Error ? userFrame(e) : undefined;
    const err = (e instanceof Error ? `${e.name}: ${e.message}` : `threw ${show(e)}`) + (at ? ` (at ${at})` : "");
    return { ...base, passed: false, error: err, message: c.message, ms };
  }
}

type CellPositionHook = (file: string, line: number, column: number) => { cell?: number; line?: number } | undefined;

/** Where in the student's own cells an error was thrown ("Cell In[7], line 3"), from its stack. */
export function userFrame(e: Error): string | undefined {
  const hook = (globalThis as Record<symbol, unknown>)[Symbol.for("bigdata-workbench.cellPosition")] as CellPositionHook | undefined;
  for (const m of String(e.stack ?? "").matchAll(/(<cell \d+>):(\d+):(\d+)/g)) {
    const pos = hook?.(m[1]!, Number(m[2]), Number(m[3]));
    if (pos?.cell !== undefined && pos.line !== undefined) return `Cell In[${pos.cell}], line ${pos.line}`;
  }
  return undefined;
}
