// The Cluster sidebar's content as HTML, from the kernel's "bigdata.cluster" snapshots: the
// current notebook's workers drawn by the engine's own workers table (engine/viz/workers.ts, as
// `spark.cluster.workers()` shows them) with a Kill button per live worker, an "Add worker"
// button and a Refresh. Pure, so it is unit-tested; cluster-panel.ts wires the buttons.

import type { WorkerInfo } from "../../../engine/viz/engine-types";
import { FONT, el, text } from "../../../engine/viz/html";
import { MIME } from "../../../engine/viz/mime";
import { renderWorkers } from "../../../engine/viz/workers";

export interface ClusterView {
  /** The notebook the panel follows ("" when the current tab has no kernel). */
  notebook: string;
  workers: WorkerInfo[];
  /** Why there are no workers (no session yet, a Spark Connect session). */
  note?: string;
  /** The last error or action result, shown under the table. */
  message?: string;
  /** Epoch ms the heartbeats are dated against. */
  now: number;
}

export function clusterHtml(v: ClusterView): string {
  const head = el("div", { style: "font-weight:600;margin-bottom:6px;" }, text(v.notebook ? `Cluster: ${v.notebook}` : "Cluster"));
  const wrap = (body: string) => el("div", { class: "bdw-cluster", style: FONT + "padding:8px;" }, head + body);
  if (!v.notebook) return wrap(el("div", { class: "bdw-cluster-note" }, "Open a notebook on the Big Data Workbench kernel to see its workers."));
  const table = v.workers.length
    ? (renderWorkers(v.workers, { now: v.now, killButtons: true, compact: true })[MIME.html] as string)
    : el("div", { class: "bdw-cluster-note", style: "color:#777;" }, text(v.note ?? "no workers"));
  const buttons = el(
    "div",
    { style: "margin-top:6px;" },
    el("button", { class: "bdw-add", title: "Start one more worker process" }, "Add worker") + " " + el("button", { class: "bdw-refresh" }, "Refresh"),
  );
  const message = v.message ? el("div", { class: "bdw-cluster-message", style: "margin-top:6px;white-space:pre-wrap;" }, text(v.message)) : "";
  return wrap(table + buttons + message);
}
