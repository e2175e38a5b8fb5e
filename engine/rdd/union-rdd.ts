// union, coalesce, cartesian and zipPartitions: narrow RDDs whose partitions wrap partitions of
// their parents (so a task carries everything it reads inside its one Partition object).

import { ExecutionError, WorkbenchError } from "../common/errors";
import { deserializeFunction } from "../common/closure";
import { MappedDependency, RangeDependency } from "./dependency";
import { RDD } from "./rdd";
import type { Partition } from "./partition";
import type { RddContext } from "./rdd-context";
import { registerRddKind } from "./rdd-registry";
import type { TaskContext } from "./task-context";

export class UnionRDD<T> extends RDD<T> {
  readonly kind = "union";
  constructor(ctx: RddContext, readonly rdds: RDD<T>[]) {
    let pos = 0;
    const deps = rdds.map((r) => {
      const d = new RangeDependency(r as RDD<unknown>, 0, pos, r.getNumPartitions());
      pos += r.getNumPartitions();
      return d;
    });
    super(ctx, deps, "union");
  }
  protected getPartitions(): Partition[] {
    const out: Partition[] = [];
    this.rdds.forEach((r, parentIndex) => {
      for (const p of r.partitions) out.push({ index: out.length, parentIndex, parentSplit: p });
    });
    return out;
  }
  compute(split: Partition, tc: TaskContext): Iterator<T> {
    return this.rdds[split.parentIndex as number]!.iterator(split.parentSplit as Partition, tc);
  }
  override parentSplits(split: Partition): Array<[RDD<unknown>, Partition]> {
    return [[this.rdds[split.parentIndex as number]! as RDD<unknown>, split.parentSplit as Partition]];
  }
  shipArgs(): unknown {
    return { counts: this.rdds.map((r) => r.getNumPartitions()) };
  }
}

/** coalesce(n) without shuffle: contiguous groups of parent partitions. */
export class CoalescedRDD<T> extends RDD<T> {
  readonly kind = "coalesce";
  constructor(ctx: RddContext, readonly parent: RDD<T>, readonly groups: number[][]) {
    super(ctx, [new MappedDependency(parent as RDD<unknown>, (i) => groups[i] ?? [])], "coalesce");
  }
  static groupsFor(parentCount: number, n: number): number[][] {
    const k = Math.max(1, Math.min(n, parentCount));
    return Array.from({ length: k }, (_, i) => {
      const from = Math.floor((i * parentCount) / k), to = Math.floor(((i + 1) * parentCount) / k);
      return Array.from({ length: to - from }, (_, j) => from + j);
    });
  }
  protected getPartitions(): Partition[] {
    const ps = this.parent.partitions;
    return this.groups.map((g, index) => ({ index, parents: g.map((i) => ps[i]!) }));
  }
  override parentSplits(split: Partition): Array<[RDD<unknown>, Partition]> {
    return (split.parents as Partition[]).map((p) => [this.parent as RDD<unknown>, p]);
  }
  compute(split: Partition, tc: TaskContext): Iterator<T> {
    const parents = split.parents as Partition[];
    let i = 0;
    let cur: Iterator<T> | undefined;
    return {
      next: () => {
        for (;;) {
          if (cur) {
            const r = cur.next();
            if (!r.done) return r;
            cur = undefined;
          }
          if (i >= parents.length) return { done: true, value: undefined };
          cur = this.parent.iterator(parents[i++]!, tc);
        }
      },
    };
  }
  shipArgs(): unknown {
    return { groups: this.groups };
  }
}

