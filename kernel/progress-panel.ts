// Live job progress under the running cell: a SparkListener that shows a panel when a job starts,
// updates it in place (same display id, at most ~10 updates a second) as stages and tasks move,
// and turns it into the job's summary when the job ends. Rendering is engine/viz's.

import { randomUUID } from "node:crypto";
import type { JobInfo, ListenerEvent, SparkListener, StageInfo, TaskInfo } from "../engine/index";
import type { DisplayContent, MimeBundle } from "./display";

export interface ProgressRenderers {
  renderProgress(job: JobInfo, stages: StageInfo[], opts?: { now?: number }): MimeBundle;
  renderJobSummary(job: JobInfo, stages: StageInfo[], tasks: TaskInfo[], opts?: { now?: number }): MimeBundle;
}

export interface ProgressOutput {
  show(content: DisplayContent, displayId: string, update: boolean): void;
}

interface Tracked {
  job: JobInfo;
  stages: Map<number, StageInfo>;
  tasks: Map<number, TaskInfo>;
  displayId: string;
  timer?: NodeJS.Timeout;
  lastRender: number;
}

export const MIN_UPDATE_INTERVAL_MS = 100;

/** Minimal renderer used when engine/viz is not available. */
export const plainRenderers: ProgressRenderers = {
  renderProgress(job, stages) {
    const lines = [`Job ${job.jobId}: ${job.description} (${job.status})`, ...stages.map((s) => `  Stage ${s.stageId}: ${s.status === "SKIPPED" ? "skipped" : `${s.numCompletedTasks}/${s.numTasks} done, ${s.numActiveTasks} running`}`)];
    return { "text/plain": lines.join("\n") };
  },
  renderJobSummary(job, stages, tasks) {
    const d = job.completionTime !== undefined ? ` in ${job.completionTime - job.submissionTime} ms` : "";
    return { "text/plain": `Job ${job.jobId}: ${job.description} ${job.status}${d}, ${stages.length} stage(s), ${tasks.length} task(s)` };
  },
};

export class ProgressPanel implements SparkListener {
  private readonly jobs = new Map<number, Tracked>();

  constructor(
    private readonly out: ProgressOutput,
    private readonly renderers: ProgressRenderers = plainRenderers,
    private readonly enabled: () => boolean = () => true,
  ) {}

  onEvent(e: ListenerEvent): void {
    switch (e.type) {
      case "jobStart": {
        // A streaming query's batch jobs (job group "streaming:<runId>") show in the query's own live panel.
        if (!this.enabled() || e.job.jobGroup?.startsWith("streaming:")) return;
        const t: Tracked = { job: e.job, stages: new Map(e.stages.map((s) => [s.stageId, s])), tasks: new Map(), displayId: `bdw-progress-${randomUUID()}`, lastRender: 0 };
        this.jobs.set(e.job.jobId, t);
        this.render(t, false);
        break;
      }
      case "stageSubmitted":
      case "stageCompleted":
        for (const t of this.jobs.values()) {
          if (t.job.stageIds.includes(e.stage.stageId) || t.stages.has(e.stage.stageId)) { t.stages.set(e.stage.stageId, e.stage); this.schedule(t); }
        }
        break;
      case "taskStart":
      case "taskEnd": {
        const t = this.jobs.get(e.task.jobId);
        if (!t) return;
        const prev = t.tasks.get(e.task.taskId);
        t.tasks.set(e.task.taskId, e.task);
        const s = t.stages.get(e.task.stageId);
        if (s) t.stages.set(s.stageId, countTask(s, prev, e.task));
        this.schedule(t);
        break;
      }
      case "jobEnd": {
        const t = this.jobs.get(e.job.jobId);
        if (!t) return;
        clearTimeout(t.timer);
        this.jobs.delete(e.job.jobId);
        t.job = e.job;
        const stages = [...t.stages.values()].map((s) => (s.status === "PENDING" && e.job.status === "SUCCEEDED" ? { ...s, status: "SKIPPED" as const } : s));
        const data = safe(() => this.renderers.renderJobSummary(e.job, stages, [...t.tasks.values()]));
        if (data) this.out.show({ data, metadata: {} }, t.displayId, true);
        break;
      }
      default:
        break;
    }
  }

  private schedule(t: Tracked): void {
    if (t.timer) return;
    const wait = Math.max(0, t.lastRender + MIN_UPDATE_INTERVAL_MS - Date.now());
    t.timer = setTimeout(() => { t.timer = undefined; if (this.jobs.has(t.job.jobId)) this.render(t, true); }, wait);
    t.timer.unref?.();
  }

  private render(t: Tracked, update: boolean): void {
    t.lastRender = Date.now();
    const data = safe(() => this.renderers.renderProgress(t.job, [...t.stages.values()]));
    if (data) this.out.show({ data, metadata: {} }, t.displayId, update);
  }
}

/** Keeps a stage's task counters current from task events (stage events only come at the ends). */
function countTask(s: StageInfo, prev: TaskInfo | undefined, task: TaskInfo): StageInfo {
  const n = { ...s };
  if (prev?.status === "RUNNING") n.numActiveTasks = Math.max(0, n.numActiveTasks - 1);
  if (task.status === "RUNNING") n.numActiveTasks += 1;
  else if (task.status === "SUCCESS") n.numCompletedTasks = Math.min(n.numTasks, n.numCompletedTasks + 1);
  else if (task.status === "FAILED" || task.status === "KILLED") n.numFailedTasks += 1;
  if (n.status === "PENDING") n.status = "ACTIVE";
  return n;
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
