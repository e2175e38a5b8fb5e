// A streaming query at a glance: the recent micro-batches (id, input rows, input and processing
// rates, state rows, watermark, duration) and the latest result rows. Progress records follow the
// shape of Spark's StreamingQueryProgress JSON (query.recentProgress), so the streaming engine can
// hand its own progress objects over unchanged.

import type { StructType } from "../sql/types";
import { formatCount, formatDuration, formatTimestamp } from "./format";
import { FONT, TD, TD_LEFT, TH, TH_LEFT, el, text } from "./html";
import { MIME, type MimeBundle } from "./mime";
import { showString } from "./show-string";
import { tablePayload, type TablePayload } from "./table";

/** The parts of Spark's StreamingQueryProgress the table shows. */
export interface StreamingQueryProgress {
  id?: string;
  runId?: string;
  name?: string | null;
  /** Trigger time: ISO string (Spark) or epoch ms. */
  timestamp?: string | number;
  batchId: number;
  numInputRows: number;
  inputRowsPerSecond?: number;
  processedRowsPerSecond?: number;
  /** e.g. { triggerExecution: 120, addBatch: 80 }. */
  durationMs?: Record<string, number>;
  /** e.g. { watermark: "2026-11-25T10:00:00.000Z" }. */
  eventTime?: Record<string, string>;
  stateOperators?: Array<{ numRowsTotal: number; numRowsUpdated?: number; numRowsDroppedByWatermark?: number; memoryUsedBytes?: number }>;
}

export interface StreamTableInput {
  name?: string | null;
  id?: string;
  status?: string;
  /** Oldest first, as Spark's recentProgress. */
  progress: StreamingQueryProgress[];
  outputMode?: "append" | "complete" | "update";
  /** Latest result (e.g. the memory sink's table). */
  schema?: StructType;
  rows?: Record<string, unknown>[];
  error?: string;
}

export interface StreamPayload {
  name?: string | null;
  id?: string;
  status?: string;
  outputMode?: string;
  batches: Array<{ batchId: number; timestamp?: string; numInputRows: number; inputRowsPerSecond?: number; processedRowsPerSecond?: number; stateRows?: number; droppedByWatermark?: number; watermark?: string; durationMs?: number }>;
  result?: TablePayload;
  error?: string;
}

function ts(v: string | number | undefined): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === "number" ? formatTimestamp(v) : v.replace("T", " ").replace(/(\.000)?Z$/, "");
}

function rate(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? "" : v >= 100 ? formatCount(Math.round(v)) : v.toFixed(1);
}

export function streamPayload(input: StreamTableInput, maxBatches = 10): StreamPayload {
  const batches = input.progress.slice(-maxBatches).map((p) => {
    const state = p.stateOperators?.length ? p.stateOperators.reduce((a, s) => a + s.numRowsTotal, 0) : undefined;
    const dropped = p.stateOperators?.length ? p.stateOperators.reduce((a, s) => a + (s.numRowsDroppedByWatermark ?? 0), 0) : undefined;
    const wm = p.eventTime?.["watermark"];
    const timestamp = ts(p.timestamp);
    return {
      batchId: p.batchId,
      ...(timestamp !== undefined ? { timestamp } : {}),
      numInputRows: p.numInputRows,
      ...(p.inputRowsPerSecond !== undefined ? { inputRowsPerSecond: p.inputRowsPerSecond } : {}),
      ...(p.processedRowsPerSecond !== undefined ? { processedRowsPerSecond: p.processedRowsPerSecond } : {}),
      ...(state !== undefined ? { stateRows: state } : {}),
      ...(dropped ? { droppedByWatermark: dropped } : {}),
      ...(wm !== undefined ? { watermark: ts(wm)! } : {}),
      ...(p.durationMs?.["triggerExecution"] !== undefined ? { durationMs: p.durationMs["triggerExecution"] } : {}),
    };
  });
  return {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.id !== undefined ? { id: input.id } : {}),
    ...(input.status !== undefined ? { status: input.status } : {}),
    ...(input.outputMode !== undefined ? { outputMode: input.outputMode } : {}),
    batches,
    ...(input.schema && input.rows ? { result: tablePayload(input.schema, input.rows) } : {}),
    ...(input.error !== undefined ? { error: input.error } : {}),
  };
}

