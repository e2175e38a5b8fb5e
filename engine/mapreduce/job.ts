// MapReduceJob: the driver side of a Hadoop-style job on the workbench's workers. Submit checks
// the configuration (classes, input paths, output directory) before anything runs, plans the
// input splits, runs one map task per split, then the reduce tasks, which fetch their partitions
// from the map tasks' workers; a reduce that cannot fetch a map output (its worker died) makes
// the driver rerun the lost map tasks and then that reduce. Output is committed atomically.

import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { serializeFunction, type SerializedFunction } from "../common/closure";
import { AnalysisError, ExecutionError, WorkbenchError } from "../common/errors";
import type { RDD, ResultFn, RunJobOptions } from "../rdd";
import type { SparkListener } from "../scheduler/job-info";
import { addCounter, Counters, JOB_COUNTER, mergeCounters, type CounterData } from "./counters";
import { DEFAULT_SPLIT_SIZE, inputFiles, planSplits, toBytes } from "./input-splits";
import { taskName, type FetchFailureReport, type JobSpec, type MapSplitDesc, type MapTaskReport, type ReduceDesc, type ReduceTaskReport } from "./job-spec";
import { buildDataView, type DataView, type JobStatusData, type TaskStatus } from "./job-status";
import { renderJobHtml, renderJobText } from "./job-view";
import { abortJob, commitJob, setupJob } from "./output-committer";
import { MapReduceTaskRDD } from "./task-rdd";
import type { ArrayInput, FileInput, MapReduceConfig, RddInput } from "./types";

/** What a job needs from the session (a SparkSession or its SparkContext satisfies it). */
export interface MapReduceContext {
  readonly isDriver: boolean;
  parallelize<T>(data: Iterable<T>, numSlices?: number): RDD<T>;
  runJob<T, U>(rdd: RDD<T>, fn: ResultFn<T, U>, opts?: RunJobOptions): Promise<U[]>;
  newShuffleId(): number;
  newRddId(): number;
  serialize(fn: Function, what: string): SerializedFunction;
  unpersistRdd(rddId: number): void;
  addSparkListener(listener: SparkListener): () => void;
  readonly defaultParallelism: number;
  readonly cluster: { endpoint: { broadcast(msg: { t: "removeShuffle"; shuffleId: number }): void } };
}
export type MapReduceHost = MapReduceContext | { sparkContext: MapReduceContext };

/** Something that shows a value and can update it in place (the notebook's `display`). */
export type DisplayFn = (x: unknown) => Promise<{ update(x: unknown): Promise<void> }>;

export interface JobResult {
  successful: boolean;
  jobId: string;
  name: string;
  counters: Counters;
  tasks: TaskStatus[];
  outputDir: string;
  /** The committed part files, in order. */
  outputFiles: string[];
  /** Every output line parsed back to [key, value] (JSON where it parses, else text). */
  readOutput(): Array<[unknown, unknown]>;
  /** Sample records per mapper, keys per reducer, groups each reducer received. */
  dataView(): DataView;
  /** Hadoop-style end-of-job report (tasks and counters). */
  report(): string;
  _repr_mimebundle_(): Record<string, unknown>;
}

let jobSeq = 0;
const clusterStamp = Date.now();

function toContext(h: MapReduceHost): MapReduceContext {
  const c = (h as { sparkContext?: MapReduceContext }).sparkContext ?? (h as MapReduceContext);
  if (!c || typeof c.runJob !== "function") throw new AnalysisError("INVALID_PARAMETER_VALUE", "MapReduceJob needs the session (spark) or its SparkContext as the first argument");
  return c;
}

function isFileInput(i: MapReduceConfig["input"]): i is FileInput {
  return !Array.isArray(i) && typeof i === "object" && i !== null && "paths" in i;
}
function isRddInput(i: MapReduceConfig["input"]): i is RddInput {
  return !Array.isArray(i) && typeof i === "object" && i !== null && "rdd" in i;
}

const MAX_FETCH_ROUNDS = 4;

