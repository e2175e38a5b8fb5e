// The failure replay of a job, built from its event log (JobRecord.events): what a lost worker
// took with it (running tasks, shuffle outputs, cached partitions), which stages failed and why
// (a fetch failure, map outputs lost with the worker), which were resubmitted and the partitions
// they recomputed, and where a cache, a checkpoint or existing shuffle output cut the lineage
// short. Each step carries the stage states at that moment, so a view can draw the DAG step by step.

import type { JobDag, ListenerEvent, StageStatus, TaskInfo } from "./job-info";
import { MAX_JOB_EVENTS, type JobRecord } from "./job-tracker";

export type ReplayStepKind = "start" | "stage-submitted" | "stage-done" | "worker-lost" | "worker-added" | "tasks-failed" | "stage-failed" | "stage-resubmitted" | "end";

export interface ReplayStep {
  /** Milliseconds since the job started. */
  at: number;
  kind: ReplayStepKind;
  title: string;
  detail: string[];
  /** Every stage's state after this step. */
  stages: Record<number, StageStatus>;
  /** Stages whose shuffle output is (partly) lost at this step and not yet rewritten. */
  lostOutputStages: number[];
}

export interface FailureReplay {
  jobId: number;
  description: string;
  /** True when a worker was lost or a task or stage failed during the job. */
  hadFailure: boolean;
  steps: ReplayStep[];
  /** Where the lineage was cut short: skipped stages, cached RDDs read from the cache, checkpoints. */
  cuts: string[];
  /** True when the job's log was longer than what is kept. */
  truncated: boolean;
}

/** The steps that only a failure makes. */
const FAILURE_KINDS = new Set<ReplayStepKind>(["worker-lost", "tasks-failed", "stage-failed", "stage-resubmitted"]);

const list = (xs: number[], max = 12) => (xs.length > max ? `${xs.slice(0, max).join(", ")}, ... (${xs.length})` : xs.join(", "));

/** Why a stage attempt failed, in words. */
function explainFailure(reason: string): string {
  const ff = /^FetchFailed\(([^,]*), shuffleId=(\d+), mapId=(-?\d+), reduceId=(-?\d+)\)/.exec(reason);
  if (ff) {
    return `fetch failure: a task could not read map output ${ff[3]} of shuffle ${ff[2]} from ${ff[1]}; ` +
      "every output that address served is dropped and the map side reruns for the missing partitions";
  }
  if (/parent map outputs lost with worker/.test(reason)) return `${reason}: the map side reruns the lost partitions first, then this stage`;
  return reason;
}

/**
 * The scheduler posts a lost worker's task ends and stage failures before the workerRemoved event
 * that caused them; the replay tells the cause first.
 */
function causeFirst(events: ListenerEvent[]): ListenerEvent[] {
  const out = [...events];
  for (let j = 0; j < out.length; j++) {
    if (out[j]!.type !== "workerRemoved") continue;
    let k = j;
    while (k > 0) {
      const p = out[k - 1]!;
      const consequence = (p.type === "taskEnd" && p.reason === "WorkerLost") ||
        (p.type === "stageCompleted" && /lost with worker/.test(p.stage.failureReason ?? ""));
      if (!consequence) break;
      k--;
    }
    if (k < j) out.splice(k, 0, ...out.splice(j, 1));
  }
  return out;
}

