// The DAG scheduler's state: every table its event loop reads and writes, in one object the loop
// owns (DAGScheduler.state). Fault recovery (fault-recovery.ts) and task placement
// (task-placement.ts) work on it through the SchedulerCore they are given; nothing outside
// engine/scheduler touches it.

import type { Accumulator } from "./shared-variables";
import type { ActiveJob, RunningTask, SchedulerBackend, SchedulerEvent, StageTimes, Task, WorkerState } from "./scheduler-types";
import type { JobTracker } from "./job-tracker";
import type { ListenerBus } from "./listener-bus";
import type { MapOutputTracker } from "./map-output-tracker";
import type { ShuffleMapStage, Stage } from "./stage";

export class SchedulerState {
  // Job-scoped tables: all empty when no job runs (DAGScheduler.internalTableSizes).
  readonly jobs = new Map<number, ActiveJob>();
  readonly stages = new Map<number, Stage>();
  readonly shuffleStages = new Map<number, ShuffleMapStage>();
  readonly waiting = new Set<Stage>();
  readonly running = new Set<Stage>();
  readonly failed = new Set<Stage>();
  pending: Task[] = [];
  readonly runningTasks = new Map<number, RunningTask>();
  readonly failures = new Map<string, number>();
  /** Tasks of ended jobs still running on a worker (killed, or a stale attempt): their slot frees when they report. */
  readonly zombies = new Map<number, { workerId: string; slot: number }>();
  readonly stageTimes = new Map<number, StageTimes>();
  resubmitTimer?: NodeJS.Timeout;
  reviveTimer?: NodeJS.Timeout;
  nextTaskId = 0;

  // Cluster state.
  readonly workers = new Map<string, WorkerState>();
  /** Block id -> executors ("worker#slot") holding it. */
  readonly cacheLocs = new Map<string, Set<string>>();
  /** Executor -> the broadcasts it holds. */
  readonly sentBroadcasts = new Map<string, Set<number>>();

  // The driver's shared variables the tasks use (changed by events SparkContext posts).
  readonly broadcasts = new Map<number, Uint8Array>();
  readonly accumulators = new Map<number, Accumulator<unknown>>();
}

/** What fault-recovery.ts and task-placement.ts work with (DAGScheduler implements it): the loop's state, its collaborators and the three steps they call back. */
export interface SchedulerCore {
  readonly state: SchedulerState;
  readonly bus: ListenerBus;
  readonly outputs: MapOutputTracker;
  readonly tracker: JobTracker;
  readonly backend: SchedulerBackend;
  readonly maxTaskFailures: number;
  readonly localityWaitMs: number;
  /** The most tasks a busy slot may hold ahead of its running one (spark.workbench.scheduler.prefetch; 0 turns prefetch off). */
  readonly prefetch: number;
  readonly checkpointDir: string | undefined;
  post(e: SchedulerEvent): void;
  stageFinished(stage: Stage, failureReason?: string): void;
  failJob(job: ActiveJob, e: Error): void;
}
