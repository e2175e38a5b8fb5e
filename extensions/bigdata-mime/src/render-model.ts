// From an output's MIME data to the HTML the extension shows, re-using the engine's own pure
// renderers (engine/viz) so the notebook's static view and the interactive one never disagree.
// Anything malformed falls back to the bundle's own text/html, then to its text/plain.

import type { JobDag } from "../../../engine/viz/engine-types";
import { renderDag } from "../../../engine/viz/dag";
import { escapeXml } from "../../../engine/viz/format";
import { el, text } from "../../../engine/viz/html";
import { renderJobSummaryPayload, type JobSummaryPayload } from "../../../engine/viz/job-summary";
import { renderLineage } from "../../../engine/viz/lineage";
import { MIME } from "../../../engine/viz/mime";
import { renderPlanGraph, type PlanGraphNode } from "../../../engine/viz/plan-graph";
import { renderProgress, type ProgressPayload } from "../../../engine/viz/progress";
import { renderStageMetricsPayload, type StageMetricsPayload } from "../../../engine/viz/stage-metrics";
import { streamHtml, type StreamPayload } from "../../../engine/viz/stream-table";
import { tableHtml, type TablePayload } from "../../../engine/viz/table";
import { sortTable } from "./interactions";

/** The MIME types this extension renders (the engine's application/vnd.bigdata.*+json). */
export const MIME_TYPES: readonly string[] = [MIME.dag, MIME.progress, MIME.metrics, MIME.table, MIME.plan, MIME.stream, MIME.lineage];

export interface ViewState {
  sort?: { column: number; descending: boolean };
}

export type ViewKind = "dag" | "progress" | "summary" | "metrics" | "table" | "plan" | "stream" | "lineage" | "fallback";

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

function isDag(x: unknown): x is JobDag {
  return isObj(x) && Array.isArray(x["stages"]) && Array.isArray(x["rdds"]) && Array.isArray(x["edges"]);
}
function isPlan(x: unknown): x is PlanGraphNode {
  return isObj(x) && typeof x["name"] === "string" && Array.isArray(x["children"]);
}
function isTable(x: unknown): x is TablePayload {
  return isObj(x) && Array.isArray(x["columns"]) && Array.isArray(x["rows"]);
}

function fallback(bundle: Record<string, unknown>): { kind: ViewKind; html: string } {
  const html = bundle[MIME.html];
  if (typeof html === "string") return { kind: "fallback", html };
  const plain = bundle[MIME.text];
  return { kind: "fallback", html: `<pre>${escapeXml(typeof plain === "string" ? plain : JSON.stringify(plain ?? null, null, 2))}</pre>` };
}

/**
 * A job panel's "Show DAG" button (live panel and summary): the lab plugin asks the kernel for
 * the job's DAG on the "bigdata.jobs" comm ({ action: "dag", jobId }) and draws it, interactive,
 * under the panel (a running job's DAG as it stands at the click).
 */
export function dagButton(jobId: number): string {
  return el("button", { class: "bdw-show-dag", "data-job": jobId, title: "The job's DAG (stages, RDDs, shuffles), from the kernel", style: "margin-top:4px;" }, text("Show DAG"));
}

/** The jobs the live panel's cancel stops: none once the job is over. */
export function cancelJobIds(p: ProgressPayload): number[] {
  if (p.job.status !== "RUNNING") return [];
  return Array.isArray(p.activeJobIds) ? p.activeJobIds : [p.job.jobId];
}

/**
 * The live panel's cancel button (only here: the static HTML has no kernel to talk to). The lab
 * plugin (plugin.ts) hears its click and sends { action: "cancel", jobId } on the kernel's
 * "bigdata.jobs" comm for each job in data-jobs.
 */
export function cancelButton(p: ProgressPayload): string {
  const ids = cancelJobIds(p);
  if (!ids.length) return "";
  return el("button", { class: "bdw-cancel", "data-jobs": ids.join(","), title: "Cancel the running job (Spark's cancelJob); its cell fails with the cancellation", style: "margin-top:4px;" }, text(ids.length === 1 ? `Cancel job ${ids[0]}` : `Cancel jobs ${ids.join(", ")}`));
}

/** HTML for `mimeType` from an output bundle (the model's data holds every MIME type of the output). */
export interface View {
  kind: ViewKind;
  html: string;
  /** Controls drawn apart from the view (the live panel's cancel button), kept while `actionsKey` stays the same. */
  actions?: string;
  actionsKey?: string;
}

export function renderView(mimeType: string, bundle: Record<string, unknown>, state: ViewState = {}): View {
  const data = bundle[mimeType];
  try {
    switch (mimeType) {
      case MIME.dag:
        if (isDag(data)) return { kind: "dag", html: renderDag(data)[MIME.html] as string };
        break;
      case MIME.progress:
        if (isObj(data) && data["kind"] === "summary") {
          const p = data as unknown as JobSummaryPayload;
          return { kind: "summary", html: renderJobSummaryPayload(p)[MIME.html] as string, actions: dagButton(p.job.jobId) };
        }
        if (isObj(data) && data["kind"] === "progress") {
          const p = data as unknown as ProgressPayload;
          const html = renderProgress(p.job, p.stages, { now: p.job.submissionTime + p.elapsedMs })[MIME.html] as string;
          return { kind: "progress", html, actions: cancelButton(p) + " " + dagButton(p.job.jobId), actionsKey: cancelJobIds(p).join(",") };
        }
        break;
      case MIME.metrics:
        if (isObj(data) && Array.isArray(data["metrics"])) return { kind: "metrics", html: renderStageMetricsPayload(data as unknown as StageMetricsPayload)[MIME.html] as string };
        break;
      case MIME.table:
        if (isTable(data)) {
          const sorted = state.sort ? sortTable(data, state.sort.column, state.sort.descending) : data;
          return { kind: "table", html: tableHtml(sorted, state.sort ? { sortedBy: state.sort } : {}) };
        }
        break;
      case MIME.plan:
        if (isPlan(data)) return { kind: "plan", html: renderPlanGraph(data)[MIME.html] as string };
        break;
      case MIME.stream:
        // The kernel's live query panel draws its charts (Vega rendered to SVG in the kernel) and
        // status under the table in its HTML: show all of it; a bare payload gets the table.
        if (isObj(data) && Array.isArray(data["batches"])) {
          const full = bundle[MIME.html];
          return { kind: "stream", html: typeof full === "string" && full.includes("bdw-stream") ? full : streamHtml(data as unknown as StreamPayload) };
        }
        break;
      case MIME.lineage:
        if (isObj(data) && typeof data["debugString"] === "string") return { kind: "lineage", html: renderLineage(data["debugString"])[MIME.html] as string };
        break;
    }
  } catch {
    // A payload from a different engine version may not fit the renderers; show the static view.
  }
  return fallback(bundle);
}
