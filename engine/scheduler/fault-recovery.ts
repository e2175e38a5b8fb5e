// Recovery from lost work: a fetch failure drops the map outputs at the failed address and
// resubmits the map and reading stages; a task failing too often aborts its stage (and fails
// its jobs with the user's stack first); a lost worker takes its slots, cached blocks and
// shuffle files with it, so its running tasks are retried and stages reading its outputs rerun.

import { isExecutorOf } from "./executor-ids";
import { errorFromWire, ExecutionError, type WireError } from "../common/errors";
import type { WorkerLoss } from "../common/job-info";
import { parseRddBlockId } from "../storage/block-ids";
import { stageShuffleReads } from "../rdd";
import type { TaskEndMessage } from "../rpc/protocol";
import type { Stage } from "./stage";
import { MAX_STAGE_ATTEMPTS, type RunningTask } from "./scheduler-types";
import type { SchedulerCore } from "./scheduler-state";

export function fetchFailed(s: SchedulerCore, stage: Stage, task: RunningTask, msg: TaskEndMessage): void {
  const ff = msg.fetchFailed!;
  const mapStage = s.state.shuffleStages.get(ff.shuffleId);
  // Whatever lived at that address is suspect: the holder is gone or its files are missing. As
  // Spark (removeExecutorAndUnregisterOutputs with fileLost), drop every map output it served,
  // so one resubmission recomputes them all instead of one per stage attempt.
  s.outputs.unregister(ff.shuffleId, ff.mapId);
  s.outputs.removeOutputsOn((o) => o.address === ff.address);
  if (s.state.failed.has(stage) || task.stageAttempt !== stage.attempt) return;
  if (s.state.running.has(stage)) {
    stage.failedAttempts++;
    s.stageFinished(stage, `FetchFailed(${ff.address}, shuffleId=${ff.shuffleId}, mapId=${ff.mapId}, reduceId=${ff.reduceId})`);
  }
  if (stage.failedAttempts >= MAX_STAGE_ATTEMPTS) {
    abortStage(s, stage, task, task.workerId, msg.error!, stage.failedAttempts);
    return;
  }
  s.state.pending = s.state.pending.filter((t) => t.stage !== stage);
  s.state.failed.add(stage);
  if (mapStage) s.state.failed.add(mapStage);
  scheduleResubmit(s);
}

export function scheduleResubmit(s: SchedulerCore): void {
  if (s.state.resubmitTimer) return;
  s.state.resubmitTimer = setTimeout(() => s.post({ type: "ResubmitFailedStages" }), 50);
  s.state.resubmitTimer.unref?.();
}

export function abortStage(s: SchedulerCore, stage: Stage, task: RunningTask, workerId: string, err: WireError, n: number): void {
  const cause = errorFromWire(err);
  const userStack = err.causeStack ?? err.stack ?? "";
  const msg =
    `Job aborted due to stage failure: Task ${task.outputIndex} in stage ${stage.id}.${task.stageAttempt} failed ${n} times, ` +
    `most recent failure: Lost task ${task.outputIndex}.${task.attempt} in stage ${stage.id}.${task.stageAttempt} (TID ${task.taskId}) (${workerId}): ` +
    `${cause.name}: ${err.message}`;
  if (s.state.running.has(stage)) s.stageFinished(stage, `${cause.name}: ${err.message}`);
  for (const jobId of [...stage.jobIds]) {
    const job = s.state.jobs.get(jobId);
    if (!job) continue;
    const e = new ExecutionError("TASK_FAILED", msg, {
      parameters: { errorClass: err.condition || cause.name, message: err.message },
      context: { jobId, stageId: stage.id, partition: task.partition, attempt: task.attempt, workerId },
      causeStack: userStack,
      cause,
    });
    e.stack = `${e.name}: ${e.message}\n${userFrames(userStack)}`;
    s.failJob(job, e);
  }
}

// ---- lost workers -------------------------------------------------------------------------

export function onWorkerLost(s: SchedulerCore, workerId: string, reason: string): void {
  if (!s.state.workers.delete(workerId)) return;
  for (const [id, z] of [...s.state.zombies]) if (z.workerId === workerId) s.state.zombies.delete(id);
  for (const k of [...s.state.sentBroadcasts.keys()]) if (isExecutorOf(k, workerId)) s.state.sentBroadcasts.delete(k);
  const lost: WorkerLoss = { shuffleOutputs: [], cachedBlocks: [], taskIds: [] };
  for (const [b, execs] of s.state.cacheLocs) {
    const had = execs.size;
    for (const e of [...execs]) if (isExecutorOf(e, workerId)) execs.delete(e);
    if (execs.size === 0) {
      s.state.cacheLocs.delete(b);
      const block = parseRddBlockId(b);
      if (had > 0 && block) lost.cachedBlocks.push(block);
    }
  }
  // Its shuffle files are gone with it.
  lost.shuffleOutputs = s.outputs.removeOutputsOn((o) => o.workerId === workerId);
  const affected = new Set(lost.shuffleOutputs.map((l) => l.shuffleId));
  for (const t of [...s.state.runningTasks.values()]) {
    if (t.workerId !== workerId) continue;
    lost.taskIds.push(t.taskId);
    s.state.runningTasks.delete(t.taskId);
    const times = s.state.stageTimes.get(t.stage.id);
    if (times) { times.active = Math.max(0, times.active - 1); times.failed++; }
    Object.assign(t.info, { finishTime: Date.now(), status: "FAILED", error: `worker lost: ${reason}` });
    s.bus.post({ type: "taskEnd", time: Date.now(), task: { ...t.info }, reason: "WorkerLost" });
    if (!s.state.stages.has(t.stage.id)) continue;
    const key = `${t.stage.id}:${t.outputIndex}`;
    const n = (s.state.failures.get(key) ?? 0) + 1;
    s.state.failures.set(key, n);
    if (n >= s.maxTaskFailures) {
      abortStage(s, t.stage, t, workerId, { kind: "ExecutionError", name: "ExecutionError", condition: "WORKER_LOST", message: `worker ${workerId} lost: ${reason}` }, n);
    } else s.state.pending.push({ ...t, taskId: s.state.nextTaskId++, attempt: n });
  }
  // Stages reading a shuffle that lost outputs: rerun the map side first, then them.
  for (const stage of [...s.state.running]) {
    const reads = stageShuffleReads(stage.rdd).map((d) => d.shuffleId);
    if (!reads.some((id) => affected.has(id))) continue;
    stage.failedAttempts++;
    s.stageFinished(stage, `parent map outputs lost with worker ${workerId}`);
    s.state.pending = s.state.pending.filter((t) => t.stage !== stage);
    s.state.failed.add(stage);
    for (const id of reads) {
      const ms = s.state.shuffleStages.get(id);
      if (ms && !ms.isAvailable && !s.state.running.has(ms)) s.state.failed.add(ms);
    }
    scheduleResubmit(s);
  }
  s.bus.post({ type: "workerRemoved", time: Date.now(), workerId, reason, lost });
}

/** Stack lines from the user's code first (engine and Node internals after). */
export function userFrames(stack: string): string {
  const lines = stack.split("\n").filter((l) => /^\s+at /.test(l));
  const isEngine = (l: string) => /engine\/(scheduler|rdd|storage|cluster|common)\/|node:internal|node_modules/.test(l);
  return [...lines.filter((l) => !isEngine(l)), ...lines.filter(isEngine)].join("\n");
}
