// Stages: the unit the DAG scheduler plans. A ShuffleMapStage computes the parent side of one
// shuffle and writes map outputs; a ResultStage computes the action's partitions. Stages are
// split only at shuffle dependencies; everything narrow inside a stage is pipelined in one task.

import type { RDD, ShuffleDependency } from "../rdd";
import type { EdgeSample, StageInfo } from "./job-info";

export abstract class Stage {
  /** Incremented each time the stage's tasks are (re)submitted. */
  attempt = -1;
  /** Partitions whose tasks are still outstanding in the current attempt. */
  readonly pending = new Set<number>();
  readonly jobIds = new Set<number>();
  /** Fetch-failure resubmissions in a row (the stage is aborted after 4). */
  failedAttempts = 0;
  /** Encoded stage payload of the current attempt. */
  payload?: Uint8Array;
  payloadKey = "";
  submittedInJobs = new Set<number>();

  constructor(
    readonly id: number,
    readonly rdd: RDD<unknown>,
    readonly numTasks: number,
    readonly parents: Stage[],
    readonly firstJobId: number,
    readonly callSite: string,
  ) {}

  abstract readonly kind: "ShuffleMapStage" | "ResultStage";
  /** Partitions that still need computing. */
  abstract findMissingPartitions(): number[];

  info(status: StageInfo["status"], counts: { active: number; completed: number; failed: number }, times: { submission?: number; completion?: number }, failureReason?: string): StageInfo {
    return {
      stageId: this.id, attemptId: Math.max(0, this.attempt), name: this.callSite, kind: this.kind,
      numTasks: this.numTasks, numActiveTasks: counts.active, numCompletedTasks: counts.completed, numFailedTasks: counts.failed,
      status, rddIds: [], parentIds: this.parents.map((p) => p.id),
      shuffleId: this instanceof ShuffleMapStage ? this.dep.shuffleId : undefined,
      submissionTime: times.submission, completionTime: times.completion, failureReason,
    };
  }
}

/** Where one map task's output lives. */
export interface MapOutput {
  mapId: number;
  workerId: string;
  address: string;
  sizes: number[];
  records: number[];
  /** What the map task emitted, sampled (data on the DAG's edges). */
  samples?: EdgeSample[];
}

export class ShuffleMapStage extends Stage {
  readonly kind = "ShuffleMapStage" as const;
  constructor(id: number, rdd: RDD<unknown>, parents: Stage[], firstJobId: number, callSite: string, readonly dep: ShuffleDependency, private readonly outputs: Array<MapOutput | undefined>) {
    super(id, rdd, rdd.getNumPartitions(), parents, firstJobId, callSite);
  }
  get isAvailable(): boolean {
    if (this.outputs.length < this.numTasks) return false;
    for (let i = 0; i < this.numTasks; i++) if (!this.outputs[i]) return false;
    return true;
  }
  findMissingPartitions(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.numTasks; i++) if (!this.outputs[i]) out.push(i);
    return out;
  }
}

export class ResultStage extends Stage {
  readonly kind = "ResultStage" as const;
  jobId = -1;
  finished: boolean[] = [];
  constructor(id: number, rdd: RDD<unknown>, readonly partitions: number[], parents: Stage[], jobId: number, callSite: string) {
    super(id, rdd, partitions.length, parents, jobId, callSite);
    this.jobId = jobId;
    this.finished = partitions.map(() => false);
  }
  findMissingPartitions(): number[] {
    const out: number[] = [];
    this.finished.forEach((f, i) => { if (!f) out.push(i); });
    return out;
  }
}
