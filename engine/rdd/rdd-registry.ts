// Shipping a stage to a worker: the RDDs of one stage (the narrow lineage up to shuffle
// boundaries) become plain specs, and each registered kind rebuilds its RDD from its spec on the
// worker. Closures inside specs are already serialized; partition data travels with the task.

import { InternalError } from "../common/errors";
import { StorageLevel } from "../storage/storage-level";
import { NarrowDependency } from "./dependency";
import type { RDD } from "./rdd";
import type { RddContext } from "./rdd-context";

export interface RddSpec {
  id: number;
  kind: string;
  args: unknown;
  /** Narrow parents (ids, in dependency order) - rebuilt before this RDD. */
  parents: number[];
  numPartitions: number;
  storageLevel: string;
  callSite: string;
  /** Write each computed partition to this checkpoint dir (a job of an RDD marked for checkpoint). */
  checkpointDir?: string;
}

export type RddBuilder = (ctx: RddContext, args: any, parents: RDD<unknown>[], spec: RddSpec) => RDD<unknown>;

const builders = new Map<string, RddBuilder>();

export function registerRddKind(kind: string, build: RddBuilder): void {
  builders.set(kind, build);
}

/** The RDDs a stage computes, parents before children, ending with `root`. */
export function stageRdds(root: RDD<unknown>): RDD<unknown>[] {
  const seen = new Set<number>();
  const out: RDD<unknown>[] = [];
  const visit = (r: RDD<unknown>) => {
    if (seen.has(r.id)) return;
    seen.add(r.id);
    for (const d of r.dependencies) if (d instanceof NarrowDependency) visit(d.rdd);
    out.push(r);
  };
  visit(root);
  return out;
}

export function specOf(r: RDD<unknown>): RddSpec {
  const cp = r.checkpointState;
  if (cp?.done) {
    return { id: r.id, kind: "checkpoint", args: { dir: cp.dir, rddId: r.id, numPartitions: r.getNumPartitions() }, parents: [], numPartitions: r.getNumPartitions(), storageLevel: r.storageLevel.name, callSite: r.callSite };
  }
  return {
    id: r.id,
    kind: r.kind,
    args: r.shipArgs(),
    parents: r.dependencies.filter((d) => d instanceof NarrowDependency).map((d) => d.rdd.id),
    numPartitions: r.getNumPartitions(),
    storageLevel: r.storageLevel.name,
    callSite: r.callSite,
    checkpointDir: cp && !cp.done ? cp.dir : undefined,
  };
}

/** Specs for every RDD of the stage ending at root. */
export function stageSpecs(root: RDD<unknown>): RddSpec[] {
  return stageRdds(root).map(specOf);
}

/** Worker side: rebuild the stage's RDDs; returns them by id. `ctx.withId` fixes each RDD's id. */
export function rebuildStage(specs: RddSpec[], ctx: RddContext & { withId<R>(id: number, f: () => R): R }): Map<number, RDD<unknown>> {
  const built = new Map<number, RDD<unknown>>();
  for (const spec of specs) {
    const build = builders.get(spec.kind);
    if (!build) throw new InternalError("UNKNOWN_RDD_KIND", `no RDD kind '${spec.kind}' is registered on this worker`);
    const parents = spec.parents.map((id) => {
      const p = built.get(id);
      if (!p) throw new InternalError("BAD_STAGE_SPEC", `RDD ${spec.id} needs parent ${id} which is not in the stage`);
      return p;
    });
    const rdd = ctx.withId(spec.id, () => build(ctx, spec.args, parents, spec));
    rdd.callSite = spec.callSite;
    rdd.storageLevel = StorageLevel.fromName(spec.storageLevel);
    if (spec.checkpointDir) rdd.checkpointState = { dir: spec.checkpointDir, done: false };
    built.set(spec.id, rdd);
  }
  return built;
}
