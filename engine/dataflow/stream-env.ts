// StreamExecutionEnvironment: the entry point of a dataflow program, on the session's workers.
// Sources, job configuration (parallelism, buffer timeout, checkpointing, restart attempts), and
// execute(), which compiles the job graph and deploys it into task slots (job-client.ts).

import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { registerShippable } from "../common/closure";
import { AnalysisError, WorkbenchError } from "../common/errors";
import type { RddContext } from "../rdd";
import { DataStream, OutputTag, type StreamGraphBuilder } from "./data-stream";
import { compileJobGraph, type TNode } from "./job-graph";
import { JobClient, type SinkHolder } from "./job-client";
import { checkCompatible, readMetadata, resolveRestorePoint } from "./savepoints";
import { ControlledSource, DataGeneratorSource, FileSource, NumberSequenceSource, TextLineInputFormat } from "./source-api";
import type { CheckpointingMode, CheckpointKind, RuntimeConfig, SourceSpec } from "./types";
import { WatermarkStrategy } from "./windows";

registerShippable("dataflow.OutputTag", OutputTag);

export class CheckpointConfig {
  mode: CheckpointingMode = "exactly_once";
  kind: CheckpointKind = "barrier";
  interval = 0;
  storage = "";
  setCheckpointingMode(m: CheckpointingMode | "EXACTLY_ONCE" | "AT_LEAST_ONCE"): this {
    const x = String(m).toLowerCase();
    if (x !== "exactly_once" && x !== "at_least_once") throw new AnalysisError("INVALID_PARAMETER_VALUE", `checkpointing mode must be "exactly_once" or "at_least_once", got ${JSON.stringify(m)}`);
    this.mode = x; return this;
  }
  getCheckpointingMode(): CheckpointingMode { return this.mode; }
  /** "barrier" (Chandy-Lamport asynchronous barrier snapshots) or "stop-the-world". */
  setSnapshotKind(k: CheckpointKind): this {
    if (k !== "barrier" && k !== "stop-the-world") throw new AnalysisError("INVALID_PARAMETER_VALUE", `snapshot kind must be "barrier" or "stop-the-world", got ${JSON.stringify(k)}`);
    this.kind = k; return this;
  }
  getSnapshotKind(): CheckpointKind { return this.kind; }
  setCheckpointInterval(ms: number): this { this.interval = ms; return this; }
  getCheckpointInterval(): number { return this.interval; }
  /** Directory for snapshots (chk-N/ per checkpoint). */
  setCheckpointStorage(dir: string): this { this.storage = dir; return this; }
  getCheckpointStorage(): string { return this.storage; }
}

export class ExecutionConfig {
  latencyTrackingInterval = 0;
  autoWatermarkInterval = 20;
  setLatencyTrackingInterval(ms: number): this { this.latencyTrackingInterval = ms; return this; }
  setAutoWatermarkInterval(ms: number): this { this.autoWatermarkInterval = ms; return this; }
}

type Host = RddContext | { sparkContext: RddContext };

let jobSeq = 0;

export class StreamExecutionEnvironment implements StreamGraphBuilder {
  private readonly sc: RddContext;
  private parallelism: number;
  private maxParallelism = 128;
  private bufferTimeout = 100;
  private bufferSize = 256;
  private credits = 2;
  private maxRestarts = 5;
  private readonly checkpointConfig = new CheckpointConfig();
  private readonly config = new ExecutionConfig();
  private nodeSeq = 0;
  private sinkNodes: TNode[] = [];
  private sinks = new Map<string, SinkHolder>();
  private controlled = new Map<string, ControlledSource<any>>();

  private readonly conf = new Map<string, string>();

  private constructor(host: Host) {
    const sc = (host as { sparkContext?: RddContext }).sparkContext ?? (host as RddContext);
    if (!sc || typeof sc.runJob !== "function") throw new AnalysisError("INVALID_PARAMETER_VALUE", "StreamExecutionEnvironment.getExecutionEnvironment needs the session (spark) or its SparkContext");
    this.sc = sc;
    this.parallelism = Math.max(1, sc.defaultParallelism);
  }

  /** The environment on the session's workers (one task slot per executor core). */
  static getExecutionEnvironment(spark: Host, configuration?: Record<string, string | number>): StreamExecutionEnvironment {
    return new StreamExecutionEnvironment(spark).configure(configuration ?? {});
  }

