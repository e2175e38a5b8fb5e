// The DAG scheduler: one event loop over a closed union of events. It turns a job into stages
// at shuffle boundaries, submits a stage once its parents' map outputs exist (skipping stages
// whose outputs already exist), hands tasks to free executor slots (preferring slots that cache
// the partition), retries failed tasks, resubmits parent stages after fetch failures or worker
// loss, and resolves or rejects the job. Socket handlers only post events.

import { decode, encode } from "../common/codec";
import { errorFromWire, ExecutionError, WorkbenchError, type WireError } from "../common/errors";
import type { SerializedFunction } from "../common/closure";
import { CheckpointRDD, NarrowDependency, OneToOneDependency, ShuffleDependency, checkpointComplete, shuffleWriteSpec, stageRdds, stageSpecs, stageShuffleReads, type RDD } from "../rdd";
import type { ShuffleReadPlan, TaskEndMessage, TaskMessage } from "../rpc/protocol";
import type { RegisteredWorker } from "../cluster/driver-endpoint";
import { emptyTaskMetrics, type JobInfo, type TaskInfo, type TaskMetrics, type WorkerInfo } from "./job-info";
import { ListenerBus } from "./listener-bus";
import { JobTracker, allStages } from "./job-tracker";
import { MapOutputTracker } from "./map-output-tracker";
import { ResultStage, ShuffleMapStage, type MapOutput, type Stage } from "./stage";
import type { StagePayload, TaskPayload } from "./task-payload";
import type { Accumulator } from "./shared-variables";

export interface SchedulerBackend {
  launch(workerId: string, msg: TaskMessage): boolean;
  kill(workerId: string, taskId: number, reason: string): void;
}

export interface JobRequest {
  rdd: RDD<unknown>;
  partitions: number[];
  resultFn: SerializedFunction;
  callSite: string;
  group?: string;
  onPartition?: (index: number, result: unknown) => void;
}

interface ActiveJob {
  jobId: number;
  req: JobRequest;
  finalStage: ResultStage;
  results: unknown[];
  numFinished: number;
  resolve: (r: unknown[]) => void;
  reject: (e: Error) => void;
}

interface Task {
  taskId: number;
  stage: Stage;
  stageAttempt: number;
  /** Index into the stage RDD's partitions. */
  partition: number;
  /** For result stages: index into the job's partition list. */
  outputIndex: number;
  attempt: number;
  preferred: string[];
  /** When the task became runnable (for the locality wait). */
  since?: number;
}

interface RunningTask extends Task {
  workerId: string;
  slot: number;
  info: TaskInfo;
}

interface WorkerState {
  info: RegisteredWorker;
  free: Set<number>;
  lastHeartbeat: number;
}

type SchedulerEvent =
  | { type: "JobSubmitted"; job: ActiveJob }
  | { type: "TaskEnded"; workerId: string; msg: TaskEndMessage }
  | { type: "WorkerAdded"; worker: RegisteredWorker }
  | { type: "WorkerLost"; workerId: string; reason: string }
  | { type: "JobCancelled"; jobId: number; reason: string }
  | { type: "JobGroupCancelled"; group: string }
  | { type: "AllJobsCancelled" }
  | { type: "ResubmitFailedStages" }
  | { type: "Revive" };

export const MAX_TASK_FAILURES = 4;
const MAX_STAGE_ATTEMPTS = 4;

export class DAGScheduler {
  readonly bus = new ListenerBus();
  readonly tracker = new JobTracker();
  readonly outputs = new MapOutputTracker();
  readonly accumulators = new Map<number, Accumulator<unknown>>();
  readonly broadcasts = new Map<number, Uint8Array>();

  private nextJobId = 0;
  private nextStageId = 0;
  private nextTaskId = 0;
  private readonly queue: SchedulerEvent[] = [];
  private processing = false;

