// The shapes of a MapReduce job as Hadoop defines them, in TypeScript: a Mapper and a Reducer
// with setup/map|reduce/cleanup, the task context they write through, and the job configuration.
// Keys and values are JSON-like (strings, numbers, booleans, null, arrays, plain objects).

/** A counter handle, as Hadoop's `context.getCounter(group, name)`. */
export interface Counter {
  increment(n?: number): void;
  getValue(): number;
}

/** What a mapper, combiner or reducer sees (Hadoop's Mapper.Context / Reducer.Context). */
export interface TaskContext<KOut = unknown, VOut = unknown> {
  /** Emit one key/value pair. */
  write(key: KOut, value: VOut): void;
  getCounter(group: string, name: string): Counter;
  /** The job's configuration (`conf` of the job, plus mapreduce.* settings the framework sets). */
  getConfiguration(): Record<string, unknown>;
  /** e.g. `attempt_mr0001_m_000002_0`. */
  getTaskAttemptId(): string;
  /** Local paths of the distributed cache files on this worker. */
  getCacheFiles(): string[];
  /** Text of a distributed cache file, by its base name or path. */
  readCacheFile(name: string): string;
  /** The input split of a map task (path, start, length), undefined for reducers. */
  getInputSplit(): InputSplitInfo | undefined;
}

export interface Mapper<KIn = unknown, VIn = unknown, KOut = unknown, VOut = unknown> {
  /** Mappers may keep state in their own fields (in-mapper combining, a joined table from setup). */
  [field: string]: any;
  setup?(ctx: TaskContext<KOut, VOut>): void;
  map(key: KIn, value: VIn, ctx: TaskContext<KOut, VOut>): void;
  cleanup?(ctx: TaskContext<KOut, VOut>): void;
}

export interface Reducer<KIn = unknown, VIn = unknown, KOut = unknown, VOut = unknown> {
  [field: string]: any;
  setup?(ctx: TaskContext<KOut, VOut>): void;
  /** Called once per group, with the group's values in sort order. */
  reduce(key: KIn, values: VIn[], ctx: TaskContext<KOut, VOut>): void;
  cleanup?(ctx: TaskContext<KOut, VOut>): void;
}

export type InputFormat = "text" | "keyValue" | "wholeFile";

export interface FileInput {
  paths: string[] | string;
  /** text: (byte offset, line); keyValue: (text before the first tab, rest); wholeFile: (path, contents). */
  format?: InputFormat;
  /** Bytes per split: a number or "64k", "1m", "128m" (default 128m, as Hadoop's block size). */
  splitSize?: number | string;
}

/** In-memory input: each element is one record (key = its index), or [key, value] pairs with keyValue. */
export interface ArrayInput {
  data: readonly unknown[];
  numSplits?: number;
  keyValue?: boolean;
}

/** Any RDD: each partition is one split; records are values (key = index in the split) or pairs. */
export interface RddInput {
  rdd: { getNumPartitions(): number };
  keyValue?: boolean;
}

export interface InputSplitInfo { path: string; start: number; length: number; index: number }

export interface MapReduceConfig {
  name?: string;
  input: FileInput | ArrayInput | RddInput | readonly unknown[];
  mapper: (Mapper<any, any, any, any> & ThisType<any>) | ((key: any, value: any, ctx: TaskContext<any, any>) => void);
  combiner?: (Reducer<any, any, any, any> & ThisType<any>) | ((key: any, values: any[], ctx: TaskContext<any, any>) => void);
  reducer?: (Reducer<any, any, any, any> & ThisType<any>) | ((key: any, values: any[], ctx: TaskContext<any, any>) => void);
  /** (key, numReduceTasks) -> partition; default Hadoop's HashPartitioner (hash of the key by value). */
  partitioner?: (key: any, numReduceTasks: number) => number;
  /** Order of keys within a partition (default: natural order of JSON-like values). */
  sortComparator?: (a: any, b: any) => number;
  /** Which consecutive sorted keys form one reduce group (default: the sort comparator). */
  groupingComparator?: (a: any, b: any) => number;
  /** Reduce tasks (default 1); 0 = map-only job writing part-m-NNNNN. */
  numReduceTasks?: number;
  /** Output directory (part files + _SUCCESS); must not exist. Omitted: a fresh temp directory. */
  output?: string;
  /** Distributed cache: files shipped to every task (e.g. the small table of a broadcast join). */
  files?: string[];
  /** Job configuration visible through ctx.getConfiguration(). */
  conf?: Record<string, unknown>;
  /** Map-side sort buffer size (mapreduce.task.io.sort.mb; number of bytes or "100m"; default 100m). */
  sortBufferSize?: number | string;
  /** Fraction of the sort buffer that triggers a spill (mapreduce.map.sort.spill.percent, 0.8). */
  spillPercent?: number;
  /** Run the combiner again while merging when there are at least this many spills (Hadoop: 3). */
  minSpillsForCombine?: number;
  /** Records sampled per task for the data-level view (default 20; 0 = none). */
  sampleRecords?: number;
}
