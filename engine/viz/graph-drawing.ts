// A small directed graph drawn as SVG (lecture 9): vertices on a circle (deterministic, readable
// for the lecture's graphs of up to a few dozen vertices), each sized by a value such as its
// PageRank and coloured by a group such as its partition or component, edges as arrows whose
// width follows their weight and whose colour shows their group (the partition holding them in a
// vertex cut). Pure: data in, a MIME bundle (SVG + a text table) out.

import { escapeXml } from "./format";
import type { MimeBundle } from "./mime";
import { stableId, SVG_FONT } from "./svg";

export interface GraphDrawingNode {
  id: string | number;
  /** Drawn size; radii are scaled so the largest value gets the largest circle. */
  value?: number;
  /** Colour group (partition, component, ...). */
  group?: string | number;
  label?: string;
}
export interface GraphDrawingEdge {
  src: string | number;
  dst: string | number;
  weight?: number;
  /** Colour group (the partition an edge is stored in, ...); grey without. */
  group?: string | number;
}
export interface GraphDrawingOptions { title?: string; size?: number; valueName?: string }

const PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac"];

export function renderGraph(nodes: GraphDrawingNode[], edges: GraphDrawingEdge[], opts: GraphDrawingOptions = {}): MimeBundle {
  const size = opts.size ?? 360, cx = size / 2, cy = size / 2 + 10, R = size / 2 - 40;
  const ids = nodes.map((n) => String(n.id));
  const at = new Map(ids.map((id, i) => [id, { x: cx + R * Math.cos((2 * Math.PI * i) / ids.length - Math.PI / 2), y: cy + R * Math.sin((2 * Math.PI * i) / ids.length - Math.PI / 2) }]));
  const maxV = Math.max(0, ...nodes.map((n) => n.value ?? 0));
  const radius = (n: GraphDrawingNode) => (n.value === undefined || maxV <= 0 ? 12 : 6 + 16 * Math.sqrt(Math.max(0, n.value) / maxV));
  const groups = [...new Set(nodes.map((n) => String(n.group ?? "")))];
  const colour = (n: GraphDrawingNode) => PALETTE[groups.indexOf(String(n.group ?? "")) % PALETTE.length]!;
  const maxW = Math.max(0, ...edges.map((e) => e.weight ?? 1));
  const edgeGroups = [...new Set(edges.filter((e) => e.group !== undefined).map((e) => String(e.group)))];
  const edgeColour = (e: GraphDrawingEdge) => (e.group === undefined ? "#888" : PALETTE[edgeGroups.indexOf(String(e.group)) % PALETTE.length]!);
  const arrow = stableId("bdw-graph-arrow-", JSON.stringify([ids, edges.length]));
  const byId = new Map(nodes.map((n) => [String(n.id), n]));
  const edgeSvg = edges.map((e) => {
    const a = at.get(String(e.src)), b = at.get(String(e.dst));
    if (!a || !b) return "";
    const w = 0.8 + 2.4 * ((e.weight ?? 1) / (maxW || 1));
    if (String(e.src) === String(e.dst)) {
      // A self-loop: a small circle just outside the vertex, away from the centre.
      const ux = a.x - cx, uy = a.y - cy, ul = Math.hypot(ux, uy) || 1, off = radius(byId.get(String(e.src)) ?? { id: e.src }) + 7;
      return `<circle cx="${(a.x + (ux / ul) * off).toFixed(1)}" cy="${(a.y + (uy / ul) * off).toFixed(1)}" r="9" fill="none" stroke="${edgeColour(e)}" stroke-width="${w.toFixed(2)}"/>`;
    }
    // Stop at the target circle's edge; bend a little so a pair of opposite edges stays apart.
    const dx = b.x - a.x, dy = b.y - a.y, len = Math.hypot(dx, dy) || 1;
    const rb = radius(byId.get(String(e.dst)) ?? { id: e.dst }) + 3, ra = radius(byId.get(String(e.src)) ?? { id: e.src });
    const sx = a.x + (dx / len) * ra, sy = a.y + (dy / len) * ra, tx = b.x - (dx / len) * rb, ty = b.y - (dy / len) * rb;
    const mx = (sx + tx) / 2 - (dy / len) * 14, my = (sy + ty) / 2 + (dx / len) * 14;
    return `<path d="M${sx.toFixed(1)},${sy.toFixed(1)} Q${mx.toFixed(1)},${my.toFixed(1)} ${tx.toFixed(1)},${ty.toFixed(1)}" fill="none" stroke="${edgeColour(e)}" stroke-width="${w.toFixed(2)}" marker-end="url(#${arrow})"/>`;
  }).join("");
  const nodeSvg = nodes.map((n) => {
    const p = at.get(String(n.id))!;
    const label = escapeXml(n.label ?? String(n.id));
    const tip = escapeXml(`${n.id}${n.value !== undefined ? ` ${opts.valueName ?? "value"}=${n.value.toPrecision(4)}` : ""}${n.group !== undefined ? ` group=${n.group}` : ""}`);
    return `<g><title>${tip}</title><circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="${radius(n).toFixed(1)}" fill="${colour(n)}" fill-opacity="0.85" stroke="#333" stroke-width="0.8"/>` +
      `<text x="${p.x.toFixed(1)}" y="${(p.y + 4).toFixed(1)}" text-anchor="middle" font-size="11" font-family="${SVG_FONT}" fill="#111">${label}</text></g>`;
  }).join("");
  const title = opts.title ? `<text x="${cx}" y="16" text-anchor="middle" font-size="13" font-weight="600" font-family="${SVG_FONT}">${escapeXml(opts.title)}</text>` : "";
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size + 20}" viewBox="0 0 ${size} ${size + 20}">` +
    `<defs><marker id="${arrow}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker></defs>` +
    title + edgeSvg + nodeSvg + "</svg>";
  const lines = [opts.title ?? "graph", `${nodes.length} vertices, ${edges.length} edges${edgeGroups.length > 0
    ? ` (${edgeGroups.map((g) => `group ${g}: ${edges.filter((e) => String(e.group) === g).length}`).join(", ")})` : ""}`];
  for (const n of [...nodes].sort((x, y) => (y.value ?? 0) - (x.value ?? 0))) lines.push(`  ${String(n.label ?? n.id).padEnd(8)}${n.value !== undefined ? ` ${opts.valueName ?? "value"} ${n.value.toFixed(4)}` : ""}${n.group !== undefined ? `  group ${n.group}` : ""}`);
  return { "image/svg+xml": svg, "text/plain": lines.join("\n") };
}
