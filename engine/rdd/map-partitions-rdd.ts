// The workhorse of narrow transformations: map, flatMap, filter, mapPartitions and friends are
// one RDD kind with an `op` tag and the user's function. Consecutive narrow RDDs are pipelined:
// each pulls records from its parent's iterator within the same task, one record at a time.

import { deserializeFunction } from "../common/closure";
import { ExecutionError } from "../common/errors";
import { OneToOneDependency } from "./dependency";
import { RDD } from "./rdd";
import type { Partition } from "./partition";
import type { RddContext } from "./rdd-context";
import { registerRddKind } from "./rdd-registry";
import type { TaskContext } from "./task-context";

export type MapOp =
  | "map" | "flatMap" | "filter" | "mapPartitions" | "mapPartitionsWithIndex" | "mapValues" | "flatMapValues"
  | "keyBy" | "glom" | "sample" | "zipWithIndex" | "zipWithUniqueId" | "keys" | "values";

type AnyFn = (...args: any[]) => any;

export class MapPartitionsRDD<T, U> extends RDD<U> {
  readonly kind = "mapPartitions";
  constructor(
    ctx: RddContext,
    readonly parent: RDD<T>,
    readonly op: MapOp,
    readonly fn: AnyFn | undefined,
    readonly preservesPartitioning = false,
    /** Op-specific plain data (sample settings, zipWithIndex offsets). */
    readonly extra: unknown = undefined,
    opName: string = op,
  ) {
    super(ctx, [new OneToOneDependency(parent as RDD<unknown>)], opName);
    if (preservesPartitioning) this.partitioner = parent.partitioner;
  }
  protected getPartitions(): Partition[] {
    return this.parent.partitions;
  }
  shipArgs(): unknown {
    return {
      op: this.op,
      fn: this.fn ? this.ship("fn", this.fn, this.callSite.split(" ")[0] || this.op) : undefined,
      preservesPartitioning: this.preservesPartitioning,
      extra: this.extra,
    };
  }
  compute(split: Partition, tc: TaskContext): Iterator<U> {
    return applyOp(this.op, this.fn, this.extra, this.parent.iterator(split, tc), split.index, tc) as Iterator<U>;
  }
  protected override computeEach(split: Partition, tc: TaskContext, each: (x: U) => void): void {
    const push = pushOp(this.op, this.fn, each as (x: unknown) => void);
    if (push) this.parent.eachRecord(split, tc, push);
    else super.computeEach(split, tc, each);
  }
}

/** A plain array (not a subclass that may iterate differently): loop over it by index. */
function isPlainArray(x: unknown): x is unknown[] {
  return Array.isArray(x) && Object.getPrototypeOf(x) === Array.prototype;
}

/**
 * The push form of the per-record ops (same records, same order, same errors as applyOp): a
 * sink for the parent's records that calls the user's function and passes results to `each`.
 * Undefined for ops that need the whole partition or its index (they use the pull form).
 */
export function pushOp(op: MapOp, f: AnyFn | undefined, each: (x: unknown) => void): ((x: unknown) => void) | undefined {
  switch (op) {
    case "map": return (x) => each(f!(x));
    case "filter": return (x) => { if (f!(x)) each(x); };
    case "flatMap":
      return (x) => {
        const r = f!(x);
        if (isPlainArray(r)) { for (let i = 0; i < r.length; i++) each(r[i]); return; }
        const it = toIterator(r, "flatMap");
        for (let y = it.next(); !y.done; y = it.next()) each(y.value);
      };
    case "mapValues": return (x) => { const kv = x as [unknown, unknown]; each([kv[0], f!(kv[1])]); };
    case "flatMapValues":
      return (x) => {
        const kv = x as [unknown, unknown];
        const key = kv[0];
        const it = toIterator(f!(kv[1]), "flatMapValues");
        for (let y = it.next(); !y.done; y = it.next()) each([key, y.value]);
      };
    case "keyBy": return (x) => each([f!(x), x]);
    case "keys": return (x) => each((x as unknown[])[0]);
    case "values": return (x) => each((x as unknown[])[1]);
    default: return undefined;
  }
}

function toIterator(x: unknown, op: string): Iterator<unknown> {
  if (x != null && typeof (x as Iterable<unknown>)[Symbol.iterator] === "function") return (x as Iterable<unknown>)[Symbol.iterator]();
  throw new ExecutionError("NOT_ITERABLE", `the function passed to ${op} must return an iterable (an array, a Set, a generator), got ${x === null ? "null" : typeof x}`);
}

