// How a running dataflow job looks in a notebook: the job graph (tasks coloured by busy /
// backpressured / idle, with each task's watermark; each edge labelled with its partitioning, the
// records waiting in the producer's output buffers and in the consumer's input queue), latency,
// the sinks' latest committed results, failovers and the checkpoint history. Plain HTML + inline
// SVG, so it needs no front-end code; the JobClient re-renders it in place while the job runs.

import type { CheckpointStats, JobGraph, JobStatus, SinkHolder } from "./types";
import { MAX_WATERMARK, MIN_WATERMARK } from "./windows";
import { escapeXml } from "../common/escape-xml";

/** What the view reads of a running job (the JobClient). */
export interface JobViewSource {
  readonly jobId: string;
  readonly jobName: string;
  readonly graph: JobGraph;
  readonly restarts: number;
  readonly failovers: ReadonlyArray<{ time: number; reason: string; restoredFrom: number | null }>;
  readonly sinks: ReadonlyMap<string, SinkHolder>;
  getJobStatus(): JobStatus;
  getMetrics(): { tasks: Array<Record<string, unknown>>; latency: { p50: number; p99: number; count: number }; checkpoints: CheckpointStats[] };
}

const esc = escapeXml;
const wmText = (w: unknown) => (typeof w !== "number" ? "-" : w <= MIN_WATERMARK ? "-inf" : w >= MAX_WATERMARK ? "+inf" : String(w));

export function renderJobText(job: JobViewSource): string {
  const m = job.getMetrics();
  const lines = [`Dataflow job '${job.jobName}' (${job.jobId}) ${job.getJobStatus()}, restarts ${job.restarts}`];
  for (const t of m.tasks) lines.push(`  [${t.id}] ${t.name} x${t.parallelism}: in ${t.recordsIn} out ${t.recordsOut} wm ${wmText(t.outputWatermark)} busy ${pct(t.busy)} backpressured ${pct(t.backpressured)}`);
  if (m.latency.count) lines.push(`  latency p50 ${m.latency.p50} ms, p99 ${m.latency.p99} ms (${m.latency.count} markers)`);
  for (const c of m.checkpoints) lines.push(`  checkpoint ${c.id} ${c.kind} ${c.status} ${c.durationMs} ms, ${c.stateBytes} B state, alignment ${c.alignmentMs} ms`);
  return lines.join("\n");
}

function pct(x: unknown): string {
  return `${Math.round(Number(x) * 100)}%`;
}

function colour(busy: number, bp: number): string {
  if (bp > 0.5) return "#e8a33d"; // backpressured
  const b = Math.max(0, Math.min(1, busy));
  const r = Math.round(120 + 135 * b), g = Math.round(170 - 90 * b), bl = Math.round(220 - 160 * b);
  return `rgb(${r},${g},${bl})`;
}

