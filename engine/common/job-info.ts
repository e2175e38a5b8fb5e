// Plain-data descriptions of jobs, stages, tasks and their metrics. The scheduler produces them,
// the listener bus carries them, and the renderers in engine/viz draw them. Nothing here holds a
// live object: every value is JSON-serializable so it can go to a notebook or the lab extension.

export type JobStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "UNKNOWN";
export type StageStatus = "PENDING" | "ACTIVE" | "COMPLETE" | "FAILED" | "SKIPPED";
export type TaskStatus = "RUNNING" | "SUCCESS" | "FAILED" | "KILLED";

/** Per-task counters, reported by the worker at task end. Bytes are encoded (wire/disk) sizes. */
export interface TaskMetrics {
  /** Wall time of the task on the worker, ms. */
  durationMs: number;
  /** Time spent deserializing the task (closures, lineage), ms. */
  deserializeMs: number;
  /** Records and bytes read from the stage's sources (files, parallelized data, cache). */
  recordsRead: number;
  bytesRead: number;
  /** Records produced by the task (result records or records handed to the shuffle writer). */
  recordsWritten: number;
  bytesWritten: number;
  /** Size of the result sent back to the driver (result tasks). */
  resultBytes: number;
  shuffleReadRecords: number;
  shuffleReadBytes: number;
  shuffleLocalBytes: number;
  shuffleRemoteBytes: number;
  shuffleLocalBlocks: number;
  shuffleRemoteBlocks: number;
  shuffleFetchWaitMs: number;
  /**
   * Time spent reading shuffle blocks, ms: fetching them (local disk reads, remote fetches incl.
   * waiting) and decoding their frames into records; not the reducer's aggregation or sort.
   */
  shuffleReadTimeMs: number;
  shuffleWriteRecords: number;
  shuffleWriteBytes: number;
  /** Time in the shuffle writer's batch work (encoding, spills, writing the files), ms; as Spark's shuffle write time. */
  shuffleWriteTimeMs: number;
  /** Bytes spilled to disk by aggregation/sort/cache during this task. */
  spillBytes: number;
  /** Cache lookups during the task. */
  cacheHits: number;
  cacheMisses: number;
  /**
   * Time the task waited on its worker behind the slot's previous task, ms: the scheduler sends a
   * slot its next short task before the slot frees (spark.workbench.scheduler.prefetch). The task
   * ran from launchTime + queueWaitMs.
   */
  queueWaitMs: number;
}

export function emptyTaskMetrics(): TaskMetrics {
  return {
    durationMs: 0, deserializeMs: 0, recordsRead: 0, bytesRead: 0, recordsWritten: 0, bytesWritten: 0,
    resultBytes: 0, shuffleReadRecords: 0, shuffleReadBytes: 0, shuffleLocalBytes: 0, shuffleRemoteBytes: 0,
    shuffleLocalBlocks: 0, shuffleRemoteBlocks: 0, shuffleFetchWaitMs: 0, shuffleReadTimeMs: 0, shuffleWriteRecords: 0,
    shuffleWriteBytes: 0, shuffleWriteTimeMs: 0, spillBytes: 0, cacheHits: 0, cacheMisses: 0, queueWaitMs: 0,
  };
}

/** Which attempt of which task: the same on the wire (a task message) and in the tracker (TaskInfo). */
export interface TaskAttemptIds {
  taskId: number;
  jobId: number;
  stageId: number;
  stageAttempt: number;
  partition: number;
  attempt: number;
}

export interface TaskInfo extends TaskAttemptIds {
  workerId: string;
  /** Epoch ms. */
  launchTime: number;
  finishTime?: number;
  status: TaskStatus;
  metrics?: TaskMetrics;
  /** Failure text when status is FAILED. */
  error?: string;
}

export interface StageInfo {
  stageId: number;
  attemptId: number;
  /** e.g. "reduceByKey at <cell 3>:2" */
  name: string;
  kind: "ShuffleMapStage" | "ResultStage";
  numTasks: number;
  numActiveTasks: number;
  numCompletedTasks: number;
  numFailedTasks: number;
  status: StageStatus;
  rddIds: number[];
  parentIds: number[];
  shuffleId?: number;
  submissionTime?: number;
  completionTime?: number;
  failureReason?: string;
}

export interface JobInfo {
  jobId: number;
  status: JobStatus;
  stageIds: number[];
  /** e.g. "collect at <cell 3>:4" */
  description: string;
  jobGroup?: string;
  submissionTime: number;
  completionTime?: number;
  error?: string;
}

