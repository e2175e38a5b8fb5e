// The shapes shared by the driver (job graph, coordinator) and the workers' slot runtime: the job
// graph that is shipped to task slots, the stream elements that flow through channels (records,
// watermarks, checkpoint barriers, latency markers, end of partition) and the hub protocol.

/** A stream element inside a network buffer. Watermarks, barriers and markers travel as records do. */
export type StreamElement =
  | { k: "r"; v: unknown; ts?: number; key?: unknown }
  | { k: "w"; t: number }
  | { k: "b"; id: number; mode: CheckpointKind }
  | { k: "l"; t0: number; src: string }
  | { k: "s"; idle: boolean }
  | { k: "e" };

export type CheckpointKind = "barrier" | "stop-the-world";
export type CheckpointingMode = "exactly_once" | "at_least_once";
export type Partitioning = "forward" | "hash" | "rebalance";

/** One operator of a chain, as shipped: `fn` holds the user's function or object. */
export interface OperatorSpec {
  id: number;
  kind: "map" | "flatMap" | "filter" | "process" | "keyedProcess" | "reduce" | "window" | "timestamps" | "sink" | "coMap" | "coFlatMap" | "coProcess";
  name: string;
  fn?: unknown;
  args?: Record<string, unknown>;
}

export interface SourceSpec {
  kind: "collection" | "sequence" | "generator" | "file" | "socket" | "controlled";
  items?: unknown[];
  from?: number;
  to?: number;
  count?: number;
  fn?: (i: number) => unknown;
  /** Records per second over all subtasks (generator); undefined = as fast as possible. */
  rate?: number;
  /** file: a file or a directory of files; monitorMs > 0 keeps watching the directory for new files. */
  path?: string;
  monitorMs?: number;
  /** socket: the server to read delimited text from. */
  host?: string;
  port?: number;
  delimiter?: string;
  /** controlled: the id the driver feeds under. */
  controlledId?: string;
}

export interface InputEdge {
  from: number; // upstream vertex
  partitioning: Partitioning;
  keySelector?: (v: unknown) => unknown;
  /** Which input of a two-input operator (connect) this edge feeds: 1 (default) or 2. */
  side?: 1 | 2;
}

/** A task (chain of operators) of the job graph, run with `parallelism` subtasks. */
export interface VertexSpec {
  id: number;
  name: string;
  parallelism: number;
  source?: SourceSpec;
  inputs: InputEdge[];
  ops: OperatorSpec[];
  /** Downstream vertices this vertex feeds (with the edge's partitioning held by the consumer). */
  outputs: number[];
  keyed: boolean;
}

export interface JobGraph {
  jobId: string;
  name: string;
  vertices: VertexSpec[];
  parallelism: number;
  maxParallelism: number;
}

export interface RuntimeConfig {
  bufferTimeout: number; // ms; 0 = flush every record; -1 = only when full
  bufferSize: number; // records per network buffer
  credits: number; // buffers a channel may have in flight
  checkpointDir: string;
  mode: CheckpointingMode;
  latencyTrackingInterval: number; // ms; 0 = off
  watermarkInterval: number; // ms between periodic watermarks
}

/** What the slot task gets: where the hub is, which slot it is, which attempt, what to restore. */
export interface SlotTaskArgs {
  hubUrl: string;
  /** The job's secret: the hub and the slots' data ports refuse connections without it. */
  secret: string;
  attempt: number;
  /** A completed checkpoint's or savepoint's directory to restore every subtask from. */
  restoreFrom: string | null;
  config: RuntimeConfig;
}

export type ChannelId = string; // `${fromVertex}.${fromSub}->${toVertex}.${toSub}`

export interface OperatorMetrics {
  recordsIn: number;
  recordsOut: number;
  inputWatermark: number;
  outputWatermark: number;
  busyMs: number;
  backpressuredMs: number;
  idleMs: number;
  queued: number;
}

// ---- a running job as its client and its view see it ----

export type JobStatus = "CREATED" | "RUNNING" | "RESTARTING" | "FINISHED" | "FAILED" | "CANCELED";

export interface SinkHolder { id: string; kind: "collect" | "print" | "file"; values: unknown[]; path?: string }

export interface CheckpointStats {
  id: number;
  kind: CheckpointKind;
  status: "COMPLETED" | "ABORTED" | "IN_PROGRESS";
  triggerTime: number;
  durationMs: number;
  stateBytes: number;
  alignmentMs: number;
  bufferedDuringAlignment: number;
  /** Stop-the-world: how long sources were paused. */
  pauseMs: number;
}
