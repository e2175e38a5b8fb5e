// An RDD whose lineage is known only once a query is planned. df.rdd must be a synchronous, lazy
// RDD (as in PySpark), but planning a query may run jobs of its own (collecting a broadcast
// side, sampling range bounds for a sort, materializing subqueries). DeferredRDD is a
// placeholder with no parents: the engine's deferred pre-job step (engine/rdd/deferred.ts) plans
// the query when the first action over it is submitted, and from then on it is a one-to-one view
// of the planned RDD. On a worker it is rebuilt already resolved, over its planned parent.

import { WorkbenchError } from "../../common/errors";
import type { DataType } from "../types";
import { internalToExternal } from "../row-convert";
import { RDD, OneToOneDependency, deferUntilJob, resolveDeferred, registerRddKind, type Dependency, type Partition, type RddContext, type TaskContext } from "../../rdd";

/** Internal row arrays -> row objects (df.rdd's rows), applied in compute on the workers. */
export interface RowShape { names: string[]; types: DataType[] }

export class DeferredRDD<T> extends RDD<T> {
  readonly kind = "sqlDeferred";
  private planned?: RDD<unknown>;

  constructor(
    ctx: RddContext,
    build: (() => Promise<RDD<unknown>>) | undefined,
    planned?: RDD<unknown>,
    op = "rdd",
    private readonly shape?: RowShape,
    /** The partition count known before planning, if it follows from the plan alone. */
    private readonly estimate?: () => number | undefined,
  ) {
    super(ctx, [], op);
    this.planned = planned;
    if (!planned && build) {
      deferUntilJob(this as RDD<unknown>, async () => {
        const r = await build();
        await resolveDeferred(r);
        this.planned = r;
      });
    }
  }

  /** True once the query behind it has been planned (after its first action). */
  get isPlanned(): boolean { return this.planned !== undefined; }

  override get dependencies(): Dependency[] {
    if (this.isCheckpointed() || !this.planned) return super.dependencies;
    return [new OneToOneDependency(this.planned as RDD<unknown>)];
  }

  /** Known before the first action when the plan alone decides it (see partition-estimate.ts). */
  override getNumPartitions(): number {
    if (!this.planned) {
      const n = this.estimate?.();
      if (n !== undefined) return n;
    }
    return super.getNumPartitions();
  }

  protected getPartitions(): Partition[] {
    if (!this.planned) {
      throw new WorkbenchError("UNSUPPORTED_OPERATION",
        "The partitions of df.rdd are known once its query is planned, which happens when the first action over it runs " +
        "(planning may run jobs: broadcast builds, sort sampling, subqueries). Run an action first, or use " +
        "`(await df.toInternalRdd()).getNumPartitions()`.");
    }
    return this.planned.partitions;
  }

  shipArgs(): unknown { return { shape: this.shape }; }

  compute(split: Partition, tc: TaskContext): Iterator<T> {
    if (!this.planned) throw new WorkbenchError("INTERNAL_ERROR", `DeferredRDD ${this.id} computed before its query was planned`);
    const it = this.planned.iterator(split, tc);
    return (this.shape ? toRows(it as Iterator<unknown[]>, this.shape) : it) as Iterator<T>;
  }
}

function* toRows(it: Iterator<unknown[]>, shape: RowShape): Generator<Record<string, unknown>> {
  for (let r = it.next(); !r.done; r = it.next()) yield internalToExternal(shape.names, shape.types, r.value);
}

registerRddKind("sqlDeferred", (ctx, args: { shape?: RowShape }, parents) => new DeferredRDD(ctx, undefined, parents[0]!, "rdd", args?.shape));

/** True for a context that can create engine RDDs (the real SparkContext). */
export function isRddContext(x: unknown): x is RddContext {
  return !!x && typeof (x as RddContext).newRddId === "function" && typeof (x as RddContext).serialize === "function";
}
