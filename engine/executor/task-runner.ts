// Runs one task on an executor thread: rebuild the stage's RDDs (cached per stage attempt),
// run the async prepare hooks along the lineage (fetch shuffle blocks, read files), then pull
// the partition through the synchronous pipeline into the shuffle writer or the result function.

import { rddBlockId } from "../storage/block-ids";
import { decode, encode } from "../common/codec";
import { deserializeFunction } from "../common/closure";
import { errorToWire, InternalError, ExecutionError } from "../common/errors";
import { FetchFailedError, fetchShuffleBlocks, writeShuffleOutput, type BlockManager } from "../storage";
import { EdgeSampler } from "./edge-sampler";
import { partitionerFromSpec, rebuildStage, deserializeAggregator, runWholePartitionResult, type Partition, type RDD, type RddContext, type TaskContext } from "../rdd";
import type { ExecutorEnv, TaskEndMessage, TaskMessage } from "../rpc/protocol";
import { emptyTaskMetrics, type TaskMetrics } from "../common/job-info";
import { taskAccumulators, workerBroadcasts } from "./shared-variables";
import type { StagePayload, TaskPayload } from "./task-payload";

/** RDDs rebuilt on a worker: driver-only operations are refused (SPARK-5063). */
class WorkerRddContext implements RddContext {
  readonly isDriver = false;
  readonly defaultParallelism = 1;
  private nextId = -1;
  checkpointDir?: string;
  withId<R>(id: number, f: () => R): R {
    this.nextId = id;
    try { return f(); } finally { this.nextId = -1; }
  }
  newRddId(): number {
    return this.nextId;
  }
  newShuffleId(): number {
    throw refuse();
  }
  runJob(): Promise<never> {
    throw refuse();
  }
  serialize(): never {
    throw refuse();
  }
  unpersistRdd(): void {
    throw refuse();
  }
}

function refuse(): Error {
  return new ExecutionError("RDD_TRANSFORM_ONLY_VALID_ON_DRIVER",
    "RDD transformations and actions can only be invoked by the driver, not inside of other transformations. For more information, see SPARK-5063.");
}

interface RebuiltStage {
  payload: StagePayload;
  rdds: Map<number, RDD<unknown>>;
  root: RDD<unknown>;
  resultFn?: (it: Iterator<unknown>, tc: TaskContext) => unknown;
}

export interface ExecutorState {
  env: ExecutorEnv;
  blocks: BlockManager;
  stages: Map<string, RebuiltStage>;
}

function rebuild(state: ExecutorState, p: TaskPayload): { stage: RebuiltStage; deserializeMs: number } {
  const cached = state.stages.get(p.stageKey);
  if (cached) return { stage: cached, deserializeMs: 0 };
  const t0 = performance.now();
  const payload = decode<StagePayload>(p.stage);
  const ctx = new WorkerRddContext();
  ctx.checkpointDir = p.checkpointDir;
  const rdds = rebuildStage(payload.rdds, ctx);
  const root = rdds.get(payload.rootId);
  if (!root) throw new InternalError("BAD_STAGE_SPEC", `stage ${payload.key} has no root RDD ${payload.rootId}`);
  const stage: RebuiltStage = {
    payload, rdds, root,
    resultFn: payload.resultFn ? (deserializeFunction(payload.resultFn) as RebuiltStage["resultFn"]) : undefined,
  };
  state.stages.set(p.stageKey, stage);
  if (state.stages.size > 32) state.stages.delete(state.stages.keys().next().value!);
  return { stage, deserializeMs: performance.now() - t0 };
}

/** Run the prepare hooks of every RDD the partition's computation reaches (cache hits stop the walk). */
async function prepareInputs(rdd: RDD<unknown>, split: Partition, tc: TaskContext): Promise<void> {
  if ((rdd.storageLevel.useMemory || rdd.storageLevel.useDisk) && tc.blocks.has(rddBlockId(rdd.id, split.index))) return;
  if (rdd.prepare) await rdd.prepare(split, tc);
  for (const [parent, ps] of rdd.parentSplits(split)) await prepareInputs(parent, ps, tc);
}

