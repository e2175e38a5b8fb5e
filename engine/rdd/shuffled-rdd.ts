// The reduce side of a shuffle. Its dependency on the parent is a ShuffleDependency (a stage
// boundary): map tasks of the parent stage wrote partitioned files; this RDD's prepare() fetches
// its blocks from the workers holding them, and compute() merges them: combining by key with
// the aggregator (spilling when large) and sorting by key for sortByKey.

import { deserializeFunction, type SerializedFunction } from "../common/closure";
import { compareKeys } from "../common/keys";
import { ExternalAppendOnlyMap, ExternalSorter, forEachShuffleRecord } from "../storage";
import { ShuffleDependency, type AggregatorFns } from "./dependency";
import { RDD } from "./rdd";
import { simplePartitions, type Partition } from "./partition";
import type { Partitioner } from "./partitioner";
import type { RddContext } from "./rdd-context";
import { registerRddKind } from "./rdd-registry";
import type { TaskContext } from "./task-context";
import { serializeAggregator, type SerializedAggregator } from "./shuffle-write-spec";

export interface ShuffleReadSettings {
  shuffleId: number;
  numPartitions: number;
  aggregator?: AggregatorFns;
  mapSideCombine: boolean;
  keyOrdering?: { ascending: boolean };
}

export class ShuffledRDD<K, V, C = V> extends RDD<[K, C]> {
  readonly kind = "shuffled";
  readonly settings: ShuffleReadSettings;

  constructor(
    ctx: RddContext,
    parent: RDD<[K, V]> | null,
    part: Partitioner | null,
    opts: { aggregator?: AggregatorFns; mapSideCombine?: boolean; keyOrdering?: { ascending: boolean }; op?: string; worker?: ShuffleReadSettings },
  ) {
    const deps = parent && part
      ? [new ShuffleDependency(parent as RDD<unknown>, ctx.newShuffleId(), part, opts.aggregator, opts.mapSideCombine ?? false, opts.keyOrdering)]
      : [];
    super(ctx, deps, opts.op ?? "partitionBy");
    if (deps[0]) ctx.registerShuffle?.(deps[0], deps[0].shuffleId);
    if (opts.worker) this.settings = opts.worker;
    else {
      const dep = deps[0]!;
      this.settings = { shuffleId: dep.shuffleId, numPartitions: part!.numPartitions, aggregator: opts.aggregator, mapSideCombine: dep.mapSideCombine, keyOrdering: opts.keyOrdering };
      this.partitioner = part!;
    }
  }

  get shuffleDependency(): ShuffleDependency {
    return this.dependencies[0] as ShuffleDependency;
  }

  protected getPartitions(): Partition[] {
    return simplePartitions(this.settings.numPartitions);
  }

  private shippedAgg?: SerializedAggregator;
  shipArgs(): unknown {
    const s = this.settings;
    if (s.aggregator) this.shippedAgg ??= serializeAggregator(s.aggregator);
    return { shuffleId: s.shuffleId, numPartitions: s.numPartitions, mapSideCombine: s.mapSideCombine, keyOrdering: s.keyOrdering, aggregator: this.shippedAgg };
  }

  override async prepare(split: Partition, tc: TaskContext): Promise<void> {
    await tc.fetchShuffle(this.settings.shuffleId, split.index);
  }

  compute(split: Partition, tc: TaskContext): Iterator<[K, C]> {
    return readShuffle(this.settings, split.index, tc) as Iterator<[K, C]>;
  }
}

/** Read one reduce partition of a shuffle: combine and/or sort as the settings say. */
export function readShuffle(s: ShuffleReadSettings, reduceId: number, tc: TaskContext): Iterator<[unknown, unknown]> {
  const blocks = tc.shuffleBlocks.get(`${s.shuffleId}:${reduceId}`) ?? [];
  const decoding = { ms: 0 };
  let out: Iterable<[unknown, unknown]>;
  if (s.aggregator) {
    const map = new ExternalAppendOnlyMap<unknown, unknown>(s.aggregator, { dir: tc.localDir, memoryLimitBytes: tc.spillThresholdBytes });
    let n = 0;
    for (const b of blocks) {
      forEachShuffleRecord(b, s.mapSideCombine ? (k, c) => { n++; map.insertCombiner(k, c); } : (k, v) => { n++; map.insert(k, v); }, decoding);
    }
    tc.metrics.shuffleReadRecords += n;
    tc.metrics.shuffleReadTimeMs += decoding.ms;
    tc.metrics.spillBytes += map.spillBytes;
    // Stream the merged result (spilled runs stay on disk until read; drain deletes them).
    out = { [Symbol.iterator]: () => map.drain()[Symbol.iterator]() };
  } else {
    const recs: Array<[unknown, unknown]> = [];
    for (const b of blocks) forEachShuffleRecord(b, (k, v) => { recs.push([k, v]); }, decoding);
    tc.metrics.shuffleReadRecords += recs.length;
    tc.metrics.shuffleReadTimeMs += decoding.ms;
    out = recs;
  }
  if (s.keyOrdering) {
    const asc = s.keyOrdering.ascending;
    const sorter = new ExternalSorter<[unknown, unknown]>(
      asc ? (a, b) => compareKeys(a[0], b[0]) : (a, b) => compareKeys(b[0], a[0]),
      { dir: tc.localDir, memoryLimitBytes: tc.spillThresholdBytes },
    );
    sorter.insertAll(out);
    tc.metrics.spillBytes += sorter.spillBytes;
    out = { [Symbol.iterator]: () => sorter.drain()[Symbol.iterator]() };
  }
  return out[Symbol.iterator]();
}

registerRddKind("shuffled", (ctx, a: { shuffleId: number; numPartitions: number; mapSideCombine: boolean; keyOrdering?: { ascending: boolean }; aggregator?: SerializedAggregator }) =>
  new ShuffledRDD(ctx, null, null, {
    worker: {
      shuffleId: a.shuffleId, numPartitions: a.numPartitions, mapSideCombine: a.mapSideCombine, keyOrdering: a.keyOrdering,
      aggregator: a.aggregator ? deserializeAggregator(a.aggregator) : undefined,
    },
  }));

export function deserializeAggregator(a: SerializedAggregator): AggregatorFns {
  return {
    createCombiner: deserializeFunction(a.createCombiner as SerializedFunction) as AggregatorFns["createCombiner"],
    mergeValue: deserializeFunction(a.mergeValue as SerializedFunction) as AggregatorFns["mergeValue"],
    mergeCombiners: deserializeFunction(a.mergeCombiners as SerializedFunction) as AggregatorFns["mergeCombiners"],
  };
}