export class MapReduceJob {
  readonly name: string;
  private readonly sc: MapReduceContext;
  private statusData?: JobStatusData;
  private mapReports = new Map<number, MapTaskReport>();
  private reduceReports = new Map<number, ReduceTaskReport>();
  private listeners: Array<() => void> = [];

  constructor(host: MapReduceHost, readonly config: MapReduceConfig) {
    this.sc = toContext(host);
    this.name = config.name ?? "mapreduce job";
    checkClasses(config);
  }

  /** The live status (tasks, phases); also what displaying the job shows. */
  status(): JobStatusData | undefined {
    return this.statusData;
  }

  _repr_mimebundle_(): Record<string, unknown> {
    if (!this.statusData) return { "text/plain": `MapReduceJob ${this.name} (not submitted)` };
    return { "text/plain": renderJobText(this.statusData), "text/html": renderJobHtml(this.statusData) };
  }

  /** Submit and wait (Hadoop's job.waitForCompletion). With `display`, a live job view updates as tasks run. */
  async waitForCompletion(opts: { display?: DisplayFn } = {}): Promise<JobResult> {
    if (this.statusData) throw new WorkbenchError("MAPREDUCE_JOB_ALREADY_SUBMITTED", `job ${this.statusData.jobId} was already submitted; create a new MapReduceJob to run again`);
    const cfg = this.config;
    const R = cfg.numReduceTasks ?? 1;
    // ---- checks before anything runs
    const outputDir = resolve(cfg.output ?? mkdtempSync(join(tmpdir(), "mapreduce-out-")) + "/out");
    if (existsSync(outputDir)) {
      throw new AnalysisError("PATH_ALREADY_EXISTS", `Output directory file:${outputDir} already exists (FileAlreadyExistsException); choose another output or delete it`, { parameters: { path: outputDir } });
    }
    let files: string[] = [];
    let descs: MapSplitDesc[] = [];
    let parent: RDD<unknown> | null = null;
    const input = cfg.input;
    let inputKind: JobSpec["input"];
    if (isFileInput(input)) {
      const paths = typeof input.paths === "string" ? [input.paths] : input.paths;
      files = inputFiles(paths);
      const format = input.format ?? "text";
      if (!["text", "keyValue", "wholeFile"].includes(format)) throw new AnalysisError("INVALID_PARAMETER_VALUE", `input.format must be "text", "keyValue" or "wholeFile", got ${JSON.stringify(format)}`);
      const splits = planSplits(files, toBytes(input.splitSize, DEFAULT_SPLIT_SIZE, "input.splitSize"), format);
      descs = splits.map((split, mapId) => ({ mapId, split }));
      inputKind = { kind: "file", format };
    } else if (isRddInput(input)) {
      parent = input.rdd as unknown as RDD<unknown>;
      inputKind = { kind: "records", keyValue: !!input.keyValue };
    } else {
      const a: ArrayInput = Array.isArray(input) ? { data: input as unknown[] } : input as ArrayInput;
      if (!a || !Array.isArray(a.data)) throw new AnalysisError("INVALID_PARAMETER_VALUE", "input must be { paths }, { data }, { rdd } or an array");
      const n = Math.max(1, Math.min(a.data.length || 1, a.numSplits ?? this.sc.defaultParallelism));
      parent = this.sc.parallelize(a.data as unknown[], n);
      inputKind = { kind: "records", keyValue: !!a.keyValue };
    }
    const cacheFiles = (cfg.files ?? []).map((f) => {
      const p = resolve(f);
      if (!existsSync(p)) throw new AnalysisError("PATH_NOT_FOUND", `Distributed cache file does not exist: file:${p}`, { parameters: { path: p } });
      return { name: basename(p), content: readFileSync(p, "utf8") };
    });
    const ship = (x: unknown, what: string): SerializedFunction | undefined => (x === undefined ? undefined : serializeFunction(() => x, what));
    const jobId = `${clusterStamp}_${String(++jobSeq).padStart(4, "0")}`;
    const spec: JobSpec = {
      jobId, name: this.name, shuffleId: this.sc.newShuffleId(), numReduceTasks: R,
      mapper: ship(cfg.mapper, "mapper")!, combiner: R > 0 ? ship(cfg.combiner, "combiner") : undefined,
      reducer: R > 0 ? ship(cfg.reducer ?? identityReducer, "reducer") : undefined,
      partitioner: ship(cfg.partitioner, "partitioner"), sortComparator: ship(cfg.sortComparator, "sortComparator"),
      groupingComparator: ship(cfg.groupingComparator, "groupingComparator"),
      input: inputKind, conf: { ...(cfg.conf ?? {}) },
      sortBufferBytes: toBytes(cfg.sortBufferSize, 100 * 1024 * 1024, "sortBufferSize"),
      spillPercent: cfg.spillPercent ?? 0.8, minSpillsForCombine: cfg.minSpillsForCombine ?? 3,
      sampleRecords: cfg.sampleRecords ?? 20, cacheFiles, outputDir,
    };
    const mapRddFor = () => new MapReduceTaskRDD(this.sc, { spec, phase: "map" }, descs, parent);
    const mapRdd = mapRddFor();
    const numMaps = mapRdd.getNumPartitions();
    const st: JobStatusData = {
      jobId: `job_${jobId}`, name: this.name, phase: "setup", startTime: Date.now(), numMaps, numReduces: R,
      tasks: [
        ...Array.from({ length: numMaps }, (_, i): TaskStatus => ({
          id: taskName(jobId, "m", i), type: "map", index: i, state: "pending", attempts: 0, phases: [],
          input: descs[i] ? `${descs[i]!.split.path}:${descs[i]!.split.start}+${descs[i]!.split.length}` : `partition ${i}`,
        })),
        ...Array.from({ length: R }, (_, i): TaskStatus => ({
          id: taskName(jobId, "r", i), type: "reduce", index: i, state: "pending", attempts: 0, phases: [], input: `partition ${i}`,
        })),
      ],
    };
    this.statusData = st;
    const live = await this.startLiveView(opts.display);
    const jobCounters: CounterData = {};
    setupJob(outputDir);
    try {
      // ---- map phase
      st.phase = "map";
      await this.runPhase("map", mapRdd, [...Array(numMaps).keys()], jobCounters, live);
      let outputFiles: string[];
      if (R > 0) {
        st.phase = "shuffle+reduce";
        let pending = [...Array(R).keys()];
        for (let round = 0; pending.length > 0; round++) {
          if (round >= MAX_FETCH_ROUNDS) throw new ExecutionError("MAPREDUCE_SHUFFLE_FAILED", `reduce tasks ${pending.join(", ")} could not fetch their map outputs after ${MAX_FETCH_ROUNDS} reruns of the lost map tasks`);
          const reduceDescs: ReduceDesc[] = Array.from({ length: R }, (_, r) => ({
            reduceId: r,
            sources: [...this.mapReports.values()].sort((a, b) => a.mapId - b.mapId).map((m) => ({ mapId: m.mapId, address: m.address, bytes: m.partitionBytes[r] ?? 0 })),
          }));
          const rdd = new MapReduceTaskRDD(this.sc, { spec, phase: "reduce" }, reduceDescs, null);
          const failed = await this.runPhase("reduce", rdd, pending, jobCounters, live);
          if (failed.length === 0) break;
          // Map outputs held at an unreachable address are lost: rerun those map tasks, then the reduces.
          const lost = new Set(failed.map((f) => f.address));
          const lostMaps = [...this.mapReports.values()].filter((m) => lost.has(m.address)).map((m) => m.mapId);
          for (const id of lostMaps) { this.mapReports.delete(id); const t = st.tasks[id]!; t.state = "rerun"; t.note = `output lost with ${t.workerId}`; }
          addCounter(jobCounters, JOB_COUNTER, "MAP_OUTPUTS_RERUN", lostMaps.length);
          if (lostMaps.length) await this.runPhase("map", mapRddFor(), lostMaps, jobCounters, live);
          pending = [...new Set(failed.map((f) => f.reduceId))].sort((a, b) => a - b);
        }
      }
      st.phase = "commit";
      outputFiles = commitJob(outputDir);
      st.phase = "succeeded";
      st.finishTime = Date.now();
      await live?.update();
      const counters = new Counters(jobCounters);
      for (const m of this.mapReports.values()) mergeCounters(counters.data, m.counters);
      for (const r of this.reduceReports.values()) mergeCounters(counters.data, r.counters);
      return this.result(spec, st, counters, outputDir, outputFiles);
    } catch (e) {
      st.phase = "failed";
      st.finishTime = Date.now();
      st.error = (e as Error).message;
      abortJob(outputDir);
      await live?.update();
      throw e;
    } finally {
      this.sc.cluster.endpoint.broadcast({ t: "removeShuffle", shuffleId: spec.shuffleId });
      for (const off of this.listeners) off();
      this.listeners = [];
    }
  }

