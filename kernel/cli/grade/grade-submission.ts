// Grades one submission: its locked cells restored from the bundle's template, its test cells
// replaced by the bundle's tests (hidden ones included) and run through the grader's frozen handle,
// every cell under a time limit and an output cap. A cell that hangs, floods its output or kills
// the kernel scores zero for its question (when it is a test cell) and grading goes on in a fresh
// kernel with the cells before it replayed.

import { randomUUID } from "node:crypto";
import { KernelProcess, OutputCollector, runCell, type CodeCell, type KernelSpec, type Output } from "../run/index";
import { mergeSubmission, nbgrader, text, type AssignmentBundle, type Nb } from "../../grading/assignment";
import { gradedTestSource } from "../../grading/markers";
import { GRADE_MIME } from "../../grading/report-view";
import type { CaseResult, QuestionReport } from "../../grading/registry";

export interface GradeLimits {
  /** Limit of an ordinary cell, ms. */
  cellTimeoutMs: number;
  /** Limit of a question's test cell (all its cases), ms. */
  questionTimeoutMs: number;
  /** Output a single cell may produce, bytes of JSON. */
  outputCapBytes: number;
  /** Heap cap of the kernel process, MB. */
  memoryMb: number;
}

export const DEFAULT_LIMITS: GradeLimits = { cellTimeoutMs: 60_000, questionTimeoutMs: 120_000, outputCapBytes: 1_000_000, memoryMb: 1024 };

export type QuestionStatus = "passed" | "partial" | "failed" | "error" | "timeout" | "crashed" | "output-limit" | "not-run";

export interface QuestionResult {
  id: string;
  points: number;
  score: number;
  status: QuestionStatus;
  reason?: string;
  cases: CaseResult[];
}

