// The cluster as the driver sees it (spark.cluster.workers()): one row per worker with its state,
// busy/free task slots, cached blocks and heartbeat age, so a notebook can watch a worker being
// killed and its work being recomputed elsewhere.

import type { WorkerInfo } from "../scheduler/job-info";
import { formatBytes, formatDuration } from "./format";
import { FONT, TD, TD_LEFT, TH, TH_LEFT, bar, el, text } from "./html";
import { MIME, type MimeBundle } from "./mime";

const STATE_COLOR: Record<WorkerInfo["state"], string> = { ALIVE: "#2e8b47", DEAD: "#c0392b", LOST: "#e67e22" };

export interface WorkersOptions {
  /** Epoch ms the heartbeats are dated against (default Date.now()). */
  now?: number;
  /** A "Kill" button per live worker (class bdw-kill, data-worker): the JupyterLab Cluster sidebar wires them. */
  killButtons?: boolean;
  /** Narrow (a sidebar): two lines a worker instead of a column each. */
  compact?: boolean;
}

/** Workers table: state, host, pid, busy slots, memory (when reported), cached blocks, heartbeat age. */
export function renderWorkers(workers: WorkerInfo[], opts: WorkersOptions = {}): MimeBundle {
  const now = opts.now ?? Date.now();
  const sorted = [...workers].sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
  const alive = sorted.filter((w) => w.state === "ALIVE");
  const slots = alive.reduce((a, w) => a + w.slots, 0);
  const busy = alive.reduce((a, w) => a + (w.slots - w.freeSlots), 0);
  const title = `${alive.length} of ${sorted.length} ${sorted.length === 1 ? "worker" : "workers"} alive, ${busy}/${slots} task slots busy`;
  const memory = sorted.some((w) => w.memoryBytes !== undefined);
  const heads = ["Worker", "State", "Host", "PID", "Busy slots", "Cached blocks", "Last heartbeat", ...(memory ? ["Memory"] : [])];
  const cells = sorted.map((w) => [
    w.id, w.state, w.host, String(w.pid), `${w.slots - w.freeSlots}/${w.slots}`, String(w.cachedBlocks),
    w.lastHeartbeat ? `${formatDuration(Math.max(0, now - w.lastHeartbeat))} ago` : "never",
    ...(memory ? [w.memoryBytes !== undefined ? formatBytes(w.memoryBytes) : ""] : []),
  ]);
  const widths = heads.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  const plain = [title, fmt(heads), ...cells.map(fmt)].join("\n");

  const kill = (w: WorkerInfo) =>
    opts.killButtons && w.state === "ALIVE" ? el("button", { class: "bdw-kill", "data-worker": w.id, title: `Kill ${w.id} abruptly (SIGKILL), as a machine failure would` }, "Kill") : "";
  const badge = (w: WorkerInfo) => el("span", { style: `color:#fff;background:${STATE_COLOR[w.state]};border-radius:3px;padding:0 5px;font-size:10px;` }, text(w.state));
  if (opts.compact) {
    // Two lines a worker (a sidebar is narrow): id, state and the kill button; then the numbers.
    const compactRows = sorted
      .map((w, ri) => {
        const c = cells[ri]!;
        const facts = [`pid ${c[3]}`, `${c[4]} slots busy`, `${c[5]} cached`, ...(memory && c[7] ? [c[7]] : []), `heartbeat ${c[6]}`].join(" · ");
        return el(
          "tr",
          { class: "bdw-worker", "data-worker": w.id, style: w.state === "ALIVE" ? "" : "opacity:0.55;" },
          el("td", { style: TD_LEFT + "vertical-align:top;" }, el("div", {}, el("b", {}, text(w.id)) + " " + badge(w)) + el("div", { style: "color:#666;font-size:11px;white-space:normal;" }, text(facts))) +
            el("td", { style: TD + "vertical-align:top;" }, kill(w)),
        );
      })
      .join("");
    const body = el("div", { style: "font-weight:600;margin-bottom:3px;" }, text(title)) + el("table", { style: "border-collapse:collapse;" }, el("tbody", {}, compactRows));
    return { [MIME.text]: plain, [MIME.html]: el("div", { class: "bdw-workers", style: FONT }, body) };
  }
  const rows = sorted
    .map((w, ri) => {
      const c = cells[ri]!;
      const gone = w.state !== "ALIVE";
      return el(
        "tr",
        { class: "bdw-worker", "data-worker": w.id, style: gone ? "opacity:0.55;" : "" },
        el("td", { style: TD_LEFT + "font-weight:600;" }, text(w.id)) +
          el("td", { style: TD_LEFT }, badge(w)) +
          el("td", { style: TD_LEFT }, text(w.host)) +
          el("td", { style: TD }, text(c[3]!)) +
          el("td", { style: TD }, bar(w.slots - w.freeSlots, 0, w.slots, 80) + " " + text(c[4]!)) +
          el("td", { style: TD }, text(c[5]!)) +
          el("td", { style: TD }, text(c[6]!)) +
          (memory ? el("td", { style: TD }, text(c[7]!)) : "") +
          (opts.killButtons ? el("td", { style: TD }, kill(w)) : ""),
      );
    })
    .join("");
  const html = el(
    "div",
    { class: "bdw-workers", style: FONT },
    el("div", { style: "font-weight:600;margin-bottom:3px;" }, text(title)) +
      el("table", { style: "border-collapse:collapse;" }, el("thead", {}, el("tr", {}, heads.map((h, i) => el("th", { style: i >= 3 ? TH : TH_LEFT }, text(h))).join("") + (opts.killButtons ? el("th", { style: TH }, "") : ""))) + el("tbody", {}, rows)),
  );
  return { [MIME.text]: plain, [MIME.html]: html };
}
