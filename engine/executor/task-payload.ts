// The bytes a task carries: the stage (its RDD specs, result function or shuffle write spec,
// and where its shuffle inputs live) encoded once per stage attempt and shared by its tasks,
// plus the task's own Partition object (which holds its slice of parallelized data).

import type { SerializedFunction } from "../common/closure";
import type { ShuffleReadPlan } from "../rpc/protocol";
import type { Partition, RddSpec, ShuffleWriteSpec } from "../rdd";

export interface StagePayload {
  /** Unique per stage attempt in the session: executors cache the rebuilt stage by it. */
  key: string;
  kind: "result" | "shuffleMap";
  rdds: RddSpec[];
  rootId: number;
  resultFn?: SerializedFunction;
  shuffleWrite?: ShuffleWriteSpec;
  shuffleReads: ShuffleReadPlan[];
}

export interface TaskPayload {
  stageKey: string;
  /** Encoded StagePayload. */
  stage: Uint8Array;
  partition: Partition;
  checkpointDir?: string;
}