  // Job-scoped tables: all empty when no job runs.
  private readonly jobs = new Map<number, ActiveJob>();
  private readonly stages = new Map<number, Stage>();
  private readonly shuffleStages = new Map<number, ShuffleMapStage>();
  private readonly waiting = new Set<Stage>();
  private readonly running = new Set<Stage>();
  private readonly failed = new Set<Stage>();
  private pending: Task[] = [];
  private readonly runningTasks = new Map<number, RunningTask>();
  private readonly failures = new Map<string, number>();
  /** Tasks of ended jobs still running on a worker (killed, or a stale attempt): their slot frees when they report. */
  private readonly zombies = new Map<number, { workerId: string; slot: number }>();
  private resubmitTimer?: NodeJS.Timeout;
  private reviveTimer?: NodeJS.Timeout;

  // Cluster state.
  private readonly workers = new Map<string, WorkerState>();
  /** Block id -> executors ("worker#slot") holding it. */
  private readonly cacheLocs = new Map<string, Set<string>>();
  private readonly sentBroadcasts = new Map<string, Set<number>>();
  private readonly stageTimes = new Map<number, { submission?: number; completion?: number; active: number; completed: number; failed: number }>();

  constructor(
    private readonly backend: SchedulerBackend,
    private readonly opts: { checkpointDir?: () => string | undefined; localityWaitMs?: number; maxTaskFailures?: number } = {},
  ) {}

  private get localityWaitMs(): number {
    return this.opts.localityWaitMs ?? 3000;
  }
  private get maxTaskFailures(): number {
    return this.opts.maxTaskFailures ?? MAX_TASK_FAILURES;
  }

  // ---- public entry points (they only post events) -------------------------------------

