// Versioned message types between the driver and its workers. Every frame is one binary
// WebSocket message holding one codec-encoded Message. The version and the client's nonce are
// checked during the HTTP upgrade; then both sides prove the session secret (rpc/auth.ts) before
// any other message is accepted. The secret itself never crosses the wire.

import type { WireError } from "../common/errors";
import type { TaskAttemptIds } from "../common/job-info";

export const PROTOCOL_VERSION = 2;
export const NONCE_HEADER = "x-bigdata-nonce";
export const VERSION_HEADER = "x-bigdata-protocol";
export const WORKER_ID_HEADER = "x-bigdata-worker";

/** Close codes used when refusing a peer. */
export const CLOSE_BAD_TOKEN = 4001;
export const CLOSE_BAD_VERSION = 4002;
/** A peer sent a frame that is not a valid message (wrong shape, undecodable, too large). */
export const CLOSE_BAD_MESSAGE = 4003;
/** A worker tried to register with an id another live worker already holds. */
export const CLOSE_DUPLICATE_WORKER = 4004;
export const CLOSE_SHUTDOWN = 4000;

/** Where a shuffle's map outputs live, as a reduce task needs to know. */
export interface ShuffleReadPlan {
  shuffleId: number;
  /** One entry per map output: which map task and the shuffle server holding it. */
  outputs: Array<{ mapId: number; address: string; workerId: string; size?: number[] }>;
}

/** A task as it travels to a worker. `payload` holds the encoded stage pipeline (see scheduler/task-codec). */
export interface TaskMessage extends TaskAttemptIds {
  t: "task";
  /** Executor slot on the worker that should run it. */
  slot: number;
  payload: Uint8Array;
  /** Broadcast values the worker does not have yet. */
  broadcasts: Array<{ id: number; value: Uint8Array }>;
}

export interface TaskEndMessage {
  t: "taskEnd";
  taskId: number;
  status: "success" | "failed" | "fetchFailed" | "killed";
  /** Encoded result (result tasks) or map status (shuffle map tasks). */
  result?: Uint8Array;
  error?: WireError;
  fetchFailed?: { shuffleId: number; mapId: number; reduceId: number; address: string };
  metrics: Record<string, number>;
  /** Accumulator updates: id -> partial value (encoded by the codec as plain data). */
  accumulators: Array<{ id: number; value: unknown }>;
  /** Cache changes on this worker during the task. */
  blocksAdded: Array<{ blockId: string; where: "memory" | "disk"; bytes: number }>;
  blocksRemoved: string[];
}

/** The end of a task killed (or dropped from a queue) before it finished. */
export function killedEnd(taskId: number, reason: string): TaskEndMessage {
  return {
    t: "taskEnd", taskId, status: "killed", error: { kind: "ExecutionError", name: "ExecutionError", condition: "TASK_KILLED", message: reason },
    metrics: {}, accumulators: [], blocksAdded: [], blocksRemoved: [],
  };
}

/**
 * A request to a service a worker hosts in its main thread (engine/cluster/worker-services.ts:
 * e.g. the key-value store's storage nodes), and its reply with the same reqId.
 */
export interface ServiceRequest { t: "service"; reqId: number; service: string; op: unknown }
export interface ServiceReply { t: "serviceReply"; reqId: number; result?: unknown; error?: WireError }

export type WorkerToDriver =
  | { t: "register"; workerId: string; pid: number; host: string; slots: number; shuffleAddress: string; localDir: string }
  | { t: "heartbeat"; workerId: string; time: number; /** The worker process's resident memory (process.memoryUsage().rss). */ rssBytes?: number }
  | TaskEndMessage
  | ServiceReply
  | { t: "log"; level: "info" | "warn" | "error"; text: string };

export type DriverToWorker =
  | { t: "registered"; workerId: string; maxFrameBytes?: number }
  | TaskMessage
  | { t: "kill"; taskId: number; reason: string }
  | { t: "removeShuffle"; shuffleId: number }
  | { t: "removeRdd"; rddId: number }
  | { t: "removeBroadcast"; id: number }
  | ServiceRequest
  | { t: "shutdown" };

/** Messages between a worker's main thread and one of its executor threads. */
export type MainToExecutor =
  /** Tasks for the thread's queue, run one at a time in order (several when the driver sent some ahead). */
  | { t: "tasks"; tasks: TaskMessage[] }
  /** Drop a queued task: answered by its `killed` taskEnd, or `dropFailed` once it has started. */
  | { t: "drop"; taskId: number; reason: string }
  | { t: "removeShuffle"; shuffleId: number }
  | { t: "removeRdd"; rddId: number }
  | { t: "removeBroadcast"; id: number };

export type ExecutorToMain =
  | { t: "ready" }
  | TaskEndMessage
  /** Ends of tasks the thread ran back to back from its queue. */
  | { t: "taskEnds"; ends: TaskEndMessage[] }
  | { t: "dropFailed"; taskId: number; reason: string }
  | { t: "log"; level: "info" | "warn" | "error"; text: string };

/** What a task needs to know about the worker it runs on. */
export interface ExecutorEnv {
  workerId: string;
  token: string;
  shuffleAddress: string;
  localDir: string;
  /** Cache budget of each executor thread, bytes. */
  memoryBudgetBytes: number;
  /** In-memory size after which aggregations and sorts spill to disk, bytes. */
  spillThresholdBytes: number;
}