  /**
   * Flink configuration keys: `execution.savepoint.path` (restore the next job from a savepoint, a
   * checkpoint, or a job's checkpoint directory = its latest completed checkpoint),
   * `state.checkpoints.dir`, `execution.buffer-timeout` (ms), `parallelism.default`.
   */
  configure(configuration: Record<string, string | number>): this {
    for (const [k, v] of Object.entries(configuration)) {
      switch (k) {
        case "execution.savepoint.path": case "state.checkpoints.dir": this.conf.set(k, String(v)); break;
        case "execution.buffer-timeout": this.setBufferTimeout(Number(String(v).replace(/\s*ms$/, ""))); break;
        case "parallelism.default": this.setParallelism(Number(v)); break;
        default: throw new AnalysisError("INVALID_PARAMETER_VALUE", `unknown configuration key '${k}' (known: execution.savepoint.path, state.checkpoints.dir, execution.buffer-timeout, parallelism.default)`);
      }
    }
    if (this.conf.has("state.checkpoints.dir")) this.checkpointConfig.setCheckpointStorage(this.conf.get("state.checkpoints.dir")!);
    return this;
  }

  setParallelism(n: number): this {
    if (!Number.isInteger(n) || n < 1) throw new AnalysisError("INVALID_PARAMETER_VALUE", `parallelism must be a positive integer, got ${n}`);
    this.parallelism = n; return this;
  }
  getParallelism(): number { return this.parallelism; }
  setMaxParallelism(n: number): this { this.maxParallelism = n; return this; }
  /** Milliseconds a partly filled network buffer waits before it is sent (0: every record; -1: only when full). */
  setBufferTimeout(ms: number): this {
    if (!(ms >= -1)) throw new AnalysisError("INVALID_PARAMETER_VALUE", `buffer timeout must be >= -1 ms, got ${ms}`);
    this.bufferTimeout = ms; return this;
  }
  getBufferTimeout(): number { return this.bufferTimeout; }
  /** Records per network buffer and buffers in flight per channel (the credits); small values show backpressure. */
  setNetworkBuffers(recordsPerBuffer: number, creditsPerChannel = 2): this { this.bufferSize = recordsPerBuffer; this.credits = creditsPerChannel; return this; }
  enableCheckpointing(intervalMs: number, mode: CheckpointingMode | "EXACTLY_ONCE" | "AT_LEAST_ONCE" = "exactly_once"): this {
    this.checkpointConfig.setCheckpointInterval(intervalMs).setCheckpointingMode(mode);
    return this;
  }
  getCheckpointConfig(): CheckpointConfig { return this.checkpointConfig; }
  getConfig(): ExecutionConfig { return this.config; }
  /** Flink's fixed-delay restart strategy: how many failovers a job may take. */
  setRestartAttempts(n: number): this { this.maxRestarts = n; return this; }

