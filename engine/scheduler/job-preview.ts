// What an action would run, before it runs (predict-then-compare): the stages the DAG scheduler
// would make for the RDD, split at its shuffles, with the ones it would skip marked: a shuffle
// whose map output already exists, or stages hidden behind a fully cached RDD. It uses the
// scheduler's own walk (missingParents), so the prediction is the scheduler's rule, not a copy of
// it. Nothing is registered, submitted or run.

import { stageShuffleReads, type RDD, type ShuffleDependency } from "../rdd";
import type { JobDag } from "./job-info";
import { allStages, buildDag } from "./job-tracker";
import { missingParents, type CacheLocations } from "./lineage";
import type { MapOutputTracker } from "./map-output-tracker";
import { ResultStage, ShuffleMapStage, type Stage } from "./stage";

export interface JobPreview {
  /** The predicted DAG; stage ids are the ones the next job would get if it ran now. */
  dag: JobDag;
  /** Tasks each stage would run (a partly available shuffle reruns its missing map tasks only); skipped stages run none. */
  tasksToRun: Record<number, number>;
}

export interface PreviewState {
  nextStageId: number;
  /** Map stages of running jobs (their outputs may be partial). */
  shuffleStages: Map<number, ShuffleMapStage>;
  cacheLocs: CacheLocations;
  outputs: MapOutputTracker;
}

export function previewJob(rdd: RDD<unknown>, partitions: number[], callSite: string, state: PreviewState): JobPreview {
  let next = state.nextStageId;
  const known = new Map(state.shuffleStages);
  const mapStage = (dep: ShuffleDependency): ShuffleMapStage => {
    const existing = known.get(dep.shuffleId);
    if (existing) return existing;
    const parents = stageShuffleReads(dep.rdd).map(mapStage);
    const n = dep.rdd.getNumPartitions();
    const stage = new ShuffleMapStage(next++, dep.rdd, parents, -1, dep.rdd.callSite, dep, state.outputs.peek(dep.shuffleId, n));
    known.set(dep.shuffleId, stage);
    return stage;
  };
  const parents = stageShuffleReads(rdd).map(mapStage);
  const final = new ResultStage(next++, rdd, partitions, parents, -1, callSite);

  // The stages the scheduler would submit: from the final stage, each parent still missing output.
  const runs = new Map<number, Stage>();
  const visit = (s: Stage): void => {
    if (runs.has(s.id)) return;
    runs.set(s.id, s);
    for (const p of missingParents(s, known, state.cacheLocs)) visit(p);
  };
  visit(final);

  const dag = buildDag({ jobId: -1, status: "UNKNOWN", stageIds: [], description: `${callSite} (predicted)`, submissionTime: 0 }, allStages(final));
  dag.status = "UNKNOWN";
  const tasksToRun: Record<number, number> = {};
  for (const st of dag.stages) {
    const stage = runs.get(st.stageId);
    if (!stage) {
      st.status = "SKIPPED";
      st.skipped = true;
      tasksToRun[st.stageId] = 0;
    } else tasksToRun[st.stageId] = stage.findMissingPartitions().length;
  }
  return { dag, tasksToRun };
}
