// SparkContext: the driver's entry point to the cluster. It creates RDDs, runs jobs through
// the DAG scheduler, owns shared variables (broadcasts, accumulators), job groups and the status
// tracker. It implements the RDD layer's RddContext, and refuses to be shipped to workers.

import { mkdirSync } from "node:fs";
import { resolve as resolvePath, join } from "node:path";
import { encode } from "../common/codec";
import { UNSHIPPABLE, releaseInspectorHandles, serializeFunction, type SerializedFunction } from "../common/closure";
import { WorkbenchError } from "../common/errors";
import {
  EmptyRDD, ParallelCollectionRDD, RangeRDD, SourceRDD, TextFileRDD, UnionRDD, WholeTextFilesRDD,
  listInputFiles, planFileSplits, resolveDeferred, shuffleWriteSpec, ShuffleDependency, walkLineage,
  type RDD, type RddContext, type ResultFn, type RunJobOptions, type SplitReader,
} from "../rdd";
import { userCallSite } from "../rdd/call-site";
import { Accumulator, Broadcast, type AccumulatorParam } from "../scheduler/shared-variables";
import type { SparkListener } from "../scheduler/job-info";
import { EmbeddedCluster } from "./embedded-cluster";
import { JobHandle } from "./job-handle";
import { PlannedJob } from "./planned-job";
import { StatusTracker } from "./status-tracker";
import { parseMaster, SparkConf } from "./spark-conf";

let activeContext: SparkContext | undefined;

export class SparkContext implements RddContext {
  readonly isDriver = true;
  readonly conf: SparkConf;
  readonly master: string;
  readonly appName: string;
  readonly applicationId: string;
  readonly startTime = Date.now();
  readonly version = "3.5.0";
  readonly cluster: EmbeddedCluster;
  private nextRddId = 0;
  private nextShuffleId = 0;
  private nextBroadcastId = 0;
  private nextAccumulatorId = 0;
  private _checkpointDir?: string;
  private stopped = false;
  private readonly localProperties = new Map<string, string>();

  private constructor(conf: SparkConf) {
    this.conf = conf;
    this.master = conf.get("spark.master", "local[2]")!;
    this.appName = conf.get("spark.app.name", "workbench")!;
    this.applicationId = `local-${this.startTime}`;
    const spec = parseMaster(this.master);
    if (spec.maxFailures) conf.set("spark.task.maxFailures", spec.maxFailures);
    this.cluster = new EmbeddedCluster(spec, conf, () => this._checkpointDir);
  }

  /** Start a context and its cluster (PySpark's SparkContext(conf=...) / getOrCreate). */
  static async create(conf: SparkConf = new SparkConf()): Promise<SparkContext> {
    if (activeContext && !activeContext.stopped) {
      throw new WorkbenchError("SPARK_CONTEXT_ALREADY_RUNNING", `Cannot run multiple SparkContexts at once; existing SparkContext(app=${activeContext.appName}, master=${activeContext.master})`);
    }
    const sc = new SparkContext(conf);
    activeContext = sc;
    // As PySpark stops its context at interpreter exit: once a script has nothing left to do
    // (an idle cluster does not keep it alive), stop the workers cleanly.
    process.once("beforeExit", () => { if (!sc.stopped) void sc.stop(); });
    try {
      await sc.cluster.start();
    } catch (e) {
      await sc.cluster.stop().catch(() => {});
      activeContext = undefined;
      throw e;
    }
    return sc;
  }

  static getActive(): SparkContext | undefined {
    return activeContext && !activeContext.stopped ? activeContext : undefined;
  }

  get defaultParallelism(): number {
    return this.conf.getInt("spark.default.parallelism", Math.max(1, this.cluster.scheduler.totalSlots));
  }
  get defaultMinPartitions(): number {
    return Math.min(this.defaultParallelism, 2);
  }
  get checkpointDir(): string | undefined {
    return this._checkpointDir;
  }
  get isStopped(): boolean {
    return this.stopped;
  }

  // ---- RddContext ---------------------------------------------------------------------------

  newRddId(): number { return this.nextRddId++; }
  newShuffleId(): number { return this.nextShuffleId++; }

  /**
   * Spark's ContextCleaner, for shuffles: once the driver program can no longer reach a shuffle
   * dependency (the RDD or DataFrame that read it is gone, as each SQL query's exchanges are after
   * its action), every worker deletes its files. The driver keeps the shuffle's small record (sizes
   * and sampled records) for the DAG views of the jobs that ran it; no later job can ask for the
   * shuffle, since nothing reaches its dependency. Without it a session kept every shuffle's files
   * until it stopped.
   */
  private readonly shuffleCleaner = new FinalizationRegistry<number>((shuffleId) => {
    if (!this.stopped) this.cluster.endpoint.broadcast({ t: "removeShuffle", shuffleId });
  });

