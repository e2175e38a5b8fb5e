// The rate source's rows, generated in the task (as Spark's RateStreamMicroBatchStream does): value
// v at startMs + floor(v * 1000 / rowsPerSecond) ms. A registered function, so executor threads
// (engine/worker-preload.ts) know it by name; no expression is evaluated per row.

import { registerShippable } from "../common/closure";

/** One partition's slice of the rate source: [from, to) values, the source's start and rate. */
export type RateSlice = [from: number, to: number, startMs: number, rowsPerSecond: number];

export const rateRows = registerShippable("streaming.rateRows", function* rateRows(it: Iterable<RateSlice>): Generator<unknown[]> {
  for (const [from, to, startMs, rps] of it) {
    for (let v = from; v < to; v++) yield [new Date(startMs + Math.floor((v * 1000) / rps)), v];
  }
});
