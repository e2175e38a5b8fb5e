// Spark UI's event timeline for a job's tasks: one lane per worker slot (tasks running at the same
// time on a worker get separate lanes), a bar per task from launch to finish, coloured by stage.
// Output: a Vega-Lite spec (JupyterLab and VS Code draw it natively), an SVG rendered offline by
// vega in this process (headless View + toSVG, no canvas, no network), and a text Gantt chart.

import type { TopLevelSpec } from "vega-lite";
import type { StageInfo, TaskInfo } from "../scheduler/job-info";
import { formatDuration } from "./format";
import { FONT, el, text } from "./html";
import { MIME, type MimeBundle } from "./mime";

export interface TimelineOptions {
  /** End for tasks still running (epoch ms); default: the latest time seen in the data. */
  now?: number;
  /** Chart width in px (default 640). */
  width?: number;
  /** Width of the text chart in characters (default 60). */
  textWidth?: number;
}

export interface TimelineRow {
  taskId: number;
  stage: string;
  stageId: number;
  partition: number;
  attempt: number;
  worker: string;
  /** "worker-1 · 0": the lane the task is drawn in. */
  lane: string;
  /** ms since the first task launched. */
  start: number;
  end: number;
  duration: number;
  status: string;
  running: boolean;
}

/**
 * When the task started running: its launch, or later for a task its slot held behind the running
 * one (task prefetch reports the wait as queueWaitMs).
 */
function startTime(t: TaskInfo): number {
  return t.launchTime + (t.metrics?.queueWaitMs ?? 0);
}

/** Tasks as chart rows with lanes assigned greedily (first free lane of the worker by start time). */
export function timelineRows(tasks: TaskInfo[], stages: StageInfo[] = [], now?: number): TimelineRow[] {
  if (tasks.length === 0) return [];
  const t0 = Math.min(...tasks.map((t) => t.launchTime));
  const latest = Math.max(...tasks.map((t) => t.finishTime ?? t.launchTime));
  const end = now ?? latest;
  const stageName = new Map(stages.map((s) => [s.stageId, s.name]));
  const sorted = [...tasks].sort((a, b) => startTime(a) - startTime(b) || a.taskId - b.taskId);
  const laneEnds = new Map<string, number[]>();
  return sorted.map((t) => {
    const start = Math.min(startTime(t), t.finishTime ?? Infinity);
    const finish = t.finishTime ?? Math.max(end, start);
    const ends = laneEnds.get(t.workerId) ?? [];
    let lane = ends.findIndex((e) => e <= start);
    if (lane < 0) lane = ends.length;
    ends[lane] = finish;
    laneEnds.set(t.workerId, ends);
    return {
      taskId: t.taskId,
      stage: `Stage ${t.stageId}${stageName.has(t.stageId) ? ": " + stageName.get(t.stageId) : ""}`,
      stageId: t.stageId,
      partition: t.partition,
      attempt: t.attempt,
      worker: t.workerId,
      lane: `${t.workerId} · ${lane}`,
      start: start - t0,
      end: finish - t0,
      duration: finish - start,
      status: t.status,
      running: t.finishTime === undefined,
    };
  });
}

