// Hadoop-style MapReduce on the workbench's workers (lecture 2 and 3).
export { MapReduceJob, readOutputDir, type JobResult, type MapReduceHost, type MapReduceContext, type DisplayFn } from "./job";
export { Counters, TASK_COUNTER, FILE_INPUT_COUNTER, FILE_OUTPUT_COUNTER, JOB_COUNTER, type CounterData } from "./counters";
export type { JobStatusData, TaskStatus, DataView, JobPhase } from "./job-status";
export type { MapReduceConfig, Mapper, Reducer, TaskContext as MapReduceContextApi, Counter, FileInput, ArrayInput, RddInput, InputFormat, InputSplitInfo } from "./types";
export { planSplits, readLines as readSplitLines } from "./input-splits";
export { kmeansMapReduce, type KMeansMROptions, type KMeansMRResult, type KMeansIteration } from "./kmeans";