  /** Run some tasks of one phase as an engine job; returns the reduces' fetch failures. */
  private async runPhase(type: "map" | "reduce", rdd: MapReduceTaskRDD, partitions: number[], counters: CounterData,
    live: { update(): Promise<void> } | undefined): Promise<FetchFailureReport[]> {
    const st = this.statusData!;
    const tasks = st.tasks.filter((t) => t.type === type);
    const callSite = `${type} phase of ${this.name} at ${st.jobId}`;
    const stages = new Set<number>();
    const off = this.sc.addSparkListener({
      onJobStart: (e) => { if (e.job.description === callSite) for (const s of e.job.stageIds) stages.add(s); },
      onTaskStart: (e) => {
        if (!stages.has(e.task.stageId)) return;
        const t = tasks[e.task.partition];
        if (!t) return;
        t.state = "running"; t.workerId = e.task.workerId; t.attempts++; t.start ??= e.time;
        addCounter(counters, JOB_COUNTER, type === "map" ? "TOTAL_LAUNCHED_MAPS" : "TOTAL_LAUNCHED_REDUCES", 1);
        void live?.update();
      },
      onTaskEnd: (e) => {
        if (!stages.has(e.task.stageId) || e.reason === "Success") return;
        const t = tasks[e.task.partition];
        if (t) { t.state = "failed"; t.note = e.reason === "WorkerLost" ? `worker ${e.task.workerId} lost` : (e.task.error ?? e.reason).split("\n")[0]; }
        addCounter(counters, JOB_COUNTER, type === "map" ? "NUM_FAILED_MAPS" : "NUM_FAILED_REDUCES", 1);
        void live?.update();
      },
    });
    this.listeners.push(off);
    const fetchFailures: FetchFailureReport[] = [];
    try {
      await this.sc.runJob(rdd, (it: Iterator<unknown>) => it.next().value, {
        partitions, callSite,
        onPartition: (index, result) => {
          const t = tasks[index]!;
          const rep = result as MapTaskReport | ReduceTaskReport | FetchFailureReport;
          if (rep.kind === "fetchFailed") {
            fetchFailures.push(rep);
            t.state = "failed";
            t.note = `could not fetch map ${rep.mapId} from ${rep.address}`;
          } else {
            t.state = "succeeded"; t.workerId = rep.workerId; t.phases = rep.phases; t.note = undefined;
            t.start = rep.phases[0]?.start ?? t.start; t.end = Math.max(...rep.phases.map((p) => p.end));
            if (rep.kind === "map") this.mapReports.set(rep.mapId, rep); else this.reduceReports.set(rep.reduceId, rep);
          }
          void live?.update();
        },
      });
    } catch (e) {
      throw this.taskFailure(type, e);
    } finally {
      off();
      this.listeners = this.listeners.filter((x) => x !== off);
    }
    return fetchFailures;
  }

