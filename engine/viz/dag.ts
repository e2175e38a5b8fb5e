// A job's DAG drawn like Spark UI's "DAG Visualization": each stage is a box holding the RDDs it
// computes (name [id] and call site), narrow dependencies as arrows inside a stage, shuffle
// dependencies as arrows between stages labelled with the bytes and records that crossed, cached
// RDDs marked with a green dot, skipped stages greyed. Static SVG; data-* attributes and <title>
// tooltips give the lab extension (and a hovering user) the structure back.

import type { DagRdd, DagStage, JobDag } from "../scheduler/job-info";
import { ellipsize, formatBytes, formatCount } from "./format";
import { FONT, el, text } from "./html";
import { layoutGraph, type LayoutCluster, type LayoutEdge, type LayoutNode } from "./layout";
import { MIME, type MimeBundle } from "./mime";
import { SVG_FONT, fmt, smoothPath, stableId, svgEl, svgRoot, svgText, svgTitle, textWidth } from "./svg";

export interface DagOptions {
  /** Longest call site shown in a node before it is shortened (the tooltip keeps all of it). */
  maxLabelChars?: number;
  /** Draw the legend (default true). */
  legend?: boolean;
  /** Layout direction of the whole graph (default "TB", like Spark's UI). */
  rankdir?: "TB" | "LR";
  /**
   * Draw some stages as one summary box instead of their RDDs: "none", "skipped", "all", or
   * "auto" (default): skipped stages once the DAG has more than 40 RDDs, all stages but the last
   * when more than 60 RDDs would still be drawn (iterative jobs; keeps layout time bounded).
   */
  collapse?: "auto" | "none" | "skipped" | "all";
}

/** Which stages are drawn as a single summary box. */
export function collapsedStages(dag: JobDag, mode: DagOptions["collapse"] = "auto"): Set<number> {
  const isSkipped = (s: DagStage) => s.skipped || s.status === "SKIPPED";
  const last = dag.stages[dag.stages.length - 1]?.stageId;
  if (mode === "none") return new Set();
  if (mode === "skipped") return new Set(dag.stages.filter(isSkipped).map((s) => s.stageId));
  if (mode === "all") return new Set(dag.stages.filter((s) => s.stageId !== last).map((s) => s.stageId));
  const total = dag.stages.reduce((a, s) => a + s.rddIds.length, 0);
  if (total <= 40) return new Set();
  const skipped = new Set(dag.stages.filter(isSkipped).map((s) => s.stageId));
  const remaining = dag.stages.filter((s) => !skipped.has(s.stageId)).reduce((a, s) => a + s.rddIds.length, 0);
  return remaining > 60 ? collapsedStages(dag, "all") : skipped;
}

const COLORS = {
  stageFill: "#f4f7fb", stageStroke: "#6b8fb5", stageTitle: "#274b6d",
  skippedFill: "#f2f2f2", skippedStroke: "#b3b3b3", skippedText: "#8c8c8c",
  failedStroke: "#c0392b",
  nodeFill: "#c6dbef", nodeStroke: "#3182bd", nodeText: "#1b2b3a",
  skippedNodeFill: "#e6e6e6", skippedNodeStroke: "#aaaaaa",
  narrow: "#444444", shuffle: "#d9822b", cached: "#2ca02c", checkpoint: "#9467bd",
};

const NODE_H = 34;
const FONT_SIZE = 11;
const TITLE_H = 18;

function rddNodeId(stageId: number, rddId: number): string {
  return `s${stageId}r${rddId}`;
}

function summaryId(stageId: number): string {
  return `s${stageId}rall`;
}

function summaryText(s: DagStage, rdds: Map<number, DagRdd>): [string, string] {
  const first = rdds.get(s.rddIds[0]!);
  const last = rdds.get(s.rddIds[s.rddIds.length - 1]!);
  const l1 = `${s.rddIds.length} ${s.rddIds.length === 1 ? "RDD" : "RDDs"} [${s.rddIds[0] ?? ""}${s.rddIds.length > 1 ? ".." + s.rddIds[s.rddIds.length - 1] : ""}]`;
  const l2 = s.rddIds.length > 1 ? `${first?.callSite.split(" at ")[0] ?? "?"} … ${last?.callSite ?? ""}` : (first?.callSite ?? "");
  return [l1, l2];
}

