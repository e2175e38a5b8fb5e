// Entry module of an executor thread (loaded by engine/cluster/thread-boot.mjs). It owns the
// thread's block manager (cache) and runs the tasks its worker's main thread hands it, one at a
// time, answering each with a taskEnd message.

import { parentPort, workerData } from "node:worker_threads";
import { join } from "node:path";
import { BlockManager, removeShuffle } from "../storage";
import type { ExecutorEnv, ExecutorToMain, MainToExecutor } from "../rpc/protocol";
import { runTask, type ExecutorState } from "./task-runner";
import { workerBroadcasts } from "./shared-variables";

const { env, slot } = workerData as { env: ExecutorEnv; slot: number };
const state: ExecutorState = {
  env,
  blocks: new BlockManager({ dir: join(env.localDir, `blocks-${slot}`), memoryBudgetBytes: env.memoryBudgetBytes }),
  stages: new Map(),
};

const post = (m: ExecutorToMain) => parentPort!.postMessage(m);

parentPort!.on("message", (msg: MainToExecutor) => {
  switch (msg.t) {
    case "task":
      void runTask(msg.task, state).then((end) => {
        // A result that is a view into a larger buffer (the encoder's reusable one, which grows to the
        // largest value this thread ever encoded) is copied to a buffer of its own: posting a view
        // clones its whole underlying buffer. Then the buffer is transferred, not copied again.
        const r = end.result;
        if (r && (r.byteOffset !== 0 || r.byteLength !== r.buffer.byteLength)) end.result = new Uint8Array(r);
        try { parentPort!.postMessage(end, end.result ? [end.result.buffer as ArrayBuffer] : []); }
        catch { post(end); }
      });
      break;
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
