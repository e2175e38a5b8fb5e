// A stage's task summary, like Spark UI's "Summary Metrics for N Completed Tasks": min, 25th
// percentile, median, 75th percentile and max of each metric over the stage's successful tasks
// (quantiles.ts), plus a skew warning when the slowest/biggest task is far above the median.

import type { StageInfo, TaskInfo, TaskMetrics } from "../scheduler/job-info";
import { formatBytes, formatCount, formatDuration } from "./format";
import { FONT, TD, TH, TH_LEFT, TD_LEFT, el, text } from "./html";
import { MIME, type MimeBundle } from "./mime";
import { SUMMARY_QUANTILES, sparkQuantiles } from "./quantiles";

export type MetricUnit = "ms" | "bytes" | "count";

export interface MetricRow {
  key: string;
  label: string;
  unit: MetricUnit;
  /** min, p25, median, p75, max (empty when no task succeeded). */
  quantiles: number[];
}

export interface SkewWarning {
  metric: string;
  label: string;
  max: number;
  median: number;
  /** max / median; null when the median is 0 (kept JSON-safe). */
  ratio: number | null;
  /** Partition of the task holding the max. */
  partition: number;
  taskId: number;
}

export interface StageMetricsPayload {
  stageId: number;
  attemptId: number;
  name: string;
  numTasks: number;
  numSuccessful: number;
  quantileProbabilities: number[];
  metrics: MetricRow[];
  skew: SkewWarning[];
}

export interface StageMetricsOptions {
  /** Warn when max >= ratio * median. Default 2 (Spark's UI has no such flag; this is for teaching). */
  skewRatio?: number;
  /** Ignore differences smaller than these absolute amounts (noise in tiny jobs). */
  minSkewMs?: number;
  minSkewBytes?: number;
  minSkewRecords?: number;
}

interface MetricDef {
  key: string;
  label: string;
  unit: MetricUnit;
  get: (m: TaskMetrics) => number;
  /** Only shown when some task has a non-zero value (shuffle rows in a stage without shuffle are noise). */
  optional: boolean;
  skew: boolean;
}

const METRICS: MetricDef[] = [
  { key: "durationMs", label: "Duration", unit: "ms", get: (m) => m.durationMs, optional: false, skew: true },
  { key: "deserializeMs", label: "Task Deserialization Time", unit: "ms", get: (m) => m.deserializeMs, optional: true, skew: false },
  { key: "recordsRead", label: "Input Records", unit: "count", get: (m) => m.recordsRead, optional: true, skew: true },
  { key: "bytesRead", label: "Input Size", unit: "bytes", get: (m) => m.bytesRead, optional: true, skew: false },
  { key: "recordsWritten", label: "Output Records", unit: "count", get: (m) => m.recordsWritten, optional: true, skew: false },
  { key: "shuffleReadRecords", label: "Shuffle Read Records", unit: "count", get: (m) => m.shuffleReadRecords, optional: true, skew: true },
  { key: "shuffleReadBytes", label: "Shuffle Read Size", unit: "bytes", get: (m) => m.shuffleReadBytes, optional: true, skew: true },
  { key: "shuffleFetchWaitMs", label: "Shuffle Fetch Wait Time", unit: "ms", get: (m) => m.shuffleFetchWaitMs, optional: true, skew: false },
  { key: "shuffleWriteRecords", label: "Shuffle Write Records", unit: "count", get: (m) => m.shuffleWriteRecords, optional: true, skew: false },
  { key: "shuffleWriteBytes", label: "Shuffle Write Size", unit: "bytes", get: (m) => m.shuffleWriteBytes, optional: true, skew: false },
  { key: "spillBytes", label: "Spill (Disk)", unit: "bytes", get: (m) => m.spillBytes, optional: true, skew: false },
  { key: "resultBytes", label: "Result Size", unit: "bytes", get: (m) => m.resultBytes, optional: true, skew: false },
];

export function formatMetric(v: number, unit: MetricUnit): string {
  return unit === "ms" ? formatDuration(v) : unit === "bytes" ? formatBytes(v) : formatCount(v);
}