/** Where each RDD is drawn: in every stage that lists it (Spark UI shows a cached RDD in each stage reading it). */
function placements(dag: JobDag): Map<number, number[]> {
  const at = new Map<number, number[]>();
  for (const s of dag.stages) for (const r of s.rddIds) at.set(r, [...(at.get(r) ?? []), s.stageId]);
  return at;
}

interface DrawEdge {
  id: string;
  from: string;
  to: string;
  kind: "narrow" | "shuffle" | "cross";
  label?: string;
  tooltip?: string;
  shuffleId?: number;
}

function shuffleLabel(bytes: number, records: number): string {
  return `${formatBytes(bytes)} · ${formatCount(records)} rec`;
}

function collectEdges(dag: JobDag, nodeId: (stageId: number, rddId: number) => string): DrawEdge[] {
  const at = placements(dag);
  const rdds = new Map(dag.rdds.map((r) => [r.id, r]));
  const out: DrawEdge[] = [];
  const seen = new Set<string>();
  for (const s of dag.stages) {
    for (const rid of s.rddIds) {
      const r = rdds.get(rid);
      if (!r) continue;
      for (const p of r.parents) {
        const to = nodeId(s.stageId, rid);
        if (p.dependency === "narrow") {
          if (s.rddIds.includes(p.rddId)) {
            const from = nodeId(s.stageId, p.rddId);
            if (from !== to) out.push({ id: `n${s.stageId}:${p.rddId}>${rid}`, from, to, kind: "narrow" });
          } else {
            // Read from another stage's RDD without a shuffle (e.g. a cached RDD): a dashed arrow.
            const other = at.get(p.rddId)?.[0];
            if (other !== undefined) out.push({ id: `c${s.stageId}:${p.rddId}>${rid}`, from: nodeId(other, p.rddId), to, kind: "cross" });
          }
        } else {
          const mapStage = dag.stages.find((x) => (p.shuffleId !== undefined && x.shuffleId === p.shuffleId && x.rddIds.includes(p.rddId))) ??
            dag.stages.find((x) => x.rddIds.includes(p.rddId) && x.stageId !== s.stageId);
          if (!mapStage) continue;
          const e = dag.edges.find((x) => (p.shuffleId !== undefined ? x.shuffleId === p.shuffleId : x.fromStage === mapStage.stageId) && x.toStage === s.stageId) ??
            dag.edges.find((x) => x.fromStage === mapStage.stageId && x.toStage === s.stageId);
          const id = `x${nodeId(mapStage.stageId, p.rddId)}>${to}`;
          if (seen.has(id)) continue;
          seen.add(id);
          const sid = p.shuffleId ?? e?.shuffleId;
          out.push({
            id, from: nodeId(mapStage.stageId, p.rddId), to, kind: "shuffle",
            ...(e ? { label: shuffleLabel(e.bytes, e.records), tooltip: `shuffle ${e.shuffleId}: stage ${e.fromStage} -> stage ${e.toStage}, ${formatBytes(e.bytes)}, ${formatCount(e.records)} records` } : {}),
            ...(sid !== undefined ? { shuffleId: sid } : {}),
          });
        }
      }
    }
  }
  return out;
}

function marked(r: DagRdd | undefined): boolean {
  return Boolean(r?.cached || r?.checkpointed);
}

function rddLabel(r: DagRdd | undefined, id: number): string {
  return r ? `${r.name} [${id}]` : `RDD [${id}]`;
}

function stageTitle(s: DagStage): string {
  const status = s.skipped || s.status === "SKIPPED" ? " (skipped)" : s.status === "FAILED" ? " (failed)" : s.status === "ACTIVE" ? " (running)" : "";
  return `Stage ${s.stageId}${status}`;
}

