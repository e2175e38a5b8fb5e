// Dependencies between RDDs. Narrow ones map a child partition to a few parent partitions and
// are pipelined inside one task; a ShuffleDependency is a stage boundary: the parent is written
// by map tasks, partitioned by key, and read back by the child's tasks over the network.

import type { RDD } from "./rdd";
import type { Partitioner } from "./partitioner";

export abstract class Dependency {
  constructor(readonly rdd: RDD<unknown>) {}
}

export abstract class NarrowDependency extends Dependency {
  /** Parent partition indexes that child partition `partitionId` reads. */
  abstract getParents(partitionId: number): number[];
}

export class OneToOneDependency extends NarrowDependency {
  getParents(partitionId: number): number[] {
    return [partitionId];
  }
}

/** Child partitions [outStart, outStart+length) read parent partitions [inStart, ...) one to one (union). */
export class RangeDependency extends NarrowDependency {
  constructor(rdd: RDD<unknown>, readonly inStart: number, readonly outStart: number, readonly length: number) {
    super(rdd);
  }
  getParents(partitionId: number): number[] {
    return partitionId >= this.outStart && partitionId < this.outStart + this.length ? [partitionId - this.outStart + this.inStart] : [];
  }
}

/** Any fixed mapping (coalesce, cartesian, zip). */
export class MappedDependency extends NarrowDependency {
  constructor(rdd: RDD<unknown>, private readonly mapping: (partitionId: number) => number[]) {
    super(rdd);
  }
  getParents(partitionId: number): number[] {
    return this.mapping(partitionId);
  }
}

/** Spark's Aggregator, with user functions. */
export interface AggregatorFns {
  createCombiner: (v: unknown) => unknown;
  mergeValue: (c: unknown, v: unknown) => unknown;
  mergeCombiners: (a: unknown, b: unknown) => unknown;
}

export class ShuffleDependency extends Dependency {
  constructor(
    rdd: RDD<unknown>,
    readonly shuffleId: number,
    readonly partitioner: Partitioner,
    readonly aggregator?: AggregatorFns,
    readonly mapSideCombine = false,
    /** Sort by key on the reduce side (sortByKey). */
    readonly keyOrdering?: { ascending: boolean },
  ) {
    super(rdd);
  }
}
