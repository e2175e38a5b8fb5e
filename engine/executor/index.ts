// The executor: the worker side of a job. An executor thread (executor-thread.ts) rebuilds a
// stage from the bytes a task carries (task-payload.ts), runs the task (task-runner.ts: shuffle
// reads and writes, cache, accumulators, edge samples) and reports its end. The driver side is
// engine/scheduler; what they exchange is typed here and in engine/rpc.

export type { StagePayload, TaskPayload } from "./task-payload";
