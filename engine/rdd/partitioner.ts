// Partitioners decide which reduce partition a key goes to. They travel to workers as plain
// specs; equal partitioners let the engine skip a shuffle (an RDD already partitioned the same
// way joins and reduces with narrow dependencies, as in Spark).

import { compareKeys, partitionForKey, hashKey } from "../common/keys";
import { deserializeFunction, serializeFunction, type SerializedFunction } from "../common/closure";

export type PartitionerSpec =
  | { kind: "hash"; numPartitions: number }
  | { kind: "range"; numPartitions: number; bounds: unknown[]; ascending: boolean }
  | { kind: "function"; numPartitions: number; fn: SerializedFunction };

export interface Partitioner {
  readonly numPartitions: number;
  getPartition(key: unknown): number;
  /** The arithmetic that sends `key` to its partition, in words (data on the DAG's edges). */
  explain(key: unknown): string;
  spec(): PartitionerSpec;
  equals(other: Partitioner | undefined): boolean;
}

export class HashPartitioner implements Partitioner {
  constructor(readonly numPartitions: number) {}
  getPartition(key: unknown): number {
    return partitionForKey(key, this.numPartitions);
  }
  explain(key: unknown): string {
    const h = hashKey(key);
    return `hash = ${h}, ${h} mod ${this.numPartitions} = ${h % this.numPartitions}`;
  }
  spec(): PartitionerSpec {
    return { kind: "hash", numPartitions: this.numPartitions };
  }
  equals(o: Partitioner | undefined): boolean {
    return o instanceof HashPartitioner && o.numPartitions === this.numPartitions;
  }
}

/**
 * Keys in sorted ranges: partition i holds keys in (bounds[i-1], bounds[i]] (reversed when
 * descending). Bounds come from a sample of the keys, set before the map stage runs.
 */
export class RangePartitioner implements Partitioner {
  readonly numPartitions: number;
  private _bounds: unknown[];
  constructor(bounds: unknown[], readonly ascending = true, numPartitions?: number) {
    this._bounds = bounds;
    this.numPartitions = numPartitions ?? bounds.length + 1;
  }
  get bounds(): unknown[] {
    return this._bounds;
  }
  setBounds(bounds: unknown[]): void {
    this._bounds = bounds.slice(0, this.numPartitions - 1);
  }
  getPartition(key: unknown): number {
    const b = this._bounds;
    let lo = 0, hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(b[mid], key) < 0) lo = mid + 1; else hi = mid;
    }
    return this.ascending ? lo : this.numPartitions - 1 - lo;
  }
  explain(key: unknown): string {
    const p = this.getPartition(key);
    const b = this._bounds, i = this.ascending ? p : this.numPartitions - 1 - p;
    const show = (x: unknown) => JSON.stringify(x) ?? String(x);
    const range = i === 0 ? `<= ${show(b[0])}` : i >= b.length ? `> ${show(b[b.length - 1])}` : `in (${show(b[i - 1])}, ${show(b[i])}]`;
    return `key ${range} (sampled range bounds) -> partition ${p}`;
  }
  spec(): PartitionerSpec {
    return { kind: "range", numPartitions: this.numPartitions, bounds: this._bounds, ascending: this.ascending };
  }
  equals(o: Partitioner | undefined): boolean {
    return o instanceof RangePartitioner && o.ascending === this.ascending && o.numPartitions === this.numPartitions &&
      o.bounds.length === this.bounds.length && o.bounds.every((b, i) => compareKeys(b, this.bounds[i]) === 0);
  }
}

/** PySpark's partitionBy(numPartitions, partitionFunc): partitionFunc(key) mod numPartitions. */
export class FunctionPartitioner implements Partitioner {
  private serialized?: SerializedFunction;
  constructor(readonly numPartitions: number, readonly fn: (key: unknown) => number) {}
  getPartition(key: unknown): number {
    const p = Number(this.fn(key));
    const m = ((Math.trunc(p) % this.numPartitions) + this.numPartitions) % this.numPartitions;
    return Number.isFinite(m) ? m : 0;
  }
  explain(key: unknown): string {
    const p = Number(this.fn(key));
    return `partitionFunc(key) = ${p}, ${p} mod ${this.numPartitions} = ${this.getPartition(key)}`;
  }
  spec(): PartitionerSpec {
    this.serialized ??= serializeFunction(this.fn, "partitionBy");
    return { kind: "function", numPartitions: this.numPartitions, fn: this.serialized };
  }
  equals(o: Partitioner | undefined): boolean {
    return o instanceof FunctionPartitioner && o.numPartitions === this.numPartitions && o.fn === this.fn;
  }
}

export function partitionerFromSpec(s: PartitionerSpec): Partitioner {
  switch (s.kind) {
    case "hash": return new HashPartitioner(s.numPartitions);
    case "range": return new RangePartitioner(s.bounds, s.ascending, s.numPartitions);
    case "function": return new FunctionPartitioner(s.numPartitions, deserializeFunction(s.fn) as (k: unknown) => number);
  }
}

export { hashKey };
