// The JupyterLab renderer widget: draws a vnd.bigdata output with engine/viz and wires the
// interactions (hover an RDD: its lineage stays lit and the rest fades; click a stage: details
// below the DAG; click a table header: sort; hover a plan operator: its inputs stay lit; click a
// job summary's stage: its task metrics, timeline and tasks, engine/viz/stage-drill.ts). A live
// job panel is updated in place and carries a cancel button (the lab plugin, plugin.ts, sends it).

import { Widget } from "@lumino/widgets";
import type { JobDag } from "../../../engine/viz/engine-types";
import type { JobSummaryPayload } from "../../../engine/viz/job-summary";
import type { PlanGraphNode } from "../../../engine/viz/plan-graph";
import { stageDrillHtml } from "../../../engine/viz/stage-drill";
import { eventElement, type ElementLike, type EventLike } from "./dom-types";
import { lineageOf, nextSort, planSubtreeIds, rddOfNodeId, stageDetails, stageDetailsHtml, upstreamStages } from "./interactions";
import { renderView, type ViewKind, type ViewState } from "./render-model";
import type { IMimeModel, IRenderer, IRendererOptions } from "./rendermime-types";

const FADED = "0.18";

function all(root: ElementLike, selector: string): ElementLike[] {
  return Array.from(root.querySelectorAll(selector));
}

/** Fade everything in a DAG SVG but `rdds` (and edges between them) and `stages`; null restores. */
export function highlightDag(root: ElementLike, rdds: Set<number> | null, stages: Set<number> | null): void {
  for (const g of all(root, "g.bdw-rdd")) {
    const on = rdds === null || rdds.has(Number(g.getAttribute("data-rdd")));
    if (on) g.style.removeProperty("opacity");
    else g.style.setProperty("opacity", FADED);
  }
  for (const g of all(root, "g.bdw-edge")) {
    const a = rddOfNodeId(g.getAttribute("data-from") ?? "");
    const b = rddOfNodeId(g.getAttribute("data-to") ?? "");
    const on = rdds === null || (a !== undefined && b !== undefined && rdds.has(a) && rdds.has(b));
    if (on) g.style.removeProperty("opacity");
    else g.style.setProperty("opacity", FADED);
  }
  for (const g of all(root, "g.bdw-stage")) {
    const on = stages === null || stages.has(Number(g.getAttribute("data-stage")));
    if (on) g.style.removeProperty("opacity");
    else g.style.setProperty("opacity", "0.45");
  }
}

/** Fade plan operators outside `ids`; null restores. */
export function highlightPlan(root: ElementLike, ids: Set<number> | null): void {
  for (const g of all(root, "g.bdw-plan-node")) {
    if (ids === null || ids.has(Number(g.getAttribute("data-node")))) g.style.removeProperty("opacity");
    else g.style.setProperty("opacity", FADED);
  }
  for (const g of all(root, "g.bdw-plan-edge")) {
    const on = ids === null || (ids.has(Number(g.getAttribute("data-from"))) && ids.has(Number(g.getAttribute("data-to"))));
    if (on) g.style.removeProperty("opacity");
    else g.style.setProperty("opacity", FADED);
  }
}

/**
 * Attach the interactions for a rendered view to `root` (event delegation: one listener per event
 * type on the output's node). `rerender` redraws with a new state (table sorting). Returns a detach.
 */
export function attachInteractions(root: ElementLike, kind: ViewKind, data: unknown, state: ViewState, rerender: (s: ViewState) => void): () => void {
  const listeners: Array<[string, (ev: EventLike) => void]> = [];
  const on = (type: string, fn: (ev: EventLike) => void) => {
    root.addEventListener(type, fn);
    listeners.push([type, fn]);
  };
  if (kind === "dag") {
    const dag = data as JobDag;
    on("mouseover", (ev) => {
      const g = eventElement(ev)?.closest("g.bdw-rdd");
      if (!g) return;
      const rdd = Number(g.getAttribute("data-rdd"));
      const stage = Number(g.getAttribute("data-stage"));
      highlightDag(root, lineageOf(dag, rdd), upstreamStages(dag, stage));
    });
    on("mouseout", (ev) => {
      if (eventElement(ev)?.closest("g.bdw-rdd")) highlightDag(root, null, null);
    });
    on("click", (ev) => {
      const g = eventElement(ev)?.closest("g.bdw-stage, g.bdw-rdd");
      const panel = root.querySelector(".bdw-details-slot");
      if (!g || !panel) return;
      const d = stageDetails(dag, Number(g.getAttribute("data-stage")));
      const same = panel.getAttribute("data-stage") === String(d?.stage.stageId);
      panel.innerHTML = d && !same ? stageDetailsHtml(d) : "";
      if (d && !same) panel.setAttribute("data-stage", String(d.stage.stageId));
      else panel.removeAttribute("data-stage");
    });
  } else if (kind === "plan") {
    const plan = data as PlanGraphNode;
    on("mouseover", (ev) => {
      const g = eventElement(ev)?.closest("g.bdw-plan-node");
      if (g) highlightPlan(root, planSubtreeIds(plan, Number(g.getAttribute("data-node"))));
    });
    on("mouseout", (ev) => {
      if (eventElement(ev)?.closest("g.bdw-plan-node")) highlightPlan(root, null);
    });
  } else if (kind === "summary") {
    const details = (data as JobSummaryPayload).details ?? [];
    on("click", (ev) => {
      const tr = eventElement(ev)?.closest("tr.bdw-stage-row");
      const slot = root.querySelector(".bdw-details-slot");
      if (!tr || !slot) return;
      const id = tr.getAttribute("data-stage");
      const d = details.find((x) => String(x.stageId) === id);
      const same = slot.getAttribute("data-stage") === id;
      slot.innerHTML = d && !same ? stageDrillHtml(d) : "";
      if (d && !same) slot.setAttribute("data-stage", id ?? "");
      else slot.removeAttribute("data-stage");
    });
  } else if (kind === "table") {
    on("click", (ev) => {
      const th = eventElement(ev)?.closest("th[data-column]");
      if (th) rerender({ ...state, sort: nextSort(state.sort, Number(th.getAttribute("data-column"))) });
    });
  }
  return () => {
    for (const [type, fn] of listeners) root.removeEventListener(type, fn);
  };
}

