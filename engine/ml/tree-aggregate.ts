// Spark's RDD.treeAggregate over a named aggregator (./aggregators.ts): each partition folds its
// records into one partial result; partials are merged in a tree of shuffle rounds (each round
// cuts the count by `scale`) until few are left, then merged on the driver. Each call is a job
// (visible in the DAG view); with few partitions there is no extra round, as in Spark.

import type { RDD } from "../rdd";
import { aggPartition, aggMerge } from "./aggregators";

export async function treeAggregate<A>(rdd: RDD<unknown>, name: string, spec: unknown, depth = 2): Promise<A> {
  let partial: RDD<unknown> = rdd.mapPartitions((it) => aggPartition(name, spec, it));
  let numPartitions: number;
  try { numPartitions = partial.getNumPartitions(); } catch { numPartitions = 1; } // a df.rdd not planned yet: no extra rounds
  const scale = Math.max(Math.ceil(numPartitions ** (1 / Math.max(depth, 1))), 2);
  while (numPartitions > scale + Math.ceil(numPartitions / scale)) {
    numPartitions = Math.ceil(numPartitions / scale);
    const cur = numPartitions;
    partial = partial
      .mapPartitionsWithIndex((i, it) => { const out: [number, unknown][] = []; for (const x of it) out.push([i % cur, x]); return out; })
      .reduceByKey((a: unknown, b: unknown) => aggMerge(name, spec, a, b), cur)
      .values();
  }
  const parts = await partial.collect();
  return parts.reduce((a, b) => aggMerge(name, spec, a, b)) as A;
}
