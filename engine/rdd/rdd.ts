// The RDD base class. Concrete RDDs implement three hooks - getPartitions, compute and (via the
// constructor) their dependencies - plus shipArgs/kind so a stage can be rebuilt on a worker.
// The public partitions/dependencies/iterator are written once here, and iterator() is the only
// place that consults the cache or a checkpoint. The PySpark operator surface lives in
// rdd-api.ts (transformations) and actions.ts, attached to this class.

import { rddBlockId } from "../storage/block-ids";
import { WorkbenchError } from "../common/errors";
import { UNSHIPPABLE, type SerializedFunction } from "../common/closure";
import { StorageLevel } from "../storage/storage-level";
import { Dependency, OneToOneDependency } from "./dependency";
import type { Partition } from "./partition";
import type { Partitioner } from "./partitioner";
import type { RddContext } from "./rdd-context";
import type { TaskContext } from "./task-context";
import { userCallSite } from "./call-site";
import { writeCheckpointPartition } from "./checkpoint-files";

export abstract class RDD<T> {
  readonly id: number;
  callSite: string;
  storageLevel: StorageLevel = StorageLevel.NONE;
  partitioner?: Partitioner;
  private _name: string | null = null;
  private _partitions?: Partition[];
  private _deps: Dependency[];
  /** Set when checkpoint() was called; `done` once the files are written and lineage is cut. */
  checkpointState?: { dir: string; done: boolean; reader?: RDD<T> };
  /** Serialized closures, made once on first use (PySpark caches its pickled command too). */
  private readonly serializedFns = new Map<string, SerializedFunction>();

  /** Registered kind name, used to rebuild this RDD on a worker. */
  abstract readonly kind: string;

  constructor(readonly context: RddContext, deps: Dependency[], op?: string) {
    this.id = context.newRddId();
    this._deps = deps;
    this.callSite = op ? (context.isDriver ? userCallSite(op) : op) : "";
  }

  /** The partitions of this RDD (computed once). */
  protected abstract getPartitions(): Partition[];
  /** Compute one partition on a worker. */
  abstract compute(split: Partition, tc: TaskContext): Iterator<T>;
  /** Plain data (closures already serialized) from which the registered kind rebuilds this RDD. */
  abstract shipArgs(): unknown;
  /** Optional async work before the synchronous pipeline runs (fetch shuffle blocks, read files). */
  prepare?(split: Partition, tc: TaskContext): Promise<void>;

  /** The narrow parents' partitions that computing `split` reads (one-to-one by default). */
  parentSplits(split: Partition): Array<[RDD<unknown>, Partition]> {
    return this.dependencies.filter((d) => d instanceof OneToOneDependency).map((d) => [d.rdd, split]);
  }

  get partitions(): Partition[] {
    if (this.checkpointState?.done) return this.checkpointState.reader!.partitions;
    return (this._partitions ??= this.getPartitions());
  }

  get dependencies(): Dependency[] {
    if (this.checkpointState?.done) return [new OneToOneDependency(this.checkpointState.reader! as RDD<unknown>)];
    return this._deps;
  }

  getNumPartitions(): number {
    return this.partitions.length;
  }

  /** The records of one partition: from the cache, from a checkpoint, or computed. */
  iterator(split: Partition, tc: TaskContext): Iterator<T> {
    if (this.storageLevel.useMemory || this.storageLevel.useDisk) return this.getOrCompute(split, tc);
    return this.computeOrReadCheckpoint(split, tc);
  }

  /**
   * Push every record of a partition to `each`, in order: the fast path for consumers that read a
   * whole partition (shuffle writes, count, collect). The same records as iterator(), without an
   * iterator result object per record per operator. Cached and checkpointed RDDs go through
   * iterator(), which owns the cache and checkpoint logic.
   */
  eachRecord(split: Partition, tc: TaskContext, each: (x: T) => void): void {
    if (this.storageLevel.useMemory || this.storageLevel.useDisk || this.checkpointState) {
      const it = this.iterator(split, tc);
      for (let r = it.next(); !r.done; r = it.next()) each(r.value);
      return;
    }
    this.computeEach(split, tc, each);
  }

  /** Push-mode compute. The default drains compute(); narrow operators and sources override it. */
  protected computeEach(split: Partition, tc: TaskContext, each: (x: T) => void): void {
    const it = this.compute(split, tc);
    for (let r = it.next(); !r.done; r = it.next()) each(r.value);
  }