export function buildFailureReplay(rec: JobRecord): FailureReplay {
  const dag: JobDag = rec.dag;
  const t0 = rec.info.submissionTime;
  const states: Record<number, StageStatus> = Object.fromEntries(dag.stages.map((s) => [s.stageId, "PENDING" as StageStatus]));
  const lost = new Set<number>();
  const stageOfShuffle = new Map(dag.stages.filter((s) => s.shuffleId !== undefined).map((s) => [s.shuffleId!, s.stageId]));
  const rddName = new Map(dag.rdds.map((r) => [r.id, `${r.name} [${r.id}] (${r.callSite})`]));
  const steps: ReplayStep[] = [];
  const step = (e: { time: number }, kind: ReplayStepKind, title: string, detail: string[] = []) =>
    steps.push({ at: Math.max(0, e.time - t0), kind, title, detail, stages: { ...states }, lostOutputStages: [...lost] });
  const partitionsOf = (stageId: number, attempt: number) =>
    [...new Set(rec.tasks.filter((t) => t.stageId === stageId && t.stageAttempt === attempt).map((t) => t.partition))].sort((a, b) => a - b);

  const events = causeFirst(rec.events);
  for (let i = 0; i < events.length; i++) {
    const e: ListenerEvent = events[i]!;
    switch (e.type) {
      case "jobStart":
        step(e, "start", `Job ${rec.info.jobId} starts: ${dag.stages.length} ${dag.stages.length === 1 ? "stage" : "stages"}`, dag.stages.map((s) => `stage ${s.stageId} (${s.kind}): ${s.name}, ${s.numTasks} tasks`));
        break;
      case "stageSubmitted": {
        const s = e.stage;
        states[s.stageId] = "ACTIVE";
        if (s.attemptId === 0) {
          const ran = partitionsOf(s.stageId, 0).length;
          const wasLost = lost.has(s.stageId);
          step(e, "stage-submitted", `Stage ${s.stageId} runs ${wasLost && ran && ran < s.numTasks ? `${ran} of ${s.numTasks}` : s.numTasks} ${s.numTasks === 1 ? "task" : "tasks"}`,
            wasLost ? ["its shuffle output was lost: the missing map tasks rerun from the stage's input (lineage)"] : []);
        } else {
          const parts = partitionsOf(s.stageId, s.attemptId);
          step(e, "stage-resubmitted", `Stage ${s.stageId} resubmitted (attempt ${s.attemptId}): recomputes ${parts.length ? `partitions ${list(parts)}` : "its missing partitions"}`,
            [s.kind === "ShuffleMapStage" ? "its map outputs were lost: only the missing map tasks run again, from the stage's input (lineage)" : "it reads the shuffle again once the map side is complete"]);
        }
        break;
      }
      case "stageCompleted": {
        const s = e.stage;
        if (s.failureReason) {
          states[s.stageId] = "FAILED";
          step(e, "stage-failed", `Stage ${s.stageId} (attempt ${s.attemptId}) failed`, [explainFailure(s.failureReason)]);
        } else {
          states[s.stageId] = s.status === "SKIPPED" ? "SKIPPED" : "COMPLETE";
          lost.delete(s.stageId);   // a map stage that completed has rewritten its outputs
          step(e, "stage-done", `Stage ${s.stageId} done${s.attemptId > 0 ? ` (attempt ${s.attemptId})` : ""}`);
        }
        break;
      }
      case "workerRemoved": {
        const detail: string[] = [];
        if (e.lost?.taskIds.length) detail.push(`running tasks lost (rerun elsewhere): TID ${list(e.lost.taskIds)}`);
        let otherShuffles = 0;
        for (const o of e.lost?.shuffleOutputs ?? []) {
          const st = stageOfShuffle.get(o.shuffleId);
          if (st === undefined) { otherShuffles++; continue; }
          lost.add(st);
          states[st] = "FAILED";
          detail.push(`shuffle ${o.shuffleId} (written by stage ${st}): map outputs ${list(o.mapIds)} lost`);
        }
        const byRdd = new Map<number, number[]>();
        for (const b of e.lost?.cachedBlocks ?? []) {
          if (!rddName.has(b.rddId)) continue;
          byRdd.set(b.rddId, [...(byRdd.get(b.rddId) ?? []), b.partition]);
        }
        const otherRdds = new Set((e.lost?.cachedBlocks ?? []).map((b) => b.rddId).filter((id) => !rddName.has(id))).size;
        for (const [rdd, parts] of byRdd) detail.push(`cached ${rddName.get(rdd)}: partitions ${list(parts.sort((a, b) => a - b))} lost (recomputed from lineage when read)`);
        if (otherShuffles || otherRdds) {
          detail.push(`also lost, not used by this job: ${[otherShuffles ? `map outputs of ${otherShuffles} other ${otherShuffles === 1 ? "shuffle" : "shuffles"}` : "", otherRdds ? `cached partitions of ${otherRdds} other ${otherRdds === 1 ? "RDD" : "RDDs"}` : ""].filter(Boolean).join(", ")}`);
        }
        if (!detail.length) detail.push("it held no running task, shuffle output or cached partition of this job");
        step(e, "worker-lost", `Worker ${e.workerId} lost: ${e.reason}`, detail);
        break;
      }
      case "workerAdded":
        step(e, "worker-added", `Worker ${e.worker.id} joined (${e.worker.slots} ${e.worker.slots === 1 ? "slot" : "slots"})`);
        break;
      case "taskEnd": {
        if (e.reason === "Success") break;
        // Consecutive failures of one stage attempt for one reason make one step.
        const group = [e];
        while (i + 1 < events.length) {
          const n = events[i + 1]!;
          if (n.type !== "taskEnd" || n.reason !== e.reason || n.task.stageId !== e.task.stageId || n.task.stageAttempt !== e.task.stageAttempt) break;
          group.push(n);
          i++;
        }
        const parts = group.map((g) => g.task.partition);
        // Where each failed partition ran again and succeeded (a later attempt, in this stage attempt or a resubmitted one).
        const reruns = group.map((g) => rec.tasks.find((t) => t.stageId === g.task.stageId && t.partition === g.task.partition && t.status === "SUCCESS" &&
          (t.stageAttempt > g.task.stageAttempt || t.attempt > g.task.attempt)))
          .filter((t): t is TaskInfo => !!t)
          .map((t) => `partition ${t.partition} rerun as task ${t.taskId} (attempt ${t.attempt}${t.stageAttempt ? `, stage attempt ${t.stageAttempt}` : ""}) on ${t.workerId}: succeeded`);
        step(e, "tasks-failed", `${group.length} ${group.length === 1 ? "task" : "tasks"} of stage ${e.task.stageId} failed (${e.reason}): partitions ${list(parts)}`,
          [...[...new Set(group.map((g) => g.task.error ?? ""))].filter(Boolean).slice(0, 3), ...reruns.slice(0, 8)]);
        break;
      }
      case "jobEnd": {
        const j = e.job;
        step(e, "end", `Job ${j.jobId} ${j.status === "SUCCEEDED" ? "succeeded" : j.status.toLowerCase()} after ${Math.max(0, e.time - t0)} ms`, j.error ? [j.error] : []);
        break;
      }
      default:
        break;
    }
  }

  // Where the lineage was cut short.
  const cuts: string[] = [];
  for (const s of dag.stages) if (s.skipped || s.status === "SKIPPED") cuts.push(`stage ${s.stageId} skipped: its shuffle output was already on the workers`);
  const cachedIds = new Set(dag.rdds.filter((r) => r.cached).map((r) => r.id));
  for (const s of dag.stages) {
    const cachedHere = s.rddIds.filter((id) => cachedIds.has(id));
    if (!cachedHere.length) continue;
    const mine = rec.tasks.filter((t) => t.stageId === s.stageId && t.status === "SUCCESS");
    if (!mine.length) continue;
    const hits = mine.reduce((a, t) => a + (t.metrics?.cacheHits ?? 0), 0);
    const misses = mine.reduce((a, t) => a + (t.metrics?.cacheMisses ?? 0), 0);
    for (const id of cachedHere) cuts.push(`cached ${rddName.get(id) ?? `RDD ${id}`} in stage ${s.stageId}: ${hits} partition reads from the cache, ${misses} computed from lineage`);
  }
  for (const r of dag.rdds) if (r.checkpointed) cuts.push(`checkpointed ${rddName.get(r.id)}: its lineage starts at the checkpoint files`);
  const hadFailure = steps.some((s) => FAILURE_KINDS.has(s.kind));
  return { jobId: rec.info.jobId, description: rec.info.description, hadFailure, steps, cuts, truncated: events.length >= MAX_JOB_EVENTS };
}
