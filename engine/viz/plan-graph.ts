// A physical plan drawn as Spark's SQL tab draws it: one box per operator with its metrics, data
// flowing from the scans at the top down to the root, each edge labelled with the rows the child
// produced. The plan comes as a PlanGraphNode tree that engine/sql builds from its physical plan.

import { ellipsize, formatCount } from "./format";
import { FONT, el, text } from "./html";
import { layoutGraph, type LayoutEdge, type LayoutNode } from "./layout";
import { MIME, type MimeBundle } from "./mime";
import type { PlanGraphNode } from "../common/plan-graph-node";
import { SVG_FONT, smoothPath, stableId, svgEl, svgRoot, svgText, svgTitle, textWidth } from "./svg";

export type { PlanGraphNode };

/** Metric names taken as "rows out" of an operator, in order of preference. */
export const ROWS_KEYS = ["number of output rows", "numOutputRows", "rows", "rowsOut"] as const;

export function rowsOut(n: PlanGraphNode): number | undefined {
  for (const k of ROWS_KEYS) {
    const v = n.metrics?.[k];
    if (typeof v === "number") return v;
  }
  return undefined;
}

function walk(root: PlanGraphNode): PlanGraphNode[] {
  const out: PlanGraphNode[] = [];
  const seen = new Set<number>();
  const go = (n: PlanGraphNode) => {
    if (seen.has(n.id)) return; // a reused exchange may appear twice; draw it once
    seen.add(n.id);
    out.push(n);
    n.children.forEach(go);
  };
  go(root);
  return out;
}

/** explain()-like tree (":- " for earlier children, "+- " for the last) with metrics: "+- Filter (...) [rows: 12]". */
export function planText(root: PlanGraphNode): string {
  const lines: string[] = [];
  const go = (n: PlanGraphNode, prefix: string, isRoot: boolean, last: boolean) => {
    const metrics = n.metrics && Object.keys(n.metrics).length ? ` [${Object.entries(n.metrics).map(([k, v]) => `${k}: ${typeof v === "number" ? formatCount(v) : v}`).join(", ")}]` : "";
    lines.push(`${isRoot ? "" : prefix + (last ? "+- " : ":- ")}${n.name}${n.detail ? " " + n.detail : ""}${metrics}`);
    const childPrefix = isRoot ? "" : prefix + (last ? "   " : ":  ");
    n.children.forEach((c, i) => go(c, childPrefix, false, i === n.children.length - 1));
  };
  go(root, "", true, true);
  return lines.join("\n");
}

const FS = 11;

/** The plan as a top-down SVG graph with per-operator metrics and rows on the edges. */
export function planSvg(root: PlanGraphNode, opts: { maxDetailChars?: number } = {}): string {
  const maxDetail = opts.maxDetailChars ?? 48;
  const uid = stableId("bdw-plan-", JSON.stringify(root));
  const all = walk(root);
  const boxes = new Map<number, { lines: Array<[string, "name" | "detail" | "metric"]>; width: number; height: number }>();
  for (const n of all) {
    const lines: Array<[string, "name" | "detail" | "metric"]> = [[n.name, "name"]];
    if (n.detail) lines.push([ellipsize(n.detail, maxDetail), "detail"]);
    for (const [k, v] of Object.entries(n.metrics ?? {})) lines.push([`${k}: ${typeof v === "number" ? formatCount(v) : v}`, "metric"]);
    const width = Math.max(110, ...lines.map(([s, k]) => textWidth(s, k === "name" ? FS + 1 : FS - 1) + 20));
    boxes.set(n.id, { lines, width, height: 10 + lines.length * 14 });
  }
  const nodes: LayoutNode[] = all.map((n) => ({ id: `p${n.id}`, width: boxes.get(n.id)!.width, height: boxes.get(n.id)!.height }));
  const edges: Array<LayoutEdge & { rows?: number; child: number; parent: number }> = [];
  for (const n of all) {
    for (const c of n.children) {
      const rows = rowsOut(c);
      const label = rows !== undefined ? `${formatCount(rows)} rows` : undefined;
      edges.push({
        id: `e${c.id}-${n.id}-${edges.length}`, from: `p${c.id}`, to: `p${n.id}`, child: c.id, parent: n.id,
        ...(label ? { labelWidth: textWidth(label, FS - 1) + 8, labelHeight: 14, rows } : {}),
      });
    }
  }
  const lay = layoutGraph(nodes, edges, [], { rankdir: "TB", nodesep: 28, ranksep: 30, margin: 10 });
  const parts: string[] = [
    `<defs><marker id="${uid}-a" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555555"/></marker></defs>`,
  ];
  for (const e of edges) {
    const le = lay.edges.get(e.id);
    if (!le) continue;
    let body = svgEl("path", { d: smoothPath(le.points), fill: "none", stroke: "#555555", "stroke-width": 1.3, "marker-end": `url(#${uid}-a)` });
    if (e.rows !== undefined && le.label) {
      body += svgText(le.label.x, le.label.y + 4, `${formatCount(e.rows)} rows`, { "font-size": FS - 1, "text-anchor": "middle", fill: "#2f6fb0", "font-weight": "bold", stroke: "#ffffff", "stroke-width": 3, "paint-order": "stroke" });
    }
    parts.push(svgEl("g", { class: "bdw-plan-edge", "data-from": e.child, "data-to": e.parent }, body));
  }
  for (const n of all) {
    const b = lay.nodes.get(`p${n.id}`);
    if (!b) continue;
    const box = boxes.get(n.id)!;
    const exchange = /exchange|shuffle/i.test(n.name);
    let body = svgTitle([n.name, n.detail ?? "", ...Object.entries(n.metrics ?? {}).map(([k, v]) => `${k}: ${v}`)].filter(Boolean).join("\n"));
    body += svgEl("rect", { x: b.x, y: b.y, width: b.width, height: b.height, rx: 4, fill: exchange ? "#fdebd3" : "#dcebf7", stroke: exchange ? "#d9822b" : "#3182bd" });
    box.lines.forEach(([s, kind], i) => {
      body += svgText(b.x + b.width / 2, b.y + 17 + i * 14, s, {
        "font-size": kind === "name" ? FS + 1 : FS - 1, "text-anchor": "middle", "font-weight": kind === "name" ? "bold" : undefined,
        fill: kind === "metric" ? "#1f4e79" : kind === "detail" ? "#555555" : "#1b2b3a",
      });
    });
    parts.push(svgEl("g", { class: "bdw-plan-node", "data-node": n.id }, body));
  }
  return svgRoot(lay.width, lay.height, parts.join(""), { class: "bdw-plan-svg", "font-family": SVG_FONT, role: "img", "aria-label": "physical plan" });
}

/** Render a physical plan graph: SVG (and HTML wrapping it), explain-like text, and the tree as JSON. */
export function renderPlanGraph(root: PlanGraphNode, opts: { title?: string; maxDetailChars?: number } = {}): MimeBundle {
  const svg = planSvg(root, opts);
  const html = el("div", { class: "bdw-plan", style: FONT + "overflow-x:auto;" }, (opts.title ? el("div", { style: "font-weight:600;margin-bottom:4px;" }, text(opts.title)) : "") + svg);
  return { [MIME.text]: planText(root), [MIME.html]: html, [MIME.svg]: svg, [MIME.plan]: root };
}
