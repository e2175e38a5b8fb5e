// Live progress of a remote action: Spark Connect's ExecutionProgress messages (stages with their
// task counts, sent while a query runs) as the same listener events the embedded scheduler posts,
// so the kernel's progress panel shows a remote job as it shows an embedded one. The job is the
// action ("collect at <cell 3>:2"); its stages are the server's stage ids. Tasks are counted, not
// listed: Spark Connect does not report them one by one.

import type { JobInfo, StageInfo } from "../common/job-info";
import { ListenerBus } from "../scheduler/listener-bus";
import type { ExecutePlanResponse } from "./gen/spark/connect/base_pb";

export class RemoteProgress {
  readonly bus = new ListenerBus();
  private nextJobId = 0;

  /** A job for one action; feed it the stream's responses, then end it. */
  start(description: string): RemoteJob {
    return new RemoteJob(this.bus, this.nextJobId++, description);
  }
}

export class RemoteJob {
  private readonly job: JobInfo;
  private readonly stages = new Map<number, StageInfo>();

  constructor(private readonly bus: ListenerBus, jobId: number, description: string) {
    this.job = { jobId, status: "RUNNING", stageIds: [], description, submissionTime: Date.now() };
    bus.post({ type: "jobStart", time: Date.now(), job: this.job, stages: [] });
  }

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
      if (!prev) {
        this.job.stageIds.push(id);
        this.bus.post({ type: "stageSubmitted", time: now, stage });
      }
      if (s.done && prev?.status !== "COMPLETE") this.bus.post({ type: "stageCompleted", time: now, stage });
      else if (!s.done) this.bus.post({ type: "stageSubmitted", time: now, stage });
    }
  }

  end(error?: unknown): void {
    this.job.status = error ? "FAILED" : "SUCCEEDED";
    this.job.completionTime = Date.now();
    if (error) this.job.error = String((error as Error).message ?? error);
    this.bus.post({ type: "jobEnd", time: Date.now(), job: { ...this.job } });
  }
}
