// Charts of a streaming query over its batches: input vs processing rate, batch duration,
// watermark and state rows (Spark UI's Structured Streaming tab, in small). A Vega-Lite spec
// with an offline SVG rendering and a text fallback; renderStreamPanel puts the charts under the
// stream table (renderStreamTable) for the notebook's live query panel.

import type { TopLevelSpec } from "vega-lite";
import { FONT, el, text } from "./html";
import { MIME, type MimeBundle } from "./mime";
import { renderStreamTable, streamHtml, streamPayload, type StreamTableInput, type StreamingQueryProgress } from "./stream-table";
import { vegaLiteToSvg, type VegaLiteSpec } from "./task-timeline";

interface Point { batchId: number; series: string; value: number; chart: string }

function points(progress: StreamingQueryProgress[]): Point[] {
  const out: Point[] = [];
  for (const p of progress) {
    const b = p.batchId;
    out.push({ batchId: b, chart: "rows/s", series: "input", value: p.inputRowsPerSecond ?? 0 });
    out.push({ batchId: b, chart: "rows/s", series: "processed", value: p.processedRowsPerSecond ?? 0 });
    out.push({ batchId: b, chart: "batch duration (ms)", series: "duration", value: p.durationMs?.["triggerExecution"] ?? 0 });
    const wm = p.eventTime?.["watermark"];
    if (wm !== undefined) out.push({ batchId: b, chart: "watermark", series: "watermark", value: typeof wm === "string" ? Date.parse(wm) : Number(wm) });
    if (p.stateOperators?.length) out.push({ batchId: b, chart: "state rows", series: "state rows", value: p.stateOperators.reduce((a, s) => a + s.numRowsTotal, 0) });
  }
  return out;
}

/** Vega-Lite: one small line chart per measure, batches on x. */
export function streamChartsSpec(progress: StreamingQueryProgress[]): VegaLiteSpec {
  const pts = points(progress);
  const charts = [...new Set(pts.map((p) => p.chart))];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    data: { values: pts },
    resolve: { scale: { color: "independent", y: "independent" }, legend: { color: "independent" } },
    hconcat: charts.map((c) => ({
      title: c,
      width: 170,
      height: 110,
      transform: [{ filter: { field: "chart", equal: c } }],
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "batchId", type: "quantitative", title: "batch", axis: { tickMinStep: 1, format: "d" } },
        y: c === "watermark"
          ? { field: "value", type: "temporal", title: null }
          : { field: "value", type: "quantitative", title: null },
        color: { field: "series", type: "nominal", legend: c === "rows/s" ? { orient: "bottom", title: null } : null },
      },
    })),
  } satisfies TopLevelSpec as VegaLiteSpec;
}

function chartsText(progress: StreamingQueryProgress[]): string {
  const last = progress[progress.length - 1];
  if (!last) return "no batches yet";
  return `batches ${progress[0]!.batchId}..${last.batchId}; last: ${last.numInputRows} rows, ${Math.round(last.inputRowsPerSecond ?? 0)} in/s, ` +
    `${Math.round(last.processedRowsPerSecond ?? 0)} processed/s, ${last.durationMs?.["triggerExecution"] ?? 0} ms`;
}

/** The charts alone: Vega-Lite spec, its SVG and a text line. */
export async function renderStreamCharts(progress: StreamingQueryProgress[]): Promise<MimeBundle> {
  const plain = chartsText(progress);
  if (!progress.length) return { [MIME.text]: plain };
  const spec = streamChartsSpec(progress);
  const svg = await vegaLiteToSvg(spec);
  return { [MIME.text]: plain, [MIME.svg]: svg, [MIME.vegaLite]: spec };
}

/** The live panel of a streaming query: status, batch table, latest result and charts (HTML with inline SVG). */
export async function renderStreamPanel(input: StreamTableInput, opts: { maxBatches?: number; maxRows?: number; charts?: boolean } = {}): Promise<MimeBundle> {
  const table = renderStreamTable(input, opts);
  const payload = streamPayload(input, opts.maxBatches ?? 10, opts.maxRows ?? 20);
  let chart = "";
  if (opts.charts !== false && input.progress.length > 1) {
    try {
      chart = el("div", { class: "bdw-stream-charts", style: "overflow-x:auto;margin-top:4px;" }, await vegaLiteToSvg(streamChartsSpec(input.progress.slice(-50))));
    } catch {
      chart = "";
    }
  }
  return {
    ...table,
    [MIME.text]: `${String(table[MIME.text])}${input.progress.length ? `\n${chartsText(input.progress)}` : ""}`,
    [MIME.html]: el("div", { style: FONT }, streamHtml(payload) + chart + (input.status ? el("div", { style: "opacity:0.7;margin-top:2px;" }, text(input.status)) : "")),
  };
}
