// What a running task can see on its worker: its identity, its metrics, the executor's block
// manager (cache), the shuffle blocks fetched for it, broadcast values and accumulators.
// RDD.compute receives it; it exists only on workers (and in single-process unit tests).

import type { TaskMetrics } from "../common/job-info";

/** The cache API a task needs (engine/storage's BlockManager satisfies it). */
export interface TaskBlockStore {
  get(blockId: string): unknown[] | undefined;
  /** The same records as get(), read lazily where the store can (a serialized block decodes as it is read). */
  iterator(blockId: string): Iterator<unknown> | undefined;
  has(blockId: string): boolean;
  put(blockId: string, values: unknown[], level: import("../storage").StorageLevel): { where: "memory" | "disk" | "none"; evicted: Array<{ blockId: string; droppedTo: "disk" | "nothing" }>; bytes: number };
}

export interface TaskContext {
  readonly stageId: number;
  readonly partitionId: number;
  readonly attemptNumber: number;
  readonly taskAttemptId: number;
  readonly workerId: string;
  readonly localDir: string;
  readonly metrics: TaskMetrics;
  readonly blocks: TaskBlockStore;
  /** Fetched shuffle blocks, by `${shuffleId}:${reduceId}` (filled during prepare). */
  readonly shuffleBlocks: Map<string, Buffer[]>;
  /** Fetch the blocks of one reduce partition of a shuffle (used by prepare hooks). */
  fetchShuffle(shuffleId: number, reduceId: number): Promise<void>;
  /** Memory an aggregation or sort may use before spilling, bytes. */
  readonly spillThresholdBytes: number;
  readonly checkpointDir?: string;
  /** Data loaded by prepare hooks for compute to use, keyed by the RDD that loaded it. */
  readonly prepared: Map<string, unknown>;
  /** Cache changes made by this task, reported to the driver. */
  readonly blocksAdded: Array<{ blockId: string; where: "memory" | "disk"; bytes: number }>;
  readonly blocksRemoved: string[];
}
