// Live progress of a remote action: Spark Connect's ExecutionProgress messages (stages with their
// task counts, sent while a query runs) as the same listener events the embedded scheduler posts,
// so the kernel's progress panel shows a remote job as it shows an embedded one. The job is the
// action ("collect at <cell 3>:2"); its stages are the server's stage ids. Tasks are counted, not
// listed: Spark Connect does not report them one by one. The records of the last jobs are kept in
// the JobTracker's shape, so spark.lastJob() on a remote session shows what the server reported.

import type { JobInfo, StageInfo } from "../common/job-info";
import { ListenerBus } from "../scheduler/listener-bus";
import type { JobRecord } from "../scheduler/job-tracker";
import type { ExecutePlanResponse } from "./gen/spark/connect/base_pb";

const RETAINED_JOBS = 100;

export class RemoteProgress {
  readonly bus = new ListenerBus();
  /** The last jobs and their stages, as the embedded JobTracker keeps them (no tasks, no RDDs). */
  readonly jobs = new Map<number, JobRecord>();
  readonly stages = new Map<number, StageInfo>();
  lastJobId: number | undefined;
  private nextJobId = 0;

  /** A job for one action; feed it the stream's responses, then end it. */
  start(description: string): RemoteJob {
    const job = new RemoteJob(this.bus, this.nextJobId++, description, this);
    this.lastJobId = job.record.info.jobId;
    this.jobs.set(this.lastJobId, job.record);
    if (this.jobs.size > RETAINED_JOBS) {
      const [oldest, old] = this.jobs.entries().next().value!;
      this.jobs.delete(oldest);
      for (const sid of old.stageIds) this.stages.delete(sid);
    }
    return job;
  }
}

export class RemoteJob {
  readonly record: JobRecord;
  private readonly job: JobInfo;
  private readonly stages = new Map<number, StageInfo>();

  constructor(private readonly bus: ListenerBus, jobId: number, description: string, private readonly progress?: RemoteProgress) {
    this.job = { jobId, status: "RUNNING", stageIds: [], description, submissionTime: Date.now() };
    this.record = { info: this.job, stageIds: this.job.stageIds, tasks: [], dag: { jobId, description, status: "RUNNING", stages: [], rdds: [], edges: [] }, events: [] };
    bus.post({ type: "jobStart", time: Date.now(), job: this.job, stages: [] });
  }

  /** @internal Feeds one ExecutePlan response (the client's protocol type) to the job. */
  onResponse(r: ExecutePlanResponse): void {
    if (r.responseType.case !== "executionProgress") return;
    const p = r.responseType.value;
    const now = Date.now();
    let inflight = Number(p.numInflightTasks);
    for (const s of p.stages) {
      const id = Number(s.stageId);
      const numTasks = Number(s.numTasks), done = Number(s.numCompletedTasks);
      const active = s.done ? 0 : Math.min(inflight, numTasks - done);
      inflight -= active;
      const prev = this.stages.get(id);
      const stage: StageInfo = {
        stageId: id, attemptId: 0, name: `stage ${id} on the server`, kind: "ResultStage",
        numTasks, numActiveTasks: active, numCompletedTasks: done, numFailedTasks: 0,
        status: s.done ? "COMPLETE" : "ACTIVE", rddIds: [], parentIds: [],
        submissionTime: prev?.submissionTime ?? now, completionTime: s.done ? prev?.completionTime ?? now : undefined,
      };
      this.stages.set(id, stage);
      this.progress?.stages.set(id, stage);
      const dagStage = { stageId: id, name: stage.name, kind: stage.kind, rddIds: [], parentStageIds: [], status: stage.status, skipped: false, numTasks };
      const at = this.record.dag.stages.findIndex((x) => x.stageId === id);
      if (at >= 0) this.record.dag.stages[at] = dagStage; else this.record.dag.stages.push(dagStage);
      if (!prev) {
        this.job.stageIds.push(id);
        this.bus.post({ type: "stageSubmitted", time: now, stage });
      }
      if (s.done && prev?.status !== "COMPLETE") this.bus.post({ type: "stageCompleted", time: now, stage });
      else if (!s.done) this.bus.post({ type: "stageSubmitted", time: now, stage });
    }
  }

  end(error?: unknown): void {
    // The last progress message may predate a stage's end: the action's outcome settles the rest.
    const now = Date.now();
    for (const [id, st] of this.stages) {
      if (st.status !== "ACTIVE") continue;
      const settled: StageInfo = error
        ? { ...st, status: "FAILED", numActiveTasks: 0, completionTime: now }
        : { ...st, status: "COMPLETE", numActiveTasks: 0, numCompletedTasks: st.numTasks, completionTime: now };
      this.stages.set(id, settled);
      this.progress?.stages.set(id, settled);
      const d = this.record.dag.stages.find((x) => x.stageId === id);
      if (d) d.status = settled.status;
      this.bus.post({ type: "stageCompleted", time: now, stage: settled });
    }
    this.job.status = error ? "FAILED" : "SUCCEEDED";
    this.job.completionTime = Date.now();
    if (error) this.job.error = String((error as Error).message ?? error);
    this.record.dag.status = this.job.status;
    this.bus.post({ type: "jobEnd", time: Date.now(), job: { ...this.job } });
  }
}
