// Public surface of the RDD layer. Importing it registers every RDD kind and attaches the
// transformation and action methods to RDD.
export { RDD, drain } from "./rdd";
export * from "./partition";
export * from "./dependency";
export * from "./partitioner";
export type { TaskContext, TaskBlockStore } from "./task-context";
export type { RddContext, ResultFn, RunJobOptions } from "./rdd-context";
export { registerRddKind, stageRdds, stageSpecs, specOf, rebuildStage, type RddSpec } from "./rdd-registry";
export { walkLineage, stageShuffleReads } from "./lineage-walk";
export { ParallelCollectionRDD, RangeRDD, EmptyRDD } from "./parallel-collection-rdd";
export { MapPartitionsRDD } from "./map-partitions-rdd";
export { ShuffledRDD, readShuffle } from "./shuffled-rdd";
export { CoGroupedRDD } from "./cogrouped-rdd";
export { UnionRDD, CoalescedRDD, CartesianRDD, ZippedPartitionsRDD } from "./union-rdd";
export { SourceRDD, TextFileRDD, WholeTextFilesRDD, CheckpointRDD, listInputFiles, planFileSplits, readLines, type FileSplit, type SplitReader } from "./source-rdd";
export { shuffleWriteSpec, type ShuffleWriteSpec, type SerializedAggregator } from "./shuffle-write-spec";
export { deserializeAggregator } from "./shuffled-rdd";
export { resolveDeferred, deferUntilJob } from "./deferred";
export { StatCounter } from "./stat-counter";
export { checkpointComplete } from "./checkpoint-files";
import "./rdd-transformations";
import "./rdd-actions";
export { runWholePartitionResult } from "./rdd-actions";
import "./debug-string";