  // ---- sources
  fromCollection<T>(items: Iterable<T>): DataStream<T> {
    return this.source({ kind: "collection", items: [...items] }, "Collection Source");
  }
  fromElements<T>(...items: T[]): DataStream<T> { return this.fromCollection(items); }
  fromSequence(from: number, to: number): DataStream<number> {
    if (!Number.isInteger(from) || !Number.isInteger(to) || to < from) throw new AnalysisError("INVALID_PARAMETER_VALUE", `fromSequence needs integers from <= to, got ${from}, ${to}`);
    return this.source({ kind: "sequence", from, to }, "Sequence Source");
  }
  /** Lines of text from a TCP server (Flink's socketTextStream: parallelism 1, not replayable). */
  socketTextStream(hostname: string, port: number, delimiter = "\n"): DataStream<string> {
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new AnalysisError("INVALID_PARAMETER_VALUE", `socketTextStream needs a TCP port, got ${port}`);
    const s = this.source<string>({ kind: "socket", host: hostname, port, delimiter }, `Socket Stream ${hostname}:${port}`);
    s.node.parallelism = 1;
    return s;
  }
  /** The lines of a file or of the files in a directory (bounded). */
  readTextFile(path: string): DataStream<string> {
    return this.fromSource(FileSource.forRecordStreamFormat(new TextLineInputFormat(), path).build(), undefined, `File Source ${path}`);
  }
  fromSource<T>(source: DataGeneratorSource<T> | NumberSequenceSource | FileSource | ControlledSource<T>, strategy: WatermarkStrategy = WatermarkStrategy.noWatermarks(), name = "Source"): DataStream<T> {
    let s: DataStream<T>;
    if (source instanceof NumberSequenceSource) s = this.fromSequence(source.from, source.to) as unknown as DataStream<T>;
    else if (source instanceof DataGeneratorSource) s = this.source({ kind: "generator", fn: source.generatorFunction, count: source.count, rate: source.ratePerSecond }, name);
    else if (source instanceof FileSource) {
      if (!existsSync(source.path)) throw new AnalysisError("PATH_NOT_FOUND", `[PATH_NOT_FOUND] Path does not exist: ${source.path}`);
      s = this.source({ kind: "file", path: resolve(source.path), monitorMs: source.monitorMs }, name);
    } else if (source instanceof ControlledSource) {
      s = this.source({ kind: "controlled", controlledId: source.id }, name);
      s.node.parallelism = 1;
      this.controlled.set(source.id, source);
    } else throw new AnalysisError("INVALID_PARAMETER_VALUE", "fromSource needs a DataGeneratorSource, NumberSequenceSource, FileSource or ControlledSource");
    s.node.name = name;
    return strategy.spec.type === "none" ? s : s.assignTimestampsAndWatermarks(strategy);
  }
  private source<T>(spec: SourceSpec, name: string): DataStream<T> {
    return new DataStream<T>(this, { id: this.newNodeId(), kind: "source", name, source: spec, inputs: [], consumers: 0 });
  }

  // ---- StreamGraphBuilder
  newNodeId(): number { return ++this.nodeSeq; }
  newSink(kind: SinkHolder["kind"], path?: string): SinkHolder {
    const h: SinkHolder = { id: `sink-${this.sinks.size + 1}`, kind, values: [], path };
    this.sinks.set(h.id, h);
    return h;
  }
  addSinkNode(n: TNode): void { this.sinkNodes.push(n); }

  /** Compile the sinks' job graph, deploy it into task slots and start it. Await getJobExecutionResult() for the end. */
  async execute(jobName = "Flink Streaming Job"): Promise<JobClient> {
    if (!this.sinkNodes.length) throw new AnalysisError("INVALID_PARAMETER_VALUE", "No operators defined in streaming topology. Add a sink (print, sinkTo, executeAndCollect) before execute()");
    const jobId = `df-${Date.now().toString(36)}-${++jobSeq}`;
    const graph = compileJobGraph(this.sinkNodes, jobName, jobId, this.parallelism, this.maxParallelism);
    const cc = this.checkpointConfig;
    const config: RuntimeConfig = {
      bufferTimeout: this.bufferTimeout, bufferSize: this.bufferSize, credits: this.credits,
      checkpointDir: join(cc.storage || mkdtempSync(join(tmpdir(), "dataflow-chk-")), jobId),
      mode: cc.mode, latencyTrackingInterval: this.config.latencyTrackingInterval, watermarkInterval: this.config.autoWatermarkInterval,
    };
    const slots = (this.sc as { cluster?: { scheduler?: { totalSlots?: number } } }).cluster?.scheduler?.totalSlots;
    if (slots !== undefined && graph.parallelism > slots) {
      throw new WorkbenchError("NO_RESOURCE_AVAILABLE", `job '${jobName}' needs ${graph.parallelism} task slots (its highest parallelism) but the cluster has ${slots}; lower the parallelism or start more workers`);
    }
    let restoreFrom: string | null = null;
    const sp = this.conf.get("execution.savepoint.path");
    if (sp) {
      restoreFrom = resolveRestorePoint(sp);
      checkCompatible(readMetadata(restoreFrom), graph, restoreFrom);
    }
    const sinks = this.sinks;
    const controlled = this.controlled;
    this.controlled = new Map();
    this.sinkNodes = [];
    this.sinks = new Map();
    const job = new JobClient(this.sc, graph, config, sinks, cc.interval > 0 ? { intervalMs: cc.interval, kind: cc.kind } : { intervalMs: 0, kind: cc.kind }, this.maxRestarts, restoreFrom, controlled);
    return job.start();
  }
  /** Same as execute (Flink's executeAsync returns the JobClient without waiting). */
  executeAsync(jobName?: string): Promise<JobClient> { return this.execute(jobName); }
}
