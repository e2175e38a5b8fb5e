// The PySpark action surface of RDD. Each action submits exactly one job through the context
// (plus any deferred preparation Spark also runs as jobs, such as a sort's sampling pass) and
// returns a Promise. Per-partition work runs on the workers; the driver merges small results.

import { mkdirSync, existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { AnalysisError, ExecutionError } from "../common/errors";
import { KeyMap, compareKeys } from "../common/keys";
import { registerShippable } from "../common/closure";
import { RDD } from "./rdd";
import { StatCounter } from "./stat-counter";
import type { RunJobOptions } from "./rdd-context";
import type { Partition } from "./partition";
import type { TaskContext } from "./task-context";

declare module "./rdd" {
  interface RDD<T> {
    collect(): Promise<T[]>;
    count(): Promise<number>;
    first(): Promise<T>;
    take(num: number): Promise<T[]>;
    takeOrdered(num: number, key?: (x: T) => unknown): Promise<T[]>;
    top(num: number, key?: (x: T) => unknown): Promise<T[]>;
    isEmpty(): Promise<boolean>;
    reduce(f: (a: T, b: T) => T): Promise<T>;
    fold(zeroValue: T, op: (a: T, b: T) => T): Promise<T>;
    aggregate<U>(zeroValue: U, seqOp: (acc: U, x: T) => U, combOp: (a: U, b: U) => U): Promise<U>;
    countByValue(): Promise<Map<T, number>>;
    foreach(f: (x: T) => void): Promise<void>;
    foreachPartition(f: (it: IterableIterator<T>) => void): Promise<void>;
    sum(this: RDD<number>): Promise<number>;
    mean(this: RDD<number>): Promise<number>;
    stats(this: RDD<number>): Promise<StatCounter>;
    variance(this: RDD<number>): Promise<number>;
    stdev(this: RDD<number>): Promise<number>;
    sampleVariance(this: RDD<number>): Promise<number>;
    sampleStdev(this: RDD<number>): Promise<number>;
    max(key?: (x: T) => unknown): Promise<T>;
    min(key?: (x: T) => unknown): Promise<T>;
    saveAsTextFile(path: string): Promise<void>;
    countByKey<K, V>(this: RDD<[K, V]>): Promise<Map<K, number>>;
    collectAsMap<K, V>(this: RDD<[K, V]>): Promise<Map<K, V>>;
    lookup<K, V>(this: RDD<[K, V]>, key: K): Promise<V[]>;
    /** Run an arbitrary function over each partition (sc.runJob). */
    runJob<U>(f: (it: IterableIterator<T>) => U, partitions?: number[]): Promise<U[]>;
  }
}

// Implementations are loosely typed; the declarations above give users the precise types.
const P: any = RDD.prototype;

function job<T, U>(rdd: RDD<T>, fn: (it: Iterator<T>) => U, op: string, opts: RunJobOptions = {}): Promise<U[]> {
  return rdd.context.runJob(rdd, fn, { callSite: opts.callSite ?? callSiteOf(op), ...opts });
}

function callSiteOf(op: string): string {
  // Resolved lazily by the context from the user's stack; the op name is enough here.
  return op;
}

export const drainToArray = registerShippable("rdd.drainToArray", function drainToArray(it: Iterator<unknown>): unknown[] {
  const out: unknown[] = [];
  for (let r = it.next(); !r.done; r = it.next()) out.push(r.value);
  return out;
});
export const countRecords = registerShippable("rdd.countRecords", function countRecords(it: Iterator<unknown>): number {
  let n = 0;
  while (!it.next().done) n++;
  return n;
});
/**
 * Run a result function that reads its whole partition in push mode (RDD.eachRecord): count and
 * collect give the same value as the function over the iterator, without an iterator result per
 * record per operator. Undefined for any other function (it runs over the iterator).
 */
export function runWholePartitionResult(fn: unknown, rdd: RDD<unknown>, split: Partition, tc: TaskContext): { value: unknown; records: number } | undefined {
  if (fn === countRecords) {
    let n = 0;
    rdd.eachRecord(split, tc, () => { n++; });
    return { value: n, records: n };
  }
  if (fn === drainToArray) {
    const out: unknown[] = [];
    rdd.eachRecord(split, tc, (x) => { out.push(x); });
    return { value: out, records: out.length };
  }
  return undefined;
}

export const takeFirst = registerShippable("rdd.takeFirst", function takeFirst(it: Iterator<unknown>, n: number): unknown[] {
  const out: unknown[] = [];
  while (out.length < n) {
    const r = it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
});
export const smallestN = registerShippable("rdd.smallestN", function smallestN(it: Iterator<unknown>, n: number, key: ((x: unknown) => unknown) | undefined, descending: boolean): unknown[] {
  // Keep the best n seen so far; sort at the end (n is small for takeOrdered/top).
  const cmp = (a: unknown, b: unknown) => {
    const c = compareKeysByValue(key ? key(a) : a, key ? key(b) : b);
    return descending ? -c : c;
  };
  let buf: unknown[] = [];
  for (let r = it.next(); !r.done; r = it.next()) {
    buf.push(r.value);
    if (buf.length >= Math.max(2 * n, 64)) buf = buf.sort(cmp).slice(0, n);
  }
  return buf.sort(cmp).slice(0, n);
});
const compareKeysByValue = registerShippable("common.compareKeys", compareKeys);
export const reducePartition = registerShippable("rdd.reducePartition", function reducePartition(it: Iterator<unknown>, f: (a: unknown, b: unknown) => unknown): { has: boolean; value?: unknown } {
  const first = it.next();
  if (first.done) return { has: false };
  let acc = first.value;
  for (let r = it.next(); !r.done; r = it.next()) acc = f(acc, r.value);
  return { has: true, value: acc };
});
export const foldPartition = registerShippable("rdd.foldPartition", function foldPartition(it: Iterator<unknown>, zero: unknown, f: (a: unknown, x: unknown) => unknown): unknown {
  let acc = structuredClone(zero);
  for (let r = it.next(); !r.done; r = it.next()) acc = f(acc, r.value);
  return acc;
});
export const countValues = registerShippable("rdd.countValues", function countValues(it: Iterator<unknown>, byKey: boolean): Array<[unknown, number]> {
  const m = new KeyMapShip<number>();
  for (let r = it.next(); !r.done; r = it.next()) {
    const k = byKey ? (r.value as unknown[])[0] : r.value;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m.entries()];
});
const KeyMapShip = registerShippable("common.KeyMap", KeyMap);
export const statsPartition = registerShippable("rdd.statsPartition", function statsPartition(it: Iterator<number>) {
  let n = 0, mu = 0, m2 = 0, maxValue = -Infinity, minValue = Infinity;
  for (let r = it.next(); !r.done; r = it.next()) {
    const v = Number(r.value);
    const d = v - mu;
    n++;
    mu += d / n;
    m2 += d * (v - mu);
    if (v > maxValue) maxValue = v;
    if (v < minValue) minValue = v;
  }
  return { n, mu, m2, maxValue, minValue };
});
export const foreachRecord = registerShippable("rdd.foreachRecord", function foreachRecord(it: Iterator<unknown>, f: (x: unknown) => void): null {
  for (let r = it.next(); !r.done; r = it.next()) f(r.value);
  return null;
});
export const asIterable = registerShippable("rdd.asIterable", function asIterable<T>(it: Iterator<T>): IterableIterator<T> {
  return { next: () => it.next(), [Symbol.iterator]() { return this; } };
});
export const writeTextPart = registerShippable("rdd.writeTextPart", function writeTextPart(it: Iterator<unknown>, dir: string, index: number): number {
  const lines: string[] = [];
  for (let r = it.next(); !r.done; r = it.next()) lines.push(String(r.value));
  const name = `part-${String(index).padStart(5, "0")}`;
  writeFileSync(join(dir, "_temporary", name), lines.length ? lines.join("\n") + "\n" : "");
  return lines.length;
});

P.collect = async function (this: RDD<any>) {
  const parts = await job(this, drainToArray, "collect"); // a named engine function: ships by name
  // Concatenate the partitions (as flat(1), which is several times slower on large results).
  const out: unknown[] = [];
  for (const p of parts as unknown[][]) for (let i = 0; i < p.length; i++) out.push(p[i]);
  return out;
};

P.count = async function (this: RDD<any>) {
  const parts = await job(this, countRecords, "count");
  return parts.reduce((a: number, b: number) => a + b, 0);
};

P.take = async function (this: RDD<any>, num: number) {
  if (num <= 0) return [];
  // One job: every partition yields at most num records, pulled lazily (narrow pipelines stop early).
  const parts = await job(this, (it) => takeFirst(it, num), "take");
  return parts.flat(1).slice(0, num);
};

P.first = async function (this: RDD<any>) {
  const r = await job(this, (it) => takeFirst(it, 1), "first");
  const all = r.flat(1);
  if (all.length === 0) throw new ExecutionError("RDD_IS_EMPTY", "RDD is empty");
  return all[0];
};

P.isEmpty = async function (this: RDD<any>) {
  if (this.getNumPartitions() === 0) return true;
  const r = await job(this, (it) => takeFirst(it, 1), "isEmpty");
  return r.flat(1).length === 0;
};

function ordered(self: RDD<any>, num: number, key: ((x: any) => unknown) | undefined, descending: boolean, op: string): Promise<any[]> {
  return job(self, (it) => smallestN(it, num, key, descending), op).then((parts) => {
    const all = parts.flat(1);
    all.sort((a: unknown, b: unknown) => {
      const c = compareKeys(key ? key(a) : a, key ? key(b) : b);
      return descending ? -c : c;
    });
    return all.slice(0, num);
  });
}
P.takeOrdered = function (this: RDD<any>, num: number, key?: (x: any) => unknown) { return ordered(this, num, key, false, "takeOrdered"); };
P.top = function (this: RDD<any>, num: number, key?: (x: any) => unknown) { return ordered(this, num, key, true, "top"); };
P.max = async function (this: RDD<any>, key?: (x: any) => unknown) {
  const r = await ordered(this, 1, key, true, "max");
  if (r.length === 0) throw new ExecutionError("RDD_IS_EMPTY", "max() arg is an empty sequence");
  return r[0];
};
P.min = async function (this: RDD<any>, key?: (x: any) => unknown) {
  const r = await ordered(this, 1, key, false, "min");
  if (r.length === 0) throw new ExecutionError("RDD_IS_EMPTY", "min() arg is an empty sequence");
  return r[0];
};

P.reduce = async function (this: RDD<any>, f: (a: any, b: any) => any) {
  const parts = await job(this, (it) => reducePartition(it, f), "reduce");
  const vals = parts.filter((p) => p.has).map((p) => p.value);
  if (vals.length === 0) throw new ExecutionError("RDD_IS_EMPTY", "Can not reduce() empty RDD");
  return vals.reduce((a, b) => f(a, b));
};

P.fold = async function (this: RDD<any>, zeroValue: any, op: (a: any, b: any) => any) {
  const parts = await job(this, (it) => foldPartition(it, zeroValue, op), "fold");
  return parts.reduce((a, b) => op(a, b), structuredClone(zeroValue));
};

P.aggregate = async function (this: RDD<any>, zeroValue: any, seqOp: (a: any, x: any) => any, combOp: (a: any, b: any) => any) {
  const parts = await job(this, (it) => foldPartition(it, zeroValue, seqOp), "aggregate");
  return parts.reduce((a, b) => combOp(a, b), structuredClone(zeroValue));
};

async function countBy(self: RDD<any>, byKey: boolean, op: string): Promise<Map<any, number>> {
  const parts = await job(self, (it) => countValues(it, byKey), op);
  const m = new KeyMap<number>();
  for (const part of parts) for (const [k, c] of part) m.set(k, (m.get(k) ?? 0) + c);
  return new Map(m.entries());
}
P.countByValue = function (this: RDD<any>) { return countBy(this, false, "countByValue"); };
P.countByKey = function (this: RDD<any>) { return countBy(this, true, "countByKey"); };

P.collectAsMap = async function (this: RDD<any>) {
  const all = await this.collect();
  const m = new KeyMap<unknown>();
  for (const [k, v] of all as Array<[unknown, unknown]>) m.set(k, v);
  return new Map(m.entries());
};

P.lookup = async function (this: RDD<any>, key: any) {
  const all = await this.filter((kv: [unknown, unknown]) => compareKeysByValue(kv[0], key) === 0).collect();
  return (all as Array<[unknown, unknown]>).map((kv) => kv[1]);
};

P.foreach = async function (this: RDD<any>, f: (x: any) => void) {
  await job(this, (it) => foreachRecord(it, f), "foreach");
};

P.foreachPartition = async function (this: RDD<any>, f: (it: any) => void) {
  await job(this, (it) => { f(asIterable(it)); return null; }, "foreachPartition");
};

P.runJob = function (this: RDD<any>, f: (it: any) => any, partitions?: number[]) {
  return job(this, (it) => f(asIterable(it)), "runJob", { partitions });
};

async function stats(self: RDD<number>, op: string): Promise<StatCounter> {
  const parts = await job(self, (it) => statsPartition(it), op);
  const s = new StatCounter();
  for (const p of parts) s.mergeStats(p);
  return s;
}
P.stats = function (this: RDD<number>) { return stats(this, "stats"); };
P.sum = async function (this: RDD<number>) {
  const parts = (await job(this, (it) => foldPartition(it, 0, (a: any, b: any) => a + b), "sum")) as number[];
  return parts.reduce((a, b) => a + b, 0);
};
P.mean = async function (this: RDD<number>) { return (await stats(this, "mean")).mean(); };
P.variance = async function (this: RDD<number>) { return (await stats(this, "variance")).variance(); };
P.stdev = async function (this: RDD<number>) { return (await stats(this, "stdev")).stdev(); };
P.sampleVariance = async function (this: RDD<number>) { return (await stats(this, "sampleVariance")).sampleVariance(); };
P.sampleStdev = async function (this: RDD<number>) { return (await stats(this, "sampleStdev")).sampleStdev(); };

P.saveAsTextFile = async function (this: RDD<any>, path: string) {
  const dir = resolve(path.replace(/^file:\/\//, ""));
  if (existsSync(dir)) {
    throw new AnalysisError("PATH_ALREADY_EXISTS", `Output directory file:${dir} already exists`, { parameters: { path: dir } });
  }
  mkdirSync(join(dir, "_temporary"), { recursive: true });
  await this.context.runJob(this, (it, tc) => writeTextPart(it, dir, tc.partitionId), { callSite: "saveAsTextFile" });
  // Commit: move task outputs out of _temporary, then mark success (Hadoop's FileOutputCommitter).
  const { readdirSync, renameSync, rmSync } = await import("node:fs");
  for (const f of readdirSync(join(dir, "_temporary"))) renameSync(join(dir, "_temporary", f), join(dir, f));
  rmSync(join(dir, "_temporary"), { recursive: true, force: true });
  writeFileSync(join(dir, "_SUCCESS"), "");
};