/** Streaming query progress (last `maxBatches` batches) and latest result rows. */
export function renderStreamTable(input: StreamTableInput, opts: { maxBatches?: number; maxRows?: number } = {}): MimeBundle {
  const p = streamPayload(input, opts.maxBatches ?? 10);
  const maxRows = opts.maxRows ?? 20;
  const title = `Streaming query${input.name ? ` "${input.name}"` : ""}${input.id ? ` [${input.id}]` : ""}${input.status ? ` ${input.status}` : ""}${input.outputMode ? `, ${input.outputMode} mode` : ""}`;
  const hasState = p.batches.some((b) => b.stateRows !== undefined);
  const hasWm = p.batches.some((b) => b.watermark !== undefined);
  const heads = ["Batch", "Trigger time", "Input rows", "Input rows/s", "Processed rows/s", ...(hasState ? ["State rows"] : []), ...(hasWm ? ["Watermark"] : []), "Duration"];
  const cells = p.batches.map((b) => [
    String(b.batchId),
    b.timestamp ?? "",
    formatCount(b.numInputRows),
    rate(b.inputRowsPerSecond),
    rate(b.processedRowsPerSecond),
    ...(hasState ? [b.stateRows !== undefined ? formatCount(b.stateRows) + (b.droppedByWatermark ? ` (${formatCount(b.droppedByWatermark)} late dropped)` : "") : ""] : []),
    ...(hasWm ? [b.watermark ?? ""] : []),
    b.durationMs !== undefined ? formatDuration(b.durationMs) : "",
  ]);
  const leftCols = new Set(["Trigger time", "Watermark"]);
  const widths = heads.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (leftCols.has(heads[i]!) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  const shown = input.rows?.slice(0, maxRows);
  let plain = [title, ...(cells.length ? [fmt(heads), ...cells.map(fmt)] : ["no batches yet"])].join("\n");
  if (input.schema && shown) {
    plain += "\nLatest result:\n" + showString(input.schema, input.rows!.slice(0, maxRows + 1), maxRows);
    plain = plain.replace(/\n$/, "");
  }
  if (input.error) plain += `\nError: ${input.error}`;

  const table = cells.length
    ? el(
        "table",
        { style: "border-collapse:collapse;" },
        el("thead", {}, el("tr", {}, heads.map((h) => el("th", { style: leftCols.has(h) ? TH_LEFT : TH }, text(h))).join(""))) +
          el("tbody", {}, cells.map((r, ri) => el("tr", { class: "bdw-batch", "data-batch": p.batches[ri]!.batchId }, r.map((c, i) => el("td", { style: leftCols.has(heads[i]!) ? TD_LEFT : TD }, text(c))).join(""))).join("")),
      )
    : el("div", { style: "opacity:0.7;" }, "no batches yet");
  let result = "";
  if (input.schema && shown) {
    const headRow = el("tr", {}, input.schema.fields.map((f) => el("th", { style: TH_LEFT }, text(f.name))).join(""));
    const res = tablePayload(input.schema, shown);
    const bodyRows = res.rows.map((r) => el("tr", {}, r.map((c) => el("td", { style: TD_LEFT + (c === null ? "opacity:0.5;font-style:italic;" : "") }, text(c === null ? "null" : String(c)))).join(""))).join("");
    result =
      el("div", { style: "font-weight:600;margin:6px 0 2px;" }, text(`Latest result (${input.rows!.length} ${input.rows!.length === 1 ? "row" : "rows"}${input.rows!.length > maxRows ? `, showing ${maxRows}` : ""})`)) +
      el("table", { class: "bdw-stream-result", style: "border-collapse:collapse;" }, el("thead", {}, headRow) + el("tbody", {}, bodyRows));
  }
  const html = el(
    "div",
    { class: "bdw-stream", style: FONT },
    el("div", { style: "font-weight:600;margin-bottom:3px;" }, text(title)) +
      table +
      result +
      (input.error ? el("div", { class: "bdw-error", style: "color:#c0392b;margin-top:3px;white-space:pre-wrap;" }, text(input.error)) : ""),
  );
  return { [MIME.text]: plain, [MIME.html]: html, [MIME.stream]: p };
}
