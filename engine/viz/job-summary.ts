// What a finished job did, for the cell that ran it: duration, stages run and skipped, tasks,
// records, shuffle bytes and spill, totals first and then one row per stage. Totals come from the
// task metrics of the job's tasks (all attempts, as Spark's UI sums them).

import type { JobInfo, StageInfo, TaskInfo, TaskMetrics } from "../scheduler/job-info";
import { formatBytes, formatCount, formatDuration } from "./format";
import { FONT, TD, TD_LEFT, TH, TH_LEFT, el, text } from "./html";
import { MIME, type MimeBundle } from "./mime";
import { jobElapsed, orderStages } from "./progress";
import { stageDrills, type StageDrill } from "./stage-drill";

export interface StageTotals {
  stageId: number;
  attemptId: number;
  name: string;
  status: string;
  numTasks: number;
  /** Tasks launched in this stage attempt, when the job did not succeed. */
  ranTasks?: number;
  failedTasks: number;
  durationMs?: number;
  recordsRead: number;
  bytesRead: number;
  recordsWritten: number;
  shuffleReadBytes: number;
  shuffleReadRecords: number;
  shuffleWriteBytes: number;
  shuffleWriteRecords: number;
  spillBytes: number;
}

export interface JobSummaryPayload {
  kind: "summary";
  job: JobInfo;
  durationMs: number;
  stagesRun: number;
  stagesSkipped: number;
  tasks: number;
  /** The tasks of the stages the job ran or was running, when it did not succeed. */
  plannedTasks?: number;
  failedTasks: number;
  totals: Omit<StageTotals, "stageId" | "attemptId" | "name" | "status" | "numTasks" | "ranTasks" | "failedTasks" | "durationMs">;
  stages: StageTotals[];
  /** Each stage's metrics quantiles, timeline and tasks (the extension's drill-down); absent without task records. */
  details?: StageDrill[];
}

type Sums = JobSummaryPayload["totals"];

function zero(): Sums {
  return { recordsRead: 0, bytesRead: 0, recordsWritten: 0, shuffleReadBytes: 0, shuffleReadRecords: 0, shuffleWriteBytes: 0, shuffleWriteRecords: 0, spillBytes: 0 };
}

function add(s: Sums, m: TaskMetrics): void {
  s.recordsRead += m.recordsRead;
  s.bytesRead += m.bytesRead;
  s.recordsWritten += m.recordsWritten;
  s.shuffleReadBytes += m.shuffleReadBytes;
  s.shuffleReadRecords += m.shuffleReadRecords;
  s.shuffleWriteBytes += m.shuffleWriteBytes;
  s.shuffleWriteRecords += m.shuffleWriteRecords;
  s.spillBytes += m.spillBytes;
}

/**
 * The status to show: a job Spark reports FAILED because it was cancelled says CANCELLED, and
 * "(interrupted)" when the kernel's interrupt cancelled it.
 */
export function jobStatusLabel(job: Pick<JobInfo, "status" | "error">): string {
  if (job.status !== "FAILED" || !job.error || !/\bcancell?ed\b/i.test(job.error)) return job.status;
  return /interrupted/i.test(job.error) ? "CANCELLED (interrupted)" : "CANCELLED";
}

/** The summary as plain data. */
export function jobSummary(job: JobInfo, stages: StageInfo[], tasks: TaskInfo[], now?: number): JobSummaryPayload {
  const ordered = orderStages(job, stages);
  const totals = zero();
  const jobTasks = tasks.filter((t) => t.jobId === job.jobId);
  // No task records (a Spark Connect job reports counts only): count from the stages' counters.
  const byCounters = jobTasks.length === 0;
  const perStage = ordered.map((s): StageTotals => {
    const mine = tasks.filter((t) => t.stageId === s.stageId && t.stageAttempt === s.attemptId);
    const sums = zero();
    for (const t of mine) if (t.metrics) add(sums, t.metrics);
    add(totals, sums as TaskMetrics);
    return {
      stageId: s.stageId,
      attemptId: s.attemptId,
      name: s.name,
      status: s.status,
      numTasks: s.numTasks,
      ...(job.status === "SUCCEEDED" ? {} : { ranTasks: byCounters ? s.numCompletedTasks + s.numFailedTasks : mine.length }),
      failedTasks: byCounters ? s.numFailedTasks : mine.filter((t) => t.status === "FAILED").length,
      ...(s.submissionTime !== undefined && s.completionTime !== undefined ? { durationMs: s.completionTime - s.submissionTime } : {}),
      ...sums,
    };
  });
  const run = ordered.filter((s) => s.status !== "SKIPPED");
  return {
    kind: "summary",
    job,
    durationMs: jobElapsed(job, now),
    stagesRun: run.length,
    stagesSkipped: ordered.length - run.length,
    tasks: byCounters ? run.reduce((n, s) => n + s.numCompletedTasks + s.numFailedTasks, 0) : jobTasks.length,
    ...(job.status === "SUCCEEDED" ? {} : { plannedTasks: run.reduce((n, s) => n + s.numTasks, 0) }),
    failedTasks: byCounters ? run.reduce((n, s) => n + s.numFailedTasks, 0) : jobTasks.filter((t) => t.status === "FAILED").length,
    totals,
    stages: perStage,
    ...(byCounters ? {} : { details: stageDrills(run, jobTasks, job.status === "RUNNING" ? { now } : { now, jobEnd: job.completionTime }) }),
  };
}

