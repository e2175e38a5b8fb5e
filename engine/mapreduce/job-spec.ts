// What the driver ships to every task of a job (one broadcast per job): the user's classes as
// serialized closures, the framework settings, and the distributed cache. Also the task reports
// the workers send back, which the driver turns into counters, the status view and the data view.

import type { SerializedFunction } from "../common/closure";
import type { CounterData } from "./counters";
import type { FileSplit } from "./input-splits";
import type { InputFormat } from "./types";

export interface JobSpec {
  jobId: string;
  name: string;
  shuffleId: number;
  numReduceTasks: number;
  /** Each ships as `() => userObject`, so methods keep their `this`. */
  mapper: SerializedFunction;
  combiner?: SerializedFunction;
  reducer?: SerializedFunction;
  partitioner?: SerializedFunction;
  sortComparator?: SerializedFunction;
  groupingComparator?: SerializedFunction;
  input: { kind: "file"; format: InputFormat } | { kind: "records"; keyValue: boolean };
  conf: Record<string, unknown>;
  sortBufferBytes: number;
  spillPercent: number;
  minSpillsForCombine: number;
  sampleRecords: number;
  cacheFiles: Array<{ name: string; content: string }>;
  outputDir: string;
}

/** The element a file-input map task receives. */
export interface MapSplitDesc { mapId: number; split: FileSplit }

/** The element a reduce task receives. */
export interface ReduceDesc { reduceId: number; sources: Array<{ mapId: number; address: string; bytes: number }> }

export interface PhaseSpan { name: string; start: number; end: number }

export interface MapTaskReport {
  kind: "map";
  mapId: number;
  attemptId: string;
  workerId: string;
  /** Shuffle server address holding this map output. */
  address: string;
  counters: CounterData;
  phases: PhaseSpan[];
  split: string;
  spills: number;
  /** Bytes and records of each reduce partition in the final map output file. */
  partitionBytes: number[];
  partitionRecords: number[];
  /** The first records the mapper emitted: [key, value, partition]. */
  /** The first records emitted: key, value, reducer, and why that reducer (none for map-only jobs). */
  samples: Array<[unknown, unknown, number, string?]>;
  /** Map-only jobs: the committed part file. */
  outputFile?: string;
}

export interface ReduceTaskReport {
  kind: "reduce";
  reduceId: number;
  attemptId: string;
  workerId: string;
  counters: CounterData;
  phases: PhaseSpan[];
  /** The first groups the reducer received: key and its values in sort order (truncated). */
  groups: Array<{ key: unknown; values: unknown[]; more: number }>;
  outputFile: string;
}

/** A reduce task that could not fetch a map output: the driver reruns the maps held at `address`. */
export interface FetchFailureReport {
  kind: "fetchFailed";
  reduceId: number;
  mapId: number;
  address: string;
  detail: string;
}

export function taskName(jobId: string, type: "m" | "r", index: number): string {
  return `task_${jobId}_${type}_${String(index).padStart(6, "0")}`;
}

export function attemptName(jobId: string, type: "m" | "r", index: number, attempt: number): string {
  return `attempt_${jobId}_${type}_${String(index).padStart(6, "0")}_${attempt}`;
}

export function partName(type: "m" | "r", index: number): string {
  return `part-${type}-${String(index).padStart(5, "0")}`;
}
