// SparkSession: the notebook's `spark` handle. It owns the SparkContext (and so the embedded
// cluster), the runtime conf, the cluster handle for fault demos, and `lastJob()` for the DAG
// and metrics displays. DataFrame/SQL entry points are attached by engine/sql (see index.ts).

import type { RemoteSparkSession } from "../connect/remote-session";
import { UNSHIPPABLE } from "../common/closure";
import { WorkbenchError } from "../common/errors";
import type { WorkerInfo } from "../scheduler/job-info";
import { JobHandle } from "./job-handle";
import type { PlannedJob } from "./planned-job";
import { userCallSite } from "../rdd/call-site";
import { sqlSessionOf, TIME_ZONE_KEY, systemTimeZone, checkedSetting, type CatalogApi, type DataFrame, type DataFrameReader, type QueryExecution, type SchemaArg, type SqlSessionLike } from "../sql";
import type { RDD } from "../rdd";
import { SparkConf } from "./spark-conf";
import { SparkContext } from "./spark-context";
import { DataStreamReader, installStreaming, streamsOf, type StreamingQueryManager } from "../streaming";

import { installStreamingDisplay } from "./streaming-display";

installStreaming();
installStreamingDisplay();

let active: SparkSession | undefined;

/** spark.conf: runtime settings (PySpark's RuntimeConfig). */
export class RuntimeConfig {
  constructor(private readonly conf: SparkConf) {}
  get(key: string, defaultValue?: string): string | undefined {
    const v = this.conf.get(key, defaultValue);
    // As in Spark, the session time zone reads as the machine's zone until set.
    return v === undefined && key === TIME_ZONE_KEY ? systemTimeZone() : v;
  }
  set(key: string, value: unknown): void {
    // A zone Spark cannot resolve is refused when set (INVALID_CONF_VALUE.TIME_ZONE), not at the next query.
    // (and a legacy switch the engine does not model, given as a string or a boolean).
    const checked = checkedSetting(key, String(value));
    this.conf.set(key, key === TIME_ZONE_KEY ? checked : value);
  }
  unset(key: string): void {
    this.conf.unset(key);
  }
  getAll(): Record<string, string> {
    return Object.fromEntries(this.conf.getAll());
  }
  isModifiable(key: string): boolean {
    return !key.startsWith("spark.master") && !key.startsWith("spark.executor") && !key.startsWith("spark.driver");
  }
}

/** spark.cluster: the workers of the embedded cluster, and kill() for fault-tolerance demos. */
export class ClusterHandle {
  constructor(private readonly sc: SparkContext) {}
  workers(): WorkerInfo[] {
    return this.sc.cluster.workers();
  }
  /** Kill a worker's process abruptly (SIGKILL); its tasks, cache and shuffle files are lost. */
  kill(workerId: string): Promise<void> {
    return this.sc.cluster.kill(workerId);
  }
  /**
   * Ask a service a worker hosts beside its executors (e.g. the key-value store's storage nodes,
   * "nosql.kv"); rejects with WORKER_LOST if the worker goes away first.
   */
  serviceRequest(workerId: string, service: string, op: unknown, timeoutMs?: number): Promise<unknown> {
    return this.sc.cluster.request(workerId, service, op, timeoutMs);
  }
  addWorkers(n = 1): Promise<string[]> {
    return this.sc.cluster.addWorkers(n);
  }
  pids(): number[] {
    return this.sc.cluster.pids();
  }
  pidOf(workerId: string): number | undefined {
    return this.sc.cluster.pidOf(workerId);
  }
  /** URL and token with which `WORKBENCH_TOKEN=T workbench worker --driver URL` joins this cluster. */
  get driverUrl(): string {
    return this.sc.cluster.driverUrl;
  }
  get token(): string {
    return this.sc.cluster.token;
  }
  /** Executors caching each partition of an RDD. */
  cachedPartitions(rdd: { id: number }): Map<number, string[]> {
    return this.sc.cluster.scheduler.cachedPartitions(rdd.id);
  }
}

