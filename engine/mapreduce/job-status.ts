// The driver's live picture of a MapReduce job: every map and reduce task with its state, worker,
// attempts and phase spans, the job's phase, and (after the run) the data-level samples.

import type { MapTaskReport, PhaseSpan, ReduceTaskReport } from "./job-spec";

export type TaskState = "pending" | "running" | "succeeded" | "failed" | "rerun";

export interface TaskStatus {
  id: string;
  type: "map" | "reduce";
  index: number;
  state: TaskState;
  workerId?: string;
  attempts: number;
  /** Input split (map) or the partition (reduce). */
  input: string;
  phases: PhaseSpan[];
  start?: number;
  end?: number;
  note?: string;
}

export type JobPhase = "setup" | "map" | "shuffle+reduce" | "commit" | "succeeded" | "failed";

export interface JobStatusData {
  jobId: string;
  name: string;
  phase: JobPhase;
  startTime: number;
  finishTime?: number;
  numMaps: number;
  numReduces: number;
  tasks: TaskStatus[];
  error?: string;
}

/** Data-level view: what mappers emitted, where keys went, what reducers received. */
export interface DataView {
  mapSamples: Array<{ task: string; records: Array<{ key: unknown; value: unknown; partition: number; how?: string }> }>;
  /** records[m][r]: records map task m sent to reducer r (bytes likewise). */
  partitionRecords: number[][];
  partitionBytes: number[][];
  reduceGroups: Array<{ task: string; groups: ReduceTaskReport["groups"] }>;
}

export function buildDataView(_jobId: string, maps: MapTaskReport[], reduces: ReduceTaskReport[]): DataView {
  const byMap = [...maps].sort((a, b) => a.mapId - b.mapId);
  return {
    mapSamples: byMap.map((m) => ({ task: `m_${String(m.mapId).padStart(6, "0")}`, records: m.samples.map(([key, value, partition, how]) => ({ key, value, partition, ...(how ? { how } : {}) })) })),
    partitionRecords: byMap.map((m) => m.partitionRecords),
    partitionBytes: byMap.map((m) => m.partitionBytes),
    reduceGroups: [...reduces].sort((a, b) => a.reduceId - b.reduceId).map((r) => ({ task: `r_${String(r.reduceId).padStart(6, "0")}`, groups: r.groups })),
  };
}
