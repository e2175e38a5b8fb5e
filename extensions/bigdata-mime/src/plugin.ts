// The workbench's JupyterLab (and Notebook 7) plugin, beside the MIME renderers of index.ts: it
// talks to the notebook's kernel through the comms of kernel/comms.ts.
// - A live job panel's "Cancel job" button (render-model.ts) sends { action: "cancel", jobId } on
//   "bigdata.jobs" to the kernel of the notebook the panel is in; the job's cell then fails with
//   Spark's cancellation error and the panel turns into the cancelled job's summary.
// - A job summary's "Show DAG" button asks the kernel for the job's DAG ({ action: "dag", jobId })
//   and draws it, interactive, under the summary.
// - A click on a stage of a live panel asks for its drill-down as it stands ({ action: "stage" }):
//   task metrics quantiles, timeline and tasks so far (a summary carries its own in its payload).
// - The "Cluster" sidebar (right side) follows the current notebook's workers.
// It requires no tokens, so it needs no @jupyterlab package at run time (lab-types.ts).

import { ClusterPanel } from "./cluster-panel";
import { eventElement, type ElementLike, type EventLike } from "./dom-types";
import { JOBS_TARGET, KernelComms } from "./kernel-comms";
import { kernelOf, type AppLike, type KernelLike, type PluginLike } from "./lab-types";
import { mount } from "./renderer";
import { MIME } from "../../../engine/viz/mime";
import { stageDrillHtml, type StageDrill } from "../../../engine/viz/stage-drill";

/** The kernel of the main-area widget (notebook) an output element is in. */
function kernelAt(app: AppLike, el: ElementLike): KernelLike | null {
  return kernelOf([...app.shell.widgets("main")].find((w) => w.node.contains(el)));
}

/** The job ids a cancel button stops (its data-jobs). */
export function buttonJobIds(button: ElementLike): number[] {
  return (button.getAttribute("data-jobs") ?? "").split(",").filter((s) => s.trim() !== "").map(Number).filter(Number.isInteger);
}

function onCancelClick(app: AppLike, comms: KernelComms, ev: EventLike): void {
  const button = eventElement(ev)?.closest("button.bdw-cancel");
  if (!button || button.getAttribute("disabled") !== null) return;
  const kernel = kernelAt(app, button);
  if (!kernel) {
    button.textContent = "No kernel to cancel on";
    return;
  }
  const ids = buttonJobIds(button);
  button.setAttribute("disabled", "");
  button.textContent = `Cancelling job${ids.length === 1 ? "" : "s"} ${ids.join(", ")}...`;
  for (const jobId of ids) comms.send(kernel, JOBS_TARGET, { action: "cancel", jobId });
}

/** "Show DAG" on a job summary: ask the kernel for the job's DAG and draw it under the summary (a second click hides it). */
function onShowDagClick(app: AppLike, comms: KernelComms, ev: EventLike): void {
  const button = eventElement(ev)?.closest("button.bdw-show-dag");
  const slot = button?.closest(".bdw-output")?.querySelector(".bdw-dag-slot");
  if (!button || !slot) return;
  if (slot.innerHTML !== "") {
    slot.innerHTML = "";
    button.textContent = "Show DAG";
    return;
  }
  const kernel = kernelAt(app, button);
  const jobId = Number(button.getAttribute("data-job"));
  if (!kernel) {
    slot.textContent = "No kernel: the DAG comes from the kernel that ran the job.";
    return;
  }
  button.textContent = "Loading the DAG...";
  const stop = comms.listen(kernel, JOBS_TARGET, (d) => {
    if (d.event === "dag" && d.jobId === jobId) {
      stop();
      mount(slot, MIME.dag, d.bundle as Record<string, unknown>);
      button.textContent = "Hide DAG";
    } else if (d.event === "error") {
      stop();
      slot.textContent = String(d.message ?? "error");
      button.textContent = "Show DAG";
    }
  });
  comms.send(kernel, JOBS_TARGET, { action: "dag", jobId });
}

/** A click on a stage of a live panel: its drill-down as it stands, from the kernel (a second click hides it). */
function onLiveStageClick(app: AppLike, comms: KernelComms, ev: EventLike): void {
  const row = eventElement(ev)?.closest(".bdw-live-body tr.bdw-stage-row");
  const body = row?.closest(".bdw-live-body");
  const slot = row?.closest(".bdw-output")?.querySelector(".bdw-details-slot");
  if (!row || !body || !slot) return;
  const stageId = Number(row.getAttribute("data-stage"));
  const jobId = Number(body.getAttribute("data-job"));
  if (slot.getAttribute("data-stage") === String(stageId)) {
    slot.innerHTML = "";
    slot.removeAttribute("data-stage");
    return;
  }
  const kernel = kernelAt(app, row);
  if (!kernel) return;
  slot.setAttribute("data-stage", String(stageId));
  slot.textContent = `Loading stage ${stageId}...`;
  const stop = comms.listen(kernel, JOBS_TARGET, (d) => {
    if (d.event === "stage" && d.jobId === jobId && d.stageId === stageId) {
      stop();
      if (slot.getAttribute("data-stage") === String(stageId)) slot.innerHTML = stageDrillHtml(d.drill as StageDrill);
    } else if (d.event === "error") {
      stop();
      slot.textContent = String(d.message ?? "error");
    }
  });
  comms.send(kernel, JOBS_TARGET, { action: "stage", jobId, stageId });
}

const plugin: PluginLike = {
  id: "bigdata-workbench-mime:lab",
  description: "Cancel buttons on the workbench's live job panels and the Cluster sidebar, through the kernel's comms",
  autoStart: true,
  activate(app: AppLike): void {
    const comms = new KernelComms();
    app.shell.node.addEventListener("click", (ev) => {
      onCancelClick(app, comms, ev);
      onShowDagClick(app, comms, ev);
      onLiveStageClick(app, comms, ev);
    });
    const panel = new ClusterPanel(comms);
    app.shell.add(panel, "right", { rank: 900 });
    const follow = () => panel.follow(app.shell.currentWidget);
    app.shell.currentChanged?.connect(follow);
    follow();
  },
};

export default plugin;
