// The ring drawn as SVG: one colour per physical node, a tick per virtual node, the arc of the
// ring each token owns, and optional keys with their N replicas (preference list).

import type { ConsistentHashRing } from "./consistent-hash";
import { ringPosition, RING_SIZE } from "./ring-hash";

const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

export interface RingSvgOptions {
  size?: number;
  /** Keys to mark on the ring, with lines to their replicas. */
  keys?: unknown[];
  replication?: number;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function ringLayers(ring: ConsistentHashRing, opts: RingSvgOptions, colourOf: (node: string) => string, highlight = new Set<unknown>()): string[] {
  const size = opts.size ?? 360, c = size / 2, r = size * 0.36;
  const at = (pos: number, rad: number): [number, number] => {
    const a = (pos / RING_SIZE) * 2 * Math.PI - Math.PI / 2;
    return [c + rad * Math.cos(a), c + rad * Math.sin(a)];
  };
  const toks = ring.ring;
  const parts: string[] = [`<circle cx="${c}" cy="${c}" r="${r}" fill="none" stroke="#ddd" stroke-width="10"/>`];
  toks.forEach((t, i) => {
    const prev = i === 0 ? toks[toks.length - 1]!.position - RING_SIZE : toks[i - 1]!.position;
    const [x1, y1] = at(prev, r), [x2, y2] = at(t.position, r);
    const large = t.position - prev > RING_SIZE / 2 ? 1 : 0;
    parts.push(`<path d="M${x1.toFixed(1)},${y1.toFixed(1)} A${r},${r} 0 ${large} 1 ${x2.toFixed(1)},${y2.toFixed(1)}" fill="none" stroke="${colourOf(t.node)}" stroke-width="10"><title>${esc(t.node)} vnode ${t.vnode}</title></path>`);
    const [a, b] = at(t.position, r - 9), [d, e] = at(t.position, r + 9);
    parts.push(`<line x1="${a.toFixed(1)}" y1="${b.toFixed(1)}" x2="${d.toFixed(1)}" y2="${e.toFixed(1)}" stroke="#333"/>`);
  });
  for (const k of opts.keys ?? []) {
    const [kx, ky] = at(ringPosition(k), r - 30);
    for (const n of ring.preferenceList(k, opts.replication ?? 1)) {
      const owner = toks.find((t) => t.node === n)!;
      const [nx, ny] = at(owner.position, r - 8);
      parts.push(`<line x1="${kx.toFixed(1)}" y1="${ky.toFixed(1)}" x2="${nx.toFixed(1)}" y2="${ny.toFixed(1)}" stroke="${colourOf(n)}" stroke-dasharray="3,2"/>`);
    }
    const moved = highlight.has(k);
    parts.push(`<circle cx="${kx.toFixed(1)}" cy="${ky.toFixed(1)}" r="${moved ? 5 : 4}" fill="${moved ? "#d62728" : "#000"}"><title>${esc(String(k))}${moved ? " (moved)" : ""}</title></circle>`);
    parts.push(`<text x="${(kx + 6).toFixed(1)}" y="${(ky + 4).toFixed(1)}">${esc(String(k))}</text>`);
  }
  return parts;
}

function legend(nodes: string[], size: number, colourOf: (node: string) => string): string[] {
  return nodes.map((n, i) => {
    const x = 10 + (i % 3) * (size / 3), y = size + 14 + 20 * Math.floor(i / 3);
    return `<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${colourOf(n)}"/><text x="${x + 16}" y="${y}">${esc(n)}</text>`;
  });
}

export function ringSvg(ring: ConsistentHashRing, opts: RingSvgOptions = {}): string {
  const size = opts.size ?? 360;
  const colour = new Map(ring.nodes.map((n, i) => [n, PALETTE[i % PALETTE.length]!]));
  const colourOf = (n: string) => colour.get(n)!;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size + 20 * Math.ceil(ring.nodes.length / 3)}" font-family="sans-serif" font-size="11">` +
    ringLayers(ring, opts, colourOf).join("") + legend(ring.nodes, size, colourOf).join("") + "</svg>";
}

/**
 * The ring before and after a node joins or leaves, animated (the two states alternate every two
 * seconds): a node keeps its colour in both, and the keys whose owner changed are drawn in red.
 */
export function ringChangeSvg(before: ConsistentHashRing, after: ConsistentHashRing, opts: RingSvgOptions = {}): string {
  const size = opts.size ?? 360;
  const all = [...new Set([...before.nodes, ...after.nodes])];
  const colour = new Map(all.map((n, i) => [n, PALETTE[i % PALETTE.length]!]));
  const colourOf = (n: string) => colour.get(n)!;
  const moved = new Set((opts.keys ?? []).filter((k) => before.nodeFor(k) !== after.nodeFor(k)));
  const frame = (body: string[], label: string, values: string) =>
    `<g opacity="${values.split(";")[0]}"><animate attributeName="opacity" values="${values}" keyTimes="0;0.45;0.5;0.95;1" dur="4s" repeatCount="indefinite"/>` +
    `<text x="${size / 2}" y="14" text-anchor="middle" font-weight="bold">${esc(label)}</text>${body.join("")}</g>`;
  const n = (opts.keys ?? []).length;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size + 20 * Math.ceil(all.length / 3)}" font-family="sans-serif" font-size="11">` +
    frame(ringLayers(before, opts, colourOf), `before: ${before.nodes.length} nodes`, "1;1;0;0;1") +
    frame(ringLayers(after, opts, colourOf, moved), `after: ${after.nodes.length} nodes (${moved.size} of ${n} keys moved)`, "0;0;1;1;0") +
    legend(all, size, colourOf).join("") + "</svg>";
}
