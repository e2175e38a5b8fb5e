// What the driver remembers about jobs, stages and tasks after the scheduler has moved on: the
// data behind sc.statusTracker(), job handles (spark.lastJob()) and the DAG/metrics renderers.

import { ShuffleDependency, stageRdds, type RDD } from "../rdd";
import type { DagRdd, JobDag, JobInfo, ListenerEvent, StageInfo, TaskInfo } from "./job-info";
import type { MapOutputTracker } from "./map-output-tracker";
import { ShuffleMapStage, type Stage } from "./stage";

export interface JobRecord {
  info: JobInfo;
  stageIds: number[];
  tasks: TaskInfo[];
  dag: JobDag;
  /**
   * The job's event log (Spark's event log, in memory): its job, stage and worker events, and the
   * task ends that tell a story (failures, retries, later attempts); a first successful attempt is
   * in `tasks` already. The failure replay is built from it.
   */
  events: ListenerEvent[];
}

const RETAINED_JOBS = 500;
/** Events kept per job; beyond it the log says it was cut. */
export const MAX_JOB_EVENTS = 2000;

export class JobTracker {
  readonly jobs = new Map<number, JobRecord>();
  readonly stages = new Map<number, StageInfo>();
  readonly activeJobs = new Set<number>();
  readonly activeStages = new Set<number>();
  lastJobId: number | undefined;

  startJob(info: JobInfo, finalStage: Stage): JobRecord {
    const stages = allStages(finalStage);
    const dag = buildDag(info, stages);
    const rec: JobRecord = { info, stageIds: stages.map((s) => s.id), tasks: [], dag, events: [] };
    this.jobs.set(info.jobId, rec);
    this.activeJobs.add(info.jobId);
    this.lastJobId = info.jobId;
    if (this.jobs.size > RETAINED_JOBS) {
      const oldest = this.jobs.keys().next().value!;
      const old = this.jobs.get(oldest)!;
      this.jobs.delete(oldest);
      for (const sid of old.stageIds) if (![...this.jobs.values()].some((j) => j.stageIds.includes(sid))) this.stages.delete(sid);
    }
    return rec;
  }

  /** Appends a listener event to the log of every job it concerns (the scheduler's bus calls this). */
  record(e: ListenerEvent): void {
    const add = (id: number) => {
      const rec = this.jobs.get(id);
      if (rec && rec.events.length < MAX_JOB_EVENTS) rec.events.push(e);
    };
    switch (e.type) {
      case "jobStart": case "jobEnd": return add(e.job.jobId);
      case "taskStart": return;
      case "taskEnd":
        if (e.reason === "Success" && e.task.attempt === 0 && e.task.stageAttempt === 0) return;
        return add(e.task.jobId);
      case "stageSubmitted": case "stageCompleted":
        for (const id of this.activeJobs) if (this.jobs.get(id)?.stageIds.includes(e.stage.stageId)) add(id);
        return;
      case "workerAdded": case "workerRemoved":
        for (const id of this.activeJobs) add(id);
        return;
    }
  }

  setStage(info: StageInfo, rddIds: number[]): StageInfo {
    const s = { ...info, rddIds };
    this.stages.set(info.stageId, s);
    if (info.status === "ACTIVE") this.activeStages.add(info.stageId);
    else this.activeStages.delete(info.stageId);
    // Only running jobs' DAGs follow stage changes (ended ones keep their final picture).
    for (const id of this.activeJobs) {
      const job = this.jobs.get(id);
      if (!job) continue;
      const d = job.dag.stages.find((x) => x.stageId === info.stageId);
      if (d && job.info.status === "RUNNING") {
        d.status = info.status;
        d.skipped = info.status === "SKIPPED";
      }
    }
    return s;
  }

  endJob(jobId: number, status: JobInfo["status"], outputs: MapOutputTracker, error?: string): JobRecord | undefined {
    const rec = this.jobs.get(jobId);
    this.activeJobs.delete(jobId);
    if (!rec) return undefined;
    rec.info = { ...rec.info, status, completionTime: Date.now(), error };
    rec.dag.status = status;
    for (const e of rec.dag.edges) Object.assign(e, outputs.edgeData(e.shuffleId));
    for (const s of rec.dag.stages) {
      if (s.status === "PENDING") {
        s.status = "SKIPPED";
        s.skipped = true;
        const info = this.stages.get(s.stageId);
        if (info && info.status === "PENDING") this.stages.set(s.stageId, { ...info, status: "SKIPPED" });
      }
    }
    return rec;
  }
}

/** The final stage and all its ancestors, parents first. */
export function allStages(finalStage: Stage): Stage[] {
  const seen = new Set<number>();
  const out: Stage[] = [];
  const visit = (s: Stage) => {
    if (seen.has(s.id)) return;
    seen.add(s.id);
    for (const p of s.parents) visit(p);
    out.push(s);
  };
  visit(finalStage);
  return out;
}

function dagRdd(r: RDD<unknown>): DagRdd {
  return {
    id: r.id, name: r.displayName, callSite: r.callSite, numPartitions: r.getNumPartitions(),
    cached: r.storageLevel.useMemory || r.storageLevel.useDisk,
    storageLevel: r.storageLevel.useMemory || r.storageLevel.useDisk ? r.storageLevel.name : undefined,
    checkpointed: r.isCheckpointed() || undefined,
    parents: r.dependencies.map((d) => d instanceof ShuffleDependency
      ? { rddId: d.rdd.id, dependency: "shuffle" as const, shuffleId: d.shuffleId }
      : { rddId: d.rdd.id, dependency: "narrow" as const }),
  };
}

function describePartitioner(dep: ShuffleDependency): string {
  const p = dep.partitioner;
  return `${p.constructor.name}(${p.numPartitions})`;
}

/** A job's DAG: its stages (parents first) holding their RDDs, and the shuffle edges between them. */
export function buildDag(info: JobInfo, stages: Stage[]): JobDag {
  const rdds = new Map<number, DagRdd>();
  const dag: JobDag = { jobId: info.jobId, description: info.description, status: "RUNNING", stages: [], rdds: [], edges: [] };
  for (const s of stages) {
    const inStage = stageRdds(s.rdd);
    for (const r of inStage) if (!rdds.has(r.id)) rdds.set(r.id, dagRdd(r));
    dag.stages.push({
      stageId: s.id, name: s.callSite, kind: s.kind, rddIds: inStage.map((r) => r.id), parentStageIds: s.parents.map((p) => p.id),
      status: "PENDING", skipped: false, numTasks: s.numTasks, shuffleId: s instanceof ShuffleMapStage ? s.dep.shuffleId : undefined,
    });
    for (const p of s.parents) {
      if (p instanceof ShuffleMapStage) dag.edges.push({ fromStage: p.id, toStage: s.id, shuffleId: p.dep.shuffleId, bytes: 0, records: 0, partitioner: describePartitioner(p.dep) });
    }
  }
  dag.rdds = [...rdds.values()];
  return dag;
}
