// Reduce-side combining by key with spill (reduceByKey / groupByKey / combineByKey readers):
// a value-keyed map that spills sorted runs to disk past its memory limit and merges them back.

import type { Aggregator } from "./aggregator";
import { PartitionedCombiner } from "./partitioned-combiner";

export class ExternalAppendOnlyMap<V, C> {
  private readonly inner: PartitionedCombiner<V, C>;

  constructor(agg: Aggregator<V, C>, opts: { dir: string; memoryLimitBytes: number }) {
    this.inner = new PartitionedCombiner(agg, { ...opts, numPartitions: 1, partition: () => 0 });
  }

  /** Add a raw value (createCombiner / mergeValue). */
  insert(key: unknown, value: V): void { this.inner.insert(key, value); }

  /** Add a combiner from a map output (mergeCombiners). */
  insertCombiner(key: unknown, c: C): void { this.inner.insertCombiner(key, c); }

  insertAll(it: Iterable<readonly [unknown, V]>): void { for (const [k, v] of it) this.inner.insert(k, v); }

  /** Merged view of every key, including spilled runs. Iterate it once; then dispose(). */
  *entries(): Generator<[unknown, C]> {
    for (const [, k, c] of this.inner.entries()) yield [k, c];
  }

  /**
   * entries() that disposes the map (deleting its spill files) when iteration ends or is
   * abandoned with return(): lets a reducer stream its output instead of materialising it.
   */
  *drain(): Generator<[unknown, C], void, undefined> {
    try {
      for (const [, k, c] of this.inner.entries()) yield [k, c];
    } finally {
      this.dispose();
    }
  }

  /** Bytes written to spill files so far. */
  get spillBytes(): number { return this.inner.spillBytes; }
  get spillCount(): number { return this.inner.spillCount; }

  dispose(): void { this.inner.dispose(); }
}
