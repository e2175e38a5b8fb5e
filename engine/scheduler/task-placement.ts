// Task placement for the DAG scheduler: handing pending tasks to free executor slots (waiting
// a while for an executor that caches the partition), building and sending the task message
// (with the broadcasts that executor lacks), and tracking which executors cache which blocks.

import { executorId, parseExecutorId } from "./executor-ids";
import { encode } from "../common/codec";
import type { TaskEndMessage, TaskMessage } from "../rpc/protocol";
import type { TaskInfo } from "./job-info";
import type { CacheLocations } from "./lineage";
import type { Stage } from "./stage";
import type { TaskPayload } from "../executor";
import type { ActiveJob, Task } from "./scheduler-types";
import type { SchedulerCore } from "./scheduler-state";

/**
 * Delay scheduling, as Spark does: a task whose partition is cached on a live executor waits
 * up to spark.locality.wait for that executor before running anywhere else (and recomputing).
 */
export function offer(s: SchedulerCore): void {
  if (s.state.pending.length === 0) return;
  const free: string[] = [];
  for (const w of s.state.workers.values()) for (const slot of [...w.free].sort()) free.push(executorId(w.info.workerId, slot));
  if (free.length === 0) return;
  const now = Date.now();
  let nextWake = Infinity;
  const remaining: Task[] = [];
  for (let k = 0; k < s.state.pending.length; k++) {
    const task = s.state.pending[k]!;
    if (!s.state.stages.has(task.stage.id)) continue;
    if (free.length === 0) {
      // No slot left: the rest waits as it is (one pass over thousands of pending tasks for
      // every finished task made a large stage quadratic; stale ones are dropped on a later offer).
      for (; k < s.state.pending.length; k++) remaining.push(s.state.pending[k]!);
      break;
    }
    task.since ??= now;
    let i = -1;
    const livePreferred = task.preferred.filter((e) => s.state.workers.has(parseExecutorId(e).workerId));
    if (livePreferred.length) {
      i = free.findIndex((e) => livePreferred.includes(e));
      if (i < 0) {
        const waitUntil = task.since + s.localityWaitMs;
        if (now < waitUntil) {
          nextWake = Math.min(nextWake, waitUntil);
          remaining.push(task);
          continue;
        }
        i = 0;
      }
    } else i = 0;
    const [exec] = free.splice(i, 1);
    if (!launch(s, task, exec!)) remaining.push(task);
  }
  s.state.pending = remaining;
  if (nextWake < Infinity && !s.state.reviveTimer) {
    s.state.reviveTimer = setTimeout(() => s.post({ type: "Revive" }), Math.max(1, nextWake - now));
    s.state.reviveTimer.unref?.();
  }
}

export function launch(s: SchedulerCore, task: Task, exec: string): boolean {
  const { workerId, slot } = parseExecutorId(exec);
  const w = s.state.workers.get(workerId);
  if (!w) return false;
  const stage = task.stage;
  const job = activeJobFor(s.state.jobs, stage);
  const sent = s.state.sentBroadcasts.get(exec) ?? new Set<number>();
  s.state.sentBroadcasts.set(exec, sent);
  const broadcasts = [...s.state.broadcasts].filter(([id]) => !sent.has(id)).map(([id, value]) => ({ id, value }));
  const p: TaskPayload = {
    stageKey: stage.payloadKey, stage: stage.payload!, partition: stage.rdd.partitions[task.partition]!,
    checkpointDir: s.checkpointDir,
  };
  const msg: TaskMessage = {
    t: "task", taskId: task.taskId, jobId: job?.jobId ?? -1, stageId: stage.id, stageAttempt: task.stageAttempt,
    partition: task.partition, attempt: task.attempt, slot, payload: encode(p), broadcasts,
  };
  if (!s.backend.launch(workerId, msg)) return false;
  for (const b of broadcasts) sent.add(b.id);
  w.free.delete(slot);
  const info: TaskInfo = {
    taskId: task.taskId, jobId: job?.jobId ?? -1, stageId: stage.id, stageAttempt: task.stageAttempt, partition: task.partition,
    attempt: task.attempt, workerId, launchTime: Date.now(), status: "RUNNING",
  };
  s.state.runningTasks.set(task.taskId, { ...task, workerId, slot, info });
  const t = s.state.stageTimes.get(stage.id);
  if (t) t.active++;
  if (job) s.tracker.jobs.get(job.jobId)?.tasks.push(info);
  // a snapshot: the scheduler updates `info` in place when the task ends, and listeners compare the two events
  s.bus.post({ type: "taskStart", time: Date.now(), task: { ...info } });
  return true;
}

export function applyCacheChanges(cacheLocs: CacheLocations, workerId: string, slot: number, msg: TaskEndMessage): void {
  const exec = executorId(workerId, slot);
  for (const b of msg.blocksAdded) {
    const s = cacheLocs.get(b.blockId) ?? new Set<string>();
    s.add(exec);
    cacheLocs.set(b.blockId, s);
  }
  for (const id of msg.blocksRemoved) {
    const s = cacheLocs.get(id);
    s?.delete(exec);
    if (s && s.size === 0) cacheLocs.delete(id);
  }
}

/** The oldest active job that needs the stage. */
export function activeJobFor(jobs: Map<number, ActiveJob>, stage: Stage): ActiveJob | undefined {
  let best: ActiveJob | undefined;
  for (const id of stage.jobIds) {
    const j = jobs.get(id);
    if (j && (!best || j.jobId < best.jobId)) best = j;
  }
  return best;
}
