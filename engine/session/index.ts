export { SparkSession, SparkSessionBuilder, RemoteSessionBuilder, RuntimeConfig, ClusterHandle } from "./spark-session";
export { SparkContext } from "./spark-context";
export { SparkConf, parseMaster, parseBytes } from "./spark-conf";
export { JobHandle, type Displayable } from "./job-handle";
export { PlannedJob, compare } from "./planned-job";
export { StatusTracker } from "./status-tracker";
export { runWorker, type RunWorkerOptions } from "./worker-entry";
export { workerBundle, type WorkerBundle } from "./worker-bundle";
export { DeltaStreamSource, DeltaStreamSink, type DeltaSourceOffset } from "./delta-streaming";
