// A worker process: connects to the driver over a WebSocket, runs one executor thread per slot
// (worker_threads, so a long task never blocks heartbeats, block serving or kills), and keeps
// its shuffle block server (injected by the caller) alive. It exits when the driver goes away.

import { rmSync } from "node:fs";
import { hostname } from "node:os";
import { createWorkerDir } from "./worker-dirs";
import { runWorkerService } from "./worker-services";
import { Worker } from "node:worker_threads";
import type WebSocket from "ws";
import { connectAuthenticated } from "../rpc/auth";
import { onMessage, send } from "../rpc/transport";
import { ownBytes } from "../common/codec";
import {
  CLOSE_DUPLICATE_WORKER, WORKER_ID_HEADER, killedEnd, type DriverToWorker, type ExecutorEnv, type ExecutorToMain, type MainToExecutor, type TaskMessage, type WorkerToDriver,
} from "../rpc/protocol";

export interface WorkerServices {
  /** Start the services the worker hosts for peers (the shuffle block server). */
  start(opts: { localDir: string; token: string; host: string }): Promise<{ shuffleAddress: string; close(): Promise<void> }>;
}

export interface WorkerOptions {
  driverUrl: string;
  token: string;
  /** Address the worker binds its own servers to (loopback unless told otherwise). */
  host?: string;
  cores?: number;
  workerId?: string;
  localDir?: string;
  /** Module (file URL) each executor thread runs; it handles MainToExecutor messages. */
  executorModule: string;
  /** Modules each executor thread imports first (e.g. the engine's index, for shippable names). */
  preload?: string[];
  /** Heap cap of each executor thread, MB. */
  executorHeapMb?: number;
  heartbeatMs?: number;
  /** Cache budget per executor thread, bytes (default 256 MB). */
  memoryBudgetBytes?: number;
  /** Spill threshold for aggregations and sorts, bytes (default 64 MB). */
  spillThresholdBytes?: number;
  services: WorkerServices;
}

interface Slot {
  index: number;
  thread: Worker;
  ready: Promise<void>;
  /**
   * Tasks handed to the thread and not ended, in order: the first runs, the rest wait in the
   * thread's queue (the driver sends a slot its next short tasks ahead: task prefetch).
   */
  posted: TaskMessage[];
  /** Tasks that came in this turn of the event loop, handed over together on the next tick. */
  incoming: TaskMessage[];
  /** The id of the task the thread is running (-1: none), written by the thread. */
  running: Float64Array;
}

