// The DAG scheduler: one event loop over a closed union of events. It turns a job into stages
// at shuffle boundaries, submits a stage once its parents' map outputs exist (skipping stages
// whose outputs already exist), hands tasks to free executor slots (preferring slots that cache
// the partition), retries failed tasks, resubmits parent stages after fetch failures or worker
// loss, and resolves or rejects the job. Socket handlers only post events.

import { rddBlockPrefix } from "../storage/block-ids";
import { isExecutorOf } from "./executor-ids";
import { decode, encode } from "../common/codec";
import { ExecutionError, WorkbenchError, assertNever, isDeterministicFailure } from "../common/errors";
import { NarrowDependency, ShuffleDependency, shuffleWriteSpec, stageRdds, stageSpecs, stageShuffleReads, type RDD } from "../rdd";
import type { ShuffleReadPlan, TaskEndMessage } from "../rpc/protocol";
import type { RegisteredWorker } from "../cluster/driver-endpoint";
import { emptyTaskMetrics, type JobInfo, type TaskMetrics, type WorkerInfo } from "./job-info";
import { ListenerBus } from "./listener-bus";
import { JobTracker, allStages } from "./job-tracker";
import { MapOutputTracker } from "./map-output-tracker";
import { ResultStage, ShuffleMapStage, type MapOutput, type Stage } from "./stage";
import type { StagePayload } from "../executor";
import type { Accumulator } from "./shared-variables";
import { SchedulerState, type SchedulerCore } from "./scheduler-state";
import {
  MAX_TASK_FAILURES, type ActiveJob, type JobRequest, type RunningTask, type SchedulerBackend, type SchedulerEvent,
} from "./scheduler-types";
import { completeCheckpoints, missingParents, preferredExecutors } from "./lineage";
import { previewJob, type JobPreview } from "./job-preview";
import { abortStage, fetchFailed, onWorkerLost } from "./fault-recovery";
import { DEFAULT_PREFETCH, activeJobFor, applyCacheChanges, offer, releaseSlot, smallShuffleInput } from "./task-placement";

export { MAX_TASK_FAILURES, type JobRequest, type SchedulerBackend } from "./scheduler-types";
export { userFrames } from "./fault-recovery";

export class DAGScheduler implements SchedulerCore {
  readonly bus = new ListenerBus();
  readonly tracker = new JobTracker();
  readonly outputs = new MapOutputTracker();
  /** The event loop's tables (scheduler-state.ts); fault-recovery.ts and task-placement.ts work on them. */
  readonly state = new SchedulerState();

  private nextJobId = 0;
  private nextStageId = 0;
  private readonly queue: SchedulerEvent[] = [];
  private processing = false;

  constructor(
    /** @internal */ readonly backend: SchedulerBackend,
    private readonly opts: {
      checkpointDir?: () => string | undefined; localityWaitMs?: number; maxTaskFailures?: number;
      /** spark.workbench.scheduler.prefetch: the most tasks of a short-task stage sent ahead to a busy slot (default 16; 0 = off). */
      prefetch?: number;
      /** spark.driver.maxResultSize in bytes; 0 means unlimited. */
      maxResultSize?: number;
      /** When a worker last spoke; the driver endpoint owns heartbeat time. */
      lastHeartbeat?: (workerId: string) => number | undefined;
      /** A worker process's resident memory as its heartbeats report it. */
      memoryBytes?: (workerId: string) => number | undefined;
      /** Keeps the driver's process alive while a job runs; returns the release. */
      hold?: () => () => void;
    } = {},
  ) {
    this.bus.add({ onEvent: (e) => this.tracker.record(e) });
  }

  /** @internal */ get localityWaitMs(): number {
    return this.opts.localityWaitMs ?? 3000;
  }
  /** @internal */ get prefetch(): number {
    return this.opts.prefetch ?? DEFAULT_PREFETCH;
  }
  /** @internal */ get checkpointDir(): string | undefined {
    return this.opts.checkpointDir?.();
  }
  /** @internal */ get maxTaskFailures(): number {
    return this.opts.maxTaskFailures ?? MAX_TASK_FAILURES;
  }

  // ---- public entry points (they only post events) -------------------------------------

  submitJob(req: JobRequest): Promise<unknown[]> {
    const job = this.submit(req);
    const release = this.opts.hold?.();
    return release ? job.finally(release) : job;
  }

