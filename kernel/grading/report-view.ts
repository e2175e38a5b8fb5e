// How graded results read: check("q1") in a notebook shows a table of the question's cases (pass or
// fail, expected vs got, the instructor's message) and the grader's feedback page reuses the same
// table. The kernel does not load the engine for this, so the HTML escaping lives here.

import type { CaseResult, QuestionReport } from "./registry";

/** The MIME type of the grader's per-question report (read back from the graded notebook). */
export const GRADE_MIME = "application/vnd.bigdata.grade+json";

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** The headline of a check: public tests only, so never "all tests passed". */
export function checkHeadline(r: QuestionReport): string {
  const failed = r.cases.filter((c) => !c.passed).length;
  if (!r.cases.length) return `${r.question}: no tests registered (run the question's test cell first)`;
  return failed === 0
    ? `${r.question}: public tests passed (${r.cases.length} of ${r.cases.length})`
    : `${r.question}: ${failed} of ${r.cases.length} public tests failed`;
}

function caseDetail(c: CaseResult): string {
  if (c.passed) return "";
  if (c.error) return `raised ${c.error}`;
  return `expected ${c.expected ?? "?"}, got ${c.got ?? "?"}`;
}

export function casesText(cases: CaseResult[]): string {
  return cases
    .map((c) => `  ${c.passed ? "pass" : "FAIL"}  ${c.name}${c.passed ? "" : `: ${caseDetail(c)}${c.message ? ` (${c.message})` : ""}`}`)
    .join("\n");
}

export function casesHtml(cases: CaseResult[], opts: { showHidden?: boolean } = {}): string {
  const rows = cases.map((c) => {
    const mark = c.passed ? `<span style="color:#1a7f37">&#10003; pass</span>` : `<span style="color:#cf222e">&#10007; fail</span>`;
    const hidden = opts.showHidden && c.visibility === "hidden" ? ` <em>(hidden)</em>` : "";
    const exp = c.passed ? "" : c.error ? `<td colspan="2"><code>${escapeHtml(c.error)}</code></td>` : `<td><code>${escapeHtml(c.expected ?? "")}</code></td><td><code>${escapeHtml(c.got ?? "")}</code></td>`;
    const cells = c.passed ? `<td></td><td></td>` : exp;
    return `<tr><td>${mark}</td><td>${escapeHtml(c.name)}${hidden}</td>${cells}<td>${c.passed ? "" : escapeHtml(c.message ?? "")}</td></tr>`;
  });
  return `<table class="bdw-grade"><thead><tr><th></th><th>test</th><th>expected</th><th>got</th><th>hint</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** What check("q1") returns: shown as a table in the notebook, with the headline as text. */
export class CheckResult {
  constructor(readonly report: QuestionReport) {}

  get passed(): boolean {
    return this.report.cases.length > 0 && this.report.cases.every((c) => c.passed);
  }

  toString(): string {
    const body = casesText(this.report.cases);
    return checkHeadline(this.report) + (body ? "\n" + body : "");
  }

  _repr_mimebundle_(): Record<string, unknown> {
    const r = this.report;
    const color = this.passed ? "#1a7f37" : "#cf222e";
    return {
      "text/plain": this.toString(),
      "text/html": `<div class="bdw-check"><p style="font-weight:bold;color:${color}">${escapeHtml(checkHeadline(r))}</p>${r.cases.length ? casesHtml(r.cases) : ""}</div>`,
    };
  }
}

/** What the grader's injected call returns: the question's report tagged with the run's nonce. */
export class GradeReport {
  constructor(readonly report: QuestionReport, private readonly nonce: string) {}

  _repr_mimebundle_(): Record<string, unknown> {
    const r = this.report;
    const passed = r.cases.filter((c) => c.passed).length;
    return {
      "text/plain": `${r.question}: ${passed} of ${r.cases.length} tests passed\n${casesText(r.cases)}`,
      [GRADE_MIME]: { nonce: this.nonce, ...r },
    };
  }
}
