// A handle on one job for notebooks and tests: its info, stages, tasks and DAG, each of which
// can display itself (`display(spark.lastJob().dag())`). Reads recorded data only: never runs
// anything. A remote session's handle reads the jobs Spark Connect's progress messages described
// (stages and task counts) and says plainly what the server does not report.

import type { JobDag, JobInfo, StageInfo, TaskInfo } from "../scheduler/job-info";
import type { JobTracker } from "../scheduler/job-tracker";
import { buildFailureReplay, type FailureReplay } from "../scheduler/failure-replay";
import { edgeDataHtml, edgeDataText, escapeXml, renderFailureReplay, renderDag, renderJobSummary, renderStageMetrics, renderTaskTimeline, stageDrillHtml, stageDrills, stageMetricsSummary, type MimeBundle, type StageDrill } from "../viz";

export type Displayable<T> = T & { _repr_mimebundle_(): MimeBundle | Promise<MimeBundle> };
/** Data that displays itself at once (its bundle is ready, no await). */
export type Shown<T> = T & { _repr_mimebundle_(): MimeBundle };

export function displayable<T extends object>(data: T, render: () => MimeBundle): Shown<T>;
export function displayable<T extends object>(data: T, render: () => MimeBundle | Promise<MimeBundle>): Displayable<T>;
export function displayable<T extends object>(data: T, render: () => MimeBundle | Promise<MimeBundle>): Displayable<T> {
  Object.defineProperty(data, "_repr_mimebundle_", { value: render, enumerable: false });
  return data as Displayable<T>;
}

/** Where a handle reads its job: the scheduler's JobTracker, or a remote session's progress records. */
export type JobRecords = Pick<JobTracker, "jobs" | "stages">;

export class JobHandle {
  /**
   * `notice`: what these records cannot show (a remote session's jobs have no RDDs, tasks or
   * metrics); the DAG, metrics and timeline views then show it beside the stages the server reported.
   */
  constructor(readonly jobId: number, private readonly tracker: JobRecords, readonly notice?: string) {}

  private get rec() {
    return this.tracker.jobs.get(this.jobId);
  }

  info(): JobInfo {
    const r = this.rec;
    if (!r) return { jobId: this.jobId, status: "UNKNOWN", stageIds: [], description: "", submissionTime: 0 };
    return { ...r.info };
  }

  get status(): JobInfo["status"] {
    return this.info().status;
  }

  stages(): StageInfo[] {
    return (this.rec?.stageIds ?? []).map((id) => this.tracker.stages.get(id)).filter((s): s is StageInfo => !!s).map((s) => ({ ...s }));
  }

  tasks(): TaskInfo[] {
    return (this.rec?.tasks ?? []).map((t) => ({ ...t }));
  }

  /**
   * The job's DAG: stages holding their RDDs, narrow and shuffle edges, cached and skipped marks.
   * `{ data: true }` adds the data on the edges: records the map tasks emitted (sampled) with the
   * reducer each went to and the partitioner's arithmetic, and what each reducer received.
   */
  dag(opts: { data?: boolean } = {}): Displayable<JobDag> {
    const d = structuredClone(this.rec?.dag ?? { jobId: this.jobId, description: "", status: "UNKNOWN" as const, stages: [], rdds: [], edges: [] });
    return displayable(d, () => {
      if (this.notice) return this.withNotice(this._repr_mimebundle_());
      const b = renderDag(d);
      if (!opts.data) return b;
      // The edge tables follow the picture; the HTML carries both (a DAG-only MIME type would hide them).
      return { "text/plain": `${String(b["text/plain"])}\n\n${edgeDataText(d)}`, "text/html": `${String(b["text/html"]).replace('class="bdw-dag"', 'class="bdw-dag-data"')}${edgeDataHtml(d)}` };
    });
  }

  /**
   * The failure replay: from the job's event log, what a lost worker took with it, which stages
   * failed and why, what was resubmitted and recomputed, and where a cache, a checkpoint or existing
   * shuffle output cut the lineage short; a step-by-step timeline with the DAG at each step.
   */
  replay(): Shown<FailureReplay> {
    const rec = this.rec;
    if (!rec || this.notice) {
      const empty: FailureReplay = { jobId: this.jobId, description: rec?.info.description ?? "", hadFailure: false, steps: [], cuts: [], truncated: false };
      return displayable(empty, () => this.notice ? this.withNotice(this._repr_mimebundle_()) : renderFailureReplay(this.dag(), empty));
    }
    const r = buildFailureReplay(rec);
    const dag = this.dag();
    return displayable(r, () => renderFailureReplay(dag, r));
  }

  /** Per-stage metric summaries (quantiles, skew warnings). */
  stageMetrics(stageId?: number): Displayable<{ stages: StageInfo[] }> {
    const stages = this.stages().filter((s) => stageId === undefined || s.stageId === stageId);
    const tasks = this.tasks();
    return displayable({ stages }, () => {
      if (this.notice) return this.withNotice(this._repr_mimebundle_());
      const bundles = stages.map((s) => renderStageMetrics(s, tasks.filter((t) => t.stageId === s.stageId)));
      return mergeBundles(bundles);
    });
  }

  /**
   * One stage's drill-down as it stands (task metrics quantiles, timeline, tasks; a running
   * stage's tasks so far): what a click on a stage of the live job panel shows in JupyterLab.
   */
  stageDrill(stageId: number): Shown<StageDrill> | undefined {
    const stages = this.stages().filter((s) => s.stageId === stageId);
    const s = stages[stages.length - 1];
    if (!s) return undefined;
    const info = this.info();
    const [d] = stageDrills([s], this.tasks(), info.status === "RUNNING" ? { now: Date.now() } : { jobEnd: info.completionTime });
    const drill: StageDrill = d ?? { stageId, attemptId: s.attemptId, metrics: stageMetricsSummary(s, []), tasks: [], omittedTasks: 0 };
    return displayable(drill, () => ({ "text/plain": `Stage ${stageId}: ${drill.tasks.length} tasks`, "text/html": stageDrillHtml(drill) }));
  }

  /** Task timeline per worker (Vega-Lite + SVG). */
  timeline(): Displayable<{ tasks: TaskInfo[] }> {
    const tasks = this.tasks();
    const stages = this.stages();
    return displayable({ tasks }, () => this.notice ? this.withNotice(this._repr_mimebundle_()) : renderTaskTimeline(tasks, stages));
  }

  /** The job summary with the notice above it (text and HTML). */
  private withNotice(b: MimeBundle): MimeBundle {
    const note = this.notice!;
    return {
      "text/plain": `${note}\n\n${String(b["text/plain"] ?? "")}`,
      "text/html": `<div class="bdw-notice" style="font-style:italic;margin-bottom:4px;">${escapeXml(note)}</div>${String(b["text/html"] ?? "")}`,
    };
  }

  _repr_mimebundle_(): MimeBundle {
    return renderJobSummary(this.info(), this.stages(), this.tasks());
  }

  toString(): string {
    const i = this.info();
    return `Job ${i.jobId} (${i.status}): ${i.description}`;
  }
}

function mergeBundles(bundles: MimeBundle[]): MimeBundle {
  if (bundles.length === 1) return bundles[0]!;
  return {
    "text/plain": bundles.map((b) => String(b["text/plain"] ?? "")).join("\n\n"),
    "text/html": bundles.map((b) => String(b["text/html"] ?? `<pre>${String(b["text/plain"] ?? "")}</pre>`)).join("\n"),
  };
}
