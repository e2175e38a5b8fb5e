// A streaming query at a glance: the recent micro-batches (id, input rows, input and processing
// rates, state rows, watermark, duration) and the latest result rows. Progress records follow the
// shape of Spark's StreamingQueryProgress JSON (query.recentProgress), so the streaming engine can
// hand its own progress objects over unchanged.

import type { StructType } from "../sql/types";
import { formatCount, formatDuration, formatTimestamp } from "./format";
import { FONT, TD, TD_LEFT, TH, TH_LEFT, el, text } from "./html";
import { MIME, type MimeBundle } from "./mime";
import { showString } from "./show-string";
import { tableHtml, tablePayload, type TablePayload } from "./table";

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
  /** How this run started from its checkpoint (restored batch, replayed offsets), as lines. */
  recovery?: string[];
}

export interface StreamPayload {
  name?: string | null;
  id?: string;
  status?: string;
  outputMode?: string;
  batches: Array<{ batchId: number; timestamp?: string; numInputRows: number; inputRowsPerSecond?: number; processedRowsPerSecond?: number; stateRows?: number; droppedByWatermark?: number; watermark?: string; durationMs?: number }>;
  result?: TablePayload;
  error?: string;
  recovery?: string[];
}

function ts(v: string | number | undefined): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === "number" ? formatTimestamp(v) : v.replace("T", " ").replace(/(\.000)?Z$/, "");
}

function rate(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? "" : v >= 100 ? formatCount(Math.round(v)) : v.toFixed(1);
}

export function streamPayload(input: StreamTableInput, maxBatches = 10, maxRows = 20): StreamPayload {
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
    ...(input.schema && input.rows ? { result: tablePayload(input.schema, input.rows.slice(0, maxRows), input.rows.length) } : {}),
    ...(input.error !== undefined ? { error: input.error } : {}),
    ...(input.recovery?.length ? { recovery: input.recovery } : {}),
  };
}

function title(p: StreamPayload): string {
  return `Streaming query${p.name ? ` "${p.name}"` : ""}${p.id ? ` [${p.id}]` : ""}${p.status ? ` ${p.status}` : ""}${p.outputMode ? `, ${p.outputMode} mode` : ""}`;
}

const LEFT_COLS = new Set(["Trigger time", "Watermark"]);

function batchTable(p: StreamPayload): { heads: string[]; cells: string[][] } {
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
  return { heads, cells };
}

/** The HTML view of a stream payload (used by renderStreamTable and the lab extension). */
export function streamHtml(p: StreamPayload): string {
  const { heads, cells } = batchTable(p);
  const table = cells.length
    ? el(
        "table",
        { style: "border-collapse:collapse;" },
        el("thead", {}, el("tr", {}, heads.map((h) => el("th", { style: LEFT_COLS.has(h) ? TH_LEFT : TH }, text(h))).join(""))) +
          el("tbody", {}, cells.map((r, ri) => el("tr", { class: "bdw-batch", "data-batch": p.batches[ri]!.batchId }, r.map((c, i) => el("td", { style: LEFT_COLS.has(heads[i]!) ? TD_LEFT : TD }, text(c))).join(""))).join("")),
      )
    : el("div", { style: "opacity:0.7;" }, "no batches yet");
  let result = "";
  if (p.result) {
    const total = p.result.totalRows ?? p.result.rows.length;
    const shown = p.result.rows.length;
    result =
      el("div", { style: "font-weight:600;margin:6px 0 2px;" }, text(`Latest result (${total} ${total === 1 ? "row" : "rows"}${total > shown ? `, showing ${shown}` : ""})`)) +
      tableHtml(p.result, { caption: false });
  }
  return el(
    "div",
    { class: "bdw-stream", style: FONT },
    el("div", { style: "font-weight:600;margin-bottom:3px;" }, text(title(p))) +
      (p.recovery?.length ? el("div", { class: "bdw-recovery", style: "border-left:3px solid #b07d2f;padding-left:6px;margin:2px 0 4px;" }, p.recovery.map((l) => el("div", {}, text(l))).join("")) : "") +
      table +
      result +
      (p.error ? el("div", { class: "bdw-error", style: "color:#c0392b;margin-top:3px;white-space:pre-wrap;" }, text(p.error)) : ""),
  );
}

/** Streaming query progress (last `maxBatches` batches) and latest result rows (first `maxRows`). */
export function renderStreamTable(input: StreamTableInput, opts: { maxBatches?: number; maxRows?: number } = {}): MimeBundle {
  const maxRows = opts.maxRows ?? 20;
  const p = streamPayload(input, opts.maxBatches ?? 10, maxRows);
  const { heads, cells } = batchTable(p);
  const widths = heads.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (LEFT_COLS.has(heads[i]!) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  let plain = [title(p), ...(p.recovery ?? []), ...(cells.length ? [fmt(heads), ...cells.map(fmt)] : ["no batches yet"])].join("\n");
  if (input.schema && input.rows) {
    plain += "\nLatest result:\n" + showString(input.schema, input.rows.slice(0, maxRows + 1), maxRows);
    plain = plain.replace(/\n$/, "");
  }
  if (input.error) plain += `\nError: ${input.error}`;
  return { [MIME.text]: plain, [MIME.html]: streamHtml(p), [MIME.stream]: p };
}
