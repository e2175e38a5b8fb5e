// Pure logic behind the extension's interactivity, kept free of the DOM so it is unit-tested:
// which RDDs and stages make up an RDD's lineage (hover highlight), what a clicked stage did
// (details panel), table sorting, and which plan operators feed a given operator.

import type { DagStage, JobDag } from "../../../engine/viz/engine-types";
import type { PlanGraphNode } from "../../../engine/viz/plan-graph";
import type { TableCell, TablePayload } from "../../../engine/viz/table";
import { formatBytes, formatCount } from "../../../engine/viz/format";
import { el, text } from "../../../engine/viz/html";

/** The RDD and every RDD it was computed from, through narrow and shuffle dependencies. */
export function lineageOf(dag: JobDag, rddId: number): Set<number> {
  const byId = new Map(dag.rdds.map((r) => [r.id, r]));
  const out = new Set<number>();
  const stack = [rddId];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    for (const p of byId.get(id)?.parents ?? []) stack.push(p.rddId);
  }
  return out;
}

/** Stages whose output (transitively) feeds `stageId`, including itself. */
export function upstreamStages(dag: JobDag, stageId: number): Set<number> {
  const byId = new Map(dag.stages.map((s) => [s.stageId, s]));
  const out = new Set<number>();
  const stack = [stageId];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    for (const p of byId.get(id)?.parentStageIds ?? []) stack.push(p);
  }
  return out;
}

/** RDD id of a DAG node id ("s3r12" -> 12), as the SVG's edges name their ends. */
export function rddOfNodeId(nodeId: string): number | undefined {
  const m = /^s\d+r(\d+)$/.exec(nodeId);
  return m ? Number(m[1]) : undefined;
}

export interface StageDetails {
  stage: DagStage;
  rdds: Array<{ id: number; name: string; callSite: string; cached: boolean; storageLevel?: string }>;
  shuffleIn: Array<{ fromStage: number; shuffleId: number; bytes: number; records: number }>;
  shuffleOut: Array<{ toStage: number; shuffleId: number; bytes: number; records: number }>;
}

export function stageDetails(dag: JobDag, stageId: number): StageDetails | undefined {
  const stage = dag.stages.find((s) => s.stageId === stageId);
  if (!stage) return undefined;
  const byId = new Map(dag.rdds.map((r) => [r.id, r]));
  return {
    stage,
    rdds: stage.rddIds.map((id) => {
      const r = byId.get(id);
      return { id, name: r?.name ?? "RDD", callSite: r?.callSite ?? "", cached: r?.cached ?? false, ...(r?.storageLevel ? { storageLevel: r.storageLevel } : {}) };
    }),
    shuffleIn: dag.edges.filter((e) => e.toStage === stageId).map((e) => ({ fromStage: e.fromStage, shuffleId: e.shuffleId, bytes: e.bytes, records: e.records })),
    shuffleOut: dag.edges.filter((e) => e.fromStage === stageId).map((e) => ({ toStage: e.toStage, shuffleId: e.shuffleId, bytes: e.bytes, records: e.records })),
  };
}

/** The details panel shown under the DAG when a stage is clicked. */
export function stageDetailsHtml(d: StageDetails): string {
  const s = d.stage;
  const li = (h: string) => el("li", {}, h);
  const rdds = d.rdds.map((r) => li(text(`${r.name} [${r.id}] — ${r.callSite}`) + (r.cached ? " " + el("span", { style: "color:#2ca02c;font-weight:700;" }, text(`cached${r.storageLevel ? " " + r.storageLevel : ""}`)) : ""))).join("");
  const ins = d.shuffleIn.map((e) => li(text(`from stage ${e.fromStage} (shuffle ${e.shuffleId}): ${formatBytes(e.bytes)}, ${formatCount(e.records)} records`))).join("");
  const outs = d.shuffleOut.map((e) => li(text(`to stage ${e.toStage} (shuffle ${e.shuffleId}): ${formatBytes(e.bytes)}, ${formatCount(e.records)} records`))).join("");
  const skipped = s.skipped || s.status === "SKIPPED";
  return el(
    "div",
    { class: "bdw-stage-details", "data-stage": s.stageId, style: "margin-top:6px;padding:6px 8px;border-left:3px solid #6b8fb5;background:rgba(107,143,181,0.1);" },
    el("div", { style: "font-weight:600;" }, text(`Stage ${s.stageId}: ${s.name}`)) +
      el("div", {}, text(`${s.kind}, ${s.numTasks} ${s.numTasks === 1 ? "task" : "tasks"}, ${skipped ? "skipped: its shuffle output already existed, so it was not run again" : s.status}`)) +
      (s.parentStageIds.length ? el("div", {}, text(`parent stages: ${s.parentStageIds.join(", ")}`)) : "") +
      el("div", { style: "margin-top:3px;" }, "RDDs computed in this stage:") + el("ul", { style: "margin:2px 0 2px 18px;padding:0;" }, rdds) +
      (ins ? el("div", {}, "Shuffle input:") + el("ul", { style: "margin:2px 0 2px 18px;padding:0;" }, ins) : "") +
      (outs ? el("div", {}, "Shuffle output:") + el("ul", { style: "margin:2px 0 2px 18px;padding:0;" }, outs) : ""),
  );
}

/** Compare table cells: nulls last in either direction, numbers numerically, the rest as text. */
export function compareCells(a: TableCell, b: TableCell): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** The payload with rows sorted by one column (stable; nulls stay last). */
export function sortTable(p: TablePayload, column: number, descending: boolean): TablePayload {
  const rows = p.rows
    .map((r, i) => ({ r, i }))
    .sort((x, y) => {
      const a = x.r[column] ?? null;
      const b = y.r[column] ?? null;
      if (a === null || b === null) return compareCells(a, b) || x.i - y.i;
      return (descending ? -compareCells(a, b) : compareCells(a, b)) || x.i - y.i;
    })
    .map((x) => x.r);
  return { ...p, rows };
}

/** Next sort state after a click on a header: ascending, then descending, then ascending again. */
export function nextSort(current: { column: number; descending: boolean } | undefined, column: number): { column: number; descending: boolean } {
  return current && current.column === column ? { column, descending: !current.descending } : { column, descending: false };
}

/** Ids of an operator and every operator below it (its inputs). */
export function planSubtreeIds(root: PlanGraphNode, id: number): Set<number> {
  const find = (n: PlanGraphNode): PlanGraphNode | undefined => (n.id === id ? n : n.children.map(find).find((x) => x !== undefined));
  const start = find(root);
  const out = new Set<number>();
  const walk = (n: PlanGraphNode) => {
    if (out.has(n.id)) return;
    out.add(n.id);
    n.children.forEach(walk);
  };
  if (start) walk(start);
  return out;
}
