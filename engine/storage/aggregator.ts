// How values of one key are combined in a shuffle (Spark's Aggregator): map-side combine uses
// createCombiner/mergeValue, the reduce side merges the map outputs' combiners with mergeCombiners.

export interface Aggregator<V, C> {
  createCombiner(v: V): C;
  mergeValue(c: C, v: V): C;
  mergeCombiners(a: C, b: C): C;
}
