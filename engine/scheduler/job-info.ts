// The plain-data job/stage/task descriptions live in engine/common (lower layers report metrics
// too); re-exported here where the scheduler's users expect them.
export * from "../common/job-info";