  submitJob(req: JobRequest): Promise<unknown[]> {
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
      jobs: this.jobs.size, stages: this.stages.size, shuffleStages: this.shuffleStages.size, waiting: this.waiting.size,
      running: this.running.size, failed: this.failed.size, pending: this.pending.length, runningTasks: this.runningTasks.size,
      failures: this.failures.size, stageTimes: this.stageTimes.size, zombies: this.zombies.size,
    };
  }

  workerInfos(): WorkerInfo[] {
    return [...this.workers.values()].map((w) => ({
      id: w.info.workerId, pid: w.info.pid, host: w.info.host, state: "ALIVE" as const, slots: w.info.slots, freeSlots: w.free.size,
      shuffleAddress: w.info.shuffleAddress, lastHeartbeat: w.lastHeartbeat,
      cachedBlocks: [...this.cacheLocs.values()].filter((s) => [...s].some((e) => e.startsWith(w.info.workerId + "#"))).length,
    }));
  }

  get totalSlots(): number {
    let n = 0;
    for (const w of this.workers.values()) n += w.info.slots;
    return n;
  }

  /** Executors caching each partition of an RDD (for renderers and tests). */
  cachedPartitions(rddId: number): Map<number, string[]> {
    const out = new Map<number, string[]>();
    const prefix = `rdd_${rddId}_`;
    for (const [b, s] of this.cacheLocs) if (b.startsWith(prefix) && s.size) out.set(Number(b.slice(prefix.length)), [...s]);
    return out;
  }

  forgetRdd(rddId: number): void {
    const prefix = `rdd_${rddId}_`;
    for (const b of [...this.cacheLocs.keys()]) if (b.startsWith(prefix)) this.cacheLocs.delete(b);
  }

  forgetBroadcast(id: number): void {
    this.broadcasts.delete(id);
    for (const s of this.sentBroadcasts.values()) s.delete(id);
  }

  // ---- the loop --------------------------------------------------------------------------

  private post(e: SchedulerEvent): void {
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
          for (const job of [...this.jobs.values()]) this.failJob(job, err as Error);
        }
      }
      this.offer();
    } finally {
      this.processing = false;
    }
  }

  private handle(e: SchedulerEvent): void {
    switch (e.type) {
      case "JobSubmitted": return this.onJobSubmitted(e.job);
      case "TaskEnded": return this.onTaskEnded(e.workerId, e.msg);
      case "WorkerAdded": return this.onWorkerAdded(e.worker);
      case "WorkerLost": return this.onWorkerLost(e.workerId, e.reason);
      case "JobCancelled": {
        const job = this.jobs.get(e.jobId);
        if (job) this.failJob(job, new ExecutionError("JOB_CANCELLED", `Job ${e.jobId} cancelled ${e.reason}`, { context: { jobId: e.jobId } }));
        return;
      }
      case "JobGroupCancelled":
        for (const job of [...this.jobs.values()]) {
          if (job.req.group === e.group) this.failJob(job, new ExecutionError("JOB_CANCELLED", `Job ${job.jobId} cancelled part of cancelled job group ${e.group}`, { context: { jobId: job.jobId } }));
        }
        return;
      case "AllJobsCancelled":
        for (const job of [...this.jobs.values()]) this.failJob(job, new ExecutionError("JOB_CANCELLED", `Job ${job.jobId} cancelled as part of cancellation of all jobs`, { context: { jobId: job.jobId } }));
        return;
      case "Revive":
        this.reviveTimer = undefined;
        return; // offer() runs after every event
      case "ResubmitFailedStages": {
        this.resubmitTimer = undefined;
        const list = [...this.failed].sort((a, b) => a.firstJobId - b.firstJobId);
        this.failed.clear();
        for (const s of list) if (this.stages.has(s.id)) this.submitStage(s);
        return;
      }
    }
  }

  // ---- stage construction ------------------------------------------------------------------

  private newResultStage(req: JobRequest, jobId: number): ResultStage {
    const parents = this.parentStages(req.rdd, jobId);
    const stage = new ResultStage(this.nextStageId++, req.rdd, req.partitions, parents, jobId, req.callSite);
    return stage;
  }

  /** Shuffle dependencies reachable from rdd through narrow dependencies. */
  private shuffleDeps(rdd: RDD<unknown>): ShuffleDependency[] {
    const out: ShuffleDependency[] = [];
    const seen = new Set<number>();
    const stack = [rdd];
    while (stack.length) {
      const r = stack.pop()!;
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      for (const d of r.dependencies) {
        if (d instanceof ShuffleDependency) out.push(d);
        else stack.push(d.rdd);
      }
    }
    return out;
  }

  private parentStages(rdd: RDD<unknown>, jobId: number): Stage[] {
    return this.shuffleDeps(rdd).map((d) => this.shuffleMapStage(d, jobId));
  }

  private shuffleMapStage(dep: ShuffleDependency, jobId: number): ShuffleMapStage {
    const existing = this.shuffleStages.get(dep.shuffleId);
    if (existing) return existing;
    const parents = this.parentStages(dep.rdd, jobId);
    const stage = new ShuffleMapStage(this.nextStageId++, dep.rdd, parents, jobId, dep.rdd.callSite, dep,
      this.outputs.outputs(dep.shuffleId, dep.rdd.getNumPartitions()));
    this.shuffleStages.set(dep.shuffleId, stage);
    return stage;
  }

  // ---- job lifecycle -----------------------------------------------------------------------

  private onJobSubmitted(job: ActiveJob): void {
    const stages = allStages(job.finalStage);
    for (const s of stages) {
      s.jobIds.add(job.jobId);
      this.stages.set(s.id, s);
    }
    this.jobs.set(job.jobId, job);
    const info: JobInfo = {
      jobId: job.jobId, status: "RUNNING", stageIds: stages.map((s) => s.id), description: job.req.callSite,
      jobGroup: job.req.group, submissionTime: Date.now(),
    };
    this.tracker.startJob(info, job.finalStage);
    const stageInfos = stages.map((s) => this.tracker.setStage(s.info("PENDING", { active: 0, completed: 0, failed: 0 }, {}), stageRdds(s.rdd).map((r) => r.id)));
    this.bus.post({ type: "jobStart", time: Date.now(), job: info, stages: stageInfos });
    if (job.req.partitions.length === 0) {
      this.finishJob(job);
      return;
    }
    this.submitStage(job.finalStage);
  }

  private submitStage(stage: Stage): void {
    if (this.waiting.has(stage) || this.running.has(stage) || this.failed.has(stage)) return;
    const missing = this.missingParents(stage);
    if (missing.length === 0) {
      this.submitMissingTasks(stage);
      return;
    }
    for (const p of missing) this.submitStage(p);
    this.waiting.add(stage);
  }

  /** Parent stages whose outputs are not all present. A fully cached RDD hides its parents. */
  private missingParents(stage: Stage): Stage[] {
    const missing = new Map<number, Stage>();
    const seen = new Set<number>();
    const stack = [stage.rdd];
    while (stack.length) {
      const r = stack.pop()!;
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      if (this.fullyCached(r)) continue;
      for (const d of r.dependencies) {
        if (d instanceof ShuffleDependency) {
          const ms = this.shuffleStages.get(d.shuffleId)!;
          if (!ms.isAvailable) missing.set(ms.id, ms);
        } else stack.push(d.rdd);
      }
    }
    return [...missing.values()];
  }

  private fullyCached(r: RDD<unknown>): boolean {
    if (!(r.storageLevel.useMemory || r.storageLevel.useDisk)) return false;
    const n = r.getNumPartitions();
    for (let i = 0; i < n; i++) if (!this.cacheLocs.get(`rdd_${r.id}_${i}`)?.size) return false;
    return n > 0;
  }

  private submitMissingTasks(stage: Stage): void {
    const job = this.activeJobFor(stage);
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
      resultFn: stage instanceof ResultStage ? this.jobs.get(stage.jobId)!.req.resultFn : undefined,
      shuffleWrite: stage instanceof ShuffleMapStage ? shuffleWriteSpec(stage.dep) : undefined,
      shuffleReads: reads,
    };
    stage.payload = encode(payload);
    stage.payloadKey = payload.key;
    this.running.add(stage);
    this.stageTimes.set(stage.id, { submission: Date.now(), active: 0, completed: 0, failed: 0 });
    const info = this.tracker.setStage(this.stageInfo(stage, "ACTIVE"), stageRdds(stage.rdd).map((r) => r.id));
    this.bus.post({ type: "stageSubmitted", time: Date.now(), stage: info });
    for (const outputIndex of parts) {
      const partition = stage instanceof ResultStage ? stage.partitions[outputIndex]! : outputIndex;
      stage.pending.add(outputIndex);
      this.pending.push({
        taskId: this.nextTaskId++, stage, stageAttempt: stage.attempt, partition, outputIndex,
        attempt: this.failures.get(`${stage.id}:${outputIndex}`) ?? 0, preferred: this.preferredExecutors(stage.rdd, partition),
      });
    }
    if (parts.length === 0) this.stageFinished(stage);
  }

  private stageInfo(stage: Stage, status: "PENDING" | "ACTIVE" | "COMPLETE" | "FAILED" | "SKIPPED", failureReason?: string) {
    const t = this.stageTimes.get(stage.id) ?? { active: 0, completed: 0, failed: 0 };
    return stage.info(status, t, t, failureReason);
  }

  /** Executors holding a cached partition the task would read (one-to-one lineage only). */
  private preferredExecutors(rdd: RDD<unknown>, partition: number): string[] {
    let r: RDD<unknown> | undefined = rdd;
    while (r) {
      if (r.storageLevel.useMemory || r.storageLevel.useDisk) {
        const locs = this.cacheLocs.get(`rdd_${r.id}_${partition}`);
        if (locs?.size) return [...locs];
      }
      const d: unknown = r.dependencies.length === 1 ? r.dependencies[0] : undefined;
      r = d instanceof OneToOneDependency ? d.rdd : undefined;
    }
    return [];
  }

  private activeJobFor(stage: Stage): ActiveJob | undefined {
    let best: ActiveJob | undefined;
    for (const id of stage.jobIds) {
      const j = this.jobs.get(id);
      if (j && (!best || j.jobId < best.jobId)) best = j;
    }
    return best;
  }

  // ---- task placement ------------------------------------------------------------------------

  /**
   * Delay scheduling, as Spark does: a task whose partition is cached on a live executor waits
   * up to spark.locality.wait for that executor before running anywhere else (and recomputing).
   */
  private offer(): void {
    if (this.pending.length === 0) return;
    const free: string[] = [];
    for (const w of this.workers.values()) for (const s of [...w.free].sort()) free.push(`${w.info.workerId}#${s}`);
    if (free.length === 0) return;
    const now = Date.now();
    let nextWake = Infinity;
    const remaining: Task[] = [];
    for (const task of this.pending) {
      if (!this.stages.has(task.stage.id)) continue;
      if (free.length === 0) {
        remaining.push(task);
        continue;
      }
      task.since ??= now;
      let i = -1;
      const livePreferred = task.preferred.filter((e) => this.workers.has(e.split("#")[0]!));
      if (livePreferred.length) {
        i = free.findIndex((e) => livePreferred.includes(e));
        if (i < 0) {
          const waitUntil = task.since + this.localityWaitMs;
          if (now < waitUntil) {
            nextWake = Math.min(nextWake, waitUntil);
            remaining.push(task);
            continue;
          }
          i = 0;
        }
      } else i = 0;
      const [exec] = free.splice(i, 1);
      if (!this.launch(task, exec!)) remaining.push(task);
    }
    this.pending = remaining;
    if (nextWake < Infinity && !this.reviveTimer) {
      this.reviveTimer = setTimeout(() => this.post({ type: "Revive" }), Math.max(1, nextWake - now));
      this.reviveTimer.unref?.();
    }
  }

  private launch(task: Task, exec: string): boolean {
    const [workerId, slotStr] = exec.split("#") as [string, string];
    const slot = Number(slotStr);
    const w = this.workers.get(workerId);
    if (!w) return false;
    const stage = task.stage;
    const job = this.activeJobFor(stage);
    const sent = this.sentBroadcasts.get(exec) ?? new Set<number>();
    this.sentBroadcasts.set(exec, sent);
    const broadcasts = [...this.broadcasts].filter(([id]) => !sent.has(id)).map(([id, value]) => ({ id, value }));
    const p: TaskPayload = {
      stageKey: stage.payloadKey, stage: stage.payload!, partition: stage.rdd.partitions[task.partition]!,
      checkpointDir: this.opts.checkpointDir?.(),
    };
    const msg: TaskMessage = {
      t: "task", taskId: task.taskId, jobId: job?.jobId ?? -1, stageId: stage.id, stageAttempt: task.stageAttempt,
      partition: task.partition, attempt: task.attempt, slot, payload: encode(p), broadcasts,
    };
    if (!this.backend.launch(workerId, msg)) return false;
    for (const b of broadcasts) sent.add(b.id);
    w.free.delete(slot);
    const info: TaskInfo = {
      taskId: task.taskId, jobId: job?.jobId ?? -1, stageId: stage.id, stageAttempt: task.stageAttempt, partition: task.partition,
      attempt: task.attempt, workerId, launchTime: Date.now(), status: "RUNNING",
    };
    this.runningTasks.set(task.taskId, { ...task, workerId, slot, info });
    const t = this.stageTimes.get(stage.id);
    if (t) t.active++;
    if (job) this.tracker.jobs.get(job.jobId)?.tasks.push(info);
    this.bus.post({ type: "taskStart", time: Date.now(), task: info });
    return true;
  }

  // ---- task completion -----------------------------------------------------------------------

  private onTaskEnded(workerId: string, msg: TaskEndMessage): void {
    const w = this.workers.get(workerId);
    const task = this.runningTasks.get(msg.taskId);
    const zombie = this.zombies.get(msg.taskId);
    this.applyCacheChanges(workerId, task?.slot ?? zombie?.slot ?? 0, msg);
    if (!task) {
      if (zombie) {
        this.zombies.delete(msg.taskId);
        this.workers.get(zombie.workerId)?.free.add(zombie.slot);
      }
      return;
    }
    this.runningTasks.delete(msg.taskId);
    if (w) w.free.add(task.slot);
    const stage = task.stage;
    const times = this.stageTimes.get(stage.id);
    if (times) times.active = Math.max(0, times.active - 1);
    const metrics = { ...emptyTaskMetrics(), ...(msg.metrics as Partial<TaskMetrics>) } as TaskMetrics;
    Object.assign(task.info, {
      finishTime: Date.now(), metrics,
      status: msg.status === "success" ? "SUCCESS" : msg.status === "killed" ? "KILLED" : "FAILED",
      error: msg.error ? `${msg.error.name}: ${msg.error.message}` : undefined,
    });
    const reason = msg.status === "success" ? "Success" : msg.status === "fetchFailed" ? "FetchFailed" : msg.status === "killed" ? "TaskKilled" : "ExceptionFailure";
    this.bus.post({ type: "taskEnd", time: Date.now(), task: { ...task.info }, reason });
    if (!this.stages.has(stage.id)) return; // its jobs are gone (cancelled or failed)

    switch (msg.status) {
      case "success": {
        if (times) times.completed++;
        for (const a of msg.accumulators) this.accumulators.get(a.id)?.merge(a.value);
        if (stage instanceof ResultStage) this.resultTaskDone(stage, task, msg.result!);
        else this.mapTaskDone(stage as ShuffleMapStage, task, workerId, msg.result!);
        return;
      }
      case "killed":
        return;
      case "fetchFailed":
        if (times) times.failed++;
        return this.fetchFailed(stage, task, msg);
      case "failed": {
        if (times) times.failed++;
        const key = `${stage.id}:${task.outputIndex}`;
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        if (n >= this.maxTaskFailures) this.abortStage(stage, task, workerId, msg.error!, n);
        else this.pending.push({ ...task, taskId: this.nextTaskId++, attempt: n });
        return;
      }
    }
  }

  private applyCacheChanges(workerId: string, slot: number, msg: TaskEndMessage): void {
    const exec = `${workerId}#${slot}`;
    for (const b of msg.blocksAdded) {
      const s = this.cacheLocs.get(b.blockId) ?? new Set<string>();
      s.add(exec);
      this.cacheLocs.set(b.blockId, s);
    }
    for (const id of msg.blocksRemoved) {
      const s = this.cacheLocs.get(id);
      s?.delete(exec);
      if (s && s.size === 0) this.cacheLocs.delete(id);
    }
  }

  private resultTaskDone(stage: ResultStage, task: RunningTask, result: Uint8Array): void {
    const job = this.jobs.get(stage.jobId);
    if (!job || stage.finished[task.outputIndex]) return;
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
    const status = decode<{ sizes: number[]; records: number[] }>(result);
    const w = this.workers.get(workerId);
    if (w) this.outputs.register(stage.dep.shuffleId, { mapId: task.partition, workerId, address: w.info.shuffleAddress, sizes: status.sizes, records: status.records });
    if (task.stageAttempt === stage.attempt) stage.pending.delete(task.partition);
    if (this.running.has(stage) && stage.pending.size === 0) {
      this.stageFinished(stage);
      if (!stage.isAvailable) {
        // Some outputs were lost while the stage ran (a worker died): run the missing ones.
        this.submitStage(stage);
        return;
      }
      for (const child of [...this.waiting]) {
        if (this.missingParents(child).length === 0) {
          this.waiting.delete(child);
          this.submitStage(child);
        }
      }
    }
  }

  private stageFinished(stage: Stage, failureReason?: string): void {
    this.running.delete(stage);
    const t = this.stageTimes.get(stage.id);
    if (t) t.completion = Date.now();
    const info = this.tracker.setStage(this.stageInfo(stage, failureReason ? "FAILED" : "COMPLETE", failureReason), stageRdds(stage.rdd).map((r) => r.id));
    if (!failureReason) stage.failedAttempts = 0;
    this.bus.post({ type: "stageCompleted", time: Date.now(), stage: info });
  }

  private fetchFailed(stage: Stage, task: RunningTask, msg: TaskEndMessage): void {
    const ff = msg.fetchFailed!;
    const mapStage = this.shuffleStages.get(ff.shuffleId);
    // Whatever lived at that address is suspect: the holder is gone or its files are missing. As
    // Spark (removeExecutorAndUnregisterOutputs with fileLost), drop every map output it served,
    // so one resubmission recomputes them all instead of one per stage attempt.
    this.outputs.unregister(ff.shuffleId, ff.mapId);
    this.outputs.removeOutputsOn((o) => o.address === ff.address);
    if (this.failed.has(stage) || task.stageAttempt !== stage.attempt) return;
    if (this.running.has(stage)) {
      stage.failedAttempts++;
      this.stageFinished(stage, `FetchFailed(${ff.address}, shuffleId=${ff.shuffleId}, mapId=${ff.mapId}, reduceId=${ff.reduceId})`);
    }
    if (stage.failedAttempts >= MAX_STAGE_ATTEMPTS) {
      this.abortStage(stage, task, task.workerId, msg.error!, stage.failedAttempts);
      return;
    }
    this.pending = this.pending.filter((t) => t.stage !== stage);
    this.failed.add(stage);
    if (mapStage) this.failed.add(mapStage);
    this.scheduleResubmit();
  }

  private scheduleResubmit(): void {
    if (this.resubmitTimer) return;
    this.resubmitTimer = setTimeout(() => this.post({ type: "ResubmitFailedStages" }), 50);
    this.resubmitTimer.unref?.();
  }

  private abortStage(stage: Stage, task: RunningTask, workerId: string, err: WireError, n: number): void {
    const cause = errorFromWire(err);
    const userStack = err.causeStack ?? err.stack ?? "";
    const msg =
      `Job aborted due to stage failure: Task ${task.outputIndex} in stage ${stage.id}.${task.stageAttempt} failed ${n} times, ` +
      `most recent failure: Lost task ${task.outputIndex}.${task.attempt} in stage ${stage.id}.${task.stageAttempt} (TID ${task.taskId}) (${workerId}): ` +
      `${cause.name}: ${err.message}`;
    if (this.running.has(stage)) this.stageFinished(stage, `${cause.name}: ${err.message}`);
    for (const jobId of [...stage.jobIds]) {
      const job = this.jobs.get(jobId);
      if (!job) continue;
      const e = new ExecutionError("TASK_FAILED", msg, {
        parameters: { errorClass: err.condition || cause.name, message: err.message },
        context: { jobId, stageId: stage.id, partition: task.partition, attempt: task.attempt, workerId },
        causeStack: userStack,
        cause,
      });
      e.stack = `${e.name}: ${e.message}\n${userFrames(userStack)}`;
      this.failJob(job, e);
    }
  }

  // ---- workers ------------------------------------------------------------------------------

  private onWorkerAdded(w: RegisteredWorker): void {
    this.workers.set(w.workerId, { info: w, free: new Set(Array.from({ length: w.slots }, (_, i) => i)), lastHeartbeat: Date.now() });
    this.bus.post({ type: "workerAdded", time: Date.now(), worker: this.workerInfos().find((x) => x.id === w.workerId)! });
  }

  private onWorkerLost(workerId: string, reason: string): void {
    if (!this.workers.delete(workerId)) return;
    for (const [id, z] of [...this.zombies]) if (z.workerId === workerId) this.zombies.delete(id);
    for (const k of [...this.sentBroadcasts.keys()]) if (k.startsWith(workerId + "#")) this.sentBroadcasts.delete(k);
    for (const [b, s] of this.cacheLocs) {
      for (const e of [...s]) if (e.startsWith(workerId + "#")) s.delete(e);
      if (s.size === 0) this.cacheLocs.delete(b);
    }
    // Its shuffle files are gone with it.
    const affected = new Set(this.outputs.removeOutputsOn((o) => o.workerId === workerId));
    for (const t of [...this.runningTasks.values()]) {
      if (t.workerId !== workerId) continue;
      this.runningTasks.delete(t.taskId);
      const times = this.stageTimes.get(t.stage.id);
      if (times) { times.active = Math.max(0, times.active - 1); times.failed++; }
      Object.assign(t.info, { finishTime: Date.now(), status: "FAILED", error: `worker lost: ${reason}` });
      this.bus.post({ type: "taskEnd", time: Date.now(), task: { ...t.info }, reason: "WorkerLost" });
      if (!this.stages.has(t.stage.id)) continue;
      const key = `${t.stage.id}:${t.outputIndex}`;
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      if (n >= this.maxTaskFailures) {
        this.abortStage(t.stage, t, workerId, { kind: "ExecutionError", name: "ExecutionError", condition: "WORKER_LOST", message: `worker ${workerId} lost: ${reason}` }, n);
      } else this.pending.push({ ...t, taskId: this.nextTaskId++, attempt: n });
    }
    // Stages reading a shuffle that lost outputs: rerun the map side first, then them.
    for (const stage of [...this.running]) {
      const reads = stageShuffleReads(stage.rdd).map((d) => d.shuffleId);
      if (!reads.some((id) => affected.has(id))) continue;
      stage.failedAttempts++;
      this.stageFinished(stage, `parent map outputs lost with worker ${workerId}`);
      this.pending = this.pending.filter((t) => t.stage !== stage);
      this.failed.add(stage);
      for (const id of reads) {
        const ms = this.shuffleStages.get(id);
        if (ms && !ms.isAvailable && !this.running.has(ms)) this.failed.add(ms);
      }
      this.scheduleResubmit();
    }
    this.bus.post({ type: "workerRemoved", time: Date.now(), workerId, reason });
  }

  // ---- ending jobs ---------------------------------------------------------------------------

  private finishJob(job: ActiveJob): void {
    this.completeCheckpoints(job.req.rdd);
    this.cleanupJob(job);
    this.tracker.endJob(job.jobId, "SUCCEEDED", this.outputs);
    const rec = this.tracker.jobs.get(job.jobId)!;
    this.bus.post({ type: "jobEnd", time: Date.now(), job: rec.info });
    job.resolve(job.results);
  }

  private failJob(job: ActiveJob, e: Error): void {
    if (!this.jobs.has(job.jobId)) return;
    // Stop the tasks that only this job needs.
    for (const t of [...this.runningTasks.values()]) {
      if (t.stage.jobIds.size === 1 && t.stage.jobIds.has(job.jobId)) {
        this.backend.kill(t.workerId, t.taskId, e.message);
      }
    }
    for (const s of allStages(job.finalStage)) {
      if (s.jobIds.size === 1 && this.running.has(s)) this.stageFinished(s, e.message);
    }
    this.cleanupJob(job);
    this.tracker.endJob(job.jobId, "FAILED", this.outputs, e.message);
    const rec = this.tracker.jobs.get(job.jobId)!;
    this.bus.post({ type: "jobEnd", time: Date.now(), job: rec.info });
    job.reject(e);
  }

  /** Drop every job-scoped entry of this job and of the stages no other job needs. */
  private cleanupJob(job: ActiveJob): void {
    this.jobs.delete(job.jobId);
    for (const s of allStages(job.finalStage)) {
      s.jobIds.delete(job.jobId);
      if (s.jobIds.size > 0) continue;
      this.stages.delete(s.id);
      this.waiting.delete(s);
      this.running.delete(s);
      this.failed.delete(s);
      this.stageTimes.delete(s.id);
      if (s instanceof ShuffleMapStage && this.shuffleStages.get(s.dep.shuffleId) === s) this.shuffleStages.delete(s.dep.shuffleId);
      for (const k of [...this.failures.keys()]) if (k.startsWith(`${s.id}:`)) this.failures.delete(k);
      for (const t of [...this.runningTasks.values()]) {
        if (t.stage === s) {
          // The slot frees when the worker reports the task's end; until then keep it busy.
          this.runningTasks.delete(t.taskId);
          this.zombies.set(t.taskId, { workerId: t.workerId, slot: t.slot });
        }
      }
    }
    this.pending = this.pending.filter((t) => this.stages.has(t.stage.id));
    if (this.failed.size === 0 && this.resubmitTimer) {
      clearTimeout(this.resubmitTimer);
      this.resubmitTimer = undefined;
    }
  }

  /** RDDs marked for checkpointing were written by this job: cut their lineage. */
  private completeCheckpoints(rdd: RDD<unknown>): void {
    const seen = new Set<number>();
    const visit = (r: RDD<unknown>) => {
      if (seen.has(r.id)) return;
      seen.add(r.id);
      const cp = r.checkpointState;
      if (cp && !cp.done && checkpointComplete(cp.dir, r.id, r.getNumPartitions())) {
        cp.reader = new CheckpointRDD(r.context, cp.dir, r.id, r.getNumPartitions()) as RDD<any>;
        cp.done = true;
        return;
      }
      for (const d of r.dependencies) visit(d.rdd);
    };
    visit(rdd);
  }
}

/** Stack lines from the user's code first (engine and Node internals after). */
export function userFrames(stack: string): string {
  const lines = stack.split("\n").filter((l) => /^\s+at /.test(l));
  const isEngine = (l: string) => /engine\/(scheduler|rdd|storage|cluster|common)\/|node:internal|node_modules/.test(l);
  return [...lines.filter((l) => !isEngine(l)), ...lines.filter(isEngine)].join("\n");
}

export { NarrowDependency, WorkbenchError };
