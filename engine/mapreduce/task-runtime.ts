// Worker-side pieces shared by map and reduce tasks: the user's classes rebuilt from the job spec
// (once per job per executor thread), the task context they write through, the distributed cache
// on local disk, TextOutputFormat lines, and user-code failures reported with the task and split.

import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { basename, join } from "node:path";
import { workerData } from "node:worker_threads";
import { deserializeFunction } from "../common/closure";
import { ExecutionError } from "../common/errors";
import { compareKeys, hashKey, partitionForKey } from "../common/keys";
import { addCounter, type CounterData } from "./counters";
import type { JobSpec } from "./job-spec";
import type { Counter, InputSplitInfo, Mapper, Reducer, TaskContext } from "./types";

export interface UserClasses {
  mapper: Mapper;
  combiner?: Reducer;
  reducer?: Reducer;
  partition: (key: unknown, n: number) => number;
  /** The partitioner's arithmetic for one key, in words (the data view shows it). */
  explain: (key: unknown, n: number) => string;
  sort: (a: unknown, b: unknown) => number;
  group: (a: unknown, b: unknown) => number;
  /** True when keys sort by the default order (equal primitive keys can be bucketed instead of sorted). */
  defaultSort: boolean;
}

/** The executor's shuffle identity (token, this worker's shuffle server address, local dir). */
export interface ShuffleEnv { token: string; shuffleAddress: string; localDir: string; workerId: string }

export function shuffleEnv(): ShuffleEnv {
  const env = (workerData as { env?: ShuffleEnv } | null)?.env;
  if (!env) throw new ExecutionError("MAPREDUCE_NOT_ON_WORKER", "MapReduce tasks run only on worker processes (executor threads)");
  return env;
}

const classCache = new Map<string, UserClasses>();

function asMapper(x: unknown, what: string): Mapper {
  if (typeof x === "function") return { map: x as Mapper["map"] };
  if (x && typeof (x as Mapper).map === "function") return x as Mapper;
  throw new ExecutionError("MAPREDUCE_BAD_CLASS", `${what} must be a function or an object with a map method`);
}

function asReducer(x: unknown, what: string): Reducer {
  if (typeof x === "function") return { reduce: x as Reducer["reduce"] };
  if (x && typeof (x as Reducer).reduce === "function") return x as Reducer;
  throw new ExecutionError("MAPREDUCE_BAD_CLASS", `${what} must be a function or an object with a reduce method`);
}

/** Rebuild the job's user classes (fresh objects per task, as Hadoop instantiates per task). */
export function userClasses(spec: JobSpec, fresh = true): UserClasses {
  const key = spec.jobId;
  const cached = classCache.get(key);
  if (cached && !fresh) return cached;
  const get = (f: JobSpec["mapper"] | undefined) => (f ? (deserializeFunction(f) as () => unknown)() : undefined);
  const partitioner = get(spec.partitioner) as ((k: unknown, n: number) => number) | undefined;
  const sort = (get(spec.sortComparator) as ((a: unknown, b: unknown) => number) | undefined) ?? compareKeys;
  const group = (get(spec.groupingComparator) as ((a: unknown, b: unknown) => number) | undefined) ?? sort;
  const cls: UserClasses = {
    mapper: asMapper(get(spec.mapper), "mapper"),
    combiner: spec.combiner ? asReducer(get(spec.combiner), "combiner") : undefined,
    reducer: spec.reducer ? asReducer(get(spec.reducer), "reducer") : undefined,
    partition: partitioner
      ? (k, n) => {
        const p = partitioner(k, n);
        if (!Number.isInteger(p) || p < 0 || p >= n) {
          throw new ExecutionError("MAPREDUCE_BAD_PARTITION", `Illegal partition for ${JSON.stringify(k)} (${String(p)}): the partitioner must return an integer in [0, ${n})`);
        }
        return p;
      }
      : partitionForKey,
    explain: partitioner
      ? (k, n) => `getPartition(key, ${n}) = ${String(partitioner(k, n))} (the job's partitioner)`
      : (k, n) => { const h = hashKey(k); return `hash = ${h}, ${h} mod ${n} = ${h % n}`; },
    sort, group, defaultSort: !spec.sortComparator,
  };
  classCache.set(key, cls);
  if (classCache.size > 16) classCache.delete(classCache.keys().next().value!);
  return cls;
}

