// A stage's drill-down, as Spark UI's stage page has it: the task metrics' quantiles (with skew
// warnings), an event timeline of the stage's tasks (one lane per worker slot) and the task table.
// The job summary's payload carries one per stage the job ran (bounded: the slowest tasks when a
// stage had many), so the JupyterLab extension shows it when a stage row is clicked, and a saved
// notebook keeps it; stageDrillHtml draws it (pure, no DOM).

import type { StageInfo, TaskInfo } from "../scheduler/job-info";
import { formatBytes, formatCount, formatDuration } from "./format";
import { FONT, TD, TD_LEFT, TH, TH_LEFT, el, text } from "./html";
import { MIME } from "./mime";
import { renderStageMetricsPayload, stageMetricsSummary, type StageMetricsPayload } from "./stage-metrics";
import { fmt, svgEl, svgRoot, svgText, svgTitle } from "./svg";
import { timelineRows } from "./task-timeline";

/** Tasks kept per stage in a job summary (the slowest, when a stage ran more). */
export const DRILL_TASKS_PER_STAGE = 100;

export interface DrillTask {
  taskId: number;
  partition: number;
  attempt: number;
  workerId: string;
  status: string;
  /** The worker slot lane of the timeline ("worker-1 · 0"). */
  lane: string;
  /** ms since the stage's first task launched. */
  start: number;
  end: number;
  running: boolean;
  recordsRead: number;
  bytesRead: number;
  shuffleReadBytes: number;
  shuffleWriteBytes: number;
  error?: string;
}

export interface StageDrill {
  stageId: number;
  attemptId: number;
  metrics: StageMetricsPayload;
  tasks: DrillTask[];
  /** Tasks of the stage not kept (faster than every kept one). */
  omittedTasks: number;
}

/**
 * The drill-down of each stage that ran tasks. `jobEnd` (epoch ms) is when the job ended: tasks
 * still running then were killed with it (a cancelled or failed job), as Spark's UI shows them.
 */
export function stageDrills(stages: StageInfo[], tasks: TaskInfo[], opts: { now?: number; jobEnd?: number } = {}): StageDrill[] {
  const now = opts.jobEnd ?? opts.now;
  const out: StageDrill[] = [];
  for (const s of stages) {
    const mine = tasks.filter((t) => t.stageId === s.stageId && t.stageAttempt === s.attemptId);
    if (!mine.length) continue;
    const rows = timelineRows(mine, [s], now);
    const byId = new Map(mine.map((t) => [t.taskId, t]));
    const kept = rows.length > DRILL_TASKS_PER_STAGE ? new Set([...rows].sort((a, b) => b.duration - a.duration).slice(0, DRILL_TASKS_PER_STAGE).map((r) => r.taskId)) : undefined;
    const drillTasks = rows
      .filter((r) => !kept || kept.has(r.taskId))
      .map((r): DrillTask => {
        const t = byId.get(r.taskId)!;
        const m = t.metrics;
        const killed = r.running && opts.jobEnd !== undefined;
        return {
          taskId: r.taskId, partition: r.partition, attempt: r.attempt, workerId: r.worker, status: killed ? "KILLED" : r.status, lane: r.lane,
          start: r.start, end: r.end, running: r.running && !killed,
          recordsRead: m?.recordsRead ?? 0, bytesRead: m?.bytesRead ?? 0, shuffleReadBytes: m?.shuffleReadBytes ?? 0, shuffleWriteBytes: m?.shuffleWriteBytes ?? 0,
          ...(t.error ? { error: t.error.slice(0, 300) } : {}),
        };
      });
    out.push({ stageId: s.stageId, attemptId: s.attemptId, metrics: stageMetricsSummary(s, mine), tasks: drillTasks, omittedTasks: rows.length - drillTasks.length });
  }
  return out;
}

const STATUS_FILL: Record<string, string> = { SUCCESS: "#5b8fc7", FAILED: "#c0392b", KILLED: "#999", RUNNING: "#9ec5ea" };

