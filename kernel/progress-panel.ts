// Live job progress under the running cell: a SparkListener that shows a panel when a job starts,
// updates it in place (same display id, at most ~10 updates a second) as stages and tasks move,
// and turns it into the job's summary when the job ends. Rendering is engine/viz's.
// Jobs the kernel runs for one user action (displaying a DataFrame runs a collect and a count;
// a sort adds a sampling job) share one panel: openGroup(label) ... close, and every job started
// meanwhile is shown in the group's panel as one job with all their stages and tasks.

import { randomUUID } from "node:crypto";
import type { JobInfo, ListenerEvent, SparkListener, StageInfo, TaskInfo } from "../engine/index";
import type { DisplayContent, MimeBundle } from "./display";

export interface ProgressRenderers {
  renderProgress(job: JobInfo, stages: StageInfo[], opts?: { now?: number; activeJobIds?: number[] }): MimeBundle;
  renderJobSummary(job: JobInfo, stages: StageInfo[], tasks: TaskInfo[], opts?: { now?: number }): MimeBundle;
}

export interface ProgressOutput {
  show(content: DisplayContent, displayId: string, update: boolean): void;
}

interface Group {
  label?: string;
  displayId: string;
  members: Tracked[];
}

interface Tracked {
  job: JobInfo;
  group?: Group;
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
  private group?: Group;

  /** Jobs started until the returned close() share one panel, labelled `label` when given. */
  openGroup(label?: string): () => void {
    const g: Group = { label, displayId: `bdw-progress-${randomUUID()}`, members: [] };
    const outer = this.group;
    this.group = g;
    return () => { if (this.group === g) this.group = outer; };
  }

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
        const g = this.group;
        const t: Tracked = { job: e.job, group: g, stages: new Map(e.stages.map((s) => [s.stageId, s])), tasks: new Map(), displayId: g?.displayId ?? `bdw-progress-${randomUUID()}`, lastRender: 0 };
        g?.members.push(t);
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
        t.stages = new Map([...t.stages].map(([id, s]) => [id, s.status === "PENDING" && e.job.status === "SUCCEEDED" ? { ...s, status: "SKIPPED" as const } : s]));
        // A group's panel turns into its summary when its last running job ends.
        if (t.group?.members.some((m) => this.jobs.has(m.job.jobId))) { this.render(t, true); break; }
        const v = view(t);
        const data = safe(() => this.renderers.renderJobSummary(v.job, v.stages, v.tasks));
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
    // The first job of a group creates its panel; later ones update it.
    const shown = t.group ? t.group.members[0] !== t || update : update;
    const v = view(t);
    const activeJobIds = (t.group?.members ?? [t]).filter((m) => this.jobs.has(m.job.jobId)).map((m) => m.job.jobId);
    const data = safe(() => this.renderers.renderProgress(v.job, v.stages, { activeJobIds }));
    if (data) this.out.show({ data, metadata: {} }, t.displayId, shown);
  }
}

/** What a panel shows: one job, or its group's jobs as one (their stages and tasks together). */
function view(t: Tracked): { job: JobInfo; stages: StageInfo[]; tasks: TaskInfo[] } {
  const g = t.group;
  if (!g || g.members.length === 1) {
    const job = g?.label ? { ...t.job, description: g.label } : t.job;
    return { job, stages: [...t.stages.values()], tasks: [...t.tasks.values()] };
  }
  const ms = g.members;
  const stages = new Map<number, StageInfo>();
  for (const m of ms) for (const [id, s] of m.stages) stages.set(id, s);
  const statuses = ms.map((m) => m.job.status);
  const status = statuses.includes("RUNNING") ? "RUNNING" : statuses.includes("FAILED") ? "FAILED" : statuses.find((s) => s !== "SUCCEEDED") ?? "SUCCEEDED";
  const ends = ms.map((m) => m.job.completionTime);
  const job: JobInfo = {
    ...ms[ms.length - 1]!.job,
    jobId: ms[0]!.job.jobId,
    status,
    description: g.label ?? ms[0]!.job.description,
    stageIds: [...stages.keys()],
    submissionTime: Math.min(...ms.map((m) => m.job.submissionTime)),
    completionTime: ends.every((x) => x !== undefined) ? Math.max(...(ends as number[])) : undefined,
    error: ms.map((m) => m.job.error).find((x) => x),
  };
  return { job, stages: [...stages.values()], tasks: ms.flatMap((m) => [...m.tasks.values()].map((x) => ({ ...x, jobId: job.jobId }))) };
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