function laneOrder(rows: TimelineRow[]): string[] {
  const lanes = [...new Set(rows.map((r) => r.lane))];
  return lanes.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

/**
 * A Vega-Lite specification as plain data (https://vega.github.io/vega-lite/docs/spec.html).
 * Vega-Lite's own `TopLevelSpec` type stays inside the engine: its declarations (with vega's) are
 * large, and every notebook kernel parses the public API's declarations at start.
 */
export type VegaLiteSpec = { [key: string]: unknown };

/** The Vega-Lite v5 spec (data inline, no URLs). */
export function taskTimelineSpec(tasks: TaskInfo[], stages: StageInfo[] = [], opts: TimelineOptions = {}): VegaLiteSpec {
  const rows = timelineRows(tasks, stages, opts.now);
  const lanes = laneOrder(rows);
  return {
    description: "Task timeline: one bar per task, one lane per worker slot",
    width: opts.width ?? 640,
    height: Math.max(40, lanes.length * 22),
    background: "white",
    data: { values: rows as unknown as Record<string, unknown>[] },
    mark: { type: "bar", cornerRadius: 2, height: 14 },
    encoding: {
      y: { field: "lane", type: "nominal", sort: lanes, title: null },
      x: { field: "start", type: "quantitative", title: "ms since first task launch", scale: { zero: true } },
      x2: { field: "end" },
      color: { field: "stage", type: "nominal", title: "stage", legend: { orient: "bottom", columns: 1, labelLimit: 400 } },
      stroke: { condition: { test: "datum.status === 'FAILED' || datum.status === 'KILLED'", value: "#c0392b" }, value: null },
      strokeWidth: { value: 2 },
      opacity: { condition: { test: "datum.running", value: 0.55 }, value: 1 },
      tooltip: [
        { field: "taskId", title: "task" },
        { field: "stage" },
        { field: "partition" },
        { field: "attempt" },
        { field: "worker" },
        { field: "duration", title: "duration (ms)" },
        { field: "status" },
      ],
    },
    config: { font: "Helvetica, Arial, sans-serif", axis: { labelFontSize: 10, titleFontSize: 11 }, legend: { labelFontSize: 10, titleFontSize: 11 } },
  } satisfies TopLevelSpec as VegaLiteSpec;
}

/** A text Gantt chart: one line per lane, stage ids (last digit) where its tasks ran. */
export function timelineText(rows: TimelineRow[], width = 60): string {
  if (rows.length === 0) return "Task timeline: no tasks";
  const lanes = laneOrder(rows);
  const total = Math.max(1, ...rows.map((r) => r.end));
  const labelW = Math.max(...lanes.map((l) => l.length));
  const lines = [`Task timeline: ${rows.length} ${rows.length === 1 ? "task" : "tasks"} on ${new Set(rows.map((r) => r.worker)).size} worker(s), ${formatDuration(total)} (digits = stage id, ! = failed)`];
  for (const lane of lanes) {
    const cells = Array.from({ length: width }, () => " ");
    for (const r of rows.filter((x) => x.lane === lane)) {
      const a = Math.min(width - 1, Math.floor((r.start / total) * width));
      const b = Math.max(a + 1, Math.min(width, Math.round((r.end / total) * width)));
      const ch = r.status === "FAILED" || r.status === "KILLED" ? "!" : String(r.stageId % 10);
      for (let i = a; i < b; i++) cells[i] = ch;
    }
    lines.push(`${lane.padEnd(labelW)} |${cells.join("")}|`);
  }
  return lines.join("\n");
}

/**
 * Render the spec to SVG with vega, headless (renderer "none" + toSVG needs no canvas). vega and
 * vega-lite are loaded on first use: importing them takes seconds, and every notebook loads viz.
 */
export async function vegaLiteToSvg(spec: VegaLiteSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new vega.View(vega.parse(vl.compile(spec as unknown as TopLevelSpec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Timeline of tasks: Vega-Lite spec + offline SVG + HTML + text. Async because vega renders asynchronously. */
export async function renderTaskTimeline(tasks: TaskInfo[], stages: StageInfo[] = [], opts: TimelineOptions = {}): Promise<MimeBundle> {
  const rows = timelineRows(tasks, stages, opts.now);
  const plain = timelineText(rows, opts.textWidth ?? 60);
  if (rows.length === 0) return { [MIME.text]: plain, [MIME.html]: el("div", { class: "bdw-timeline", style: FONT }, text(plain)) };
  const spec = taskTimelineSpec(tasks, stages, opts);
  const svg = await vegaLiteToSvg(spec);
  return {
    [MIME.text]: plain,
    [MIME.html]: el("div", { class: "bdw-timeline", style: FONT + "overflow-x:auto;" }, svg),
    [MIME.svg]: svg,
    [MIME.vegaLite]: spec,
  };
}
