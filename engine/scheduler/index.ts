export * from "./job-info";
export { DAGScheduler, MAX_TASK_FAILURES, userFrames, type SchedulerBackend, type JobRequest } from "./dag-scheduler";
export { ListenerBus } from "./listener-bus";
export { JobTracker, type JobRecord } from "./job-tracker";
export { MapOutputTracker } from "./map-output-tracker";
export { Broadcast, Accumulator, type AccumulatorParam } from "./shared-variables";
export type { StagePayload, TaskPayload } from "../executor";
