// Range bounds for sortByKey, as Spark's RangePartitioner finds them: sample about 20 keys per
// output partition from every input partition (reservoir sampling on the workers), then pick
// n-1 evenly spaced keys from the sorted sample, weighting each partition's keys by its size.

import { compareKeys } from "../common/keys";
import { registerShippable } from "../common/closure";
import type { RDD } from "./rdd";

export const reservoirSample = registerShippable("rdd.reservoirSample", function reservoirSample(it: Iterator<[unknown, unknown]>, k: number, seed: number): { n: number; sample: unknown[] } {
  const sample: unknown[] = [];
  let n = 0;
  let s = seed >>> 0;
  const rand = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
  for (let r = it.next(); !r.done; r = it.next()) {
    const key = r.value[0];
    if (n < k) sample.push(key);
    else {
      const j = Math.floor(rand() * (n + 1));
      if (j < k) sample[j] = key;
    }
    n++;
  }
  return { n, sample };
});

export async function sampleKeysForRange(rdd: RDD<[unknown, unknown]>, partitions: number, ascending: boolean): Promise<unknown[]> {
  const perPartition = Math.ceil((20 * partitions * 3) / Math.max(1, rdd.getNumPartitions()));
  const k = Math.min(perPartition, 1_000_000);
  const results = await rdd.context.runJob(rdd, (it) => reservoirSample(it, k, 42), { callSite: `sortByKey at ${rdd.callSite.replace(/^.* at /, "")}` });
  const weighted: Array<[unknown, number]> = [];
  for (const { n, sample } of results) {
    if (sample.length === 0) continue;
    const w = n / sample.length;
    for (const key of sample) weighted.push([key, w]);
  }
  weighted.sort((a, b) => compareKeys(a[0], b[0]));
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  const step = total / partitions;
  const bounds: unknown[] = [];
  let cum = 0;
  let target = step;
  let prev: unknown = undefined;
  for (const [key, w] of weighted) {
    cum += w;
    if (cum >= target && bounds.length < partitions - 1) {
      if (prev === undefined || compareKeys(key, prev) > 0) {
        bounds.push(key);
        prev = key;
      }
      target += step;
    }
  }
  // Descending sorts use the same ascending bounds; the partitioner reverses partition order.
  void ascending;
  return bounds;
}
