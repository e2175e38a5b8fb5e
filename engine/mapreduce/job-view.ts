// The job view: a text summary and an HTML panel with every task's phases on a shared time axis
// (map: map, spill, merge; reduce: shuffle, merge, reduce, commit), the counters, and the
// data-level view (records each mapper emitted, records per mapper -> reducer, groups received).
// Plain strings only: this package does not depend on the renderers in engine/viz.

import { Counters } from "./counters";
import type { DataView, JobStatusData, TaskStatus } from "./job-status";
import { escapeXml } from "../common/escape-xml";

const COLORS: Record<string, string> = {
  map: "#4e79a7", spill: "#f28e2b", merge: "#59a14f", shuffle: "#e15759", reduce: "#76b7b2", commit: "#b07aa1",
};

const esc = escapeXml;
const short = (x: unknown, n = 40): string => {
  const s = typeof x === "string" ? JSON.stringify(x) : JSON.stringify(x) ?? String(x);
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
};

export function renderJobText(st: JobStatusData): string {
  const done = (type: string) => st.tasks.filter((t) => t.type === type && t.state === "succeeded").length;
  const pct = (type: string, n: number) => (n === 0 ? 100 : Math.round((100 * done(type)) / n));
  const lines = [
    `Job ${st.jobId} "${st.name}": ${st.phase}  map ${pct("map", st.numMaps)}% reduce ${pct("reduce", st.numReduces)}%` +
      (st.finishTime ? `  (${((st.finishTime - st.startTime) / 1000).toFixed(2)} s)` : ""),
  ];
  for (const t of st.tasks) {
    lines.push(`  ${t.id} ${t.state.padEnd(9)} ${(t.workerId ?? "").padEnd(10)} attempts=${t.attempts} ${t.phases.map((p) => `${p.name}:${p.end - p.start}ms`).join(" ")}${t.note ? `  (${t.note})` : ""}`);
  }
  if (st.error) lines.push(`  error: ${st.error}`);
  return lines.join("\n");
}

function bar(t: TaskStatus, t0: number, span: number, width: number): string {
  if (!t.phases.length) {
    const color = t.state === "running" ? "#bbb" : t.state === "failed" ? "#e15759" : "#eee";
    return `<div style="width:${width}px;height:14px;background:${color};opacity:.5"></div>`;
  }
  const segs = t.phases.map((p) => {
    const left = ((p.start - t0) / span) * width, w = Math.max(1, ((p.end - p.start) / span) * width);
    return `<div title="${esc(`${p.name}: ${p.end - p.start} ms`)}" style="position:absolute;left:${left.toFixed(1)}px;width:${w.toFixed(1)}px;height:14px;background:${COLORS[p.name] ?? "#999"}"></div>`;
  }).join("");
  return `<div style="position:relative;width:${width}px;height:14px;background:#f4f4f4">${segs}</div>`;
}

export function renderJobHtml(st: JobStatusData, counters?: Counters, data?: DataView): string {
  const t0 = st.startTime;
  const tEnd = Math.max(st.finishTime ?? Date.now(), ...st.tasks.map((t) => t.end ?? 0));
  const span = Math.max(1, tEnd - t0);
  const W = 360;
  const rows = st.tasks.map((t) => `<tr><td><code>${esc(t.id.replace(/^task_\d+_\d+_/, ""))}</code></td><td>${esc(t.state)}</td><td>${esc(t.workerId ?? "")}</td><td>${t.attempts}</td>` +
    `<td style="font-size:11px">${esc(t.input)}</td><td>${bar(t, t0, span, W)}</td><td style="font-size:11px">${esc(t.note ?? "")}</td></tr>`).join("");
  const legend = Object.entries(COLORS).map(([k, c]) => `<span style="display:inline-block;width:10px;height:10px;background:${c}"></span> ${k}`).join(" &nbsp;");
  let html = `<div class="bigdata-mapreduce"><b>${esc(st.name)}</b> <code>${esc(st.jobId)}</code> — <b>${esc(st.phase)}</b>` +
    (st.finishTime ? ` in ${((st.finishTime - st.startTime) / 1000).toFixed(2)} s` : "") +
    (st.error ? `<pre style="color:#b00">${esc(st.error)}</pre>` : "") +
    `<table style="border-collapse:collapse"><tr><th>task</th><th>state</th><th>worker</th><th>attempts</th><th>input</th><th>phases (${span} ms) </th><th></th></tr>${rows}</table>` +
    `<div style="font-size:11px">${legend}</div>`;
  if (counters) {
    let cur = "";
    const crow = counters.rows().map(([g, n, v]) => {
      const head = g !== cur ? `<tr><td colspan="2"><b>${esc(Counters.displayGroup(g))}</b></td></tr>` : "";
      cur = g;
      return `${head}<tr><td style="padding-left:1em">${esc(n)}</td><td style="text-align:right">${v}</td></tr>`;
    }).join("");
    html += `<details><summary>Counters</summary><table>${crow}</table></details>`;
  }
  if (data) html += renderDataView(data);
  return html + "</div>";
}

export function renderDataView(d: DataView): string {
  const maps = d.mapSamples.map((m) => `<td style="vertical-align:top"><b>${esc(m.task)}</b><br>${m.records.map((r) => `${esc(short(r.key))} → ${esc(short(r.value, 24))} <i>[r${r.partition}${r.how ? `: ${esc(r.how)}` : ""}]</i>`).join("<br>")}</td>`).join("");
  const R = d.partitionRecords[0]?.length ?? 0;
  const matrix = d.partitionRecords.map((row, m) => `<tr><td>m_${m}</td>${row.map((n, r) => `<td style="text-align:right" title="${d.partitionBytes[m]?.[r] ?? 0} bytes">${n}</td>`).join("")}</tr>`).join("");
  const reds = d.reduceGroups.map((r) => `<td style="vertical-align:top"><b>${esc(r.task)}</b><br>${r.groups.map((g) => `${esc(short(g.key))}: [${g.values.map((v) => esc(short(v, 16))).join(", ")}${g.more ? `, … +${g.more}` : ""}]`).join("<br>")}</td>`).join("");
  return `<details><summary>Data view: what moved where</summary>` +
    `<p>Records each mapper emitted (first ones; [rN: why] = the reducer its key goes to, and the partitioner's arithmetic):</p><table><tr>${maps}</tr></table>` +
    (R ? `<p>Records from each map task (rows) to each reducer (columns), after combining:</p><table><tr><th></th>${Array.from({ length: R }, (_, r) => `<th>r_${r}</th>`).join("")}</tr>${matrix}</table>` : "") +
    (reds ? `<p>What each reducer received, merged, sorted and grouped (first groups):</p><table><tr>${reds}</tr></table>` : "") +
    `</details>`;
}
