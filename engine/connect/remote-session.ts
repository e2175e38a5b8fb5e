// A SparkSession on a Spark Connect server: `SparkSession.builder().remote("sc://...")` (or
// SPARK_REMOTE) gives one. Its DataFrames are the embedded engine's DataFrame class over a remote
// SQL session (remote-sql-session.ts): the same API, plans analyzed here and run there. What
// depends on the embedded cluster (the RDD API, the fault demos) is refused as Spark refuses it.

import type { RDD } from "../rdd";
import type { JobInfo, SparkListener, StageInfo } from "../common/job-info";
import type { RemoteProgress } from "./remote-progress";
import type { DataFrame } from "../sql/api/dataframe";
import type { SchemaArg } from "../sql/api/sql-session";
import { AnalysisError } from "../common/errors";
import { SparkConnectClient } from "./client";
import { jvmOnly, RemoteSqlSession } from "./remote-sql-session";
import type { RemoteDataFrameReader } from "./remote-readwriter";
import { RemoteStreamingQueryManager } from "./remote-streaming";
import { RemoteRuntimeConfig } from "./remote-conf";
import { RemoteCatalogApi } from "./remote-catalog";
import type { MapConf } from "../sql/session-types";

/** What a remote session's job views cannot show, said where they would show it. */
export const REMOTE_JOB_NOTICE =
  "Remote session: the Spark Connect server reports each action's stages and task counts only. " +
  "Its RDD DAG, task table, metrics and timeline stay on the server (its Spark UI); the embedded cluster's " +
  "workers and fault demos do not exist here.";

/** spark.lastJob() on a remote session: the session layer's JobHandle (its views sit above this package). */
export interface RemoteJobHandle {
  readonly jobId: number;
  readonly status: JobInfo["status"];
  info(): JobInfo;
  stages(): StageInfo[];
  dag(): unknown;
  stageMetrics(stageId?: number): unknown;
  timeline(): unknown;
  _repr_mimebundle_(): unknown;
}

export class RemoteSparkSession {
  /**
   * Builds the handle spark.lastJob() returns; set by the session layer (engine/session), whose
   * JobHandle renders the views this package cannot import.
   */
  static jobHandleFactory: ((jobId: number, records: RemoteProgress, notice: string) => RemoteJobHandle) | undefined;

  /** @internal The SQL session every DataFrame of this session belongs to. */
  readonly sqlSession: RemoteSqlSession;

  /** @internal The session's Spark Connect client (gRPC and the protocol's messages). */
  readonly client: SparkConnectClient;

  /** spark.conf: the server's runtime configuration. */
  readonly conf: RemoteRuntimeConfig;

  /** @internal Use SparkSession.builder().remote(url).getOrCreate(). */
  constructor(client: SparkConnectClient) {
    this.client = client;
    this.sqlSession = new RemoteSqlSession(client);
    this.conf = new RemoteRuntimeConfig(client, this.sqlSession.conf as MapConf);
  }

  /** A session on the server at `url` (sc://host:port/;...; SPARK_REMOTE when omitted). */
  static connect(url?: string): RemoteSparkSession {
    return new RemoteSparkSession(new SparkConnectClient(url));
  }

  /** Prints timestamps in the server's session time zone (one Config call; it also proves the server answers). */
  adoptServerTimeZone(): void {
    const zone = this.conf.get("spark.sql.session.timeZone", "UTC");
    if (zone) (this.sqlSession.conf as MapConf).set("spark.sql.session.timeZone", zone);
  }

  /** The connection string's host and port (the token is not shown). */
  get remote(): string {
    return `sc://${this.client.conn.host}:${this.client.conn.port}`;
  }

  /** The RDD API is not part of Spark Connect (Spark's JVM_ATTRIBUTE_NOT_SUPPORTED). */
  get sparkContext(): never {
    throw jvmOnly("sparkContext");
  }

  /** The embedded cluster's handle does not exist here: the workers are the server's. */
  get cluster(): never {
    throw jvmOnly("cluster", "Workers, kills and restarts are the embedded cluster's; a Spark Connect server manages its own executors.");
  }

  /** The server's Spark version (AnalyzePlan). */
  get version(): string {
    const r = this.client.analyzeSync({ analyze: { case: "sparkVersion", value: {} } });
    return r.result.case === "sparkVersion" ? r.result.value.version : "";
  }

  /** spark.catalog: the server's catalog. */
  get catalog(): RemoteCatalogApi { return (this.catalogApi ??= new RemoteCatalogApi(this.sqlSession)); }
  private catalogApi?: RemoteCatalogApi;

  sql(query: string): DataFrame { return this.sqlSession.sql(query); }
  table(name: string): DataFrame { return this.sqlSession.table(name); }
  range(start: number, end?: number, step = 1, numPartitions?: number): DataFrame { return this.sqlSession.range(start, end, step, numPartitions); }
  /** Rows made here, sent to the server as an Arrow LocalRelation when an action runs. */
  createDataFrame(data: unknown[] | RDD<unknown> | object, schema?: SchemaArg): DataFrame { return this.sqlSession.createDataFrame(data, schema); }
  get read(): RemoteDataFrameReader { return this.sqlSession.read; }
  /** spark.readStream: streaming sources read by the server (rate, files, socket, Kafka where installed). */
  get readStream(): RemoteDataFrameReader { return this.sqlSession.readStream; }
  /** spark.streams: the server's active streaming queries. */
  get streams(): RemoteStreamingQueryManager { return new RemoteStreamingQueryManager(this.sqlSession); }

  /** Predict-then-compare needs the embedded scheduler's stages; a server plans its stages when it runs. */
  plan(_x: unknown): Promise<never> {
    return Promise.reject(new AnalysisError("UNSUPPORTED_FEATURE.SPARK_CONNECT", "spark.plan() predicts the embedded scheduler's stages before a job runs; a Spark Connect server makes its stages only when it runs the query. Use df.explain() for the server's plan.", { parameters: { feature: "plan" } }));
  }

  /** The last action's job as the server reported it (stages and task counts), or undefined before any. */
  lastJob(): RemoteJobHandle | undefined {
    const progress = this.sqlSession.progress;
    const id = progress.lastJobId;
    if (id === undefined || !RemoteSparkSession.jobHandleFactory) return undefined;
    return RemoteSparkSession.jobHandleFactory(id, progress, REMOTE_JOB_NOTICE);
  }

  /** Listener events of this session's actions (jobStart/stageSubmitted/stageCompleted/jobEnd from Spark Connect's progress messages). */
  addSparkListener(l: SparkListener): () => void {
    return this.sqlSession.progress.bus.add(l);
  }

  /** Interrupts every running operation of this session; resolves with their ids. */
  interruptAll(): Promise<string[]> {
    return this.client.interrupt();
  }

  /** Interrupts one operation. */
  interruptOperation(operationId: string): Promise<string[]> {
    return this.client.interrupt(operationId);
  }

  /**
   * Interrupts the actions running now, by operation id (an action started after this call is
   * never hit, unlike interruptAll, whose request may reach the server after the next action
   * began); resolves with the ids the server interrupted.
   */
  async interruptRunning(): Promise<string[]> {
    const ids = [...this.sqlSession.running];
    const done = await Promise.all(ids.map((id) => this.client.interrupt(id).catch(() => [] as string[])));
    return done.flat();
  }

  /** Releases the session on the server and closes the channel. */
  async stop(): Promise<void> {
    try {
      await this.client.release();
    } finally {
      this.client.close();
    }
  }

  toString(): string {
    return `<RemoteSparkSession ${this.remote} session=${this.client.sessionId}>`;
  }
}
