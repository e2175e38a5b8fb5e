// Test fixtures for the renderers: a word-count-like job of three stages where the first stage's
// shuffle output was reused (skipped) and one RDD is cached, plus tasks with one skewed partition.

import { emptyTaskMetrics, type JobDag, type JobInfo, type StageInfo, type TaskInfo, type TaskMetrics } from "../../scheduler/job-info";

export const T0 = Date.UTC(2026, 10, 25, 11, 0, 0);

/** Job 7: textFile -> flatMap -> map (cached) -> reduceByKey -> sortByKey -> collect. Stage 0 skipped. */
export const dagFixture: JobDag = {
  jobId: 7,
  description: "collect at <cell 4>:3",
  status: "SUCCEEDED",
  stages: [
    { stageId: 0, name: "map at <cell 2>:5", kind: "ShuffleMapStage", rddIds: [0, 1, 2], parentStageIds: [], status: "SKIPPED", skipped: true, numTasks: 4, shuffleId: 0 },
    { stageId: 1, name: "reduceByKey at <cell 3>:1", kind: "ShuffleMapStage", rddIds: [3, 4], parentStageIds: [0], status: "COMPLETE", skipped: false, numTasks: 4, shuffleId: 1 },
    { stageId: 2, name: "collect at <cell 4>:3", kind: "ResultStage", rddIds: [5, 6], parentStageIds: [1], status: "COMPLETE", skipped: false, numTasks: 2 },
  ],
  rdds: [
    { id: 0, name: "ParallelCollectionRDD", callSite: "parallelize at <cell 1>:2", numPartitions: 4, cached: false, parents: [] },
    { id: 1, name: "MapPartitionsRDD", callSite: "flatMap at <cell 2>:4", numPartitions: 4, cached: false, parents: [{ rddId: 0, dependency: "narrow" }] },
    { id: 2, name: "MapPartitionsRDD", callSite: "map at <cell 2>:5", numPartitions: 4, cached: true, storageLevel: "MEMORY_ONLY", parents: [{ rddId: 1, dependency: "narrow" }] },
    { id: 3, name: "ShuffledRDD", callSite: "reduceByKey at <cell 3>:1", numPartitions: 4, cached: false, parents: [{ rddId: 2, dependency: "shuffle", shuffleId: 0 }] },
    { id: 4, name: "MapPartitionsRDD", callSite: "mapValues <& 'quoted'> at <cell 3>:2", numPartitions: 4, cached: false, parents: [{ rddId: 3, dependency: "narrow" }] },
    { id: 5, name: "ShuffledRDD", callSite: "sortByKey at <cell 4>:2", numPartitions: 2, cached: false, parents: [{ rddId: 4, dependency: "shuffle", shuffleId: 1 }] },
    { id: 6, name: "MapPartitionsRDD", callSite: "map at <cell 4>:3", numPartitions: 2, cached: false, parents: [{ rddId: 5, dependency: "narrow" }] },
  ],
  edges: [
    { fromStage: 0, toStage: 1, shuffleId: 0, bytes: 48_213, records: 1_200 },
    { fromStage: 1, toStage: 2, shuffleId: 1, bytes: 3_100_000, records: 350 },
  ],
};

export const jobFixture: JobInfo = {
  jobId: 7,
  status: "SUCCEEDED",
  stageIds: [0, 1, 2],
  description: "collect at <cell 4>:3",
  submissionTime: T0,
  completionTime: T0 + 2_340,
};

export const stagesFixture: StageInfo[] = [
  { stageId: 2, attemptId: 0, name: "collect at <cell 4>:3", kind: "ResultStage", numTasks: 2, numActiveTasks: 0, numCompletedTasks: 2, numFailedTasks: 0, status: "COMPLETE", rddIds: [5, 6], parentIds: [1], submissionTime: T0 + 1_800, completionTime: T0 + 2_300 },
  { stageId: 0, attemptId: 0, name: "map at <cell 2>:5", kind: "ShuffleMapStage", numTasks: 4, numActiveTasks: 0, numCompletedTasks: 0, numFailedTasks: 0, status: "SKIPPED", rddIds: [0, 1, 2], parentIds: [], shuffleId: 0 },
  { stageId: 1, attemptId: 0, name: "reduceByKey at <cell 3>:1", kind: "ShuffleMapStage", numTasks: 4, numActiveTasks: 0, numCompletedTasks: 4, numFailedTasks: 0, status: "COMPLETE", rddIds: [3, 4], parentIds: [0], shuffleId: 1, submissionTime: T0 + 20, completionTime: T0 + 1_790 },
];