/** The summary as plain data (also the application/vnd.bigdata.metrics+json payload). */
export function stageMetricsSummary(stage: StageInfo, tasks: TaskInfo[], opts: StageMetricsOptions = {}): StageMetricsPayload {
  const ok = tasks.filter((t) => t.stageId === stage.stageId && t.stageAttempt === stage.attemptId && t.status === "SUCCESS" && t.metrics);
  const ratio = opts.skewRatio ?? 2;
  const floors: Record<MetricUnit, number> = {
    ms: opts.minSkewMs ?? 50,
    bytes: opts.minSkewBytes ?? 1024,
    count: opts.minSkewRecords ?? 100,
  };
  const metrics: MetricRow[] = [];
  const skew: SkewWarning[] = [];
  for (const d of METRICS) {
    const vals = ok.map((t) => d.get(t.metrics!));
    if (d.optional && !vals.some((v) => v !== 0)) continue;
    const q = sparkQuantiles(vals);
    metrics.push({ key: d.key, label: d.label, unit: d.unit, quantiles: q });
    if (d.skew && q.length === 5 && ok.length >= 2) {
      const median = q[2]!;
      const max = q[4]!;
      if (max >= ratio * median && max - median >= floors[d.unit]) {
        const top = ok.reduce((a, b) => (d.get(b.metrics!) > d.get(a.metrics!) ? b : a));
        skew.push({ metric: d.key, label: d.label, max, median, ratio: median === 0 ? null : max / median, partition: top.partition, taskId: top.taskId });
      }
    }
  }
  return {
    stageId: stage.stageId,
    attemptId: stage.attemptId,
    name: stage.name,
    numTasks: stage.numTasks,
    numSuccessful: ok.length,
    quantileProbabilities: [...SUMMARY_QUANTILES],
    metrics,
    skew,
  };
}

function skewText(w: SkewWarning): string {
  const u = unitOf(w.metric);
  const rel = w.ratio === null ? "while the median is 0" : `is ${w.ratio.toFixed(1)}x the median ${formatMetric(w.median, u)}`;
  return `skew: ${w.label} max ${formatMetric(w.max, u)} (partition ${w.partition}, task ${w.taskId}) ${rel}`;
}

function unitOf(key: string): MetricUnit {
  return METRICS.find((m) => m.key === key)?.unit ?? "count";
}

/** Summary metrics table for one stage, with skew warnings. */
export function renderStageMetrics(stage: StageInfo, tasks: TaskInfo[], opts: StageMetricsOptions = {}): MimeBundle {
  return renderStageMetricsPayload(stageMetricsSummary(stage, tasks, opts));
}

/** Render an already computed summary (what the lab extension receives). */
export function renderStageMetricsPayload(p: StageMetricsPayload): MimeBundle {
  const heads = ["Metric", "Min", "25th percentile", "Median", "75th percentile", "Max"];
  const title = `Stage ${p.stageId}${p.attemptId > 0 ? ` (attempt ${p.attemptId})` : ""}: ${p.name} — summary metrics for ${p.numSuccessful} completed ${p.numSuccessful === 1 ? "task" : "tasks"}`;

  // text/plain: a fixed-width table.
  const rowsText = p.metrics.map((m) => [m.label, ...(m.quantiles.length ? m.quantiles.map((v) => formatMetric(v, m.unit)) : ["-", "-", "-", "-", "-"])]);
  const widths = heads.map((h, i) => Math.max(h.length, ...rowsText.map((r) => r[i]!.length)));
  const fmtRow = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  const plain = [title, fmtRow(heads), ...rowsText.map(fmtRow), ...p.skew.map((w) => "WARNING " + skewText(w))].join("\n");

  const skewed = new Set(p.skew.map((w) => w.metric));
  const table = el(
    "table",
    { style: "border-collapse:collapse;" },
    el("thead", {}, el("tr", {}, heads.map((h, i) => el("th", { style: i === 0 ? TH_LEFT : TH }, text(h))).join(""))) +
      el(
        "tbody",
        {},
        p.metrics
          .map((m, ri) =>
            el(
              "tr",
              { class: "bdw-metric", "data-metric": m.key },
              el("td", { style: TD_LEFT }, text(m.label)) +
                rowsText[ri]!.slice(1)
                  .map((c, i) => el("td", { style: TD + (i === 4 && skewed.has(m.key) ? "color:#c0392b;font-weight:700;" : "") }, text(c)))
                  .join(""),
            ),
          )
          .join(""),
      ),
  );
  const warnings = p.skew
    .map((w) => el("div", { class: "bdw-skew", style: "display:table;margin-top:4px;padding:3px 6px;border-left:3px solid #e67e22;background:rgba(230,126,34,0.12);" }, "&#9888; " + text(skewText(w))))
    .join("");
  const html = el("div", { class: "bdw-stage-metrics", style: FONT }, el("div", { style: "font-weight:600;margin-bottom:4px;" }, text(title)) + table + warnings);
  return { [MIME.text]: plain, [MIME.html]: html, [MIME.metrics]: p };
}