  private taskFailure(type: "map" | "reduce", e: unknown): Error {
    if (!(e instanceof WorkbenchError)) return e as Error;
    const part = e.context.partition;
    const t = typeof part === "number" ? this.statusData!.tasks.filter((x) => x.type === type)[part] : undefined;
    if (!t) return e;
    t.state = "failed";
    const inner = e.message.replace(/^\[[A-Z_]+\]\s*/, "");
    return new ExecutionError("MAPREDUCE_TASK_FAILED",
      `Task ${t.id} failed ${t.attempts || "its"} times (${type === "map" ? `input split ${t.input}` : `reduce partition ${t.index}`}); job ${this.statusData!.jobId} failed. Last error: ${inner}`,
      { context: e.context, causeStack: e.causeStack, cause: e });
  }

  private async startLiveView(display: DisplayFn | undefined): Promise<{ update(): Promise<void> } | undefined> {
    if (!display) return undefined;
    const h = await display(this);
    let last = 0, timer: NodeJS.Timeout | undefined, chain = Promise.resolve();
    const push = () => { last = Date.now(); chain = chain.then(() => h.update(this)).catch(() => {}); return chain; };
    return {
      update: () => {
        const st = this.statusData!;
        if (st.phase === "succeeded" || st.phase === "failed") { if (timer) clearTimeout(timer); return push(); }
        if (Date.now() - last > 250) return push();
        timer ??= setTimeout(() => { timer = undefined; void push(); }, 250);
        return chain;
      },
    };
  }

