// The DAG scheduler's types: what callers hand it (backend, job requests), the records it keeps
// for jobs, tasks and workers, its event union, and SchedulerCore, the tables its helper modules
// (fault-recovery.ts, task-placement.ts) read and update.

import type { Accumulator } from "./shared-variables";
import type { SerializedFunction } from "../common/closure";
import type { RDD } from "../rdd";
import type { TaskEndMessage, TaskMessage } from "../rpc/protocol";
import type { RegisteredWorker } from "../cluster/driver-endpoint";
import type { TaskInfo } from "./job-info";
import type { ResultStage, Stage } from "./stage";

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
  /** The submitting thread's local properties (Spark's SparkListenerJobStart.properties). */
  properties?: Record<string, string>;
  onPartition?: (index: number, result: unknown) => void;
}

export interface ActiveJob {
  jobId: number;
  req: JobRequest;
  finalStage: ResultStage;
  results: unknown[];
  numFinished: number;
  /** Serialized bytes of the results received so far (checked against spark.driver.maxResultSize). */
  resultBytes?: number;
  resolve: (r: unknown[]) => void;
  reject: (e: Error) => void;
}

export interface Task {
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

export interface RunningTask extends Task {
  workerId: string;
  slot: number;
  info: TaskInfo;
}

export interface WorkerState {
  info: RegisteredWorker;
  /** Slots with no task. */
  free: Set<number>;
  /** Per slot: tasks sent ahead, waiting on the worker behind the slot's running task (task-placement.ts, prefetch). */
  queued: number[];
  /** Per slot: the stage of the task last sent to it. */
  lastStage: Array<number | undefined>;
  /** When the worker registered (heartbeat times are the driver endpoint's). */
  registeredAt: number;
}

export type SchedulerEvent =
  | { type: "JobSubmitted"; job: ActiveJob }
  | { type: "TaskEnded"; workerId: string; msg: TaskEndMessage }
  | { type: "WorkerAdded"; worker: RegisteredWorker }
  | { type: "WorkerLost"; workerId: string; reason: string }
  | { type: "JobCancelled"; jobId: number; reason: string }
  | { type: "JobGroupCancelled"; group: string }
  | { type: "AllJobsCancelled" }
  | { type: "ResubmitFailedStages" }
  | { type: "Revive" }
  // The driver's shared state the scheduler ships with tasks, changed by SparkContext.
  | { type: "BroadcastAdded"; id: number; value: Uint8Array }
  | { type: "BroadcastRemoved"; id: number }
  | { type: "AccumulatorAdded"; accumulator: Accumulator<unknown> }
  | { type: "RddUnpersisted"; rddId: number };

export const MAX_TASK_FAILURES = 4;
export const MAX_STAGE_ATTEMPTS = 4;

export interface StageTimes {
  submission?: number; completion?: number; active: number; completed: number; failed: number;
  /** Sum of the successful tasks' run times on the workers, ms (their mean decides task prefetch). */
  taskMs?: number;
  /**
   * Its tasks read only shuffle blocks, PREFETCH_SMALL_INPUT_BYTES of them at most in all
   * (task-placement.ts): taken as short for task prefetch before any of them has ended.
   */
  smallInput?: boolean;
}