/** The stage's tasks on a time axis, a lane per worker slot. */
export function stageTimelineSvg(d: StageDrill, width = 560): string {
  const lanes = [...new Set(d.tasks.map((t) => t.lane))].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const laneY = new Map(lanes.map((l, i) => [l, 18 + i * 16]));
  const left = 110;
  const span = Math.max(1, ...d.tasks.map((t) => t.end));
  const x = (ms: number) => left + ((width - left - 10) * ms) / span;
  const labels = lanes.map((l) => svgText(4, laneY.get(l)! + 10, l, { "font-size": 10, fill: "#444" })).join("");
  const bars = d.tasks
    .map((t) =>
      svgEl(
        "rect",
        { class: "bdw-task-bar", "data-task": t.taskId, x: fmt(x(t.start)), y: laneY.get(t.lane)!, width: fmt(Math.max(1.5, x(t.end) - x(t.start))), height: 12, rx: 2, fill: STATUS_FILL[t.status] ?? "#777", stroke: "#fff", "stroke-width": 1 },
        svgTitle(`task ${t.taskId} (partition ${t.partition}${t.attempt ? `, attempt ${t.attempt}` : ""}) on ${t.workerId}: ${t.status}, ${formatDuration(t.end - t.start)}`),
      ),
    )
    .join("");
  const axis = svgText(left, 11, "0", { "font-size": 10, fill: "#666" }) + svgText(width - 10, 11, formatDuration(span), { "font-size": 10, fill: "#666", "text-anchor": "end" });
  return svgRoot(width, 22 + lanes.length * 16, axis + labels + bars, { class: "bdw-stage-timeline" });
}

/** Metrics quantiles, timeline and task table of one stage (what a click on its row shows). */
export function stageDrillHtml(d: StageDrill): string {
  const heads = ["Task", "Partition", "Attempt", "Worker", "Status", "Launched", "Duration", "Input", "Shuffle Read", "Shuffle Write"];
  const rows = [...d.tasks]
    .sort((a, b) => a.partition - b.partition || a.attempt - b.attempt)
    .map((t) =>
      el(
        "tr",
        { class: "bdw-task-row", "data-task": t.taskId, ...(t.error ? { title: t.error } : {}) },
        [String(t.taskId), String(t.partition), String(t.attempt), t.workerId, t.status, `+${formatDuration(t.start)}`, t.running ? "running" : formatDuration(t.end - t.start),
          t.recordsRead ? `${formatCount(t.recordsRead)} rec${t.bytesRead ? ` / ${formatBytes(t.bytesRead)}` : ""}` : "", t.shuffleReadBytes ? formatBytes(t.shuffleReadBytes) : "", t.shuffleWriteBytes ? formatBytes(t.shuffleWriteBytes) : ""]
          .map((c, i) => el("td", { style: i === 3 || i === 4 ? TD_LEFT : TD }, text(c)))
          .join(""),
      ),
    )
    .join("");
  const table = el("table", { style: "border-collapse:collapse;margin-top:4px;" }, el("thead", {}, el("tr", {}, heads.map((h, i) => el("th", { style: i === 3 || i === 4 ? TH_LEFT : TH }, text(h))).join(""))) + el("tbody", {}, rows));
  const shown = d.omittedTasks ? `${d.tasks.length} slowest of ${d.tasks.length + d.omittedTasks} tasks` : `${d.tasks.length} ${d.tasks.length === 1 ? "task" : "tasks"}`;
  return el(
    "div",
    { class: "bdw-stage-drill", "data-stage": d.stageId, style: FONT + "margin-top:6px;padding:6px 8px;border-left:3px solid #6b8fb5;background:rgba(107,143,181,0.08);" },
    (renderStageMetricsPayload(d.metrics)[MIME.html] as string) +
      el("div", { style: "margin-top:6px;font-weight:600;" }, text(`Event timeline (${shown})`)) +
      stageTimelineSvg(d) +
      table,
  );
}
