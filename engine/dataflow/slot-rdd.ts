// The carrier of a dataflow job on the engine's workers: an RDD with one partition per task slot.
// Its tasks are long running: each runs slot i of the job (runSlot) until the stream ends or the
// attempt is cancelled, so the scheduler places the job's slots on the workers' executor cores.

import { deserializeFunction, type SerializedFunction } from "../common/closure";
import { RDD, registerRddKind, type Partition, type RddContext, type TaskContext } from "../rdd";
import { runSlot, type SlotReport } from "./slot-runtime";
import type { JobGraph, SlotTaskArgs } from "./types";

export interface SlotRddArgs { graph: SerializedFunction; slots: number; task: SlotTaskArgs }

export class DataflowSlotRDD extends RDD<SlotReport> {
  readonly kind = "dataflow.slot";
  constructor(ctx: RddContext, readonly args: SlotRddArgs) {
    super(ctx, [], "TaskSlot");
  }
  protected getPartitions(): Partition[] {
    return Array.from({ length: this.args.slots }, (_, index) => ({ index }));
  }
  shipArgs(): unknown {
    return this.args;
  }
  override async prepare(split: Partition, tc: TaskContext): Promise<void> {
    const graph = (deserializeFunction(this.args.graph) as () => JobGraph)();
    tc.prepared.set(`df-${this.id}`, await runSlot(graph, split.index, this.args.task));
  }
  compute(_split: Partition, tc: TaskContext): Iterator<SlotReport> {
    return [tc.prepared.get(`df-${this.id}`) as SlotReport][Symbol.iterator]();
  }
}

registerRddKind("dataflow.slot", (ctx, args: SlotRddArgs) => new DataflowSlotRDD(ctx, args));