function metrics(m: Partial<TaskMetrics>): TaskMetrics {
  return { ...emptyTaskMetrics(), ...m };
}

let nextTaskId = 100;
function task(stageId: number, partition: number, workerId: string, start: number, dur: number, m: Partial<TaskMetrics>, status: TaskInfo["status"] = "SUCCESS"): TaskInfo {
  return {
    taskId: nextTaskId++, jobId: 7, stageId, stageAttempt: 0, partition, attempt: 0, workerId,
    launchTime: T0 + start, finishTime: T0 + start + dur, status, metrics: metrics({ durationMs: dur, ...m }),
  };
}

/** Stage 1 has a skewed partition 3 (10x the median's duration and shuffle read). */
export const tasksFixture: TaskInfo[] = [
  task(1, 0, "worker-1", 20, 150, { shuffleReadRecords: 300, shuffleReadBytes: 12_000, shuffleWriteRecords: 80, shuffleWriteBytes: 700_000 }),
  task(1, 1, "worker-2", 25, 170, { shuffleReadRecords: 310, shuffleReadBytes: 12_500, shuffleWriteRecords: 90, shuffleWriteBytes: 800_000 }),
  task(1, 2, "worker-1", 175, 160, { shuffleReadRecords: 290, shuffleReadBytes: 11_800, shuffleWriteRecords: 85, shuffleWriteBytes: 760_000, spillBytes: 0 }),
  task(1, 3, "worker-2", 200, 1_590, { shuffleReadRecords: 3_000, shuffleReadBytes: 130_000, shuffleWriteRecords: 95, shuffleWriteBytes: 840_000, spillBytes: 5_000_000 }),
  task(2, 0, "worker-1", 1_800, 420, { shuffleReadRecords: 170, shuffleReadBytes: 1_500_000, recordsWritten: 170, resultBytes: 4_000 }),
  task(2, 1, "worker-2", 1_805, 480, { shuffleReadRecords: 180, shuffleReadBytes: 1_600_000, recordsWritten: 180, resultBytes: 4_200 }),
];

/** A running job: stage 1 half done with two tasks in flight, stage 2 pending. */
export const runningJob: JobInfo = { ...jobFixture, status: "RUNNING", completionTime: undefined };
export const runningStages: StageInfo[] = [
  { ...stagesFixture[1]! },
  { ...stagesFixture[2]!, status: "ACTIVE", numCompletedTasks: 2, numActiveTasks: 2, completionTime: undefined },
  { ...stagesFixture[0]!, status: "PENDING", numCompletedTasks: 0, submissionTime: undefined, completionTime: undefined },
];

/** A join of two shuffled inputs: stages 0 and 1 feed stage 2 (cogroup), no skips, nothing cached. */
export const joinDagFixture: JobDag = {
  jobId: 9,
  description: "count at <cell 6>:1",
  status: "RUNNING",
  stages: [
    { stageId: 3, name: "map at <cell 5>:1", kind: "ShuffleMapStage", rddIds: [10, 11], parentStageIds: [], status: "COMPLETE", skipped: false, numTasks: 3, shuffleId: 4 },
    { stageId: 4, name: "map at <cell 5>:2", kind: "ShuffleMapStage", rddIds: [12, 13], parentStageIds: [], status: "ACTIVE", skipped: false, numTasks: 2, shuffleId: 5 },
    { stageId: 5, name: "count at <cell 6>:1", kind: "ResultStage", rddIds: [14, 15, 16], parentStageIds: [3, 4], status: "PENDING", skipped: false, numTasks: 4 },
  ],
  rdds: [
    { id: 10, name: "FileScanRDD", callSite: "textFile at <cell 5>:1", numPartitions: 3, cached: false, parents: [] },
    { id: 11, name: "MapPartitionsRDD", callSite: "map at <cell 5>:1", numPartitions: 3, cached: false, parents: [{ rddId: 10, dependency: "narrow" }] },
    { id: 12, name: "ParallelCollectionRDD", callSite: "parallelize at <cell 5>:2", numPartitions: 2, cached: false, parents: [] },
    { id: 13, name: "MapPartitionsRDD", callSite: "map at <cell 5>:2", numPartitions: 2, cached: false, checkpointed: true, parents: [{ rddId: 12, dependency: "narrow" }] },
    { id: 14, name: "CoGroupedRDD", callSite: "join at <cell 6>:1", numPartitions: 4, cached: false, parents: [{ rddId: 11, dependency: "shuffle", shuffleId: 4 }, { rddId: 13, dependency: "shuffle", shuffleId: 5 }] },
    { id: 15, name: "MapPartitionsRDD", callSite: "join at <cell 6>:1", numPartitions: 4, cached: false, parents: [{ rddId: 14, dependency: "narrow" }] },
    { id: 16, name: "MapPartitionsRDD", callSite: "count at <cell 6>:1", numPartitions: 4, cached: false, parents: [{ rddId: 15, dependency: "narrow" }] },
  ],
  edges: [
    { fromStage: 3, toStage: 5, shuffleId: 4, bytes: 900, records: 30 },
    { fromStage: 4, toStage: 5, shuffleId: 5, bytes: 250_000_000, records: 12_000_000 },
  ],
};

