// Predict-then-compare: a job's DAG drawn before it runs (the stages the scheduler would make,
// which it would skip), the real run beside it with every difference marked, and two runs side by
// side (cache vs no cache, broadcast vs shuffle join, partition counts) by stages, tasks, shuffle
// bytes, records and time. Pure: data in, MIME bundle out; the kernel's HTML fallback and the lab
// extension show the same.

import type { DagStage, JobDag } from "./engine-types";
import { dagSvg } from "./dag";
import { formatBytes, formatCount, formatDuration } from "./format";
import { FONT, TD_LEFT, TH_LEFT, el, text } from "./html";
import type { JobSummaryPayload } from "./job-summary";
import { MIME, type MimeBundle } from "./mime";

/** A predicted job: its DAG (skipped stages marked) and the tasks each stage would run. */
export interface PredictedJob {
  dag: JobDag;
  tasksToRun: Record<number, number>;
}

/** A finished run: its DAG, its summary (jobSummary) and the tasks each stage ran. */
export interface RunRecord {
  label: string;
  dag: JobDag;
  summary: JobSummaryPayload;
  tasksRun: Record<number, number>;
}

/** One stage of the prediction and its counterpart in the run (by position: both DAGs list parents first). */
export interface StageMatch {
  position: number;
  predicted?: { stageId: number; skipped: boolean; tasks: number; name: string };
  actual?: { stageId: number; skipped: boolean; tasks: number; name: string };
  /** Why they differ; undefined when the prediction held. */
  difference?: string;
}

const skippedOf = (s: DagStage) => s.skipped || s.status === "SKIPPED";

export function predictionCounts(p: PredictedJob): { stages: number; toRun: number; skipped: number; tasks: number; shuffles: number } {
  const skipped = p.dag.stages.filter(skippedOf).length;
  return {
    stages: p.dag.stages.length,
    toRun: p.dag.stages.length - skipped,
    skipped,
    tasks: Object.values(p.tasksToRun).reduce((a, b) => a + b, 0),
    shuffles: p.dag.edges.length,
  };
}

/** Pairs the predicted stages with the run's and says where the prediction was wrong. */
export function matchStages(p: PredictedJob, run: RunRecord): StageMatch[] {
  const n = Math.max(p.dag.stages.length, run.dag.stages.length);
  const out: StageMatch[] = [];
  for (let i = 0; i < n; i++) {
    const ps = p.dag.stages[i], as = run.dag.stages[i];
    const predicted = ps && { stageId: ps.stageId, skipped: skippedOf(ps), tasks: p.tasksToRun[ps.stageId] ?? 0, name: ps.name };
    const actual = as && { stageId: as.stageId, skipped: skippedOf(as), tasks: run.tasksRun[as.stageId] ?? 0, name: as.name };
    let difference: string | undefined;
    if (!predicted) difference = "not predicted: the run had this stage";
    else if (!actual) difference = "predicted, but the run had no such stage";
    else if (predicted.skipped && !actual.skipped) difference = "predicted skipped, but it ran (its shuffle output or cached input was gone)";
    else if (!predicted.skipped && actual.skipped) difference = "predicted to run, but it was skipped (its output existed by then)";
    else if (predicted.tasks !== actual.tasks) difference = `predicted ${predicted.tasks} tasks, ran ${actual.tasks}`;
    out.push({ position: i, predicted, actual, difference });
  }
  return out;
}

function stageCell(s: StageMatch["predicted"]): string {
  if (!s) return "-";
  return s.skipped ? `Stage ${s.stageId}: skipped` : `Stage ${s.stageId}: ${s.tasks} ${s.tasks === 1 ? "task" : "tasks"}`;
}

function sideBySide(left: [string, string], right: [string, string]): string {
  const panel = ([title, svg]: [string, string]) =>
    el("div", { style: "flex:1 1 0;min-width:260px;overflow-x:auto;" }, el("div", { style: "font-weight:600;margin-bottom:4px;" }, text(title)) + svg);
  return el("div", { style: "display:flex;gap:16px;align-items:flex-start;" }, panel(left) + panel(right));
}

function htmlTable(heads: string[], rows: string[][], marked: boolean[] = []): string {
  return el("table", { style: "border-collapse:collapse;margin-top:6px;" },
    el("thead", {}, el("tr", {}, heads.map((h) => el("th", { style: TH_LEFT }, text(h))).join(""))) +
    el("tbody", {}, rows.map((r, ri) => el("tr", { style: marked[ri] ? "background:#fdecea;" : "" },
      r.map((c, i) => el("td", { style: TD_LEFT + (marked[ri] && i === r.length - 1 ? "color:#c0392b;" : "") }, text(c))).join(""))).join("")));
}