export class SparkSession {
  readonly conf: RuntimeConfig;
  readonly cluster: ClusterHandle;

  protected constructor(readonly sparkContext: SparkContext) {
    this.conf = new RuntimeConfig(sparkContext.conf);
    this.cluster = new ClusterHandle(sparkContext);
  }

  static builder(): SparkSessionBuilder {
    return new SparkSessionBuilder((sc) => new SparkSession(sc));
  }

  static getActiveSession(): SparkSession | undefined {
    return active && !active.sparkContext.isStopped ? active : undefined;
  }

  /** @internal used by the builder */
  static _setActive(s: SparkSession): void {
    active = s;
  }

  get version(): string {
    return this.sparkContext.version;
  }

  // ---- DataFrames and SQL (engine/sql) ----------------------------------------------------------

  private get sqlSession() {
    return sqlSessionOf(this as unknown as SqlSessionLike);
  }
  /** A DataFrame from rows (objects or arrays), an RDD, or a danfojs DataFrame, with an optional schema. */
  createDataFrame(data: unknown[] | RDD<unknown> | object, schema?: SchemaArg): DataFrame {
    return this.sqlSession.createDataFrame(data as unknown[], schema);
  }
  /** A DataFrame with one column `id` (bigint): start until end by step. */
  range(start: number, end?: number, step = 1, numPartitions?: number): DataFrame {
    return this.sqlSession.range(start, end, step, numPartitions);
  }
  /** Run a SQL statement; queries return a lazy DataFrame. */
  sql(text: string): DataFrame {
    return this.sqlSession.sql(text);
  }
  /** The same as sql(), kept for older notebooks (file views now infer their schema synchronously). */
  sqlAsync(text: string): Promise<DataFrame> {
    return this.sqlSession.sqlAsync(text);
  }
  /**
   * The last DataFrame query executed: its plans and per-operator metrics.
   * `display(viz.renderPlanGraph(spark.lastQueryExecution()!.planGraph()))` draws the physical plan.
   */
  lastQueryExecution(): QueryExecution | undefined {
    return this.sqlSession.lastExecution;
  }
  table(name: string): DataFrame {
    return this.sqlSession.table(name);
  }
  get read(): DataFrameReader {
    return this.sqlSession.read;
  }
  get catalog(): CatalogApi {
    return this.sqlSession.catalogApi;
  }
  /** spark.readStream: a DataStreamReader for streaming DataFrames (engine/streaming). */
  get readStream(): DataStreamReader {
    return new DataStreamReader(this.sqlSession);
  }
  /** spark.streams: the session's StreamingQueryManager (active queries, listeners). */
  get streams(): StreamingQueryManager {
    return streamsOf(this.sqlSession);
  }

  /**
   * The job an action on an RDD or DataFrame would run now, before it runs: `display(await
   * spark.plan(df))`, then run the action and `display(planned.compare())`. For a DataFrame the
   * query is planned first (a sort's sampling or a subquery may run as their own jobs, as in Spark).
   */
  async plan(x: RDD<unknown> | DataFrame): Promise<PlannedJob> {
    if ("toInternalRdd" in x && typeof x.toInternalRdd === "function") {
      const description = `DataFrame action, ${userCallSite("planned")}`;
      return this.sparkContext.plan(await x.toInternalRdd() as RDD<unknown>, description);
    }
    return this.sparkContext.plan(x as RDD<unknown>);
  }

  /** The last job run (or running) in this session. */
  lastJob(): JobHandle | undefined {
    return this.sparkContext.lastJob();
  }

  newSession(): SparkSession {
    return new SparkSession(this.sparkContext);
  }

  async stop(): Promise<void> {
    for (const q of this.streams.active) await q.stop();
    await this.sparkContext.stop();
    if (active === this) active = undefined;
  }

  toString(): string {
    return `<SparkSession app=${this.sparkContext.appName} master=${this.sparkContext.master}>`;
  }