export async function runTask(task: TaskMessage, state: ExecutorState): Promise<TaskEndMessage> {
  const started = performance.now();
  const metrics: TaskMetrics = emptyTaskMetrics();
  const blocksAdded: TaskEndMessage["blocksAdded"] = [];
  const blocksRemoved: string[] = [];
  taskAccumulators.clear();
  for (const b of task.broadcasts) workerBroadcasts.set(b.id, decode(b.value));
  const end = (partial: Partial<TaskEndMessage>): TaskEndMessage => {
    metrics.durationMs = performance.now() - started;
    const out: TaskEndMessage = {
      t: "taskEnd", taskId: task.taskId, status: "success",
      metrics: metrics as unknown as Record<string, number>,
      accumulators: partial.status === "success" ? [...taskAccumulators].map(([id, s]) => ({ id, value: s.value })) : [],
      blocksAdded, blocksRemoved, ...partial,
    };
    taskAccumulators.clear();
    return out;
  };
  try {
    const p = decode<TaskPayload>(task.payload);
    const { stage, deserializeMs } = rebuild(state, p);
    metrics.deserializeMs = deserializeMs;
    const reads = new Map(stage.payload.shuffleReads.map((r) => [r.shuffleId, r]));
    const env = state.env;
    const tc: TaskContext = {
      stageId: task.stageId, partitionId: task.partition, attemptNumber: task.attempt, taskAttemptId: task.taskId,
      workerId: env.workerId, localDir: env.localDir, metrics, blocks: state.blocks,
      shuffleBlocks: new Map(), prepared: new Map(), blocksAdded, blocksRemoved,
      spillThresholdBytes: env.spillThresholdBytes, checkpointDir: p.checkpointDir,
      async fetchShuffle(shuffleId: number, reduceId: number): Promise<void> {
        const key = `${shuffleId}:${reduceId}`;
        if (this.shuffleBlocks.has(key)) return;
        const plan = reads.get(shuffleId);
        if (!plan) throw new InternalError("MISSING_SHUFFLE_PLAN", `task ${task.taskId} reads shuffle ${shuffleId} but the stage has no locations for it`);
        const byAddress = new Map<string, number[]>();
        for (const o of plan.outputs) {
          if (o.size && o.size[reduceId] === 0) continue; // empty block: nothing to fetch
          const ids = byAddress.get(o.address) ?? [];
          ids.push(o.mapId);
          byAddress.set(o.address, ids);
        }
        const t0 = performance.now();
        const res = await fetchShuffleBlocks({
          token: env.token, localAddress: env.shuffleAddress, localDir: env.localDir,
          requests: [...byAddress].map(([address, mapIds]) => ({ address, shuffleId, mapIds, reduceId })),
        });
        this.shuffleBlocks.set(key, res.blocks.map((b) => b.data));
        const m = res.metrics;
        metrics.shuffleLocalBytes += m.localBytes;
        metrics.shuffleRemoteBytes += m.remoteBytes;
        metrics.shuffleLocalBlocks += m.localBlocks;
        metrics.shuffleRemoteBlocks += m.remoteBlocks;
        metrics.shuffleFetchWaitMs += m.fetchWaitMs;
        metrics.shuffleReadBytes += m.localBytes + m.remoteBytes;
        metrics.shuffleReadTimeMs += performance.now() - t0;
      },
    };
    await prepareInputs(stage.root, p.partition, tc);
    if (stage.payload.kind === "result") {
      let n = 0, value: unknown;
      const pushed = runWholePartitionResult(stage.resultFn, stage.root, p.partition, tc);
      if (pushed) ({ value, records: n } = pushed);
      else {
        const it = stage.root.iterator(p.partition, tc);
        const counted: Iterator<unknown> = { next: () => { const r = it.next(); if (!r.done) n++; return r; } };
        value = stage.resultFn!(counted, tc);
      }
      const result = encode(value);
      metrics.recordsWritten = n;
      metrics.resultBytes = result.byteLength;
      return end({ status: "success", result });
    }
    const w = stage.payload.shuffleWrite!;
    const part = partitionerFromSpec(w.partitioner);
    const sampler = new EdgeSampler(part, task.partition);
    const status = writeShuffleOutput({
      dir: env.localDir, shuffleId: w.shuffleId, mapId: task.partition, numPartitions: part.numPartitions,
      // Push mode: the narrow pipeline hands each record straight to the writer.
      records: (each) => stage.root.eachRecord(p.partition, tc, each as (x: unknown) => void),
      sample: (rec) => sampler.offer(rec),
      partition: (k) => part.getPartition(k),
      aggregator: w.aggregator ? deserializeAggregator(w.aggregator) : undefined,
      memoryLimitBytes: env.spillThresholdBytes,
    });
    metrics.shuffleWriteBytes = status.sizes.reduce((a, b) => a + b, 0);
    metrics.shuffleWriteRecords = status.records.reduce((a, b) => a + b, 0);
    metrics.recordsWritten = metrics.shuffleWriteRecords;
    metrics.spillBytes += status.spillBytes;
    metrics.shuffleWriteTimeMs += status.writerMs;
    if (sampler.samples.length) status.samples = sampler.samples;
    return end({ status: "success", result: encode(status) });
  } catch (e) {
    if (e instanceof FetchFailedError && e.reason === "unauthorized") {
      // The map outputs are not lost: the holder refused our secret. Rerunning the parent stage
      // would not help, so fail the task with a condition the scheduler aborts on at once.
      return end({
        status: "failed",
        error: errorToWire(new ExecutionError("SHUFFLE_FETCH_UNAUTHORIZED", `the shuffle server at ${e.address} refused this worker's session secret while fetching shuffle ${e.shuffleId} map ${e.mapId} reduce ${e.reduceId}: ${e.message}`, {
          context: { shuffleId: e.shuffleId, address: e.address },
        })),
      });
    }
    if (e instanceof FetchFailedError) {
      return end({
        status: "fetchFailed", error: errorToWire(e),
        fetchFailed: { shuffleId: e.shuffleId, mapId: e.mapId ?? -1, reduceId: e.reduceId, address: e.address },
      });
    }
    return end({ status: "failed", error: errorToWire(e) });
  }
}