/** The plain-text form: stages in order with their RDDs and shuffle edges. */
export function dagText(dag: JobDag): string {
  const rdds = new Map(dag.rdds.map((r) => [r.id, r]));
  const lines = [`Job ${dag.jobId}: ${dag.description} (${dag.status})`];
  for (const s of dag.stages) {
    lines.push(`${stageTitle(s)}: ${s.name} [${s.kind}, ${s.numTasks} ${s.numTasks === 1 ? "task" : "tasks"}]`);
    for (const rid of s.rddIds) {
      const r = rdds.get(rid);
      const cached = r?.cached ? `  (cached${r.storageLevel ? " " + r.storageLevel : ""})` : "";
      lines.push(`  ${rddLabel(r, rid)}  ${r?.callSite ?? ""}${cached}`.trimEnd());
    }
    for (const e of dag.edges.filter((x) => x.fromStage === s.stageId)) {
      lines.push(`  --shuffle ${e.shuffleId} (${formatBytes(e.bytes)}, ${formatCount(e.records)} records)--> Stage ${e.toStage}`);
    }
  }
  return lines.join("\n");
}

/** Render a job DAG as SVG (also wrapped in HTML), text and the raw JSON for the lab extension. */
export function renderDag(dag: JobDag, opts: DagOptions = {}): MimeBundle {
  const svg = dagSvg(dag, opts);
  const html = el("div", { class: "bdw-dag", style: FONT + "overflow-x:auto;" }, el("div", { style: "font-weight:600;margin-bottom:4px;" }, text(`Job ${dag.jobId}: ${dag.description}`)) + svg);
  return { [MIME.text]: dagText(dag), [MIME.html]: html, [MIME.svg]: svg, [MIME.dag]: dag };
}