/** One RDD of a job's DAG. */
export interface DagRdd {
  id: number;
  /** Class-like name, e.g. "MapPartitionsRDD", "ShuffledRDD". */
  name: string;
  /** The operator and where the user called it, e.g. "map at <cell 3>:2". */
  callSite: string;
  numPartitions: number;
  cached: boolean;
  storageLevel?: string;
  checkpointed?: boolean;
  parents: Array<{ rddId: number; dependency: "narrow" | "shuffle"; shuffleId?: number }>;
}

export interface DagStage {
  stageId: number;
  name: string;
  kind: "ShuffleMapStage" | "ResultStage";
  /** RDD ids computed inside this stage, parents before children. */
  rddIds: number[];
  parentStageIds: number[];
  status: StageStatus;
  /** True when this stage's shuffle output already existed and it was not run. */
  skipped: boolean;
  numTasks: number;
  shuffleId?: number;
}

/** A shuffle edge between stages, labelled with what crossed it. */
export interface DagEdge {
  fromStage: number;
  toStage: number;
  shuffleId: number;
  bytes: number;
  records: number;
  /** The partitioner, e.g. "HashPartitioner(4)". */
  partitioner?: string;
  /** Records and bytes each reducer received (after any map-side combine), once the map side ran. */
  reducerRecords?: number[];
  reducerBytes?: number[];
  /** A bounded sample of what the map tasks emitted, with where each record went and why. */
  samples?: EdgeSample[];
}

/** One record a map task emitted into a shuffle: its reducer and the partitioner's arithmetic. */
export interface EdgeSample {
  mapId: number;
  reduceId: number;
  /** The record as text (cut at 100 characters). */
  record: string;
  /** e.g. "hash = 2739281, 2739281 mod 4 = 1". */
  how: string;
}

/** Structured description of a job's DAG, for renderers. */
export interface JobDag {
  jobId: number;
  description: string;
  status: JobStatus;
  stages: DagStage[];
  rdds: DagRdd[];
  edges: DagEdge[];
}

/** A worker as the driver sees it. */
export interface WorkerInfo {
  id: string;
  pid: number;
  host: string;
  state: "ALIVE" | "DEAD" | "LOST";
  slots: number;
  freeSlots: number;
  shuffleAddress: string;
  lastHeartbeat: number;
  cachedBlocks: number;
  /** The worker process's resident memory at its last heartbeat (absent until it reports). */
  memoryBytes?: number;
}

/** Listener events, as Scala's SparkListener has them. */
export type ListenerEvent =
  | { type: "jobStart"; time: number; job: JobInfo; stages: StageInfo[]; properties?: Record<string, string> }
  | { type: "jobEnd"; time: number; job: JobInfo }
  | { type: "stageSubmitted"; time: number; stage: StageInfo }
  | { type: "stageCompleted"; time: number; stage: StageInfo }
  | { type: "taskStart"; time: number; task: TaskInfo }
  | { type: "taskEnd"; time: number; task: TaskInfo; reason: "Success" | "ExceptionFailure" | "FetchFailed" | "TaskKilled" | "WorkerLost" }
  | { type: "workerAdded"; time: number; worker: WorkerInfo }
  | { type: "workerRemoved"; time: number; workerId: string; reason: string; lost?: WorkerLoss };

/** What a lost worker took with it: the failure replay's first step after the loss. */
export interface WorkerLoss {
  /** Map outputs (shuffle files) that lived only there. */
  shuffleOutputs: Array<{ shuffleId: number; mapIds: number[] }>;
  /** Cached partitions with no other copy. */
  cachedBlocks: Array<{ rddId: number; partition: number }>;
  /** Tasks that were running on it (rerun elsewhere). */
  taskIds: number[];
}

/** Optional callbacks; register with `sc.addSparkListener(listener)`. */
export interface SparkListener {
  onJobStart?(e: Extract<ListenerEvent, { type: "jobStart" }>): void;
  onJobEnd?(e: Extract<ListenerEvent, { type: "jobEnd" }>): void;
  onStageSubmitted?(e: Extract<ListenerEvent, { type: "stageSubmitted" }>): void;
  onStageCompleted?(e: Extract<ListenerEvent, { type: "stageCompleted" }>): void;
  onTaskStart?(e: Extract<ListenerEvent, { type: "taskStart" }>): void;
  onTaskEnd?(e: Extract<ListenerEvent, { type: "taskEnd" }>): void;
  onWorkerAdded?(e: Extract<ListenerEvent, { type: "workerAdded" }>): void;
  onWorkerRemoved?(e: Extract<ListenerEvent, { type: "workerRemoved" }>): void;
  /** Every event, whatever its type. */
  onEvent?(e: ListenerEvent): void;
}
