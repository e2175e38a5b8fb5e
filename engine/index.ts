// bigdata-workbench: the public API. Notebooks, the kernel and scripts import only this module.
// Names follow PySpark; actions return Promises.

export * from "./session";
export * from "./rdd";
export { StorageLevel } from "./storage";
export { Broadcast, Accumulator, type AccumulatorParam } from "./scheduler";
export type {
  JobInfo, StageInfo, TaskInfo, TaskMetrics, JobDag, DagRdd, DagStage, DagEdge, WorkerInfo, ListenerEvent, SparkListener,
} from "./scheduler";
export {
  WorkbenchError, SparkException, ParseError, AnalysisError, ExecutionError, InternalError, type WireError,
} from "./common/errors";
// DecimalType values beyond a double's 15 digits (collect() gives them; lit() and createDataFrame take them).
export { Decimal } from "./common/decimal";
export * from "./sql";
export { toDanfo, fromDanfo, type DanfoFrame } from "./sql/datasources";
export * as viz from "./viz";
export type { MimeBundle } from "./viz";
export * from "./mapreduce";
export * from "./streaming";
export * from "./mining";
export * from "./lake";
export * from "./ml";
// pyspark.ml's names under `ml` as well: `new ml.MinHashLSH(...)` is Spark ML's estimator on
// DataFrames, while the top-level MinHashLSH is lecture 3's banding LSH (./mining).
export * as ml from "./ml";
export { MinHashLSH } from "./mining";
export * from "./dataflow";
export * from "./graph";
export * from "./nosql";
// Spark Connect (SparkSession.builder().remote(url)): the client loads on demand; these are light.
export { parseConnectionString, DEFAULT_CONNECT_PORT, type ConnectionString } from "./connect/connection-string";
export type { RemoteSparkSession } from "./connect/remote-session";