/** Summary of a job: one line of totals and a table of its stages. */
export function renderJobSummary(job: JobInfo, stages: StageInfo[], tasks: TaskInfo[], opts: { now?: number } = {}): MimeBundle {
  return renderJobSummaryPayload(jobSummary(job, stages, tasks, opts.now));
}

/** Render an already computed summary (what the lab extension receives). */
export function renderJobSummaryPayload(p: JobSummaryPayload): MimeBundle {
  const job = p.job;
  const t = p.totals;
  const facts: Array<[string, string]> = [
    ["duration", formatDuration(p.durationMs)],
    ["stages", `${p.stagesRun}${p.stagesSkipped ? ` (+${p.stagesSkipped} skipped)` : ""}`],
    // a job that did not finish: how many of its stages' tasks ran, so the line and the table agree
    ["tasks", `${p.plannedTasks !== undefined ? `${p.tasks} of ${p.plannedTasks} ran` : p.tasks}${p.failedTasks ? ` (${p.failedTasks} failed)` : ""}`],
    ...(t.recordsRead ? [["input", `${formatCount(t.recordsRead)} records${t.bytesRead ? ", " + formatBytes(t.bytesRead) : ""}`] as [string, string]] : []),
    ...(t.shuffleWriteBytes || t.shuffleWriteRecords ? [["shuffle write", `${formatBytes(t.shuffleWriteBytes)} / ${formatCount(t.shuffleWriteRecords)} records`] as [string, string]] : []),
    ...(t.shuffleReadBytes || t.shuffleReadRecords ? [["shuffle read", `${formatBytes(t.shuffleReadBytes)} / ${formatCount(t.shuffleReadRecords)} records`] as [string, string]] : []),
    ...(t.spillBytes ? [["spill", formatBytes(t.spillBytes)] as [string, string]] : []),
  ];
  const status = jobStatusLabel(job);
  const title = `Job ${job.jobId} ${status}: ${job.description}`;
  const heads = ["Stage", "Description", "Status", "Tasks", "Duration", "Input", "Output", "Shuffle Read", "Shuffle Write", "Spill"];
  const stageCells = p.stages.map((s) => {
    const skipped = s.status === "SKIPPED";
    return [
      `${s.stageId}${s.attemptId > 0 ? `.${s.attemptId}` : ""}`,
      s.name,
      s.status,
      skipped ? "-" : `${s.ranTasks !== undefined ? `${s.ranTasks}/` : ""}${s.numTasks}${s.failedTasks ? ` (${s.failedTasks} failed)` : ""}`,
      s.durationMs !== undefined && !skipped ? formatDuration(s.durationMs) : "-",
      s.recordsRead ? `${formatCount(s.recordsRead)} rec` : "",
      s.recordsWritten ? `${formatCount(s.recordsWritten)} rec` : "",
      s.shuffleReadBytes ? formatBytes(s.shuffleReadBytes) : "",
      s.shuffleWriteBytes ? formatBytes(s.shuffleWriteBytes) : "",
      s.spillBytes ? formatBytes(s.spillBytes) : "",
    ];
  });
  const widths = heads.map((h, i) => Math.max(h.length, ...stageCells.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i <= 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  const plain = [title, facts.map(([k, v]) => `${k}: ${v}`).join(" | "), fmt(heads), ...stageCells.map(fmt), ...(job.error ? [`Error: ${job.error}`] : [])].join("\n");

  const factHtml = facts
    .map(([k, v]) => el("span", { style: "white-space:nowrap;" }, el("span", { style: "opacity:0.65;" }, text(k) + ": ") + el("b", {}, text(v))))
    // a visible separator: untrusted output loses the style attributes that would space the facts
    .join(el("span", { style: "opacity:0.45;margin:0 6px;" }, " · "));
  const table = el(
    "table",
    { style: "border-collapse:collapse;margin-top:4px;" },
    el("thead", {}, el("tr", {}, heads.map((h, i) => el("th", { style: i <= 2 ? TH_LEFT : TH }, text(h))).join(""))) +
      el(
        "tbody",
        {},
        stageCells
          .map((r, ri) =>
            el(
              "tr",
              { class: "bdw-stage-row", "data-stage": p.stages[ri]!.stageId, style: p.stages[ri]!.status === "SKIPPED" ? "opacity:0.45;" : "" },
              r.map((c, i) => el("td", { style: i <= 2 ? TD_LEFT + (i === 1 ? "max-width:300px;overflow:hidden;text-overflow:ellipsis;" : "") : TD, ...(i === 1 ? { title: c } : {}) }, text(c))).join(""),
            ),
          )
          .join(""),
      ),
  );
  const color = job.status === "SUCCEEDED" ? "#2e8b47" : status.startsWith("CANCELLED") ? "#b07d2f" : job.status === "FAILED" ? "#c0392b" : "#2f6fb0";
  const html = el(
    "div",
    { class: "bdw-job-summary", style: FONT + `border-left:3px solid ${color};padding-left:8px;` },
    el("div", { style: "font-weight:600;" }, text(title)) +
      el("div", { style: "margin-top:2px;" }, factHtml) +
      table +
      (job.error ? el("div", { class: "bdw-error", style: "color:#c0392b;margin-top:3px;white-space:pre-wrap;" }, text(job.error)) : ""),
  );
  return { [MIME.text]: plain, [MIME.html]: html, [MIME.progress]: p };
}