/** Run a worker until the driver disconnects or sends shutdown. Resolves when it has stopped. */
export async function startWorkerProcess(opts: WorkerOptions): Promise<void> {
  const host = opts.host ?? "127.0.0.1";
  const workerId = opts.workerId ?? `worker-${hostname()}-${process.pid}`;
  const localDir = createWorkerDir(workerId, opts.localDir);
  const services = await opts.services.start({ localDir, token: opts.token, host });
  const env: ExecutorEnv = {
    workerId, token: opts.token, shuffleAddress: services.shuffleAddress, localDir,
    memoryBudgetBytes: opts.memoryBudgetBytes ?? 256 * 1024 * 1024,
    spillThresholdBytes: opts.spillThresholdBytes ?? 64 * 1024 * 1024,
  };
  const cores = Math.max(1, opts.cores ?? 1);

  const slots: Slot[] = [];
  let stopping = false;
  let ws: WebSocket | undefined;
  /** The driver's frame limit, learnt at registration: larger results fail their task instead. */
  let maxFrameBytes = Infinity;
  const pending: WorkerToDriver[] = [];

  const toDriver = (msg: WorkerToDriver) => {
    if (!ws) { pending.push(msg); return; }
    if (msg.t === "taskEnd" && msg.status === "success" && (msg.result?.byteLength ?? 0) > maxFrameBytes - 64 * 1024) {
      const bytes = msg.result!.byteLength;
      msg = {
        ...msg, status: "failed", result: undefined,
        error: {
          kind: "ExecutionError", name: "ExecutionError", condition: "RESULT_TOO_LARGE",
          message: `[RESULT_TOO_LARGE] The result of task ${msg.taskId} is ${bytes} bytes, more than spark.rpc.message.maxSize (${maxFrameBytes} bytes) allows. Reduce what each task returns (aggregate first, or write the result to a file) or raise spark.rpc.message.maxSize.`,
        },
      };
    }
    send(ws, msg);
  };

  /** Hand the thread the tasks that came for it in one message (one wake-up of the thread). */
  const handOver = (index: number) => {
    const slot = slots[index]!;
    const tasks = slot.incoming.splice(0);
    if (tasks.length === 0 || stopping) return;
    slot.posted.push(...tasks);
    post(slot, tasks);
  };
  const post = (slot: Slot, tasks: TaskMessage[]) => {
    // The payload and broadcasts are views into the received frame: posted as they are, each
    // would clone the frame's whole buffer.
    const own = tasks.map((t): TaskMessage => ({ ...t, payload: ownBytes(t.payload), broadcasts: t.broadcasts.map((b) => ({ id: b.id, value: ownBytes(b.value) })) }));
    void slot.ready.then(() => slot.thread.postMessage({ t: "tasks", tasks: own } satisfies MainToExecutor));
  };

  /** A fresh thread for the slot (its old one died or was terminated), given the tasks still waiting. */
  const replaceThread = (slot: Slot, waiting: TaskMessage[]) => {
    const fresh = spawnSlot(slot.index);
    fresh.incoming = slot.incoming;
    slots[slot.index] = fresh;
    if (waiting.length) {
      fresh.posted.push(...waiting);
      post(fresh, waiting);
    }
    return fresh;
  };

  const spawnSlot = (index: number): Slot => {
    const running = new SharedArrayBuffer(8);
    new Float64Array(running)[0] = -1;
    const thread = new Worker(new URL("./thread-boot.mjs", import.meta.url), {
      workerData: { module: opts.executorModule, preload: opts.preload ?? [], slot: index, env, running },
      resourceLimits: opts.executorHeapMb ? { maxOldGenerationSizeMb: opts.executorHeapMb } : undefined,
      stdout: false,
      stderr: false,
    });
    let markReady: () => void = () => {};
    const slot: Slot = { index, thread, ready: new Promise<void>((r) => (markReady = r)), posted: [], incoming: [], running: new Float64Array(running) };
    thread.on("message", (msg: ExecutorToMain) => {
      if (msg.t === "ready") { booted = true; markReady(); }
      else if (msg.t === "taskEnd" || msg.t === "taskEnds") {
        for (const end of msg.t === "taskEnd" ? [msg] : msg.ends) {
          const k = slot.posted.findIndex((t) => t.taskId === end.taskId);
          if (k >= 0) slot.posted.splice(k, 1);
          toDriver(end);
        }
      } else if (msg.t === "dropFailed") {
        // It started before the drop reached the thread (its end, if it has one, came first).
        if (slot.running[0] === msg.taskId) void killRunning(slot, msg.taskId, msg.reason);
      } else if (msg.t === "log") toDriver(msg);
    });
    let booted = false;
    thread.on("error", (err) => {
      // A thread that cannot even load its modules would fail the same way again: give up
      // instead of restarting it forever (the driver reports workers that never registered).
      if (!booted) {
        process.stderr.write(`[bigdata worker ${workerId}] executor thread failed to start: ${err.stack ?? err.message}\n`);
        process.exit(1);
      }
      // An executor thread died (e.g. out of memory): fail the task it was running, start a fresh
      // thread with the others it had not reported (waiting, or ended with their ends held back).
      const task = slot.posted.find((t) => t.taskId === slot.running[0]);
      const waiting = slot.posted.filter((t) => t !== task);
      if (task) {
        toDriver({
          t: "taskEnd", taskId: task.taskId, status: "failed",
          error: { kind: "ExecutionError", name: "ExecutionError", condition: "EXECUTOR_LOST", message: `executor thread died: ${err.message}`, stack: err.stack },
          metrics: {}, accumulators: [], blocksAdded: [], blocksRemoved: [],
        });
      }
      if (!stopping && slots[index] === slot) replaceThread(slot, waiting);
    });
    return slot;
  };
  for (let i = 0; i < cores; i++) slots.push(spawnSlot(i));

  /**
   * Kill the task the slot's thread is running: the thread is terminated; the other tasks it had
   * not reported (waiting, or ended with their ends held back) go to a fresh one.
   */
  const killRunning = async (slot: Slot, taskId: number, reason: string) => {
    const waiting = slot.posted.filter((t) => t.taskId !== taskId);
    slot.posted = [];
    const old = slot.thread;
    replaceThread(slot, waiting);
    await old.terminate();
    toDriver(killedEnd(taskId, reason));
  };

  const killTask = (taskId: number, reason: string) => {
    for (const slot of slots) {
      const k = slot.incoming.findIndex((t) => t.taskId === taskId);
      if (k >= 0) { slot.incoming.splice(k, 1); toDriver(killedEnd(taskId, reason)); return; }
      if (!slot.posted.some((t) => t.taskId === taskId)) continue;
      if (slot.running[0] === taskId) { void killRunning(slot, taskId, reason); return; }
      // Queued on the thread (or ended, its end held back): the thread drops it, or says it has started.
      void slot.ready.then(() => slot.thread.postMessage({ t: "drop", taskId, reason } satisfies MainToExecutor));
      return;
    }
  };

  const toAll = (msg: MainToExecutor) => { for (const s of slots) s.thread.postMessage(msg); };

  let beat: NodeJS.Timeout | undefined;
  try {
    ws = await connectAuthenticated(opts.driverUrl, opts.token, { headers: { [WORKER_ID_HEADER]: workerId } });
  } catch (e) {
    // Leave nothing running: a refused worker must be able to exit.
    stopping = true;
    await Promise.allSettled(slots.map((s) => s.thread.terminate()));
    await services.close().catch(() => {});
    rmSync(localDir, { recursive: true, force: true });
    throw e;
  }
  const conn = ws;
  for (const m of pending.splice(0)) toDriver(m);
  const stopped = new Promise<void>((resolve) => {
    const shutdown = async () => {
      if (stopping) return;
      stopping = true;
      if (beat) clearInterval(beat);
      await Promise.allSettled(slots.map((s) => s.thread.terminate()));
      await services.close().catch(() => {});
      try { conn.close(); } catch { /* gone */ }
      rmSync(localDir, { recursive: true, force: true });
      resolve();
    };
    conn.on("close", (code, reason) => {
      if (code === CLOSE_DUPLICATE_WORKER) process.stderr.write(`[bigdata worker ${workerId}] the driver refused this worker: ${reason.toString()}\n`);
      void shutdown();
    });
    conn.on("error", () => void shutdown());
    onMessage<DriverToWorker>(conn, (msg) => {
      switch (msg.t) {
        case "registered":
          if (typeof msg.maxFrameBytes === "number") maxFrameBytes = msg.maxFrameBytes;
          break;
        case "task": {
          const slot = slots[msg.slot] ?? slots.find((s) => s.posted.length === 0) ?? slots[0]!;
          slot.incoming.push(msg);
          if (slot.incoming.length === 1) process.nextTick(handOver, slot.index);
          break;
        }
        case "kill": killTask(msg.taskId, msg.reason); break;
        case "removeShuffle": toAll(msg); break;
        case "removeRdd": toAll(msg); break;
        case "removeBroadcast": toAll(msg); break;
        case "service":
          void runWorkerService(msg.service, msg.op, { workerId, localDir }).then((r) => toDriver({ t: "serviceReply", reqId: msg.reqId, ...r }));
          break;
        case "shutdown": void shutdown(); break;
      }
    });
    // A worker started by a local driver has an IPC channel: when the driver process dies, exit.
    process.on("disconnect", () => void shutdown());
  });

  // Register only once every executor thread has loaded the engine, so the first task runs warm.
  await Promise.all(slots.map((s) => s.ready));
  toDriver({ t: "register", workerId, pid: process.pid, host, slots: cores, shuffleAddress: services.shuffleAddress, localDir });
  beat = setInterval(() => toDriver({ t: "heartbeat", workerId, time: Date.now(), rssBytes: process.memoryUsage.rss() }), opts.heartbeatMs ?? 1000);
  await stopped;
}