export function renderJobHtml(job: JobViewSource): string {
  const m = job.getMetrics();
  const W = 170, H = 64, gap = 50;
  const xOf = new Map<number, number>();
  // columns by depth in the graph
  const depth = new Map<number, number>();
  for (const v of job.graph.vertices) depth.set(v.id, v.inputs.length ? Math.max(...v.inputs.map((e) => (depth.get(e.from) ?? 0) + 1)) : 0);
  const rows = new Map<number, number>();
  const pos = new Map<number, [number, number]>();
  for (const v of job.graph.vertices) {
    const d = depth.get(v.id)!;
    const r = rows.get(d) ?? 0;
    rows.set(d, r + 1);
    pos.set(v.id, [10 + d * (W + gap), 10 + r * (H + 20)]);
    xOf.set(v.id, d);
  }
  const width = 20 + (Math.max(0, ...depth.values()) + 1) * (W + gap);
  const height = 20 + Math.max(1, ...rows.values()) * (H + 20);
  const parts: string[] = [];
  const byId = new Map(m.tasks.map((t) => [t.id as number, t]));
  for (const v of job.graph.vertices) for (const e of v.inputs) {
    const [x1, y1] = pos.get(e.from)!, [x2, y2] = pos.get(v.id)!;
    const up = byId.get(e.from), down = byId.get(v.id);
    const full = Number(up?.backpressured ?? 0) > 0.5;
    const mx = (x1 + W + x2) / 2 - 22, my = (y1 + y2) / 2 + H / 2;
    parts.push(`<line x1="${x1 + W}" y1="${y1 + H / 2}" x2="${x2}" y2="${y2 + H / 2}" stroke="${full ? "#c0392b" : "#555"}" stroke-width="${full ? 2.5 : 1}" marker-end="url(#a)"/>` +
      `<text x="${mx}" y="${my - 4}" font-size="10">${e.partitioning.toUpperCase()}</text>` +
      `<text x="${mx}" y="${my + 9}" font-size="9" fill="#555">out ${up?.outHeld ?? 0} / in ${down?.queued ?? 0}</text>`);
  }
  for (const t of m.tasks) {
    const [x, y] = pos.get(t.id as number)!;
    parts.push(`<rect x="${x}" y="${y}" width="${W}" height="${H}" rx="6" fill="${colour(Number(t.busy), Number(t.backpressured))}" stroke="#333"/>` +
      `<text x="${x + 6}" y="${y + 15}" font-size="11" font-weight="bold">${esc(String(t.name)).slice(0, 28)}</text>` +
      `<text x="${x + 6}" y="${y + 30}" font-size="10">x${t.parallelism} in ${t.recordsIn} out ${t.recordsOut}</text>` +
      `<text x="${x + 6}" y="${y + 44}" font-size="10">wm ${wmText(t.outputWatermark)} queued ${t.queued}</text>` +
      `<text x="${x + 6}" y="${y + 58}" font-size="10">busy ${pct(t.busy)} bp ${pct(t.backpressured)}</text>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><marker id="a" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z"/></marker></defs>${parts.join("")}</svg>`;
  const cps = m.checkpoints.map((c) => `<tr><td>${c.id}</td><td>${c.kind}</td><td>${c.status}</td><td>${c.durationMs}</td><td>${c.stateBytes}</td><td>${c.alignmentMs}</td><td>${c.bufferedDuringAlignment}</td><td>${c.pauseMs}</td></tr>`).join("");
  const sinks = [...job.sinks.values()].filter((x) => x.values.length).map((x) => {
    const tail = x.values.slice(-8).map((v) => `<li><code>${esc(typeof v === "string" ? v : JSON.stringify(v) ?? String(v))}</code></li>`).join("");
    return `<div><b>${esc(x.id)}</b> (${x.kind}): ${x.values.length} committed, latest:<ul style="margin:2px 0">${tail}</ul></div>`;
  }).join("");
  const fails = job.failovers.map((f) => `<li>${new Date(f.time).toISOString().slice(11, 23)} ${esc(f.reason)}; restored from checkpoint ${f.restoredFrom ?? "none (from the start)"}</li>`).join("");
  const lat = m.latency.count ? `<div>end-to-end latency p50 ${m.latency.p50} ms, p99 ${m.latency.p99} ms (${m.latency.count} latency markers)</div>` : "";
  return `<div class="dataflow-job"><div><b>${esc(job.jobName)}</b> ${job.getJobStatus()} · restarts ${job.restarts}</div>${svg}${lat}` +
    (fails ? `<div>failovers:<ul style="margin:2px 0">${fails}</ul></div>` : "") + (sinks ? `<div>results (committed at checkpoints and at the end):${sinks}</div>` : "") +
    (cps ? `<table><tr><th>checkpoint</th><th>kind</th><th>status</th><th>duration ms</th><th>state B</th><th>alignment ms</th><th>buffered</th><th>pause ms</th></tr>${cps}</table>` : "") + `</div>`;
}