  registerShuffle(dep: object, shuffleId: number): void {
    this.shuffleCleaner.register(dep, shuffleId);
  }
  serialize(fn: Function, what: string): SerializedFunction {
    return serializeFunction(fn, what);
  }
  unpersistRdd(rddId: number): void {
    this.cluster.scheduler.rddUnpersisted(rddId);
    this.cluster.endpoint.broadcast({ t: "removeRdd", rddId });
  }

  async runJob<T, U>(rdd: RDD<T>, fn: ResultFn<T, U>, opts: RunJobOptions = {}): Promise<U[]> {
    const callSite = opts.callSite?.includes(" at ") ? opts.callSite : userCallSite(opts.callSite ?? "runJob");
    this.assertActive();
    const op = callSite.split(" ")[0] || "runJob";
    // Closures are checked (and serialized) before the job starts: a refused capture never runs.
    const resultFn = this.serialize(fn, op);
    await resolveDeferred(rdd as RDD<unknown>);
    this.shipLineage(rdd as RDD<unknown>);
    const partitions = opts.partitions ?? Array.from({ length: rdd.getNumPartitions() }, (_, i) => i);
    const results = await this.cluster.scheduler.submitJob({
      rdd: rdd as RDD<unknown>, partitions, resultFn, callSite,
      group: this.localProperties.get("spark.jobGroup.id"),
      ...(this.localProperties.size ? { properties: Object.fromEntries(this.localProperties) } : {}),
      onPartition: opts.onPartition,
    });
    return results as U[];
  }

  /**
   * The job an action on `rdd` would run now, drawn before it runs (predict-then-compare): its
   * stages, shuffles and the stages the scheduler would skip. Nothing is submitted.
   */
  async plan(rdd: RDD<unknown>, description?: string): Promise<PlannedJob> {
    this.assertActive();
    await resolveDeferred(rdd);
    const partitions = Array.from({ length: rdd.getNumPartitions() }, (_, i) => i);
    return new PlannedJob(this.cluster.scheduler.previewJob(rdd, partitions, description ?? `action on ${rdd.callSite || rdd.displayName}`), () => this.lastJob());
  }

  /** Serialize every closure of the job's lineage now, so refusals surface before the job. */
  private shipLineage(rdd: RDD<unknown>): void {
    try {
      walkLineage(rdd, (r) => {
        if (r.isCheckpointed()) return false;
        r.shipArgs();
        for (const d of r.dependencies) if (d instanceof ShuffleDependency) shuffleWriteSpec(d);
        return true;
      });
    } finally {
      // The inspector's handles to the closures it read would keep them (and the broadcasts they
      // use) reachable until its next batched release: one release per job (~10 us).
      releaseInspectorHandles(true);
    }
  }

  private assertActive(): void {
    if (this.stopped) throw new WorkbenchError("SPARK_CONTEXT_STOPPED", "Cannot call methods on a stopped SparkContext.");
  }

  // ---- creating RDDs ------------------------------------------------------------------------

  parallelize<T>(data: Iterable<T>, numSlices?: number): RDD<T> {
    this.assertActive();
    const arr = Array.isArray(data) ? (data as T[]) : [...data];
    return new ParallelCollectionRDD<T>(this, arr, numSlices ?? this.defaultParallelism);
  }

  /** Numbers start, start+step, ... < end (PySpark: range(end) or range(start, end, step)). */
  range(start: number, end?: number, step = 1, numSlices?: number): RDD<number> {
    this.assertActive();
    if (end === undefined) { end = start; start = 0; }
    if (step === 0) throw new WorkbenchError("INVALID_ARGUMENT", "range() step must not be zero");
    return new RangeRDD(this, start, end, step, numSlices ?? this.defaultParallelism);
  }

  textFile(path: string, minPartitions?: number): RDD<string> {
    this.assertActive();
    const files = listInputFiles(path);
    return new TextFileRDD(this, planFileSplits(files, minPartitions ?? this.defaultMinPartitions));
  }

  wholeTextFiles(path: string, minPartitions?: number): RDD<[string, string]> {
    this.assertActive();
    const files = listInputFiles(path);
    const n = Math.max(1, Math.min(files.length, minPartitions ?? this.defaultMinPartitions));
    const groups = Array.from({ length: n }, (_, i) => files.slice(Math.floor((i * files.length) / n), Math.floor(((i + 1) * files.length) / n)));
    return new WholeTextFilesRDD(this, groups);
  }

  emptyRDD<T>(): RDD<T> {
    return new EmptyRDD<T>(this);
  }

  union<T>(rdds: RDD<T>[]): RDD<T> {
    return new UnionRDD(this, rdds);
  }

  /** An RDD with one partition per split, each read on a worker by `read` (data sources use it). */
  readSplits<S, T>(splits: S[], read: SplitReader<S, T>, name?: string): RDD<T> {
    const r = new SourceRDD<S, T>(this, splits, read);
    if (name) r.setName(name);
    return r;
  }