  private result(spec: JobSpec, st: JobStatusData, counters: Counters, outputDir: string, outputFiles: string[]): JobResult {
    const maps = [...this.mapReports.values()], reduces = [...this.reduceReports.values()];
    return {
      successful: true, jobId: st.jobId, name: st.name, counters, tasks: st.tasks, outputDir, outputFiles,
      readOutput: () => readOutputDir(outputDir),
      dataView: () => buildDataView(spec.jobId, maps, reduces),
      report: () => `${renderJobText(st)}\n${counters.toString()}`,
      _repr_mimebundle_: () => ({ "text/plain": `${renderJobText(st)}\n${counters.toString()}`, "text/html": renderJobHtml(st, counters, buildDataView(spec.jobId, maps, reduces)) }),
    };
  }
}

/** Read a job's output directory (part files in order) as [key, value] pairs. */
export function readOutputDir(dir: string): Array<[unknown, unknown]> {
  const out: Array<[unknown, unknown]> = [];
  const parse = (s: string): unknown => { try { return JSON.parse(s); } catch { return s; } };
  for (const f of readdirSync(dir).filter((n) => n.startsWith("part-")).sort()) {
    for (const line of readFileSync(join(dir, f), "utf8").split("\n")) {
      if (line === "") continue;
      const t = line.indexOf("\t");
      out.push(t < 0 ? [parse(line), null] : [parse(line.slice(0, t)), parse(line.slice(t + 1))]);
    }
  }
  return out;
}

/** Hadoop's default Reducer: writes every value under its key. */
const identityReducer = (key: unknown, values: unknown[], ctx: { write(k: unknown, v: unknown): void }): void => {
  for (const v of values) ctx.write(key, v);
};

function checkClasses(cfg: MapReduceConfig): void {
  const bad = (what: string, want: string, got: unknown) =>
    new AnalysisError("MAPREDUCE_BAD_CLASS", `${what} must be ${want}, got ${got === null ? "null" : typeof got}`, { parameters: { what } });
  const m = cfg.mapper as unknown;
  if (typeof m !== "function" && !(m && typeof (m as { map?: unknown }).map === "function")) throw bad("mapper", "a function (key, value, ctx) or an object with a map(key, value, ctx) method", m);
  for (const k of ["combiner", "reducer"] as const) {
    const r = cfg[k] as unknown;
    if (r !== undefined && typeof r !== "function" && !(r && typeof (r as { reduce?: unknown }).reduce === "function")) throw bad(k, "a function (key, values, ctx) or an object with a reduce(key, values, ctx) method", r);
  }
  for (const k of ["partitioner", "sortComparator", "groupingComparator"] as const) {
    if (cfg[k] !== undefined && typeof cfg[k] !== "function") throw bad(k, "a function", cfg[k]);
  }
  const R = cfg.numReduceTasks ?? 1;
  if (!Number.isInteger(R) || R < 0) throw new AnalysisError("INVALID_PARAMETER_VALUE", `numReduceTasks must be an integer >= 0, got ${String(R)}`);
  if (!cfg.input) throw new AnalysisError("INVALID_PARAMETER_VALUE", "input is required: { paths }, { data }, { rdd } or an array");
}