  private submit(req: JobRequest): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const jobId = this.nextJobId++;
      let finalStage: ResultStage;
      try {
        finalStage = this.newResultStage(req, jobId);
      } catch (e) {
        reject(e as Error);
        return;
      }
      this.post({ type: "JobSubmitted", job: { jobId, req, finalStage, results: new Array(req.partitions.length), numFinished: 0, resolve, reject } });
    });
  }

  workerAdded(w: RegisteredWorker): void { this.post({ type: "WorkerAdded", worker: w }); }
  taskEnded(workerId: string, msg: TaskEndMessage): void { this.post({ type: "TaskEnded", workerId, msg }); }
  workerLost(workerId: string, reason: string): void { this.post({ type: "WorkerLost", workerId, reason }); }
  cancelJob(jobId: number, reason = "as requested"): void { this.post({ type: "JobCancelled", jobId, reason }); }
  cancelJobGroup(group: string): void { this.post({ type: "JobGroupCancelled", group }); }
  cancelAllJobs(): void { this.post({ type: "AllJobsCancelled" }); }

  /** Sizes of the job-scoped tables (all zero when idle): for tests. */
  internalTableSizes(): Record<string, number> {
    return {
      jobs: this.state.jobs.size, stages: this.state.stages.size, shuffleStages: this.state.shuffleStages.size, waiting: this.state.waiting.size,
      running: this.state.running.size, failed: this.state.failed.size, pending: this.state.pending.length, runningTasks: this.state.runningTasks.size,
      failures: this.state.failures.size, stageTimes: this.state.stageTimes.size, zombies: this.state.zombies.size,
    };
  }

  workerInfos(): WorkerInfo[] {
    return [...this.state.workers.values()].map((w) => ({
      id: w.info.workerId, pid: w.info.pid, host: w.info.host, state: "ALIVE" as const, slots: w.info.slots, freeSlots: w.free.size,
      shuffleAddress: w.info.shuffleAddress, lastHeartbeat: this.opts.lastHeartbeat?.(w.info.workerId) ?? w.registeredAt,
      cachedBlocks: [...this.state.cacheLocs.values()].filter((s) => [...s].some((e) => isExecutorOf(e, w.info.workerId))).length,
      ...memoryOf(this.opts.memoryBytes?.(w.info.workerId)),
    }));
  }

  get totalSlots(): number {
    let n = 0;
    for (const w of this.state.workers.values()) n += w.info.slots;
    return n;
  }

  /** Executors caching each partition of an RDD (for renderers and tests). */
  cachedPartitions(rddId: number): Map<number, string[]> {
    const out = new Map<number, string[]>();
    const prefix = rddBlockPrefix(rddId);
    for (const [b, s] of this.state.cacheLocs) if (b.startsWith(prefix) && s.size) out.set(Number(b.slice(prefix.length)), [...s]);
    return out;
  }

  // SparkContext's changes to the state the scheduler ships with tasks, as events of the loop.
  /** A new broadcast's encoded value (sent to each executor with its first task that needs it). */
  broadcastAdded(id: number, value: Uint8Array): void { this.post({ type: "BroadcastAdded", id, value }); }
  /** A broadcast unpersisted or destroyed: executors that hold it are sent it again if used. */
  broadcastRemoved(id: number): void { this.post({ type: "BroadcastRemoved", id }); }
  /** An accumulator whose partial values successful tasks merge into. */
  accumulatorAdded(accumulator: Accumulator<unknown>): void { this.post({ type: "AccumulatorAdded", accumulator }); }
  /** An RDD unpersisted: its cached blocks are no longer where tasks should run. */
  rddUnpersisted(rddId: number): void { this.post({ type: "RddUnpersisted", rddId }); }

  private forgetRdd(rddId: number): void {
    const prefix = rddBlockPrefix(rddId);
    for (const b of [...this.state.cacheLocs.keys()]) if (b.startsWith(prefix)) this.state.cacheLocs.delete(b);
  }

  private forgetBroadcast(id: number): void {
    this.state.broadcasts.delete(id);
    for (const s of this.state.sentBroadcasts.values()) s.delete(id);
  }

  // ---- the loop --------------------------------------------------------------------------

  /** @internal */ post(e: SchedulerEvent): void {
    this.queue.push(e);
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length) {
        const ev = this.queue.shift()!;
        try {
          this.handle(ev);
        } catch (err) {
          console.error("[bigdata] scheduler error", err);
          // A bug must not wedge running jobs: fail them all with the internal error.
          for (const job of [...this.state.jobs.values()]) this.failJob(job, err as Error);
        }
      }
      offer(this);
    } finally {
      this.processing = false;
    }
  }

  private handle(e: SchedulerEvent): void {
    switch (e.type) {
      case "JobSubmitted": return this.onJobSubmitted(e.job);
      case "TaskEnded": return this.onTaskEnded(e.workerId, e.msg);
      case "WorkerAdded": return this.onWorkerAdded(e.worker);
      case "WorkerLost": return onWorkerLost(this, e.workerId, e.reason);
      case "JobCancelled": {
        const job = this.state.jobs.get(e.jobId);
        if (job) this.failJob(job, new ExecutionError("JOB_CANCELLED", `Job ${e.jobId} cancelled ${e.reason}`, { context: { jobId: e.jobId } }));
        return;
      }
      case "JobGroupCancelled":
        for (const job of [...this.state.jobs.values()]) {
          if (job.req.group === e.group) this.failJob(job, new ExecutionError("JOB_CANCELLED", `Job ${job.jobId} cancelled part of cancelled job group ${e.group}`, { context: { jobId: job.jobId } }));
        }
        return;
      case "AllJobsCancelled":
        for (const job of [...this.state.jobs.values()]) this.failJob(job, new ExecutionError("JOB_CANCELLED", `Job ${job.jobId} cancelled as part of cancellation of all jobs`, { context: { jobId: job.jobId } }));
        return;
      case "Revive":
        this.state.reviveTimer = undefined;
        return; // offer() runs after every event
      case "ResubmitFailedStages": {
        this.state.resubmitTimer = undefined;
        const list = [...this.state.failed].sort((a, b) => a.firstJobId - b.firstJobId);
        this.state.failed.clear();
        for (const s of list) if (this.state.stages.has(s.id)) this.submitStage(s);
        return;
      }
      case "BroadcastAdded":
        this.state.broadcasts.set(e.id, e.value);
        return;
      case "BroadcastRemoved": return this.forgetBroadcast(e.id);
      case "AccumulatorAdded":
        this.state.accumulators.set(e.accumulator.id, e.accumulator);
        return;
      case "RddUnpersisted": return this.forgetRdd(e.rddId);
      default:
        return assertNever(e);
    }
  }

  /** The stages an action on `rdd` would run now, without running it (engine/scheduler/job-preview.ts). */
  previewJob(rdd: RDD<unknown>, partitions: number[], callSite: string): JobPreview {
    return previewJob(rdd, partitions, callSite, { nextStageId: this.nextStageId, shuffleStages: this.state.shuffleStages, cacheLocs: this.state.cacheLocs, outputs: this.outputs });
  }

  // ---- stage construction ------------------------------------------------------------------

  private newResultStage(req: JobRequest, jobId: number): ResultStage {
    const parents = this.parentStages(req.rdd, jobId);
    const stage = new ResultStage(this.nextStageId++, req.rdd, req.partitions, parents, jobId, req.callSite);
    return stage;
  }

  private parentStages(rdd: RDD<unknown>, jobId: number): Stage[] {
    return stageShuffleReads(rdd).map((d) => this.shuffleMapStage(d, jobId));
  }

  private shuffleMapStage(dep: ShuffleDependency, jobId: number): ShuffleMapStage {
    const existing = this.state.shuffleStages.get(dep.shuffleId);
    if (existing) return existing;
    const parents = this.parentStages(dep.rdd, jobId);
    const stage = new ShuffleMapStage(this.nextStageId++, dep.rdd, parents, jobId, dep.rdd.callSite, dep,
      this.outputs.outputs(dep.shuffleId, dep.rdd.getNumPartitions()));
    this.state.shuffleStages.set(dep.shuffleId, stage);
    return stage;
  }

  // ---- job lifecycle -----------------------------------------------------------------------

  private onJobSubmitted(job: ActiveJob): void {
    const stages = allStages(job.finalStage);
    for (const s of stages) {
      s.jobIds.add(job.jobId);
      this.state.stages.set(s.id, s);
    }
    this.state.jobs.set(job.jobId, job);
    const info: JobInfo = {
      jobId: job.jobId, status: "RUNNING", stageIds: stages.map((s) => s.id), description: job.req.callSite,
      jobGroup: job.req.group, submissionTime: Date.now(),
    };
    this.tracker.startJob(info, job.finalStage);
    const stageInfos = stages.map((s) => this.tracker.setStage(s.info("PENDING", { active: 0, completed: 0, failed: 0 }, {}), stageRdds(s.rdd).map((r) => r.id)));
    this.bus.post({ type: "jobStart", time: Date.now(), job: info, stages: stageInfos, ...(job.req.properties ? { properties: job.req.properties } : {}) });
    if (job.req.partitions.length === 0) {
      this.finishJob(job);
      return;
    }
    this.submitStage(job.finalStage);
  }

  private submitStage(stage: Stage): void {
    if (this.state.waiting.has(stage) || this.state.running.has(stage) || this.state.failed.has(stage)) return;
    const missing = missingParents(stage, this.state.shuffleStages, this.state.cacheLocs);
    if (missing.length === 0) {
      this.submitMissingTasks(stage);
      return;
    }
    for (const p of missing) this.submitStage(p);
    this.state.waiting.add(stage);
  }

  private submitMissingTasks(stage: Stage): void {
    const job = activeJobFor(this.state.jobs, stage);
    if (!job) return;
    const parts = stage.findMissingPartitions();
    stage.attempt++;
    stage.pending.clear();
    const reads: ShuffleReadPlan[] = stageShuffleReads(stage.rdd).map((d) => ({
      shuffleId: d.shuffleId,
      outputs: this.outputs.outputs(d.shuffleId, d.rdd.getNumPartitions()).filter((o): o is MapOutput => !!o)
        .map((o) => ({ mapId: o.mapId, address: o.address, workerId: o.workerId, size: o.sizes })),
    }));
    const payload: StagePayload = {
      key: `${stage.id}.${stage.attempt}`,
      kind: stage instanceof ResultStage ? "result" : "shuffleMap",
      rdds: stageSpecs(stage.rdd),
      rootId: stage.rdd.id,
      resultFn: stage instanceof ResultStage ? this.state.jobs.get(stage.jobId)!.req.resultFn : undefined,
      shuffleWrite: stage instanceof ShuffleMapStage ? shuffleWriteSpec(stage.dep) : undefined,
      shuffleReads: reads,
    };
    stage.payload = encode(payload);
    stage.payloadKey = payload.key;
    this.state.running.add(stage);
    this.state.stageTimes.set(stage.id, { submission: Date.now(), active: 0, completed: 0, failed: 0, smallInput: smallShuffleInput(stage.rdd, reads) });
    const info = this.tracker.setStage(this.stageInfo(stage, "ACTIVE"), stageRdds(stage.rdd).map((r) => r.id));
    this.bus.post({ type: "stageSubmitted", time: Date.now(), stage: info });
    for (const outputIndex of parts) {
      const partition = stage instanceof ResultStage ? stage.partitions[outputIndex]! : outputIndex;
      stage.pending.add(outputIndex);
      this.state.pending.push({
        taskId: this.state.nextTaskId++, stage, stageAttempt: stage.attempt, partition, outputIndex,
        attempt: this.state.failures.get(`${stage.id}:${outputIndex}`) ?? 0, preferred: preferredExecutors(stage.rdd, partition, this.state.cacheLocs),
      });
    }
    if (parts.length === 0) this.stageFinished(stage);
  }

  private stageInfo(stage: Stage, status: "PENDING" | "ACTIVE" | "COMPLETE" | "FAILED" | "SKIPPED", failureReason?: string) {
    const t = this.state.stageTimes.get(stage.id) ?? { active: 0, completed: 0, failed: 0 };
    return stage.info(status, t, t, failureReason);
  }

  // ---- task completion -----------------------------------------------------------------------

  private onTaskEnded(workerId: string, msg: TaskEndMessage): void {
    const w = this.state.workers.get(workerId);
    const task = this.state.runningTasks.get(msg.taskId);
    const zombie = this.state.zombies.get(msg.taskId);
    applyCacheChanges(this.state.cacheLocs, workerId, task?.slot ?? zombie?.slot ?? 0, msg);
    if (!task) {
      if (zombie) {
        this.state.zombies.delete(msg.taskId);
        const zw = this.state.workers.get(zombie.workerId);
        if (zw) releaseSlot(zw, zombie.slot);
      }
      return;
    }
    this.state.runningTasks.delete(msg.taskId);
    if (w) releaseSlot(w, task.slot);
    const stage = task.stage;
    const times = this.state.stageTimes.get(stage.id);
    if (times) times.active = Math.max(0, times.active - 1);
    const metrics = { ...emptyTaskMetrics(), ...(msg.metrics as Partial<TaskMetrics>) } as TaskMetrics;
    Object.assign(task.info, {
      finishTime: Date.now(), metrics,
      status: msg.status === "success" ? "SUCCESS" : msg.status === "killed" ? "KILLED" : "FAILED",
      error: msg.error ? `${msg.error.name}: ${msg.error.message}` : undefined,
    });
    const reason = msg.status === "success" ? "Success" : msg.status === "fetchFailed" ? "FetchFailed" : msg.status === "killed" ? "TaskKilled" : "ExceptionFailure";
    this.bus.post({ type: "taskEnd", time: Date.now(), task: { ...task.info }, reason });
    if (!this.state.stages.has(stage.id)) return; // its jobs are gone (cancelled or failed)

    switch (msg.status) {
      case "success": {
        if (times) {
          times.completed++;
          times.taskMs = (times.taskMs ?? 0) + metrics.durationMs;
        }
        for (const a of msg.accumulators) this.state.accumulators.get(a.id)?.merge(a.value);
        if (stage instanceof ResultStage) this.resultTaskDone(stage, task, msg.result!);
        else this.mapTaskDone(stage as ShuffleMapStage, task, workerId, msg.result!);
        return;
      }
      case "killed":
        return;
      case "fetchFailed":
        if (times) times.failed++;
        return fetchFailed(this, stage, task, msg);
      case "failed": {
        if (times) times.failed++;
        const key = `${stage.id}:${task.outputIndex}`;
        const n = (this.state.failures.get(key) ?? 0) + 1;
        this.state.failures.set(key, n);
        // A failure that cannot go away on a retry (a result over the frame cap, a shuffle peer
        // refusing our secret) aborts at once instead of burning the remaining attempts.
        if (n >= this.maxTaskFailures || isDeterministicFailure(msg.error)) abortStage(this, stage, task, workerId, msg.error!, n);
        else this.state.pending.push({ ...task, taskId: this.state.nextTaskId++, attempt: n });
        return;
      }
    }
  }

  private resultTaskDone(stage: ResultStage, task: RunningTask, result: Uint8Array): void {
    const job = this.state.jobs.get(stage.jobId);
    if (!job || stage.finished[task.outputIndex]) return;
    const limit = this.opts.maxResultSize ?? 0;
    job.resultBytes = (job.resultBytes ?? 0) + result.byteLength;
    if (limit > 0 && job.resultBytes > limit) {
      // Spark's TaskSetManager check: fail before holding (or decoding) more than the limit.
      const mib = (b: number) => `${(b / (1024 * 1024)).toFixed(1)} MiB`;
      const msg = `Job aborted due to stage failure: Total size of serialized results of ${job.numFinished + 1} tasks (${mib(job.resultBytes)}) is bigger than spark.driver.maxResultSize (${mib(limit)})`;
      if (this.state.running.has(stage)) this.stageFinished(stage, msg);
      this.failJob(job, new ExecutionError("MAX_RESULT_SIZE_EXCEEDED", msg, {
        parameters: { resultBytes: job.resultBytes, maxResultSize: limit },
        context: { jobId: job.jobId, stageId: stage.id, partition: task.partition },
      }));
      return;
    }
    stage.finished[task.outputIndex] = true;
    stage.pending.delete(task.outputIndex);
    const value = decode(result);
    job.results[task.outputIndex] = value;
    job.numFinished++;
    try {
      job.req.onPartition?.(task.outputIndex, value);
    } catch (e) {
      this.failJob(job, e as Error);
      return;
    }
    if (job.numFinished === job.req.partitions.length) {
      this.stageFinished(stage);
      this.finishJob(job);
    }
  }

  private mapTaskDone(stage: ShuffleMapStage, task: RunningTask, workerId: string, result: Uint8Array): void {
    const status = decode<Pick<MapOutput, "sizes" | "records" | "samples">>(result);
    const w = this.state.workers.get(workerId);
    if (w) this.outputs.register(stage.dep.shuffleId, { mapId: task.partition, workerId, address: w.info.shuffleAddress, sizes: status.sizes, records: status.records, ...(status.samples ? { samples: status.samples } : {}) });
    if (task.stageAttempt === stage.attempt) stage.pending.delete(task.partition);
    if (this.state.running.has(stage) && stage.pending.size === 0) {
      this.stageFinished(stage);
      if (!stage.isAvailable) {
        // Some outputs were lost while the stage ran (a worker died): run the missing ones.
        this.submitStage(stage);
        return;
      }
      for (const child of [...this.state.waiting]) {
        if (missingParents(child, this.state.shuffleStages, this.state.cacheLocs).length === 0) {
          this.state.waiting.delete(child);
          this.submitStage(child);
        }
      }
    }
  }

  /** @internal */ stageFinished(stage: Stage, failureReason?: string): void {
    this.state.running.delete(stage);
    const t = this.state.stageTimes.get(stage.id);
    if (t) t.completion = Date.now();
    const info = this.tracker.setStage(this.stageInfo(stage, failureReason ? "FAILED" : "COMPLETE", failureReason), stageRdds(stage.rdd).map((r) => r.id));
    if (!failureReason) stage.failedAttempts = 0;
    this.bus.post({ type: "stageCompleted", time: Date.now(), stage: info });
  }

  // ---- workers ------------------------------------------------------------------------------

  private onWorkerAdded(w: RegisteredWorker): void {
    this.state.workers.set(w.workerId, {
      info: w, free: new Set(Array.from({ length: w.slots }, (_, i) => i)), queued: new Array<number>(w.slots).fill(0),
      lastStage: new Array<number | undefined>(w.slots).fill(undefined), registeredAt: Date.now(),
    });
    this.bus.post({ type: "workerAdded", time: Date.now(), worker: this.workerInfos().find((x) => x.id === w.workerId)! });
  }

  // ---- ending jobs ---------------------------------------------------------------------------

  private finishJob(job: ActiveJob): void {
    completeCheckpoints(job.req.rdd);
    this.cleanupJob(job);
    this.tracker.endJob(job.jobId, "SUCCEEDED", this.outputs);
    const rec = this.tracker.jobs.get(job.jobId)!;
    this.bus.post({ type: "jobEnd", time: Date.now(), job: rec.info });
    job.resolve(job.results);
  }

  /** @internal */ failJob(job: ActiveJob, e: Error): void {
    if (!this.state.jobs.has(job.jobId)) return;
    // Stop the tasks that only this job needs.
    for (const t of [...this.state.runningTasks.values()]) {
      if (t.stage.jobIds.size === 1 && t.stage.jobIds.has(job.jobId)) {
        this.backend.kill(t.workerId, t.taskId, e.message);
      }
    }
    for (const s of allStages(job.finalStage)) {
      if (s.jobIds.size === 1 && this.state.running.has(s)) this.stageFinished(s, e.message);
    }
    this.cleanupJob(job);
    this.tracker.endJob(job.jobId, "FAILED", this.outputs, e.message);
    const rec = this.tracker.jobs.get(job.jobId)!;
    this.bus.post({ type: "jobEnd", time: Date.now(), job: rec.info });
    job.reject(e);
  }

  /** Drop every job-scoped entry of this job and of the stages no other job needs. */
  private cleanupJob(job: ActiveJob): void {
    this.state.jobs.delete(job.jobId);
    for (const s of allStages(job.finalStage)) {
      s.jobIds.delete(job.jobId);
      if (s.jobIds.size > 0) continue;
      this.state.stages.delete(s.id);
      this.state.waiting.delete(s);
      this.state.running.delete(s);
      this.state.failed.delete(s);
      this.state.stageTimes.delete(s.id);
      if (s instanceof ShuffleMapStage && this.state.shuffleStages.get(s.dep.shuffleId) === s) this.state.shuffleStages.delete(s.dep.shuffleId);
      for (const k of [...this.state.failures.keys()]) if (k.startsWith(`${s.id}:`)) this.state.failures.delete(k);
      for (const t of [...this.state.runningTasks.values()]) {
        if (t.stage === s) {
          // The slot frees when the worker reports the task's end; until then keep it busy.
          this.state.runningTasks.delete(t.taskId);
          this.state.zombies.set(t.taskId, { workerId: t.workerId, slot: t.slot });
        }
      }
    }
    this.state.pending = this.state.pending.filter((t) => this.state.stages.has(t.stage.id));
    if (this.state.failed.size === 0 && this.state.resubmitTimer) {
      clearTimeout(this.state.resubmitTimer);
      this.state.resubmitTimer = undefined;
    }
  }

}

export { NarrowDependency, WorkbenchError };

function memoryOf(bytes: number | undefined): { memoryBytes?: number } {
  return bytes === undefined ? {} : { memoryBytes: bytes };
}