  get [UNSHIPPABLE](): { condition: string; message: string } {
    return {
      condition: "CONTEXT_ONLY_VALID_ON_DRIVER",
      message: "It appears that you are attempting to reference SparkSession from a broadcast variable, action, or transformation. " +
        "SparkSession can only be used on the driver, not in code that it run on workers. For more information, see SPARK-5063.",
    };
  }
}

export class SparkSessionBuilder {
  private readonly settings = new SparkConf();
  constructor(private readonly make: (sc: SparkContext) => SparkSession) {}

  master(m: string): this {
    this.settings.set("spark.master", m);
    return this;
  }
  appName(n: string): this {
    this.settings.set("spark.app.name", n);
    return this;
  }
  config(key: string | Record<string, unknown> | SparkConf, value?: unknown): this {
    if (key instanceof SparkConf) for (const [k, v] of key.getAll()) this.settings.set(k, v);
    else if (typeof key === "object") for (const [k, v] of Object.entries(key)) this.settings.set(k, v);
    else {
      if (value === undefined) throw new WorkbenchError("INVALID_ARGUMENT", `config('${key}') needs a value`);
      this.settings.set(key, value);
    }
    return this;
  }
  enableHiveSupport(): this {
    return this;
  }

  /**
   * A session on a Spark Connect server: `remote("sc://host:15002/;token=...")`. Its DataFrame,
   * SQL, reader and writer API is this engine's, run on the server (engine/connect).
   */
  remote(url: string): RemoteSessionBuilder {
    return new RemoteSessionBuilder(url, this.settings);
  }

  /**
   * The active session (with these settings applied to its runtime conf), or a new one. With
   * SPARK_REMOTE in the environment and no master set, a Spark Connect session (as PySpark does).
   */
  async getOrCreate(): Promise<SparkSession> {
    const envRemote = process.env.SPARK_REMOTE;
    if (envRemote && !this.settings.contains("spark.master")) {
      return (await this.remote(envRemote).getOrCreate()) as unknown as SparkSession;
    }
    const existing = SparkSession.getActiveSession();
    if (existing) {
      for (const [k, v] of this.settings.getAll()) if (k !== "spark.master" && k !== "spark.app.name") existing.conf.set(k, v);
      return existing;
    }
    const conf = new SparkConf();
    for (const [k, v] of this.settings.getAll()) conf.set(k, v);
    if (!conf.contains("spark.master")) conf.set("spark.master", process.env.BIGDATA_MASTER ?? "local[2]");
    const existingSc = SparkContext.getActive();
    const sc = existingSc ?? (await SparkContext.create(conf));
    const s = this.make(sc);
    SparkSession._setActive(s);
    return s;
  }
}

/** SparkSession.builder().remote(url): getOrCreate() connects to the Spark Connect server. */
export class RemoteSessionBuilder {
  constructor(private readonly url: string, private readonly settings: SparkConf) {}

  config(key: string, value: unknown): this {
    this.settings.set(key, value);
    return this;
  }

  /** A session on the server (the client code loads now: gRPC and Arrow are not loaded for embedded sessions). */
  async getOrCreate(): Promise<RemoteSparkSession> {
    if (this.settings.contains("spark.master")) {
      throw new WorkbenchError("CANNOT_CONFIGURE_SPARK_CONNECT_MASTER", `Spark Connect server and Spark master cannot be configured together: master '${this.settings.get("spark.master")}' and remote '${this.url}'.`);
    }
    const { RemoteSparkSession } = await import("../connect/remote-session");
    RemoteSparkSession.jobHandleFactory ??= (id, records, notice) => new JobHandle(id, records, notice);
    const s = RemoteSparkSession.connect(this.url);
    for (const [k, v] of this.settings.getAll()) if (k !== "spark.app.name") s.conf.set(k, String(v));
    s.adoptServerTimeZone();
    return s;
  }
}