export class CartesianRDD<A, B> extends RDD<[A, B]> {
  readonly kind = "cartesian";
  constructor(ctx: RddContext, readonly a: RDD<A>, readonly b: RDD<B>) {
    const nb = b.getNumPartitions();
    super(ctx, [
      new MappedDependency(a as RDD<unknown>, (i) => [Math.floor(i / nb)]),
      new MappedDependency(b as RDD<unknown>, (i) => [i % nb]),
    ], "cartesian");
  }
  protected getPartitions(): Partition[] {
    const out: Partition[] = [];
    for (const s1 of this.a.partitions) for (const s2 of this.b.partitions) out.push({ index: out.length, s1, s2 });
    return out;
  }
  override parentSplits(split: Partition): Array<[RDD<unknown>, Partition]> {
    return [[this.a as RDD<unknown>, split.s1 as Partition], [this.b as RDD<unknown>, split.s2 as Partition]];
  }
  compute(split: Partition, tc: TaskContext): Iterator<[A, B]> {
    const right: B[] = [];
    const itB = this.b.iterator(split.s2 as Partition, tc);
    for (let r = itB.next(); !r.done; r = itB.next()) right.push(r.value);
    const itA = this.a.iterator(split.s1 as Partition, tc);
    let cur: A | undefined;
    let j = right.length;
    return {
      next: () => {
        while (j >= right.length) {
          const r = itA.next();
          if (r.done) return { done: true, value: undefined };
          cur = r.value;
          j = 0;
        }
        return { done: false, value: [cur as A, right[j++]!] };
      },
    };
  }
  shipArgs(): unknown {
    return { nb: this.b.getNumPartitions() };
  }
}

/** zipPartitions(other, fn): fn(iterA, iterB) per pair of same-index partitions. */
export class ZippedPartitionsRDD<A, B, C> extends RDD<C> {
  readonly kind = "zipPartitions";
  constructor(ctx: RddContext, readonly a: RDD<A>, readonly b: RDD<B>, readonly fn: (a: IterableIterator<A>, b: IterableIterator<B>) => Iterable<C>, op = "zipPartitions") {
    if (ctx.isDriver && a.getNumPartitions() !== b.getNumPartitions()) {
      throw new WorkbenchError("ZIP_PARTITIONS_MISMATCH", `Can't zip RDDs with unequal numbers of partitions: ${a.getNumPartitions()} and ${b.getNumPartitions()}`);
    }
    super(ctx, [new MappedDependency(a as RDD<unknown>, (i) => [i]), new MappedDependency(b as RDD<unknown>, (i) => [i])], op);
  }
  protected getPartitions(): Partition[] {
    const pb = this.b.partitions;
    return this.a.partitions.map((s1, index) => ({ index, s1, s2: pb[index]! }));
  }
  override parentSplits(split: Partition): Array<[RDD<unknown>, Partition]> {
    return [[this.a as RDD<unknown>, split.s1 as Partition], [this.b as RDD<unknown>, split.s2 as Partition]];
  }
  compute(split: Partition, tc: TaskContext): Iterator<C> {
    const wrap = <X>(it: Iterator<X>): IterableIterator<X> => ({ next: () => it.next(), [Symbol.iterator]() { return this; } });
    const out = this.fn(wrap(this.a.iterator(split.s1 as Partition, tc)), wrap(this.b.iterator(split.s2 as Partition, tc)));
    if (!out || typeof (out as Iterable<C>)[Symbol.iterator] !== "function") throw new ExecutionError("NOT_ITERABLE", "the function passed to zipPartitions must return an iterable");
    return out[Symbol.iterator]();
  }
  shipArgs(): unknown {
    return { fn: this.ship("fn", this.fn, "zipPartitions") };
  }
}

registerRddKind("union", (ctx, _a, parents) => new UnionRDD(ctx, parents));
registerRddKind("coalesce", (ctx, a: { groups: number[][] }, [p]) => new CoalescedRDD(ctx, p!, a.groups));
registerRddKind("cartesian", (ctx, _a, [a, b]) => new CartesianRDD(ctx, a!, b!));
registerRddKind("zipPartitions", (ctx, a, [x, y]) => new ZippedPartitionsRDD(ctx, x!, y!, deserializeFunction(a.fn) as never));