  // ---- shared variables ---------------------------------------------------------------------

  /**
   * Spark's ContextCleaner, for broadcasts: once the driver program can no longer reach a
   * Broadcast (the DataFrame or RDD that used it is gone, e.g. each SQL broadcast join's build
   * side), its value leaves the scheduler and every executor. Without it every broadcast stayed
   * on the driver and in every executor thread for the whole session.
   */
  private readonly broadcastCleaner = new FinalizationRegistry<number>((id) => {
    if (!this.stopped) this.removeBroadcast(id);
  });

  private removeBroadcast(id: number): void {
    this.cluster.scheduler.broadcastRemoved(id);
    this.cluster.endpoint.broadcast({ t: "removeBroadcast", id });
  }

  broadcast<T>(value: T): Broadcast<T> {
    this.assertActive();
    const id = this.nextBroadcastId++;
    const scheduler = this.cluster.scheduler;
    scheduler.broadcastAdded(id, encode(value));
    const bc: Broadcast<T> = new Broadcast(id, value, (bid, destroy) => {
      this.removeBroadcast(bid);
      if (destroy) this.broadcastCleaner.unregister(bc);
      else scheduler.broadcastAdded(bid, encode(value));
    });
    this.broadcastCleaner.register(bc, id, bc);
    return bc;
  }

  accumulator<T = number>(value: T, param?: AccumulatorParam<T>): Accumulator<T> {
    const acc = new Accumulator<T>(this.nextAccumulatorId++, value, param);
    this.cluster.scheduler.accumulatorAdded(acc as Accumulator<unknown>);
    return acc;
  }

  setCheckpointDir(dir: string): void {
    const d = resolvePath(dir.replace(/^file:\/\//, ""), `app-${this.applicationId}`);
    mkdirSync(d, { recursive: true });
    this._checkpointDir = d;
  }
  getCheckpointDir(): string | undefined {
    return this._checkpointDir;
  }

  // ---- jobs, groups, status --------------------------------------------------------------------

  setJobGroup(groupId: string, description?: string, _interruptOnCancel = false): void {
    this.localProperties.set("spark.jobGroup.id", groupId);
    if (description !== undefined) this.localProperties.set("spark.job.description", description);
  }
  clearJobGroup(): void {
    this.localProperties.delete("spark.jobGroup.id");
    this.localProperties.delete("spark.job.description");
  }
  setJobDescription(value: string): void {
    this.localProperties.set("spark.job.description", value);
  }
  setLocalProperty(key: string, value: string | null): void {
    if (value === null) this.localProperties.delete(key); else this.localProperties.set(key, value);
  }
  getLocalProperty(key: string): string | undefined {
    return this.localProperties.get(key);
  }
  cancelJobGroup(groupId: string): void {
    this.cluster.scheduler.cancelJobGroup(groupId);
  }
  private cancelAllCalls = 0;
  /**
   * How many times cancelAllJobs() was called: a driver loop that runs one job after another
   * (Pregel's supersteps) ends when it changes, even between two of its jobs.
   */
  get allJobsCancelled(): number { return this.cancelAllCalls; }
  cancelAllJobs(): void {
    this.cancelAllCalls++;
    this.cluster.scheduler.cancelAllJobs();
  }
  cancelJob(jobId: number, reason?: string): void {
    this.cluster.scheduler.cancelJob(jobId, reason);
  }
  statusTracker(): StatusTracker {
    return new StatusTracker(this.cluster.scheduler.tracker);
  }
  addSparkListener(listener: SparkListener): () => void {
    return this.cluster.scheduler.bus.add(listener);
  }
  getJob(jobId: number): JobHandle | undefined {
    return this.cluster.scheduler.tracker.jobs.has(jobId) ? new JobHandle(jobId, this.cluster.scheduler.tracker) : undefined;
  }
  lastJob(): JobHandle | undefined {
    const id = this.cluster.scheduler.tracker.lastJobId;
    return id === undefined ? undefined : new JobHandle(id, this.cluster.scheduler.tracker);
  }
  setLogLevel(_level: string): void {}
  get uiWebUrl(): null {
    return null;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cluster.scheduler.cancelAllJobs();
    await this.cluster.stop();
    if (activeContext === this) activeContext = undefined;
  }

  toString(): string {
    return `<SparkContext master=${this.master} appName=${this.appName}>`;
  }

  get [UNSHIPPABLE](): { condition: string; message: string } {
    return {
      condition: "CONTEXT_ONLY_VALID_ON_DRIVER",
      message:
        "It appears that you are attempting to reference SparkContext from a broadcast variable, action, or transformation. " +
        "SparkContext can only be used on the driver, not in code that it run on workers. For more information, see SPARK-5063.",
    };
  }
}

export { join };
