// The instructor's markers in cell sources: `// BEGIN SOLUTION` … `// END SOLUTION` regions become
// stubs in the student notebook, and `// BEGIN HIDDEN TESTS` … `// END HIDDEN TESTS` regions are
// removed from it (the grader runs them from the bundle). The BEGIN SOLUTION line may say what to
// write (`// BEGIN SOLUTION: count words with a combiner`); `// STUB: code` lines inside a region
// are the stub's code (for instance a declaration later cells need).

export class AssignmentError extends Error {
  override name = "AssignmentError";
}

const BEGIN_SOLUTION = /^(\s*)\/\/\s*BEGIN SOLUTION\b:?\s*(.*)$/;
const END_SOLUTION = /^\s*\/\/\s*END SOLUTION\b/;
const BEGIN_HIDDEN = /^\s*\/\/\s*BEGIN HIDDEN TESTS\b/;
const END_HIDDEN = /^\s*\/\/\s*END HIDDEN TESTS\b/;
const STUB = /^\s*\/\/\s*STUB:\s?(.*)$/;

export function hasSolution(src: string): boolean {
  return src.split("\n").some((l) => BEGIN_SOLUTION.test(l));
}

export function hasHiddenTests(src: string): boolean {
  return src.split("\n").some((l) => BEGIN_HIDDEN.test(l));
}

/** The student's version of a solution cell: each region replaced by its stub. */
export function stubSolutions(src: string, where: string): string {
  const out: string[] = [];
  const lines = src.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = BEGIN_SOLUTION.exec(lines[i]!);
    if (!m) {
      if (END_SOLUTION.test(lines[i]!)) throw new AssignmentError(`${where}, line ${i + 1}: END SOLUTION without a BEGIN SOLUTION before it`);
      out.push(lines[i]!);
      continue;
    }
    const [, indent, what] = m;
    const stub: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !END_SOLUTION.test(lines[j]!); j++) {
      if (BEGIN_SOLUTION.test(lines[j]!)) throw new AssignmentError(`${where}, line ${j + 1}: BEGIN SOLUTION inside the region that starts on line ${i + 1}`);
      const s = STUB.exec(lines[j]!);
      if (s) stub.push(indent + s[1]);
    }
    if (j === lines.length) throw new AssignmentError(`${where}, line ${i + 1}: BEGIN SOLUTION has no END SOLUTION`);
    const todo = what!.trim() || "your code here";
    out.push(`${indent}// TODO: ${todo}`);
    out.push(...(stub.length ? stub : [`${indent}throw new Error(${JSON.stringify(`not implemented yet: ${todo}`)});`]));
    i = j;
  }
  return out.join("\n");
}

/** The instructor's source with the STUB lines dropped (what the solution run executes). */
export function solutionSource(src: string): string {
  return src.split("\n").filter((l) => !STUB.test(l)).join("\n");
}

/** A test cell without its hidden regions (the student's copy). */
export function publicTests(src: string, where: string): string {
  return splitHidden(src, where).filter((p) => !p.hidden).map((p) => p.text).join("\n").replace(/\n{3,}/g, "\n\n").trim();
}

export interface TestPart {
  hidden: boolean;
  text: string;
}

/** A test cell cut into its public and hidden parts, in order (markers dropped). */
export function splitHidden(src: string, where: string): TestPart[] {
  const parts: TestPart[] = [];
  let cur: string[] = [];
  let hidden = false;
  let openedAt = 0;
  const lines = src.split("\n");
  const flush = () => {
    if (cur.length) parts.push({ hidden, text: cur.join("\n") });
    cur = [];
  };
  lines.forEach((l, i) => {
    if (BEGIN_HIDDEN.test(l)) {
      if (hidden) throw new AssignmentError(`${where}, line ${i + 1}: BEGIN HIDDEN TESTS inside hidden tests opened on line ${openedAt}`);
      flush();
      hidden = true;
      openedAt = i + 1;
    } else if (END_HIDDEN.test(l)) {
      if (!hidden) throw new AssignmentError(`${where}, line ${i + 1}: END HIDDEN TESTS without a BEGIN HIDDEN TESTS before it`);
      flush();
      hidden = false;
    } else cur.push(l);
  });
  if (hidden) throw new AssignmentError(`${where}, line ${openedAt}: BEGIN HIDDEN TESTS has no END HIDDEN TESTS`);
  flush();
  return parts;
}

const G = `(globalThis as any).__bigdata_grader__`;

/**
 * The source the grader runs for a test cell: the bundle's tests (public and hidden) with test,
 * expect and check taken from the grader's frozen handle, then the question's report tagged with
 * the nonce. Test cells must not hold import declarations (they run inside a block).
 */
export function gradedTestSource(question: string, tests: string, nonce: string, where: string): string {
  splitHidden(tests, where); // checks the markers
  // The prefix shares the first line, so line numbers in errors are the test cell's own.
  const prefix = `${G}.begin(${JSON.stringify(question)}); { const { test, expect, check } = ${G} as { test: typeof globalThis.test; expect: typeof globalThis.expect; check: (q?: string) => undefined }; `;
  const body = tests.split("\n").map((l) => (BEGIN_HIDDEN.test(l) ? `${G}.hidden();` : END_HIDDEN.test(l) ? `${G}.visible();` : l));
  body[0] = prefix + body[0];
  return [...body, `}`, `${G}.grade(${JSON.stringify(question)}, ${JSON.stringify(nonce)})`].join("\n");
}

/** Import declarations at the start of a line (not allowed in test cells). */
export function hasImport(src: string): boolean {
  return /^\s*import\s+(?:[\w*{]|["'])/m.test(src);
}
