// Entry module of an executor thread (loaded by engine/cluster/thread-boot.mjs). It owns the
// thread's block manager (cache) and runs the tasks its worker's main thread hands it, one at a
// time in the order they came (a queue: the driver may send a slot its next short tasks ahead),
// answering each with a taskEnd (those of tasks run back to back together, as one taskEnds).

import { parentPort, workerData } from "node:worker_threads";
import { join } from "node:path";
import { BlockManager, removeShuffle } from "../storage";
import { killedEnd, type ExecutorEnv, type ExecutorToMain, type MainToExecutor, type TaskEndMessage, type TaskMessage } from "../rpc/protocol";
import { runTask, type ExecutorState } from "./task-runner";
import { ownBytes } from "../common/codec";
import { workerBroadcasts } from "./shared-variables";

const { env, slot, running } = workerData as { env: ExecutorEnv; slot: number; running: SharedArrayBuffer };
/** The id of the task running now (-1: none), shared with the main thread: if this thread dies, it fails that task alone. */
const runningTask = new Float64Array(running);
const state: ExecutorState = {
  env,
  blocks: new BlockManager({ dir: join(env.localDir, `blocks-${slot}`), memoryBudgetBytes: env.memoryBudgetBytes }),
  stages: new Map(),
};

const post = (m: ExecutorToMain) => parentPort!.postMessage(m);

/** Tasks waiting for this thread, with when they came and whether another task was ahead of them. */
const queue: Array<{ task: TaskMessage; at: number; behind: boolean }> = [];
let busy = false;
/**
 * Ends of tasks run back to back from the queue, posted together (one wake-up of the main thread,
 * one write to the driver) once the queue is empty or the oldest waited FLUSH_MS. Only tasks of
 * the stage the slot runs are ever queued, so an end held back behind a long task of that stage
 * never delays the stage's completion.
 */
let outbox: TaskEndMessage[] = [];
let outboxSince = 0;
const FLUSH_MS = 2;

function flush(): void {
  if (outbox.length === 0) return;
  const ends = outbox;
  outbox = [];
  const transfer = ends.flatMap((e) => (e.result ? [e.result.buffer as ArrayBuffer] : []));
  try { parentPort!.postMessage({ t: "taskEnds", ends } satisfies ExecutorToMain, transfer); }
  catch { post({ t: "taskEnds", ends }); }
}

function runNext(): void {
  if (busy) return;
  const next = queue.shift();
  if (!next) { flush(); return; }
  busy = true;
  const waitedMs = next.behind ? performance.now() - next.at : undefined;
  runningTask[0] = next.task.taskId;
  void runTask(next.task, state).then((end) => {
    runningTask[0] = -1;
    if (waitedMs !== undefined) end.metrics.queueWaitMs = waitedMs;
    // A result that is a view into a larger buffer (the encoder's reusable one, which grows to the
    // largest value this thread ever encoded) is copied to a buffer of its own: posting a view
    // clones its whole underlying buffer. Then the buffer is transferred, not copied again.
    if (end.result) end.result = ownBytes(end.result);
    if (outbox.length === 0) outboxSince = performance.now();
    outbox.push(end);
    busy = false;
    if (queue.length === 0 || performance.now() - outboxSince >= FLUSH_MS) flush();
    // The next task at once, before the event loop turns: the held ends leave before any timer a
    // task left behind can fire (an uncaught error there ends the thread, and with it what it
    // holds). A drop request is seen when the queue has run dry: queued tasks are a few ms of work.
    runNext();
  });
}

parentPort!.on("message", (msg: MainToExecutor) => {
  switch (msg.t) {
    case "tasks": {
      const at = performance.now();
      for (const task of msg.tasks) queue.push({ task, at, behind: busy || queue.length > 0 });
      runNext();
      break;
    }
    case "drop": {
      const k = queue.findIndex((q) => q.task.taskId === msg.taskId);
      if (k < 0) {
        // Started, or ended with its end still held: the ends go first, so the main thread kills
        // the task only if it is still running.
        flush();
        post({ t: "dropFailed", taskId: msg.taskId, reason: msg.reason });
        break;
      }
      queue.splice(k, 1);
      post(killedEnd(msg.taskId, msg.reason));
      break;
    }
    case "removeRdd":
      state.blocks.removeRdd(msg.rddId);
      break;
    case "removeShuffle":
      if (slot === 0) removeShuffle(env.localDir, msg.shuffleId);
      break;
    case "removeBroadcast":
      workerBroadcasts.delete(msg.id);
      break;
  }
});

post({ t: "ready" });
