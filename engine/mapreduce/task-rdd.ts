// The carrier of MapReduce tasks on the engine's workers: one RDD partition per map task (a file
// split, or a partition of an input RDD) or per reduce task. The engine schedules, retries and
// reruns these tasks on lost workers; what runs inside each is Hadoop's MapTask / ReduceTask
// (map-task.ts, reduce-task.ts), which write and fetch through the workers' shuffle servers.

import { RDD, registerRddKind, type Partition, type RddContext, type TaskContext } from "../rdd";
import { OneToOneDependency } from "../rdd/dependency";
import type { JobSpec, MapSplitDesc, ReduceDesc } from "./job-spec";
import { runMapTask } from "./map-task";
import { runReduceTask } from "./reduce-task";

export interface TaskRddArgs { spec: JobSpec; phase: "map" | "reduce" }

export class MapReduceTaskRDD extends RDD<unknown> {
  readonly kind = "mapreduce.task";
  constructor(ctx: RddContext, readonly args: TaskRddArgs, private readonly descs: Array<MapSplitDesc | ReduceDesc>, readonly parent: RDD<unknown> | null) {
    super(ctx, parent ? [new OneToOneDependency(parent)] : [], args.phase === "map" ? "MapTask" : "ReduceTask");
  }

  protected getPartitions(): Partition[] {
    if (this.parent) return this.parent.partitions;
    return this.descs.map((desc, index) => ({ index, desc }));
  }

  shipArgs(): unknown {
    return this.args;
  }

  override async prepare(split: Partition, tc: TaskContext): Promise<void> {
    if (this.args.phase !== "reduce") return;
    tc.prepared.set(`mr-${this.id}`, await runReduceTask(this.args.spec, split.desc as ReduceDesc, tc.attemptNumber));
  }

  compute(split: Partition, tc: TaskContext): Iterator<unknown> {
    const { spec, phase } = this.args;
    if (phase === "reduce") return [tc.prepared.get(`mr-${this.id}`)][Symbol.iterator]();
    const report = this.parent
      ? runMapTask(spec, { kind: "records", mapId: split.index, records: this.parent.iterator(split, tc), keyValue: spec.input.kind === "records" && spec.input.keyValue }, tc.attemptNumber)
      : runMapTask(spec, { kind: "split", mapId: (split.desc as MapSplitDesc).mapId, ...(split.desc as MapSplitDesc).split }, tc.attemptNumber);
    return [report][Symbol.iterator]();
  }
}

registerRddKind("mapreduce.task", (ctx, args: TaskRddArgs, parents) => new MapReduceTaskRDD(ctx, args, [], parents[0] ?? null));
