// sc.parallelize and sc.range: data split into numSlices contiguous slices, as PySpark slices a
// list (slice i holds items [i*n/k, (i+1)*n/k)). Each partition carries its own slice, so a task
// ships only the data it computes. A slice is encoded once, when the partitions are first asked
// for, and decoded on the worker only if the task computes it (a cached slice is not decoded).

import { decode, encode } from "../common/codec";
import { RDD } from "./rdd";
import type { Partition } from "./partition";
import type { RddContext } from "./rdd-context";
import { registerRddKind } from "./rdd-registry";
import type { TaskContext } from "./task-context";

export class ParallelCollectionRDD<T> extends RDD<T> {
  readonly kind = "parallelize";
  /** The slices until they are encoded (then only their bytes are kept). */
  private slices: T[][];
  private readonly numSlices: number;
  constructor(ctx: RddContext, data: readonly T[] | undefined, numSlices: number, slices?: T[][]) {
    super(ctx, [], "parallelize");
    if (slices) this.slices = slices;
    else {
      const arr = data ?? [];
      const n = Math.max(1, Math.floor(numSlices));
      this.slices = Array.from({ length: n }, (_, i) =>
        arr.slice(Math.floor((i * arr.length) / n), Math.floor(((i + 1) * arr.length) / n)));
    }
    this.numSlices = this.slices.length;
  }
  protected getPartitions(): Partition[] {
    // A copy of exactly the slice's bytes: the encoder returns a view into its reusable buffer.
    const parts = this.slices.map((data, index) => ({ index, bytes: new Uint8Array(encode(data)) }));
    this.slices = [];
    return parts;
  }
  private sliceOf(split: Partition, tc: TaskContext): T[] {
    const data = decode<T[]>(split.bytes as Uint8Array);
    tc.metrics.recordsRead += data.length;
    return data;
  }
  compute(split: Partition, tc: TaskContext): Iterator<T> {
    return this.sliceOf(split, tc)[Symbol.iterator]();
  }
  protected override computeEach(split: Partition, tc: TaskContext, each: (x: T) => void): void {
    const data = this.sliceOf(split, tc);
    for (let i = 0; i < data.length; i++) each(data[i]!);
  }
  shipArgs(): unknown {
    return { numSlices: this.numSlices };
  }
}

/** sc.range(start, end, step, numSlices): numbers computed on the workers, nothing materialized. */
export class RangeRDD extends RDD<number> {
  readonly kind = "range";
  constructor(ctx: RddContext, readonly start: number, readonly end: number, readonly step: number, readonly numSlices: number) {
    super(ctx, [], "range");
  }
  protected getPartitions(): Partition[] {
    const count = Math.max(0, Math.ceil((this.end - this.start) / this.step));
    const n = Math.max(1, this.numSlices);
    return Array.from({ length: n }, (_, index) => ({
      index,
      from: Math.floor((index * count) / n),
      to: Math.floor(((index + 1) * count) / n),
    }));
  }
  compute(split: Partition): Iterator<number> {
    const { from, to } = split as unknown as { from: number; to: number };
    const { start, step } = this;
    let i = from;
    return {
      next: () => (i < to ? { done: false, value: start + step * i++ } : { done: true, value: undefined }),
      [Symbol.iterator]() { return this; },
    } as IterableIterator<number>;
  }
  protected override computeEach(split: Partition, _tc: TaskContext, each: (x: number) => void): void {
    const { from, to } = split as unknown as { from: number; to: number };
    const { start, step } = this;
    for (let i = from; i < to; i++) each(start + step * i);
  }
  shipArgs(): unknown {
    return { start: this.start, end: this.end, step: this.step, numSlices: this.numSlices };
  }
}

export class EmptyRDD<T> extends RDD<T> {
  readonly kind = "empty";
  constructor(ctx: RddContext) {
    super(ctx, [], "emptyRDD");
  }
  protected getPartitions(): Partition[] {
    return [];
  }
  compute(): Iterator<T> {
    return [][Symbol.iterator]();
  }
  shipArgs(): unknown {
    return {};
  }
}

registerRddKind("parallelize", (ctx, a: { numSlices: number }) => new ParallelCollectionRDD(ctx, undefined, a.numSlices, Array.from({ length: a.numSlices }, () => [])));
registerRddKind("range", (ctx, a) => new RangeRDD(ctx, a.start, a.end, a.step, a.numSlices));
registerRddKind("empty", (ctx) => new EmptyRDD(ctx));