/** The DAG as a standalone SVG document string. */
export function dagSvg(dag: JobDag, opts: DagOptions = {}): string {
  const maxChars = opts.maxLabelChars ?? 36;
  const uid = stableId("bdw-dag-", JSON.stringify(dag));
  const rdds = new Map(dag.rdds.map((r) => [r.id, r]));
  const skipped = new Set(dag.stages.filter((s) => s.skipped || s.status === "SKIPPED").map((s) => s.stageId));

  const nodes: LayoutNode[] = [];
  const clusters: LayoutCluster[] = [];
  const layoutEdges: LayoutEdge[] = [];
  const nodeText = new Map<string, [string, string]>();
  const collapsed = collapsedStages(dag, opts.collapse);
  const nodeId = (stageId: number, rddId: number) => (collapsed.has(stageId) ? summaryId(stageId) : rddNodeId(stageId, rddId));
  for (const s of dag.stages) {
    if (collapsed.has(s.stageId)) {
      // A collapsed stage is one plain node (no cluster): title and a summary of its RDDs.
      const [l1, l2] = summaryText(s, rdds);
      const l0 = stageTitle(s);
      nodeText.set(summaryId(s.stageId), [l1, ellipsize(l2, maxChars)]);
      const w = Math.max(textWidth(l0, FONT_SIZE + 1), textWidth(l1, FONT_SIZE), textWidth(ellipsize(l2, maxChars), FONT_SIZE - 1)) + 26;
      nodes.push({ id: summaryId(s.stageId), width: w, height: NODE_H + 16 });
      continue;
    }
    const cid = `stage${s.stageId}`;
    clusters.push({ id: cid });
    // The title is a real node at the top of its cluster, so dagre makes room for it.
    const tid = `title${s.stageId}`;
    nodes.push({ id: tid, width: textWidth(stageTitle(s), FONT_SIZE + 1) + 8, height: TITLE_H - 6, parent: cid });
    for (const rid of s.rddIds) {
      const r = rdds.get(rid);
      const l1 = rddLabel(r, rid);
      const l2 = ellipsize(r?.callSite ?? "", maxChars);
      const w = Math.max(textWidth(l1, FONT_SIZE), textWidth(l2, FONT_SIZE - 1)) + 26;
      const id = nodeId(s.stageId, rid);
      nodeText.set(id, [l1, l2]);
      nodes.push({ id, width: Math.max(w, 90) + (marked(r) ? 12 : 0), height: NODE_H, parent: cid });
    }
    // Keep the title above the stage's first RDDs (those without a parent inside the stage).
    const inside = new Set(s.rddIds);
    for (const rid of s.rddIds) {
      const r = rdds.get(rid);
      const hasInner = r?.parents.some((p) => p.dependency === "narrow" && inside.has(p.rddId));
      if (!hasInner) layoutEdges.push({ id: `t${s.stageId}:${rid}`, from: tid, to: nodeId(s.stageId, rid), weight: 5, minlen: 1 });
    }
  }
  const edges = collectEdges(dag, nodeId);
  for (const e of edges) {
    if (e.label) {
      // A labelled shuffle edge goes through a small node of its own outside both stages, so its
      // label sits in the gap between the stages instead of inside one of them.
      nodes.push({ id: `j${e.id}`, width: textWidth(e.label, FONT_SIZE - 1) + 12, height: 16 });
      // Leaving or entering a cluster needs an extra rank for its border; a collapsed stage does not.
      layoutEdges.push({ id: `${e.id}#1`, from: e.from, to: `j${e.id}`, weight: 2, minlen: e.from.endsWith("rall") ? 1 : 2 });
      layoutEdges.push({ id: `${e.id}#2`, from: `j${e.id}`, to: e.to, weight: 2, minlen: e.to.endsWith("rall") ? 1 : 2 });
    } else {
      layoutEdges.push({ id: e.id, from: e.from, to: e.to, weight: e.kind === "narrow" ? 4 : 1, minlen: e.kind === "shuffle" ? 2 : 1 });
    }
  }
  const lay = layoutGraph(nodes, layoutEdges, clusters, { rankdir: opts.rankdir ?? "TB", nodesep: 36, ranksep: 26, margin: 10 });

  const parts: string[] = [];
  parts.push(
    `<defs>` +
      `<marker id="${uid}-a" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${COLORS.narrow}"/></marker>` +
      `<marker id="${uid}-s" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${COLORS.shuffle}"/></marker>` +
      `</defs>`,
  );

  // Stages (clusters) first, so edges and nodes draw over them.
  for (const s of dag.stages) {
    const b = lay.clusters.get(`stage${s.stageId}`);
    if (!b) continue;
    const isSkipped = skipped.has(s.stageId);
    const failed = s.status === "FAILED";
    const pad = 8; // dagre leaves ample side room in clusters; inset so neighbouring stages do not touch
    const x = b.x + pad, y = b.y, w = b.width - 2 * pad, h = b.height;
    const tb = lay.nodes.get(`title${s.stageId}`)!;
    parts.push(
      svgEl(
        "g",
        { class: `bdw-stage${isSkipped ? " bdw-skipped" : ""}`, "data-stage": s.stageId, "data-parent-stages": s.parentStageIds.join(" ") },
        svgTitle(`Stage ${s.stageId}: ${s.name}\n${s.kind}, ${s.numTasks} tasks, ${isSkipped ? "skipped (its shuffle output already existed)" : s.status}`) +
          svgEl("rect", {
            x, y, width: w, height: h, rx: 6,
            fill: isSkipped ? COLORS.skippedFill : COLORS.stageFill,
            stroke: failed ? COLORS.failedStroke : isSkipped ? COLORS.skippedStroke : COLORS.stageStroke,
            "stroke-width": failed ? 2 : 1.2,
            "stroke-dasharray": isSkipped ? "5,3" : undefined,
          }) +
          svgText(x + 8, Math.max(y + 15, tb.y + tb.height - 1), stageTitle(s), {
            "font-size": FONT_SIZE + 1, "font-weight": "bold", fill: isSkipped ? COLORS.skippedText : COLORS.stageTitle,
          }),
      ),
    );
  }

  // Edges.
  const shuffleMarker = `url(#${uid}-s)`;
  for (const e of edges) {
    const isShuffle = e.kind === "shuffle";
    const stroke = {
      fill: "none",
      stroke: isShuffle ? COLORS.shuffle : COLORS.narrow,
      "stroke-width": isShuffle ? 2 : 1.2,
      "stroke-dasharray": e.kind === "cross" ? "4,3" : isShuffle ? "7,3" : undefined,
      opacity: skipped.has(Number(e.from.slice(1, e.from.indexOf("r")))) && !isShuffle ? 0.5 : undefined,
    };
    let body = "";
    if (e.label) {
      const a = lay.edges.get(`${e.id}#1`);
      const b = lay.edges.get(`${e.id}#2`);
      const j = lay.nodes.get(`j${e.id}`);
      if (!a || !b || !j) continue;
      body += svgEl("path", { d: smoothPath(a.points), ...stroke });
      body += svgEl("path", { d: smoothPath(b.points), ...stroke, "marker-end": shuffleMarker });
      body += svgEl("rect", { x: j.x, y: j.y, width: j.width, height: j.height, rx: 8, fill: "#fff7ee", stroke: COLORS.shuffle, "stroke-width": 1 });
      body += svgText(j.x + j.width / 2, j.y + 11.5, e.label, { "font-size": FONT_SIZE - 1, "text-anchor": "middle", fill: "#8a4a0c" });
    } else {
      const le = lay.edges.get(e.id);
      if (!le || le.points.length === 0) continue;
      body += svgEl("path", { d: smoothPath(le.points), ...stroke, "marker-end": isShuffle ? shuffleMarker : `url(#${uid}-a)` });
    }
    parts.push(
      svgEl(
        "g",
        { class: `bdw-edge bdw-edge-${e.kind}`, "data-from": e.from, "data-to": e.to, ...(e.shuffleId !== undefined ? { "data-shuffle": e.shuffleId } : {}) },
        (e.tooltip ? svgTitle(e.tooltip) : "") + body,
      ),
    );
  }

  // RDD nodes.
  for (const s of dag.stages) {
    const isSkipped = skipped.has(s.stageId);
    if (collapsed.has(s.stageId)) {
      const b = lay.nodes.get(summaryId(s.stageId));
      if (!b) continue;
      const [l1, l2] = nodeText.get(summaryId(s.stageId))!;
      const tip = [`Stage ${s.stageId}: ${s.name}`, `${s.kind}, ${s.numTasks} tasks, ${isSkipped ? "skipped" : s.status}`, ...s.rddIds.map((rid) => `${rddLabel(rdds.get(rid), rid)}  ${rdds.get(rid)?.callSite ?? ""}`)].join("\n");
      const color = isSkipped ? COLORS.skippedText : COLORS.nodeText;
      parts.push(
        svgEl(
          "g",
          { class: `bdw-stage bdw-stage-collapsed${isSkipped ? " bdw-skipped" : ""}`, "data-stage": s.stageId, "data-rdds": s.rddIds.join(" "), "data-parent-stages": s.parentStageIds.join(" ") },
          svgTitle(tip) +
            svgEl("rect", {
              x: b.x, y: b.y, width: b.width, height: b.height, rx: 6,
              fill: isSkipped ? COLORS.skippedFill : COLORS.stageFill,
              stroke: s.status === "FAILED" ? COLORS.failedStroke : isSkipped ? COLORS.skippedStroke : COLORS.stageStroke,
              "stroke-dasharray": isSkipped ? "5,3" : undefined,
            }) +
            svgText(b.x + b.width / 2, b.y + 15, stageTitle(s), { "font-size": FONT_SIZE + 1, "text-anchor": "middle", "font-weight": "bold", fill: isSkipped ? COLORS.skippedText : COLORS.stageTitle }) +
            svgText(b.x + b.width / 2, b.y + 30, l1, { "font-size": FONT_SIZE, "text-anchor": "middle", fill: color }) +
            svgText(b.x + b.width / 2, b.y + 43, l2, { "font-size": FONT_SIZE - 1, "text-anchor": "middle", fill: color }),
        ),
      );
      continue;
    }
    for (const rid of s.rddIds) {
      const id = nodeId(s.stageId, rid);
      const b = lay.nodes.get(id);
      if (!b) continue;
      const r = rdds.get(rid);
      const [l1, l2] = nodeText.get(id)!;
      const cx = b.x + (b.width - (marked(r) ? 12 : 0)) / 2;
      const parents = (r?.parents ?? []).map((p) => p.rddId).join(" ");
      const tip = [
        `${rddLabel(r, rid)}`, r?.callSite ?? "", `${r?.numPartitions ?? "?"} partitions`,
        r?.cached ? `cached${r.storageLevel ? ": " + r.storageLevel : ""}` : "", r?.checkpointed ? "checkpointed" : "",
      ].filter(Boolean).join("\n");
      let body = svgTitle(tip) +
        svgEl("rect", {
          x: b.x, y: b.y, width: b.width, height: b.height, rx: 4,
          fill: isSkipped ? COLORS.skippedNodeFill : COLORS.nodeFill,
          stroke: isSkipped ? COLORS.skippedNodeStroke : COLORS.nodeStroke, "stroke-width": 1,
        }) +
        svgText(cx, b.y + 14, l1, { "font-size": FONT_SIZE, "text-anchor": "middle", "font-weight": "bold", fill: isSkipped ? COLORS.skippedText : COLORS.nodeText }) +
        svgText(cx, b.y + 27, l2, { "font-size": FONT_SIZE - 1, "text-anchor": "middle", fill: isSkipped ? COLORS.skippedText : COLORS.nodeText });
      const both = Boolean(r?.cached && r?.checkpointed);
      if (r?.cached) body += svgEl("circle", { class: "bdw-cached", cx: b.x + b.width - 9, cy: both ? b.y + 10 : b.y + b.height / 2, r: 5, fill: COLORS.cached, stroke: "#ffffff", "stroke-width": 1 });
      if (r?.checkpointed) body += svgEl("rect", { class: "bdw-checkpointed", x: b.x + b.width - 13, y: both ? b.y + b.height - 13 : b.y + b.height / 2 - 4, width: 8, height: 8, fill: COLORS.checkpoint });
      parts.push(svgEl("g", { class: `bdw-rdd${r?.cached ? " bdw-rdd-cached" : ""}`, "data-rdd": rid, "data-stage": s.stageId, "data-parents": parents }, body));
    }
  }

  let width = lay.width;
  let height = lay.height;
  if (opts.legend !== false) {
    const legend = dagLegend(uid, 10, height + 4);
    parts.push(legend.svg);
    height += legend.height + 8;
    width = Math.max(width, legend.width + 20);
  }
  return svgRoot(width, height, parts.join(""), {
    class: "bdw-dag-svg", "font-family": SVG_FONT, "data-job": dag.jobId, role: "img", "aria-label": `DAG of job ${dag.jobId}`,
  });
}

