// Data on the edges of a Pregel run: per superstep, how many messages each partition received
// (after the combiner), how many crossed partitions, and a few messages with where they went and
// the partitioner's arithmetic ("hash = 2739281, 2739281 mod 4 = 1"), the same view the DAG's
// shuffle edges give RDD jobs (`dag({ data: true })`). Plain strings: this package does not
// depend on the renderers in engine/viz.

import { escapeXml as esc } from "../common/escape-xml";
import type { SuperstepMetrics } from "./pregel-partition";

const FONT = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;font-size:12px;";
const MONO = "font-family:Menlo,Consolas,'DejaVu Sans Mono',monospace;font-size:12px;";
const CELL = "padding:2px 8px;border-bottom:1px solid #ddd;white-space:nowrap;";
const num = (n: number) => n.toLocaleString("en-US");

function headline(m: SuperstepMetrics): string {
  return `superstep ${m.superstep}: ${num(m.activeVertices)} active, ${num(m.messagesSent)} messages sent (${num(m.messagesLocal)} to their own partition, ` +
    `${num(m.messagesRemote)} to another), ${num(m.messagesAfterCombine)} after the combiner`;
}

export function messageFlowText(metrics: SuperstepMetrics[]): string {
  if (!metrics.length) return "No superstep ran.";
  const lines: string[] = [];
  for (const m of metrics) {
    lines.push(headline(m));
    if (m.messagesPerPartition.some((n) => n > 0)) lines.push(`  received per partition: ${m.messagesPerPartition.map((n, q) => `${q}: ${num(n)}`).join(", ")}`);
    for (const s of m.sample) lines.push(`  partition ${s.fromPartition} -> vertex ${JSON.stringify(s.to)} (partition ${s.toPartition}: ${s.how}): ${s.message}`);
  }
  return lines.join("\n");
}

function bars(perPartition: number[]): string {
  const max = Math.max(1, ...perPartition);
  return perPartition
    .map((n, q) => `<div style="display:flex;align-items:center;gap:6px;"><span style="${MONO}width:80px;">partition ${q}</span>` +
      `<span style="display:inline-block;height:10px;width:${Math.round((160 * n) / max)}px;background:#6b8fb5;border-radius:2px;"></span><span>${esc(num(n))}</span></div>`)
    .join("");
}

export function messageFlowHtml(metrics: SuperstepMetrics[]): string {
  if (!metrics.length) return `<div style="${FONT}">No superstep ran.</div>`;
  const steps = metrics.map((m, i) => {
    const sample = m.sample.length
      ? `<table style="border-collapse:collapse;margin:4px 0;"><thead><tr>${["From partition", "To vertex", "Message", "To partition", "Why that partition"].map((h) => `<th style="${CELL}text-align:left;">${h}</th>`).join("")}</tr></thead><tbody>` +
        m.sample.map((s) => `<tr><td style="${CELL}text-align:right;">${s.fromPartition}</td><td style="${CELL}${MONO}">${esc(JSON.stringify(s.to))}</td>` +
          `<td style="${CELL}${MONO}max-width:280px;overflow:hidden;text-overflow:ellipsis;">${esc(s.message)}</td><td style="${CELL}text-align:right;">${s.toPartition}${s.toPartition === s.fromPartition ? " (local)" : ""}</td>` +
          `<td style="${CELL}${MONO}">${esc(s.how)}</td></tr>`).join("") + "</tbody></table>"
      : `<div style="opacity:0.7;">No message sent: every vertex voted to halt.</div>`;
    const received = m.messagesPerPartition.some((n) => n > 0) ? `<div style="margin-top:4px;">Received by each partition in superstep ${m.superstep + 1}:</div>${bars(m.messagesPerPartition)}` : "";
    return `<details class="bdw-superstep" data-superstep="${m.superstep}"${i === 0 ? " open" : ""} style="margin:3px 0;"><summary style="cursor:pointer;">${esc(headline(m))}</summary>${received}${sample}</details>`;
  });
  return `<div class="bdw-message-flow" style="${FONT}"><div style="font-weight:600;margin-bottom:3px;">Messages on the edges, superstep by superstep</div>${steps.join("")}</div>`;
}
