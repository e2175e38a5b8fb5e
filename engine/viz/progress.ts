// The live job panel: one line per stage with done/running/total tasks and a bar, skipped stages
// greyed. The kernel re-renders it on listener events and updates the output in place (display
// id); text/plain mimics Spark's console progress bar "[Stage 1:====>    (3 + 2) / 10]".

import type { JobInfo, StageInfo } from "../scheduler/job-info";
import { formatDuration } from "./format";
import { FONT, MONO, bar, el, text } from "./html";
import { MIME, type MimeBundle } from "./mime";

export interface ProgressOptions {
  /** Clock for the elapsed time of a running job (epoch ms); defaults to Date.now(). */
  now?: number;
  /** Width of the text bar in characters. */
  barWidth?: number;
  /**
   * The running jobs a cancel from this panel stops (one panel can show several jobs of one cell
   * action); defaults to the job itself while it runs.
   */
  activeJobIds?: number[];
}

export interface ProgressPayload {
  kind: "progress";
  job: JobInfo;
  stages: StageInfo[];
  elapsedMs: number;
  /** The running jobs the panel's cancel button stops (Spark's cancelJob for each). */
  activeJobIds: number[];
}

/** Job stages in the order the job lists them, then any extras by id. */
export function orderStages(job: JobInfo, stages: StageInfo[]): StageInfo[] {
  const pos = new Map(job.stageIds.map((id, i) => [id, i]));
  return [...stages].sort((a, b) => (pos.get(a.stageId) ?? 1e9 + a.stageId) - (pos.get(b.stageId) ?? 1e9 + b.stageId) || a.attemptId - b.attemptId);
}

export function jobElapsed(job: JobInfo, now?: number): number {
  const end = job.completionTime ?? now ?? Date.now();
  return Math.max(0, end - job.submissionTime);
}

/** Spark's console bar for one stage: "[Stage 3:=====>      (5 + 2) / 12]". */
export function consoleBar(s: StageInfo, width = 40): string {
  const head = `[Stage ${s.stageId}${s.attemptId > 0 ? ` (attempt ${s.attemptId})` : ""}:`;
  if (s.status === "SKIPPED") return `${head} skipped]`;
  const tail = `(${s.numCompletedTasks} + ${s.numActiveTasks}) / ${s.numTasks}]`;
  const filled = s.numTasks > 0 ? Math.floor((width * s.numCompletedTasks) / s.numTasks) : 0;
  const body = filled >= width ? "=".repeat(width) : "=".repeat(filled) + ">" + " ".repeat(width - filled - 1);
  const failed = s.numFailedTasks > 0 ? ` ${s.numFailedTasks} failed` : "";
  return head + body + tail + failed + (s.status === "FAILED" ? " FAILED" : "");
}

const STATUS_COLOR: Record<string, string> = {
  RUNNING: "#2f6fb0", SUCCEEDED: "#2e8b47", FAILED: "#c0392b", UNKNOWN: "#777",
  ACTIVE: "#2f6fb0", COMPLETE: "#2e8b47", PENDING: "#777", SKIPPED: "#999",
};

function badge(status: string): string {
  return el("span", { class: "bdw-status", style: `display:inline-block;padding:0 5px;border-radius:3px;color:#fff;font-size:10px;background:${STATUS_COLOR[status] ?? "#777"};` }, text(status));
}

/** Live progress panel for a job and its stages. */
export function renderProgress(job: JobInfo, stages: StageInfo[], opts: ProgressOptions = {}): MimeBundle {
  const ordered = orderStages(job, stages);
  const elapsed = jobElapsed(job, opts.now);
  const title = `Job ${job.jobId}: ${job.description} (${job.status}, ${formatDuration(elapsed)})`;
  const plain = [title, ...ordered.map((s) => consoleBar(s, opts.barWidth ?? 40)), ...(job.error ? [`Error: ${job.error}`] : [])].join("\n");

  const rows = ordered
    .map((s) => {
      const skipped = s.status === "SKIPPED";
      const label = `Stage ${s.stageId}${s.attemptId > 0 ? `.${s.attemptId}` : ""}`;
      const counts = skipped ? "" : `${s.numCompletedTasks}/${s.numTasks}${s.numActiveTasks ? ` (${s.numActiveTasks} running)` : ""}${s.numFailedTasks ? ` (${s.numFailedTasks} failed)` : ""}`;
      const cell = "padding:2px 8px;white-space:nowrap;";
      return el(
        "tr",
        { class: "bdw-stage-row", "data-stage": s.stageId, style: skipped ? "opacity:0.45;" : "" },
        el("td", { style: cell }, text(label)) +
          el("td", { style: cell + "max-width:320px;overflow:hidden;text-overflow:ellipsis;", title: s.name }, text(s.name)) +
          el("td", { style: cell }, skipped ? el("span", { style: "font-style:italic;" }, "skipped") : bar(s.numCompletedTasks, s.numActiveTasks, s.numTasks, 200, s.numFailedTasks)) +
          el("td", { style: cell + "text-align:right;" + MONO }, text(counts)) +
          el("td", { style: cell }, badge(s.status)),
      );
    })
    .join("");
  const html = el(
    "div",
    { class: "bdw-progress", style: FONT },
    el("div", { style: "font-weight:600;margin-bottom:3px;" }, text(`Job ${job.jobId}: ${job.description} `) + badge(job.status) + text(` ${formatDuration(elapsed)}`)) +
      el("table", { style: "border-collapse:collapse;" }, el("tbody", {}, rows)) +
      (job.error ? el("div", { class: "bdw-error", style: "color:#c0392b;margin-top:3px;white-space:pre-wrap;" }, text(job.error)) : ""),
  );
  const activeJobIds = opts.activeJobIds ?? (job.status === "RUNNING" ? [job.jobId] : []);
  const payload: ProgressPayload = { kind: "progress", job, stages: ordered, elapsedMs: elapsed, activeJobIds };
  return { [MIME.text]: plain, [MIME.html]: html, [MIME.progress]: payload };
}
