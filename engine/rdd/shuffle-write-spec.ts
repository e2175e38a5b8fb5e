// What a shuffle map task needs to write its output: the shuffle id, the partitioner and (for
// map-side combine) the aggregator - as plain data, built once per shuffle on the driver.

import { serializeFunction, type SerializedFunction } from "../common/closure";
import type { AggregatorFns, ShuffleDependency } from "./dependency";
import type { PartitionerSpec } from "./partitioner";

export interface SerializedAggregator {
  createCombiner: SerializedFunction;
  mergeValue: SerializedFunction;
  mergeCombiners: SerializedFunction;
}

export interface ShuffleWriteSpec {
  shuffleId: number;
  partitioner: PartitionerSpec;
  aggregator?: SerializedAggregator;
  mapSideCombine: boolean;
}

export function serializeAggregator(a: AggregatorFns): SerializedAggregator {
  return {
    createCombiner: serializeFunction(a.createCombiner, "combineByKey"),
    mergeValue: serializeFunction(a.mergeValue, "combineByKey"),
    mergeCombiners: serializeFunction(a.mergeCombiners, "combineByKey"),
  };
}

const cache = new WeakMap<ShuffleDependency, ShuffleWriteSpec>();

export function shuffleWriteSpec(dep: ShuffleDependency): ShuffleWriteSpec {
  let s = cache.get(dep);
  if (!s) {
    s = {
      shuffleId: dep.shuffleId,
      partitioner: dep.partitioner.spec(),
      aggregator: dep.mapSideCombine && dep.aggregator ? serializeAggregator(dep.aggregator) : undefined,
      mapSideCombine: dep.mapSideCombine,
    };
    cache.set(dep, s);
  }
  return s;
}