function plainTable(heads: string[], rows: string[][]): string {
  const widths = heads.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [heads, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

/** The predicted DAG before the run: which stages will run, which the scheduler will skip. */
export function renderPrediction(p: PredictedJob): MimeBundle {
  const c = predictionCounts(p);
  const title = `Predicted: ${p.dag.description.replace(/ \(predicted\)$/, "")}`;
  const line = `${c.stages} ${c.stages === 1 ? "stage" : "stages"}: ${c.toRun} will run (${c.tasks} ${c.tasks === 1 ? "task" : "tasks"}), ` +
    `${c.skipped} skipped (shuffle output or cached input already there); ${c.shuffles} ${c.shuffles === 1 ? "shuffle" : "shuffles"}`;
  const rows = p.dag.stages.map((s) => [`Stage ${s.stageId}`, s.kind, s.name, skippedOf(s) ? "skip" : `run ${p.tasksToRun[s.stageId] ?? 0} tasks`]);
  const heads = ["Stage", "Kind", "Where", "Prediction"];
  const plain = [title, line, plainTable(heads, rows)].join("\n");
  const html = el("div", { class: "bdw-prediction", style: FONT + "border-left:3px dashed #2f6fb0;padding-left:8px;" },
    el("div", { style: "font-weight:600;" }, text(title)) + el("div", { style: "margin:2px 0 4px;" }, text(line)) + dagSvg(p.dag) + htmlTable(heads, rows));
  return { [MIME.text]: plain, [MIME.html]: html };
}

/** The prediction beside the real run, each difference marked. */
export function renderPredictionCheck(p: PredictedJob, run: RunRecord): MimeBundle {
  const matches = matchStages(p, run);
  const wrong = matches.filter((m) => m.difference);
  const verdict = wrong.length === 0 ? "The prediction held: the same stages ran and were skipped, with the same task counts."
    : `${wrong.length} ${wrong.length === 1 ? "difference" : "differences"} from the prediction (marked).`;
  const heads = ["#", "Predicted", `Actual (${run.label})`, "Difference"];
  const rows = matches.map((m) => [String(m.position + 1), stageCell(m.predicted), stageCell(m.actual), m.difference ?? "as predicted"]);
  const plain = [`Predicted vs ${run.label}`, verdict, plainTable(heads, rows)].join("\n");
  const html = el("div", { class: "bdw-prediction-check", style: FONT },
    sideBySide([`Predicted`, dagSvg(p.dag)], [run.label, dagSvg(run.dag)]) +
    el("div", { style: `margin-top:6px;font-weight:600;color:${wrong.length ? "#c0392b" : "#2e8b47"};` }, text(verdict)) +
    htmlTable(heads, rows, matches.map((m) => !!m.difference)));
  return { [MIME.text]: plain, [MIME.html]: html };
}

/** The figures two runs are compared by, in order. */
export function runFigures(s: JobSummaryPayload): Array<[string, number, (n: number) => string]> {
  const t = s.totals;
  return [
    ["duration", s.durationMs, formatDuration],
    ["stages run", s.stagesRun, String],
    ["stages skipped", s.stagesSkipped, String],
    ["tasks", s.tasks, String],
    ["input records", t.recordsRead, formatCount],
    ["shuffle write", t.shuffleWriteBytes, formatBytes],
    ["shuffle write records", t.shuffleWriteRecords, formatCount],
    ["shuffle read", t.shuffleReadBytes, formatBytes],
    ["spill", t.spillBytes, formatBytes],
  ];
}

/** Two runs side by side: DAGs, and stages, tasks, shuffle bytes, records and time with B relative to A. */
export function renderRunComparison(a: RunRecord, b: RunRecord): MimeBundle {
  const fa = runFigures(a.summary), fb = runFigures(b.summary);
  const rel = (x: number, y: number) => (x === y ? "same" : x === 0 ? "new" : `${(y / x).toFixed(2)}x`);
  const heads = ["", a.label, b.label, `${b.label} / ${a.label}`];
  const rows = fa.map(([name, x, f], i) => [name, f(x), f(fb[i]![1]), rel(x, fb[i]![1])]);
  const title = `${a.label} vs ${b.label}`;
  const plain = [title, plainTable(heads, rows)].join("\n");
  const html = el("div", { class: "bdw-run-comparison", style: FONT },
    el("div", { style: "font-weight:600;margin-bottom:4px;" }, text(title)) +
    sideBySide([`${a.label}: ${a.dag.description}`, dagSvg(a.dag)], [`${b.label}: ${b.dag.description}`, dagSvg(b.dag)]) +
    htmlTable(heads, rows, rows.map((r) => r[3] !== "same")));
  return { [MIME.text]: plain, [MIME.html]: html };
}
