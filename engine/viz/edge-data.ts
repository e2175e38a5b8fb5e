// Data on the DAG's edges: for each shuffle of a job, sampled records the map tasks emitted with
// the reducer each went to and the partitioner's arithmetic ("hash = 2739281, 2739281 mod 4 = 1"),
// and what each reducer received (records and bytes, after any map-side combine). Pure.

import type { DagEdge, JobDag } from "./engine-types";
import { formatBytes, formatCount } from "./format";
import { FONT, MONO, TD, TD_LEFT, TH, TH_LEFT, bar, el, text } from "./html";

function edgeTitle(e: DagEdge): string {
  return `Stage ${e.fromStage} -> Stage ${e.toStage}: shuffle ${e.shuffleId}${e.partitioner ? `, ${e.partitioner}` : ""}: ` +
    `${formatCount(e.records)} records, ${formatBytes(e.bytes)}`;
}

export function edgeDataText(dag: JobDag): string {
  if (!dag.edges.length) return "No shuffle in this job: every stage boundary is narrow, so no data crossed between stages.";
  const lines: string[] = [];
  for (const e of dag.edges) {
    lines.push(edgeTitle(e));
    if (e.samples?.length) {
      lines.push("  emitted by the map tasks (sample):");
      for (const s of e.samples) lines.push(`    map ${s.mapId}: ${s.record} -> reducer ${s.reduceId}  (${s.how})`);
    } else lines.push("  (no sample: the map side did not run in this job, or emitted nothing)");
    if (e.reducerRecords?.length) {
      lines.push("  received by each reducer:");
      e.reducerRecords.forEach((n, r) => lines.push(`    reducer ${r}: ${formatCount(n)} records, ${formatBytes(e.reducerBytes?.[r] ?? 0)}`));
    }
  }
  return lines.join("\n");
}

export function edgeDataHtml(dag: JobDag): string {
  if (!dag.edges.length) return el("div", { style: FONT }, text(edgeDataText(dag)));
  return dag.edges.map((e) => {
    const samples = e.samples?.length
      ? el("table", { style: "border-collapse:collapse;margin:2px 0 6px;" },
        el("thead", {}, el("tr", {}, ["Map task", "Record emitted", "Reducer", "Why that reducer"].map((h, i) => el("th", { style: i === 2 ? TH : TH_LEFT }, text(h))).join(""))) +
        el("tbody", {}, e.samples.map((s) => el("tr", {},
          el("td", { style: TD_LEFT }, String(s.mapId)) + el("td", { style: TD_LEFT + MONO + "max-width:360px;overflow:hidden;text-overflow:ellipsis;" }, text(s.record)) +
          el("td", { style: TD }, String(s.reduceId)) + el("td", { style: TD_LEFT + MONO }, text(s.how)))).join("")))
      : el("div", { style: "opacity:0.7;" }, "No sample: the map side did not run in this job (its output was reused), or emitted nothing.");
    const max = Math.max(1, ...(e.reducerRecords ?? []));
    const received = e.reducerRecords?.length
      ? el("table", { style: "border-collapse:collapse;margin:2px 0 6px;" },
        el("thead", {}, el("tr", {}, ["Reducer", "Records received", "", "Bytes"].map((h, i) => el("th", { style: i === 0 || i === 2 ? TH_LEFT : TH }, text(h))).join(""))) +
        el("tbody", {}, e.reducerRecords.map((n, r) => el("tr", {},
          el("td", { style: TD_LEFT }, String(r)) + el("td", { style: TD }, formatCount(n)) + el("td", { style: TD_LEFT }, bar(n, 0, max, 120)) +
          el("td", { style: TD }, formatBytes(e.reducerBytes?.[r] ?? 0)))).join("")))
      : "";
    return el("div", { class: "bdw-edge-data", "data-shuffle": e.shuffleId, style: FONT + "margin-top:8px;" },
      el("div", { style: "font-weight:600;" }, text(edgeTitle(e))) +
      el("div", { style: "margin-top:2px;" }, "Emitted by the map tasks (sample):") + samples +
      (received ? el("div", {}, "Received by each reducer:") + received : ""));
  }).join("");
}