/** Write the distributed cache files of a job to this worker's local dir (once) and return their paths. */
export function localizeCache(spec: JobSpec, localDir: string): string[] {
  if (spec.cacheFiles.length === 0) return [];
  const dir = join(localDir, `mr-cache-${spec.jobId}`);
  mkdirSync(dir, { recursive: true });
  return spec.cacheFiles.map((f) => {
    const p = join(dir, f.name);
    if (!existsSync(p)) writeFileSync(p, f.content);
    return p;
  });
}

export class Context implements TaskContext {
  /** Where ctx.write goes. */
  sink: (key: unknown, value: unknown) => void = () => {};
  constructor(
    readonly counters: CounterData,
    private readonly spec: JobSpec,
    private readonly attemptId: string,
    private readonly cacheFiles: string[],
    private readonly split?: InputSplitInfo,
  ) {}
  write(key: unknown, value: unknown): void {
    this.sink(key, value);
  }
  getCounter(group: string, name: string): Counter {
    const counters = this.counters;
    return {
      increment(n = 1) { addCounter(counters, group, name, n); },
      getValue() { return counters[group]?.[name] ?? 0; },
    };
  }
  getConfiguration(): Record<string, unknown> {
    return {
      ...this.spec.conf, "mapreduce.job.name": this.spec.name, "mapreduce.job.id": this.spec.jobId,
      "mapreduce.job.reduces": this.spec.numReduceTasks, "mapreduce.task.attempt.id": this.attemptId,
      "mapreduce.output.fileoutputformat.outputdir": this.spec.outputDir,
    };
  }
  getTaskAttemptId(): string {
    return this.attemptId;
  }
  getCacheFiles(): string[] {
    return [...this.cacheFiles];
  }
  readCacheFile(name: string): string {
    const p = this.cacheFiles.find((f) => f === name || basename(f) === basename(name));
    if (!p) throw new ExecutionError("MAPREDUCE_CACHE_FILE_NOT_FOUND", `'${name}' is not in the distributed cache (files: ${this.cacheFiles.map((f) => basename(f)).join(", ") || "none"})`);
    return readFileSync(p, "utf8");
  }
  getInputSplit(): InputSplitInfo | undefined {
    return this.split;
  }
}

/** A throw in user code becomes a task failure naming the task, the split and the user's message. */
export function wrapUser(e: unknown, what: string, where: string): ExecutionError {
  const err = e instanceof Error ? e : new Error(String(e));
  return new ExecutionError("MAPREDUCE_USER_CODE_FAILED", `${what} failed in ${where}: ${err.name}: ${err.message}`, {
    causeStack: err.stack, parameters: { where },
  });
}

/** TextOutputFormat: `key<TAB>value`; strings as they are, other values as JSON; null parts omitted. */
export function formatLine(key: unknown, value: unknown): string {
  const k = key === null || key === undefined ? undefined : toText(key, "key");
  const v = value === null || value === undefined ? undefined : toText(value, "value");
  if (k === undefined) return v ?? "";
  return v === undefined ? k : `${k}\t${v}`;
}

function toText(x: unknown, what: string): string {
  if (typeof x === "string") return x;
  if (typeof x === "number" || typeof x === "boolean") return String(x);
  if (typeof x === "function" || typeof x === "symbol" || typeof x === "bigint") {
    throw new ExecutionError("MAPREDUCE_OUTPUT_NOT_SERIALIZABLE", `an output ${what} of type ${typeof x} cannot be written: keys and values must be JSON-like`);
  }
  try {
    const s = JSON.stringify(x);
    if (s === undefined) throw new Error("undefined");
    return s;
  } catch (e) {
    throw new ExecutionError("MAPREDUCE_OUTPUT_NOT_SERIALIZABLE", `an output ${what} cannot be written as JSON: ${(e as Error).message}`);
  }
}

/** Check a map output value is JSON-like before it enters the sort buffer. */
export function checkShuffleValue(x: unknown, what: string): void {
  const t = typeof x;
  if (t === "function" || t === "symbol") {
    throw new ExecutionError("MAPREDUCE_OUTPUT_NOT_SERIALIZABLE", `a map output ${what} of type ${t} cannot be shuffled: keys and values must be JSON-like`);
  }
}
