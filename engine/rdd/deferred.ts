// Work that must happen on the driver before a job over an RDD can run, such as sampling keys
// for a sort's range bounds or counting partition sizes for zipWithIndex. Spark runs these as
// separate jobs when the transformation is called; here they run (once) when the first action
// over the RDD is submitted, so transformations stay synchronous and lazy.

import { NarrowDependency } from "./dependency";
import type { RDD } from "./rdd";

const pending = new WeakMap<RDD<unknown>, { run: () => Promise<void>; done?: Promise<void> }>();

export function deferUntilJob(rdd: RDD<unknown>, run: () => Promise<void>): void {
  pending.set(rdd, { run });
}

/** Run every deferred step in rdd's lineage (parents first), each at most once. */
export async function resolveDeferred(rdd: RDD<unknown>, seen = new Set<number>()): Promise<void> {
  if (seen.has(rdd.id)) return;
  seen.add(rdd.id);
  for (const d of rdd.dependencies) await resolveDeferred(d.rdd, seen);
  const p = pending.get(rdd);
  if (p) {
    p.done ??= p.run();
    try {
      await p.done;
    } catch (e) {
      p.done = undefined; // let a later action retry
      throw e;
    }
  }
}

export { NarrowDependency };
