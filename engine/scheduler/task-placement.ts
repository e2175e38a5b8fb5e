// Task placement for the DAG scheduler: handing pending tasks to free executor slots (waiting
// a while for an executor that caches the partition), sending busy slots their next short task
// ahead (prefetch), building and sending the task message (with the broadcasts that executor
// lacks), and tracking which executors cache which blocks.

import { executorId, parseExecutorId } from "./executor-ids";
import { encode } from "../common/codec";
import type { ShuffleReadPlan, TaskEndMessage, TaskMessage } from "../rpc/protocol";
import type { TaskInfo } from "./job-info";
import { readsOnlyShuffles, type CacheLocations } from "./lineage";
import type { RDD } from "../rdd";
import type { Stage } from "./stage";
import type { TaskPayload } from "../executor";
import type { ActiveJob, Task, WorkerState } from "./scheduler-types";
import type { SchedulerCore } from "./scheduler-state";

/** The most tasks a busy slot holds ahead of its running one unless configured otherwise. */
export const DEFAULT_PREFETCH = 16;
/**
 * Prefetch serves stages whose tasks run this long or less on average (ms): there the driver's
 * round trip between two tasks is a large part of a slot's time. A task sent ahead waits behind
 * the slot's running one, so longer tasks keep Spark's model: a task goes to a free slot only.
 */
export const PREFETCH_MAX_TASK_MS = 10;
/**
 * How much work (ms, by the stage's mean task time) a slot is sent ahead at once: enough to cover
 * the round trip to the driver, little enough that a slot's queue never holds much more than a
 * task's worth of work another slot could have done (1 ms tasks: 4 ahead; 4-10 ms tasks: 1).
 */
export const PREFETCH_AHEAD_MS = 4;
/**
 * A stage whose tasks read only shuffle blocks, this many bytes or fewer in all (a group-by's
 * reduce side over a few thousand groups: tens of KB), has short tasks before any has ended: each
 * busy slot is sent one ahead from the start, so the stage's second wave (4 shuffle partitions on
 * 2 slots) starts on the workers without a round trip to the driver.
 */
const PREFETCH_SMALL_INPUT_BYTES = 256 * 1024;

/** Whether a stage's tasks read only shuffle blocks (`reads`, their sizes known), PREFETCH_SMALL_INPUT_BYTES in all at most. */
export function smallShuffleInput(rdd: RDD<unknown>, reads: ShuffleReadPlan[]): boolean {
  if (reads.length === 0) return false;
  let bytes = 0;
  for (const r of reads) {
    for (const o of r.outputs) {
      if (!o.size) return false;
      for (const b of o.size) bytes += b;
    }
  }
  return bytes <= PREFETCH_SMALL_INPUT_BYTES && readsOnlyShuffles(rdd);
}

/**
 * Delay scheduling, as Spark does: a task whose partition is cached on a live executor waits
 * up to spark.locality.wait for that executor before running anywhere else (and recomputing).
 * Then task prefetch: while tasks are left over, a busy slot running a task of a stage whose
 * tasks are short is sent that stage's next task ahead (up to `s.prefetch` per slot); its worker
 * starts it the moment the slot frees, without waiting for the driver.
 */
export function offer(s: SchedulerCore): void {
  if (s.state.pending.length === 0) return;
  const free: string[] = [];
  for (const w of s.state.workers.values()) for (const slot of [...w.free].sort()) free.push(executorId(w.info.workerId, slot));
  const ahead = s.prefetch > 0 ? aheadSlots(s) : [];
  if (free.length === 0 && ahead.length === 0) return;
  const aheadStages = new Set(ahead.map((a) => a.stageId));
  const now = Date.now();
  let nextWake = Infinity;
  const remaining: Task[] = [];
  const pending = s.state.pending;
  let k = 0;
  for (; k < pending.length; k++) {
    const task = pending[k]!;
    if (!s.state.stages.has(task.stage.id)) continue;
    // Free slots first; a busy one only for a task of the stage it runs.
    let pool = free;
    if (free.length === 0) {
      // The slots with the most room first, so a batch spreads over the slots.
      pool = ahead.length && aheadStages.has(task.stage.id)
        ? ahead.filter((a) => a.stageId === task.stage.id).sort((a, b) => b.room - a.room).map((a) => a.exec)
        : [];
      if (pool.length === 0) {
        if (ahead.length === 0) break; // no slot left: the rest waits as it is
        remaining.push(task);
        continue;
      }
    }
    task.since ??= now;
    let i = -1;
    const livePreferred = task.preferred.filter((e) => s.state.workers.has(parseExecutorId(e).workerId));
    if (livePreferred.length) {
      i = pool.findIndex((e) => livePreferred.includes(e));
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
    const exec = pool[i]!;
    const wasFree = pool === free;
    if (wasFree) free.splice(i, 1);
    else {
      const a = ahead.findIndex((x) => x.exec === exec);
      if (--ahead[a]!.room === 0) ahead.splice(a, 1);
    }
    if (!launch(s, task, exec)) remaining.push(task);
    else if (wasFree) {
      // The slot is busy now: it may take the stage's next tasks ahead in this same pass.
      const room = aheadRoom(s, task.stage.id);
      if (room > 0) {
        ahead.push({ exec, stageId: task.stage.id, room });
        aheadStages.add(task.stage.id);
      }
    }
  }
  // The scanned tasks that wait, then the unscanned rest as it is (stale ones are dropped on a
  // later offer). Copying thousands of pending tasks on every offer made a large stage quadratic.
  if (k === pending.length) s.state.pending = remaining;
  else if (remaining.length === 0) pending.splice(0, k);
  else s.state.pending = remaining.concat(pending.slice(k));
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
  if (!w.free.delete(slot)) w.queued[slot]!++;
  w.lastStage[slot] = stage.id;
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

/** A task of the slot ended: the next one sent ahead runs there now, or the slot is free. */
export function releaseSlot(w: WorkerState, slot: number): void {
  if (w.queued[slot]! > 0) w.queued[slot]!--;
  else w.free.add(slot);
}

/** Busy slots that may take a task ahead: the stage they run, and how many more they may hold. */
function aheadSlots(s: SchedulerCore): Array<{ exec: string; stageId: number; room: number }> {
  const out: Array<{ exec: string; stageId: number; room: number }> = [];
  for (const w of s.state.workers.values()) {
    for (let slot = 0; slot < w.info.slots; slot++) {
      const stageId = w.lastStage[slot];
      // Refilled only once its queue ran dry, with all it may hold at once: they leave in one write.
      if (w.free.has(slot) || w.queued[slot] !== 0 || stageId === undefined) continue;
      const room = aheadRoom(s, stageId);
      if (room > 0) out.push({ exec: executorId(w.info.workerId, slot), stageId, room });
    }
  }
  return out;
}

/**
 * How many of the stage's tasks a busy slot may be sent ahead: until some have finished, one when
 * they read little shuffle data (smallInput) and else none; then none when they ran over
 * PREFETCH_MAX_TASK_MS on average, else PREFETCH_AHEAD_MS of work, 1 to s.prefetch.
 */
function aheadRoom(s: SchedulerCore, stageId: number): number {
  const t = s.state.stageTimes.get(stageId);
  if (s.prefetch <= 0 || !t) return 0;
  if (t.completed === 0) return t.smallInput ? 1 : 0;
  const mean = (t.taskMs ?? 0) / t.completed;
  if (mean > PREFETCH_MAX_TASK_MS) return 0;
  return Math.min(s.prefetch, Math.max(1, Math.floor(PREFETCH_AHEAD_MS / Math.max(mean, 1e-3))));
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
