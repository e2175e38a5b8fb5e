// Services a worker hosts in its main thread for the driver, beside the executor threads: long-lived
// state that must live on a worker but is not a task (the NoSQL stores' nodes and shards). A
// topic package registers a handler by name; the worker process imports it at start (session/
// worker-entry.ts), and the driver reaches it with DriverEndpoint.request(worker, service, op).

import { errorToWire, type WireError } from "../common/errors";

export interface WorkerServiceContext {
  workerId: string;
  /** The worker's scratch directory (removed when the worker stops). */
  localDir: string;
}

export type WorkerServiceHandler = (op: unknown, ctx: WorkerServiceContext) => unknown;

const handlers = new Map<string, WorkerServiceHandler>();

/** Register (or replace) the handler of a service; the worker's main thread calls it per request. */
export function registerWorkerService(name: string, handler: WorkerServiceHandler): void {
  handlers.set(name, handler);
}

/** Run one request: its result, or the error it raised in wire form. */
export async function runWorkerService(name: string, op: unknown, ctx: WorkerServiceContext): Promise<{ result?: unknown; error?: WireError }> {
  const h = handlers.get(name);
  if (!h) {
    return { error: { kind: "ExecutionError", name: "ExecutionError", condition: "UNKNOWN_WORKER_SERVICE", message: `worker ${ctx.workerId} hosts no service '${name}' (hosted: ${[...handlers.keys()].join(", ") || "none"})` } };
  }
  try {
    return { result: await h(op, ctx) };
  } catch (e) {
    return { error: errorToWire(e) };
  }
}
