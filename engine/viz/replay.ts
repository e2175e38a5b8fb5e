// The failure replay of a job as a timeline you step through: one entry per step (+time, what
// happened, why), each with the job's DAG as it stood at that step (stages whose shuffle output
// was lost drawn as failed), then where a cache, a checkpoint or existing shuffle output cut the
// lineage short. HTML <details> entries open one at a time in any front end; text for the rest.

import type { FailureReplay, ReplayStep } from "../scheduler/failure-replay";
import type { JobDag } from "./engine-types";
import { dagSvg } from "./dag";
import { FONT, el, text } from "./html";
import { MIME, type MimeBundle } from "./mime";

const COLORS: Record<ReplayStep["kind"], string> = {
  "start": "#2f6fb0", "stage-submitted": "#2f6fb0", "stage-done": "#2e8b47", "worker-lost": "#c0392b", "worker-added": "#2e8b47",
  "tasks-failed": "#c0392b", "stage-failed": "#c0392b", "stage-resubmitted": "#b07d2f", "end": "#2e8b47",
};

/** The DAG with the stage states of one step. */
function snapshot(dag: JobDag, s: ReplayStep): JobDag {
  return {
    ...dag,
    stages: dag.stages.map((st) => {
      const status = s.lostOutputStages.includes(st.stageId) ? "FAILED" : (s.stages[st.stageId] ?? st.status);
      return { ...st, status, skipped: status === "SKIPPED" || (st.skipped && status === "PENDING") };
    }),
  };
}

export function replayText(r: FailureReplay): string {
  const lines = [`Failure replay of job ${r.jobId}: ${r.description}`, r.hadFailure ? "" : "Nothing failed during this job: no worker was lost while it ran and every task succeeded the first time."];
  r.steps.forEach((s, i) => {
    lines.push(`${String(i + 1).padStart(2)}. +${s.at} ms  ${s.title}`);
    for (const d of s.detail) lines.push(`      ${d}`);
  });
  if (r.cuts.length) lines.push("Where the lineage was cut short:", ...r.cuts.map((c) => `  - ${c}`));
  if (r.truncated) lines.push("(the job's event log was cut: later events are not shown)");
  return lines.filter((l, i) => i !== 1 || l).join("\n");
}

export function renderFailureReplay(dag: JobDag, r: FailureReplay): MimeBundle {
  const entries = r.steps.map((s, i) => {
    const important = s.kind === "worker-lost" || s.kind === "stage-failed" || s.kind === "stage-resubmitted" || s.kind === "tasks-failed";
    const summary = el("summary", { style: `cursor:pointer;color:${COLORS[s.kind]};${important ? "font-weight:600;" : ""}` },
      text(`${i + 1}. +${s.at} ms  ${s.title}`));
    const body = (s.detail.length ? el("ul", { style: "margin:2px 0 4px 18px;padding:0;" }, s.detail.map((d) => el("li", {}, text(d))).join("")) : "") +
      el("div", { style: "overflow-x:auto;" }, dagSvg(snapshot(dag, s)));
    return el("details", { class: "bdw-replay-step", "data-kind": s.kind, style: "margin:2px 0;" }, summary + body);
  }).join("");
  const cuts = r.cuts.length
    ? el("div", { style: "margin-top:6px;" }, el("div", { style: "font-weight:600;" }, "Where the lineage was cut short") +
      el("ul", { style: "margin:2px 0 0 18px;padding:0;" }, r.cuts.map((c) => el("li", {}, text(c))).join("")))
    : "";
  const html = el("div", { class: "bdw-replay", style: FONT + `border-left:3px solid ${r.hadFailure ? "#c0392b" : "#2e8b47"};padding-left:8px;` },
    el("div", { style: "font-weight:600;" }, text(`Failure replay of job ${r.jobId}: ${r.description}`)) +
    el("div", { style: "opacity:0.75;margin-bottom:4px;" }, text(r.hadFailure ? "Open a step to see the DAG at that moment (red: failed, or its shuffle output lost)." : "Nothing failed during this job: no worker was lost while it ran and every task succeeded the first time.")) +
    entries + cuts + (r.truncated ? el("div", { style: "opacity:0.7;" }, "(the job's event log was cut: later events are not shown)") : ""));
  return { [MIME.text]: replayText(r), [MIME.html]: html };
}
