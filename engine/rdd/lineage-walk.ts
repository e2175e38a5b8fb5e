// The one walk over an RDD's lineage: every RDD reachable from a root once, depth first, parents
// after the RDD that needs them. The scheduler's stage split, its missing-parent and checkpoint
// walks and the driver's closure shipping all go through it.

import { NarrowDependency, ShuffleDependency } from "./dependency";
import type { RDD } from "./rdd";

/**
 * Call `visit` on root and on every RDD its lineage reaches, each once. `visit` returns whether to
 * walk on below that RDD (false at a cache or checkpoint that hides its parents). With "narrow"
 * the walk stays inside root's stage: it does not cross shuffle dependencies.
 */
export function walkLineage(root: RDD<unknown>, visit: (r: RDD<unknown>) => boolean, across: "all" | "narrow" = "all"): void {
  const seen = new Set<number>();
  const stack = [root];
  while (stack.length) {
    const r = stack.pop()!;
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    if (!visit(r)) continue;
    for (const d of r.dependencies) if (across === "all" || d instanceof NarrowDependency) stack.push(d.rdd);
  }
}

/** The shuffles root's stage reads: the shuffle dependencies reachable through narrow ones. */
export function stageShuffleReads(root: RDD<unknown>): ShuffleDependency[] {
  const out: ShuffleDependency[] = [];
  walkLineage(root, (r) => {
    for (const d of r.dependencies) if (d instanceof ShuffleDependency) out.push(d);
    return true;
  }, "narrow");
  return out;
}