  private computeOrReadCheckpoint(split: Partition, tc: TaskContext): Iterator<T> {
    const cp = this.checkpointState;
    if (cp?.done) return cp.reader!.iterator(split, tc);
    if (cp && !this.context.isDriver) {
      // This job checkpoints the RDD: write the partition as it is computed.
      const values = drain(this.compute(split, tc));
      writeCheckpointPartition(cp.dir, this.id, split.index, values);
      return values[Symbol.iterator]();
    }
    return this.compute(split, tc);
  }

  private getOrCompute(split: Partition, tc: TaskContext): Iterator<T> {
    const blockId = rddBlockId(this.id, split.index);
    const hit = tc.blocks.iterator(blockId);
    if (hit) {
      tc.metrics.cacheHits++;
      return hit as Iterator<T>;
    }
    tc.metrics.cacheMisses++;
    const values = drain(this.computeOrReadCheckpoint(split, tc));
    const put = tc.blocks.put(blockId, values, this.storageLevel);
    if (put.where !== "none") tc.blocksAdded.push({ blockId, where: put.where, bytes: put.bytes });
    for (const e of put.evicted) {
      if (e.droppedTo === "nothing") tc.blocksRemoved.push(e.blockId);
      else tc.blocksAdded.push({ blockId: e.blockId, where: "disk", bytes: 0 });
    }
    return values[Symbol.iterator]();
  }

  /** Serialize a user function once per RDD (cached); errors name the operator. */
  protected ship(key: string, fn: Function, op: string): SerializedFunction {
    let s = this.serializedFns.get(key);
    if (!s) {
      s = this.context.serialize(fn, op);
      this.serializedFns.set(key, s);
    }
    return s;
  }

  // ---- naming, persistence -------------------------------------------------------------

  name(): string | null {
    return this._name;
  }
  setName(name: string): this {
    this._name = name;
    return this;
  }

  cache(): this {
    return this.persist(StorageLevel.MEMORY_ONLY);
  }

  persist(level: StorageLevel = StorageLevel.MEMORY_ONLY): this {
    if (this.storageLevel !== StorageLevel.NONE && this.storageLevel.toString() !== level.toString()) {
      throw new WorkbenchError("UNSUPPORTED_OPERATION", `Cannot change storage level of an RDD after it was already assigned a level (RDD ${this.id} is ${this.storageLevel.name}).`);
    }
    this.storageLevel = level;
    return this;
  }

  unpersist(_blocking = false): this {
    this.storageLevel = StorageLevel.NONE;
    this.context.unpersistRdd(this.id);
    return this;
  }

  getStorageLevel(): StorageLevel {
    return this.storageLevel;
  }

  get isCached(): boolean {
    return this.storageLevel !== StorageLevel.NONE;
  }

  /** Mark for checkpointing: the next job writes its partitions to the checkpoint dir and cuts the lineage. */
  checkpoint(): void {
    const dir = this.context.checkpointDir;
    if (!dir) throw new WorkbenchError("CHECKPOINT_DIR_NOT_SET", "Checkpoint directory has not been set in the SparkContext: call sc.setCheckpointDir(dir) first.");
    this.checkpointState ??= { dir, done: false };
  }

  isCheckpointed(): boolean {
    return this.checkpointState?.done === true;
  }

  getCheckpointFile(): string | undefined {
    return this.checkpointState?.done ? `${this.checkpointState.dir}/rdd-${this.id}` : undefined;
  }

  toString(): string {
    return `${this.kind}[${this.id}] at ${this.callSite.replace(/^.* at /, "")}`;
  }

  /** RDDs live on the driver only (SPARK-5063): capturing one in a closure is refused. */
  get [UNSHIPPABLE](): { condition: string; message: string } {
    return {
      condition: "RDD_TRANSFORM_ONLY_VALID_ON_DRIVER",
      message:
        "It appears that you are attempting to broadcast an RDD or reference an RDD from an action or transformation. " +
        "RDD transformations and actions can only be invoked by the driver, not inside of other transformations; " +
        "for example, rdd1.map(x => rdd2.values().count() * x) is invalid because the values transformation and count action " +
        "cannot be performed inside of the rdd1.map transformation. For more information, see SPARK-5063.",
    };
  }
}

export function drain<T>(it: Iterator<T>): T[] {
  const out: T[] = [];
  for (let r = it.next(); !r.done; r = it.next()) out.push(r.value);
  return out;
}

/** Wrap an iterable as an iterator (for compute implementations). */
export function iter<T>(x: Iterable<T>): Iterator<T> {
  return x[Symbol.iterator]();
}