function dagLegend(uid: string, x: number, y: number): { svg: string; width: number; height: number } {
  const items: string[] = [];
  let cx = x;
  const fs = FONT_SIZE - 1;
  const add = (glyph: string, label: string, gw: number) => {
    items.push(glyph.replace(/@X/g, fmt(cx)) + svgText(cx + gw + 5, y + 12, label, { "font-size": fs, fill: "#555555" }));
    cx += gw + 5 + textWidth(label, fs) + 16;
  };
  add(`<rect x="@X" y="${y + 3}" width="18" height="12" rx="2" fill="${COLORS.nodeFill}" stroke="${COLORS.nodeStroke}"/>`, "RDD", 18);
  add(`<circle cx="@X" cy="${y + 9}" r="4.5" fill="${COLORS.cached}" transform="translate(5,0)"/>`, "cached", 10);
  add(`<path d="M@X,${y + 9} h24" stroke="${COLORS.narrow}" stroke-width="1.2" marker-end="url(#${uid}-a)"/>`, "narrow dependency", 26);
  add(`<path d="M@X,${y + 9} h24" stroke="${COLORS.shuffle}" stroke-width="2" stroke-dasharray="7,3" marker-end="url(#${uid}-s)"/>`, "shuffle (bytes · records)", 26);
  add(`<rect x="@X" y="${y + 2}" width="22" height="14" rx="3" fill="${COLORS.skippedFill}" stroke="${COLORS.skippedStroke}" stroke-dasharray="5,3"/>`, "skipped stage", 22);
  return { svg: svgEl("g", { class: "bdw-legend" }, items.join("")), width: cx - x, height: 18 };
}