/** Draw one output into `root` and make it interactive; used by the widget and by the browser test. */
export function mount(root: ElementLike, mimeType: string, bundle: Record<string, unknown>, initial: ViewState = {}): () => void {
  let detach = () => {};
  const draw = (state: ViewState) => {
    detach();
    const view = renderView(mimeType, bundle, state);
    if (view.kind === "progress") {
      const jobId = Number((bundle[mimeType] as { job?: { jobId?: unknown } }).job?.jobId);
      root.innerHTML = `<div class="bdw-live-body" data-job="${jobId}">${view.html}</div><div class="bdw-live-actions" data-key="${view.actionsKey ?? ""}">${view.actions ?? ""}</div><div class="bdw-dag-slot"></div><div class="bdw-details-slot"></div>`;
      detach = () => {};
      return;
    }
    const summaryParts = view.kind === "summary" ? `<div class="bdw-summary-actions">${view.actions ?? ""}</div><div class="bdw-dag-slot"></div>` : "";
    root.innerHTML = view.html + summaryParts + (view.kind === "dag" || view.kind === "summary" ? '<div class="bdw-details-slot"></div>' : "");
    if (view.kind === "table") {
      for (const th of Array.from(root.querySelectorAll("th[data-column]"))) th.style.setProperty("cursor", "pointer");
    }
    if (view.kind === "dag") for (const g of Array.from(root.querySelectorAll("g.bdw-stage, g.bdw-rdd"))) g.style.setProperty("cursor", "pointer");
    if (view.kind === "summary") {
      const drills = new Set(((bundle[mimeType] as JobSummaryPayload).details ?? []).map((d) => d.stageId));
      for (const tr of Array.from(root.querySelectorAll("tr.bdw-stage-row"))) {
        if (!drills.has(Number(tr.getAttribute("data-stage")))) continue;
        tr.style.setProperty("cursor", "pointer");
        tr.setAttribute("title", "Click for the stage's task metrics, timeline and tasks");
      }
    }
    detach = attachInteractions(root, view.kind, bundle[mimeType], state, draw);
  };
  draw(initial);
  return () => detach();
}

/**
 * Update a live job panel drawn by mount() in place: the panel is redrawn (up to ten times a
 * second while its job runs) but its cancel button stays the same element while the jobs it
 * cancels do not change, so a click is not lost to a redraw and "Cancelling..." stays shown.
 * False when `root` holds no live panel or the output is no longer one (the job's summary).
 */
export function updateLive(root: ElementLike, mimeType: string, bundle: Record<string, unknown>): boolean {
  const body = root.querySelector(".bdw-live-body");
  const actions = root.querySelector(".bdw-live-actions");
  if (!body || !actions) return false;
  const view = renderView(mimeType, bundle);
  if (view.kind !== "progress") return false;
  body.innerHTML = view.html;
  if (actions.getAttribute("data-key") !== (view.actionsKey ?? "")) {
    actions.innerHTML = view.actions ?? "";
    actions.setAttribute("data-key", view.actionsKey ?? "");
  }
  return true;
}

/** IRenderMime.IRenderer for the application/vnd.bigdata.*+json types. */
export class BigDataRenderer extends Widget implements IRenderer {
  private detach: () => void = () => {};

  constructor(private readonly options: IRendererOptions) {
    super();
    this.addClass("bdw-output");
  }

  async renderModel(model: IMimeModel): Promise<void> {
    if (updateLive(this.node, this.options.mimeType, { ...model.data })) return;
    this.detach();
    this.detach = mount(this.node, this.options.mimeType, { ...model.data });
  }

  override dispose(): void {
    this.detach();
    super.dispose();
  }
}