export interface CellError {
  cellIndex: number;
  kind: "error" | "timeout" | "crashed" | "output-limit";
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface SubmissionGrade {
  score: number;
  maxScore: number;
  questions: QuestionResult[];
  /** Restored locked cells, replays and other facts the student should see. */
  notes: string[];
  cellErrors: CellError[];
  executionTimeS: number;
  /** The notebook as graded, with its outputs. */
  notebook: Nb;
}

export interface KernelStarter {
  (env: NodeJS.ProcessEnv): Promise<KernelProcess>;
}

export interface GradeSubmissionOptions {
  spec: KernelSpec;
  /** Starts a kernel for this submission (sandboxing, working directory). */
  startKernel: KernelStarter;
  limits?: Partial<GradeLimits>;
  log?: (line: string) => void;
}

interface Outcome {
  kind: "ok" | CellError["kind"];
  failure?: { ename: string; evalue: string; traceback: string[] };
}

export async function gradeSubmission(submission: Nb, bundle: AssignmentBundle, opts: GradeSubmissionOptions): Promise<SubmissionGrade> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const t0 = Date.now();
  const nonce = randomUUID();
  const { notebook, notes: mergeNotes } = mergeSubmission(submission, bundle.template);
  const notes = mergeNotes.map((n) =>
    n.what === "edited" ? `locked cell ${n.grade_id} was edited; the original was restored for grading`
      : n.what === "deleted" ? `locked cell ${n.grade_id} was deleted; it was put back for grading`
        : `locked cell ${n.grade_id} appeared more than once; only the first copy was kept`);
  const questionOf = new Map<number, string>();
  const byId = new Map(bundle.questions.map((q) => [q.id, q]));
  notebook.cells.forEach((c, i) => {
    const m = nbgrader(c);
    const q = m?.grade && m.grade_id ? byId.get(m.grade_id) : undefined;
    if (c.cell_type === "code" && q) {
      questionOf.set(i, q.id);
      c.source = gradedTestSource(q.id, q.tests, nonce, `test cell ${q.id}`);
    }
  });
  const results = new Map<string, QuestionResult>(
    bundle.questions.map((q) => [q.id, { id: q.id, points: q.points, score: 0, status: "not-run" as QuestionStatus, cases: [] }]),
  );
  const cellErrors: CellError[] = [];
  const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --max-old-space-size=${limits.memoryMb}`.trim(), BIGDATA_RANDOM_SEED: "42" };
  let kernel = await opts.startKernel(env);
  const replayable: number[] = [];

  const runOne = async (i: number, cell: CodeCell, timeoutMs: number): Promise<Outcome> => {
    const collector = new OutputCollector();
    collector.begin(cell);
    let bytes = 0;
    let flooded = false;
    const failure = await runCell(kernel, cell, i, text(cell.source), collector, {
      allowErrors: true, // grading goes on after a failing cell (nbgrader's allow_errors)
      timeoutMs,
      interruptGraceMs: 3_000,
      onOutput: (_i, o: Output) => {
        bytes += JSON.stringify(o).length;
        if (bytes > limits.outputCapBytes && !flooded) {
          flooded = true;
          void kernel.kill();
        }
      },
    });
    cell.execution_count = collector.executionCount;
    if (flooded) {
      const evalue = `cell ${i} wrote more than ${limits.outputCapBytes} bytes of output; the kernel was stopped`;
      cell.outputs = cell.outputs.filter((o) => o.output_type !== "error").slice(0, 20);
      cell.outputs.push({ output_type: "error", ename: "OutputLimitError", evalue, traceback: [`OutputLimitError: ${evalue}`] });
      return { kind: "output-limit", failure: { ename: "OutputLimitError", evalue, traceback: [] } };
    }
    if (!failure) return { kind: "ok" };
    const kind = failure.kind === "timeout" ? "timeout" : failure.kind === "kernel-died" ? "crashed" : "error";
    return { kind, failure: { ename: failure.ename, evalue: failure.evalue, traceback: failure.traceback } };
  };

  const cells = notebook.cells as CodeCell[];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (cell.cell_type !== "code") continue;
    if (!text(cell.source).trim()) { cell.outputs = []; continue; }
    const q = questionOf.get(i);
    const out = await runOne(i, cell, q ? limits.questionTimeoutMs : limits.cellTimeoutMs);
    if (out.failure) cellErrors.push({ cellIndex: i, kind: out.kind as CellError["kind"], ename: out.failure.ename, evalue: out.failure.evalue, traceback: out.failure.traceback });
    if (q) {
      const r = results.get(q)!;
      const report = gradeReport(cell, nonce);
      if (report && out.kind === "ok") {
        r.cases = report.cases;
        r.score = round(r.points * report.fraction);
        r.status = report.fraction >= 1 ? "passed" : report.fraction > 0 ? "partial" : "failed";
      } else {
        r.status = out.kind === "ok" ? "error" : out.kind;
        r.reason = out.failure ? `${out.failure.ename}: ${out.failure.evalue}` : "the test cell gave no report";
      }
    }
    if (out.kind === "ok" || out.kind === "error") {
      if (!q) replayable.push(i);
      continue;
    }
    // A hang, a flood or a dead kernel: start over in a fresh kernel with the earlier cells replayed.
    opts.log?.(`cell ${i}: ${out.kind}; restarting the kernel and replaying ${replayable.length} cells`);
    notes.push(`cell ${i} ${out.kind === "timeout" ? "did not finish in time" : out.kind === "crashed" ? "stopped the kernel" : "wrote too much output"}; grading went on in a fresh kernel with the ${replayable.length} cells before it run again`);
    await kernel.kill();
    kernel = await opts.startKernel(env);
    for (const j of replayable) {
      const scratch = structuredClone(cells[j]!);
      const again = await runOne(j, scratch, limits.cellTimeoutMs);
      if (again.kind !== "ok" && again.kind !== "error") {
        notes.push(`replaying cell ${j} failed (${again.kind}); later questions may lose points for it`);
        await kernel.kill();
        kernel = await opts.startKernel(env);
      }
    }
  }
  await kernel.shutdown(5_000).catch(() => kernel.kill());
  const questions = bundle.questions.map((q) => results.get(q.id)!);
  for (const r of questions) if (r.status === "not-run") r.reason = "its test cell was not run";
  const score = round(questions.reduce((a, r) => a + r.score, 0));
  return { score, maxScore: bundle.totalPoints, questions, notes, cellErrors, executionTimeS: (Date.now() - t0) / 1000, notebook };
}

/** Scores to a thousandth of a point. */
export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The grade report the test cell returned, if it carries this run's nonce. */
function gradeReport(cell: CodeCell, nonce: string): QuestionReport | undefined {
  for (let k = cell.outputs.length - 1; k >= 0; k--) {
    const o = cell.outputs[k]!;
    if (o.output_type !== "execute_result") continue;
    const g = o.data[GRADE_MIME] as (QuestionReport & { nonce?: string }) | undefined;
    if (g && g.nonce === nonce && Array.isArray(g.cases) && typeof g.fraction === "number") {
      delete (g as { nonce?: string }).nonce;
      return g;
    }
  }
  return undefined;
}
