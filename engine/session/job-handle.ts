// A handle on one job for notebooks and tests: its info, stages, tasks and DAG, each of which
// can display itself (`display(spark.lastJob().dag())`). Reads recorded data only: never runs
// anything.

import type { JobDag, JobInfo, StageInfo, TaskInfo } from "../scheduler/job-info";
import type { JobTracker } from "../scheduler/job-tracker";
import { renderDag, renderJobSummary, renderStageMetrics, renderTaskTimeline, type MimeBundle } from "../viz";

export type Displayable<T> = T & { _repr_mimebundle_(): MimeBundle | Promise<MimeBundle> };

function displayable<T extends object>(data: T, render: () => MimeBundle | Promise<MimeBundle>): Displayable<T> {
  Object.defineProperty(data, "_repr_mimebundle_", { value: render, enumerable: false });
  return data as Displayable<T>;
}

export class JobHandle {
  constructor(readonly jobId: number, private readonly tracker: JobTracker) {}

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

  /** The job's DAG: stages holding their RDDs, narrow and shuffle edges, cached and skipped marks. */
  dag(): Displayable<JobDag> {
    const d = structuredClone(this.rec?.dag ?? { jobId: this.jobId, description: "", status: "UNKNOWN" as const, stages: [], rdds: [], edges: [] });
    return displayable(d, () => renderDag(d));
  }

  /** Per-stage metric summaries (quantiles, skew warnings). */
  stageMetrics(stageId?: number): Displayable<{ stages: StageInfo[] }> {
    const stages = this.stages().filter((s) => stageId === undefined || s.stageId === stageId);
    const tasks = this.tasks();
    return displayable({ stages }, () => {
      const bundles = stages.map((s) => renderStageMetrics(s, tasks.filter((t) => t.stageId === s.stageId)));
      return mergeBundles(bundles);
    });
  }

  /** Task timeline per worker (Vega-Lite + SVG). */
  timeline(): Displayable<{ tasks: TaskInfo[] }> {
    const tasks = this.tasks();
    const stages = this.stages();
    return displayable({ tasks }, () => renderTaskTimeline(tasks, stages));
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
