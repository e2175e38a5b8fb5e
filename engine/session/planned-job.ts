// Predict, then compare (lecture 6's DAG questions as an experiment): `await spark.plan(x)` draws
// the job an action on x would run now (its stages, shuffles and the stages the scheduler would
// skip) before anything runs; after the action, `planned.compare()` draws the prediction beside the
// real run with the differences marked. `compare(runA, runB)` puts two real runs side by side.

import type { JobPreview } from "../scheduler/job-preview";
import type { JobDag } from "../scheduler/job-info";
import { jobSummary, matchStages, predictionCounts, renderPrediction, renderPredictionCheck, renderRunComparison, type MimeBundle, type RunRecord, type StageMatch } from "../viz";
import { displayable, type JobHandle, type Shown } from "./job-handle";

/** What a finished (or running) job looks like to the comparison views. */
export function runRecord(job: JobHandle, label?: string): RunRecord {
  const info = job.info();
  const tasks = job.tasks();
  const tasksRun: Record<number, number> = {};
  for (const t of tasks) if (t.status === "SUCCESS") tasksRun[t.stageId] = (tasksRun[t.stageId] ?? 0) + 1;
  return { label: label ?? `job ${info.jobId}`, dag: job.dag(), summary: jobSummary(info, job.stages(), tasks), tasksRun };
}

export class PlannedJob {
  readonly dag: JobDag;
  readonly tasksToRun: Record<number, number>;

  constructor(preview: JobPreview, private readonly lastJob: () => JobHandle | undefined) {
    this.dag = preview.dag;
    this.tasksToRun = preview.tasksToRun;
  }

  /** Stages, how many will run or be skipped, tasks to run, shuffles. */
  get counts(): { stages: number; toRun: number; skipped: number; tasks: number; shuffles: number } {
    return predictionCounts(this);
  }

  /**
   * The prediction beside a real run (by default the session's last job), stage by stage (both
   * DAGs list parents first): which predicted stages ran, were skipped, or ran other task counts.
   */
  compare(run?: JobHandle, label?: string): Shown<{ matches: StageMatch[]; held: boolean }> {
    const job = run ?? this.lastJob();
    if (!job) throw new Error("compare(): no job has run yet; run the action first, then compare.");
    const record = runRecord(job, label);
    const matches = matchStages(this, record);
    return displayable({ matches, held: matches.every((m) => !m.difference) }, () => renderPredictionCheck(this, record));
  }

  _repr_mimebundle_(): MimeBundle {
    return renderPrediction(this);
  }

  toString(): string {
    const c = this.counts;
    return `PlannedJob(${this.dag.description}: ${c.toRun} stages to run, ${c.skipped} skipped, ${c.tasks} tasks)`;
  }
}

/** Two runs side by side: DAGs, stages, tasks, shuffle bytes, records and time (B relative to A). */
export function compare(a: JobHandle, b: JobHandle, labels: [string, string] = ["A", "B"]): Shown<{ a: RunRecord["summary"]; b: RunRecord["summary"] }> {
  const ra = runRecord(a, labels[0]), rb = runRecord(b, labels[1]);
  return displayable({ a: ra.summary, b: rb.summary }, () => renderRunComparison(ra, rb));
}
