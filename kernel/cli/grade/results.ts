// What grading writes: Gradescope's results.json for a submission, the class gradebook as CSV,
// and an HTML feedback page per student with each question's tests, notes and the errors of the
// student's own cells.

import { casesHtml, casesText, escapeHtml } from "../../grading/report-view";
import { round, type QuestionResult, type SubmissionGrade } from "./grade-submission";

export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: "passed" | "failed";
  output: string;
  visibility: "visible" | "hidden" | "after_due_date" | "after_published";
}

export interface GradescopeResults {
  score: number;
  max_score: number;
  execution_time: number;
  output: string;
  visibility: "visible" | "hidden" | "after_due_date" | "after_published";
  stdout_visibility: "visible" | "hidden";
  tests: GradescopeTest[];
}

const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, "");

function reasonText(q: QuestionResult): string {
  return q.reason ? `${q.status}: ${q.reason}` : "";
}

/** One Gradescope test per question part: its public cases (visible) and its hidden cases (after publishing). */
export function gradescopeResults(g: SubmissionGrade): GradescopeResults {
  const tests: GradescopeTest[] = [];
  g.questions.forEach((q, qi) => {
    const pub = q.cases.filter((c) => c.visibility === "public");
    const hid = q.cases.filter((c) => c.visibility === "hidden");
    const total = q.cases.reduce((a, c) => a + c.weight, 0);
    const part = (cs: typeof q.cases) => {
      const w = cs.reduce((a, c) => a + c.weight, 0);
      const got = cs.reduce((a, c) => a + (c.passed ? c.weight : 0), 0);
      return { max: total > 0 ? (q.points * w) / total : 0, score: total > 0 ? (q.points * got) / total : 0 };
    };
    if (!q.cases.length) {
      tests.push({ name: q.id, number: String(qi + 1), score: 0, max_score: q.points, status: "failed", output: reasonText(q) || "no tests ran", visibility: "visible" });
      return;
    }
    const p = part(pub);
    if (pub.length || !hid.length) {
      tests.push({
        name: hid.length ? `${q.id} (public tests)` : q.id, number: hid.length ? `${qi + 1}.1` : String(qi + 1),
        score: round(p.score), max_score: round(p.max), status: pub.every((c) => c.passed) ? "passed" : "failed",
        output: [reasonText(q), casesText(pub)].filter(Boolean).join("\n"), visibility: "visible",
      });
    }
    if (hid.length) {
      const h = part(hid);
      tests.push({
        name: `${q.id} (hidden tests)`, number: pub.length ? `${qi + 1}.2` : String(qi + 1),
        score: round(h.score), max_score: round(h.max), status: hid.every((c) => c.passed) ? "passed" : "failed",
        output: casesText(hid), visibility: "after_published",
      });
    }
  });
  const output = [
    `Score: ${g.score} / ${g.maxScore}`,
    ...g.notes.map((n) => `Note: ${n}`),
    ...g.cellErrors.map((e) => `Cell ${e.cellIndex}: ${e.ename}: ${e.evalue}`),
  ].join("\n");
  return {
    score: g.score, max_score: g.maxScore, execution_time: Math.round(g.executionTimeS * 10) / 10, output,
    visibility: "visible", stdout_visibility: "hidden", tests,
  };
}

/** The submission's overall status for the gradebook. */
export function submissionStatus(g: SubmissionGrade): string {
  const worst = ["crashed", "timeout", "output-limit", "error"].find((s) => g.questions.some((q) => q.status === s) || g.cellErrors.some((e) => e.kind === s));
  return worst ?? (g.score >= g.maxScore ? "complete" : "graded");
}

export interface GradebookRow {
  submission: string;
  grade?: SubmissionGrade;
  /** Why the submission could not be graded at all. */
  failure?: string;
}

export function gradebookCsv(rows: GradebookRow[], questionIds: string[]): string {
  const esc = (v: unknown) => {
    const s = String(v ?? "");
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const head = ["submission", "score", "max_score", "status", ...questionIds, "notes"];
  const body = rows.map((r) => {
    if (!r.grade) return [r.submission, 0, "", "not-graded", ...questionIds.map(() => 0), r.failure ?? ""];
    const g = r.grade;
    return [r.submission, g.score, g.maxScore, submissionStatus(g), ...questionIds.map((id) => g.questions.find((q) => q.id === id)?.score ?? 0), g.notes.join("; ")];
  });
  return [head, ...body].map((row) => row.map(esc).join(",")).join("\n") + "\n";
}

/** A self-contained page a student can open: score, each question's tests, notes, their cells' errors. */
export function feedbackHtml(submission: string, assignment: string, g: SubmissionGrade): string {
  const qs = g.questions.map((q) => {
    // Hidden cases: pass or fail only; their expected values would give the tests away.
    const shown = q.cases.map((c) => (c.visibility === "hidden" ? { ...c, expected: c.passed ? undefined : "(hidden test)", got: c.passed ? undefined : "(hidden)", error: undefined, message: undefined } : c));
    const reason = q.reason ? `<p class="reason">${escapeHtml(`${q.status}: ${q.reason}`)}</p>` : "";
    return `<section><h2>${escapeHtml(q.id)}: ${q.score} / ${q.points}</h2>${reason}${shown.length ? casesHtml(shown, { showHidden: true }) : ""}</section>`;
  });
  const notes = g.notes.length ? `<section><h2>Notes</h2><ul>${g.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul></section>` : "";
  const errors = g.cellErrors.length
    ? `<section><h2>Errors in your cells</h2>${g.cellErrors.map((e) => `<h3>cell ${e.cellIndex}: ${escapeHtml(e.ename)}</h3><pre>${escapeHtml(stripAnsi([`${e.ename}: ${e.evalue}`, ...e.traceback].join("\n")))}</pre>`).join("")}</section>`
    : "";
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(assignment)}: ${escapeHtml(submission)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}pre{background:#f6f8fa;padding:.5em;overflow:auto}</style>
</head><body><h1>${escapeHtml(assignment)}: ${g.score} / ${g.maxScore}</h1><p>Submission ${escapeHtml(submission)}, graded in ${g.executionTimeS.toFixed(1)} s.</p>${qs.join("")}${notes}${errors}</body></html>
`;
}