function iterable<T>(it: Iterator<T>): IterableIterator<T> {
  const anyIt = it as IterableIterator<T>;
  if (typeof anyIt[Symbol.iterator] === "function") return anyIt;
  return { next: () => it.next(), [Symbol.iterator]() { return this; } };
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * Each record replaced by the records of the iterable `expand` returns for it (flatMap); with
 * `values`, each [k, v] pair by [k, x] for every x expanded from v (flatMapValues).
 */
function flatten(input: Iterator<unknown>, expand: (x: unknown) => Iterator<unknown>, values: boolean): Iterator<unknown> {
  let key: unknown;
  let inner: Iterator<unknown> | undefined;
  return {
    next: () => {
      for (;;) {
        if (inner) {
          const x = inner.next();
          if (!x.done) return values ? { done: false, value: [key, x.value] } : x;
          inner = undefined;
        }
        const r = input.next();
        if (r.done) return DONE;
        if (values) {
          const kv = r.value as [unknown, unknown];
          key = kv[0];
          inner = expand(kv[1]);
        } else inner = expand(r.value);
      }
    },
  };
}

/** Apply one narrow op to a partition's records. Tight iterator objects: this is the hot path. */
export function applyOp(op: MapOp, f: AnyFn | undefined, extra: unknown, input: Iterator<unknown>, index: number, _tc: TaskContext): Iterator<unknown> {
  switch (op) {
    case "map":
      return { next: () => { const r = input.next(); return r.done ? DONE : { done: false, value: f!(r.value) }; } };
    case "filter":
      return {
        next: () => {
          for (let r = input.next(); !r.done; r = input.next()) if (f!(r.value)) return r;
          return DONE;
        },
      };
    case "flatMap":
      return flatten(input, (x) => toIterator(f!(x), "flatMap"), false);
    case "mapValues":
      return { next: () => { const r = input.next(); if (r.done) return DONE; const kv = r.value as [unknown, unknown]; return { done: false, value: [kv[0], f!(kv[1])] }; } };
    case "flatMapValues":
      return flatten(input, (v) => toIterator(f!(v), "flatMapValues"), true);
    case "keyBy":
      return { next: () => { const r = input.next(); return r.done ? DONE : { done: false, value: [f!(r.value), r.value] }; } };
    case "keys":
      return { next: () => { const r = input.next(); return r.done ? DONE : { done: false, value: (r.value as unknown[])[0] }; } };
    case "values":
      return { next: () => { const r = input.next(); return r.done ? DONE : { done: false, value: (r.value as unknown[])[1] }; } };
    case "mapPartitions":
      return toIterator(f!(iterable(input)), "mapPartitions");
    case "mapPartitionsWithIndex":
      return toIterator(f!(index, iterable(input)), "mapPartitionsWithIndex");
    case "glom": {
      let done = false;
      return {
        next: () => {
          if (done) return DONE;
          done = true;
          const all: unknown[] = [];
          for (let r = input.next(); !r.done; r = input.next()) all.push(r.value);
          return { done: false, value: all };
        },
      };
    }
    case "sample": {
      const { withReplacement, fraction, seed } = extra as { withReplacement: boolean; fraction: number; seed: number };
      const rand = mulberry32((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
      let pending: unknown;
      let copies = 0;
      return {
        next: () => {
          for (;;) {
            if (copies > 0) { copies--; return { done: false, value: pending }; }
            const r = input.next();
            if (r.done) return DONE;
            if (withReplacement) {
              copies = poisson(fraction, rand);
              pending = r.value;
            } else if (rand() < fraction) return r;
          }
        },
      };
    }
    case "zipWithIndex": {
      let i = (extra as number[])[index] ?? 0;
      return { next: () => { const r = input.next(); return r.done ? DONE : { done: false, value: [r.value, i++] }; } };
    }
    case "zipWithUniqueId": {
      const n = extra as number;
      let k = 0;
      return { next: () => { const r = input.next(); return r.done ? DONE : { done: false, value: [r.value, k++ * n + index] }; } };
    }
  }
}

/** A small, fast seeded PRNG (deterministic samples per partition and seed). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(lambda: number, rand: () => number): number {
  const l = Math.exp(-lambda);
  let k = 0, p = 1;
  do { k++; p *= rand(); } while (p > l);
  return k - 1;
}

registerRddKind("mapPartitions", (ctx, a, [parent]) =>
  new MapPartitionsRDD(ctx, parent!, a.op, a.fn ? deserializeFunction(a.fn) as AnyFn : undefined, a.preservesPartitioning, a.extra));