import type { PlanGraphNode } from "../plan-graph";

/** SELECT dept, count(*) FROM people JOIN depts USING (dept_id) WHERE age > 21 GROUP BY dept. */
export const planFixture: PlanGraphNode = {
  id: 0, name: "HashAggregate", detail: "(keys=[dept#7], functions=[count(1)])", metrics: { "number of output rows": 4, time: "3 ms" },
  children: [{
    id: 1, name: "Exchange", detail: "hashpartitioning(dept#7, 4)", metrics: { "number of output rows": 8, "shuffle bytes written": "1.2 KiB" },
    children: [{
      id: 2, name: "HashAggregate", detail: "(keys=[dept#7], functions=[partial_count(1)])", metrics: { "number of output rows": 8 },
      children: [{
        id: 3, name: "BroadcastHashJoin", detail: "[dept_id#2], [dept_id#6], Inner, BuildRight", metrics: { "number of output rows": 1_234 },
        children: [
          { id: 4, name: "Filter", detail: "(isnotnull(age#3) AND (age#3 > 21))", metrics: { "number of output rows": 1_300 },
            children: [{ id: 5, name: "Scan parquet people", detail: "[dept_id#2,age#3] PushedFilters: [IsNotNull(age), GreaterThan(age,21)]", metrics: { "number of output rows": 5_000, "number of files read": 2 }, children: [] }] },
          { id: 6, name: "BroadcastExchange", detail: "HashedRelationBroadcastMode", metrics: { "number of output rows": 4 },
            children: [{ id: 7, name: "Scan csv depts", detail: "[dept_id#6,dept#7]", metrics: { "number of output rows": 4 }, children: [] }] },
        ],
      }],
    }],
  }],
};

/** An iterative job: a chain of `nStages` stages of `perStage` RDDs; the first `skipped` stages were skipped. */
export function chainDag(nStages: number, perStage: number, skipped = 0): JobDag {
  const dag: JobDag = { jobId: 20, description: "collect at <cell 9>:1", status: "SUCCEEDED", stages: [], rdds: [], edges: [] };
  let id = 0;
  for (let s = 0; s < nStages; s++) {
    const ids: number[] = [];
    for (let k = 0; k < perStage; k++) {
      const parents = id === 0 ? [] : k === 0 ? [{ rddId: id - 1, dependency: "shuffle" as const, shuffleId: s - 1 }] : [{ rddId: id - 1, dependency: "narrow" as const }];
      dag.rdds.push({ id, name: k === 0 && s > 0 ? "ShuffledRDD" : "MapPartitionsRDD", callSite: `${k === 0 ? "reduceByKey" : "map"} at <cell ${s}>:${k}`, numPartitions: 4, cached: false, parents });
      ids.push(id++);
    }
    const isSkipped = s < skipped;
    dag.stages.push({
      stageId: s, name: `iteration ${s}`, kind: s === nStages - 1 ? "ResultStage" : "ShuffleMapStage", rddIds: ids, parentStageIds: s ? [s - 1] : [],
      status: isSkipped ? "SKIPPED" : "COMPLETE", skipped: isSkipped, numTasks: 4, ...(s < nStages - 1 ? { shuffleId: s } : {}),
    });
    if (s > 0) dag.edges.push({ fromStage: s - 1, toStage: s, shuffleId: s - 1, bytes: 1000 * s, records: 10 * s });
  }
  return dag;
}
