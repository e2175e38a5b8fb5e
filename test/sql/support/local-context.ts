// An in-process stand-in for the SparkContext the SQL layer needs (SqlSparkContext), for fast
// unit tests of analysis, optimization and execution semantics. Partitions are arrays; every
// shuffle and collect round-trips rows through the real codec, so values that could not cross
// the wire fail here too. Integration tests run the same queries on real workers.

import { encode, decode } from "../../../engine/common/codec";
import { hashKey } from "../../../engine/common/keys";
import type { RDD } from "../../../engine/rdd";
import type { SqlSparkContext, BroadcastLike } from "../../../engine/sql/session-types";
import { MapConf } from "../../../engine/sql/session-types";

const wire = <T>(x: T): T => decode<T>(encode(x));

export class LocalRdd<T> {
  static nextId = 1;
  readonly id = LocalRdd.nextId++;
  constructor(readonly parts: T[][]) {}
  getNumPartitions(): number { return this.parts.length; }
  mapPartitions<U>(f: (it: IterableIterator<T>) => Iterable<U>): LocalRdd<U> {
    return new LocalRdd(this.parts.map((p) => [...f(p[Symbol.iterator]())]));
  }
  mapPartitionsWithIndex<U>(f: (i: number, it: IterableIterator<T>) => Iterable<U>): LocalRdd<U> {
    return new LocalRdd(this.parts.map((p, i) => [...f(i, p[Symbol.iterator]())]));
  }
  map<U>(f: (x: T) => U): LocalRdd<U> { return new LocalRdd(this.parts.map((p) => p.map(f))); }
  flatMap<U>(f: (x: T) => Iterable<U>): LocalRdd<U> { return new LocalRdd(this.parts.map((p) => p.flatMap((x) => [...f(x)]))); }
  filter(f: (x: T) => unknown): LocalRdd<T> { return new LocalRdd(this.parts.map((p) => p.filter((x) => f(x)))); }
  groupBy<K>(f: (x: T) => K): LocalRdd<[K, T[]]> {
    const m = new Map<string, [K, T[]]>();
    for (const x of this.parts.flat()) {
      const k = f(x);
      const key = JSON.stringify(k);
      const e = m.get(key) ?? [k, []];
      e[1].push(x);
      m.set(key, e);
    }
    return new LocalRdd([[...m.values()]]);
  }
  partitionBy(n: number, fn?: (k: unknown) => number): LocalRdd<T> {
    const out: T[][] = Array.from({ length: n }, () => []);
    for (const p of this.parts) {
      for (const kv of p) {
        const k = (kv as unknown as [unknown, unknown])[0];
        const i = fn ? (((Math.trunc(Number(fn(k))) % n) + n) % n) : hashKey(k) % n;
        out[i]!.push(wire(kv));
      }
    }
    return new LocalRdd(out);
  }
  zipPartitions<U, V>(other: LocalRdd<U>, f: (a: IterableIterator<T>, b: IterableIterator<U>) => Iterable<V>): LocalRdd<V> {
    if (other.parts.length !== this.parts.length) throw new Error(`Can't zip RDDs with unequal numbers of partitions: ${this.parts.length}, ${other.parts.length}`);
    return new LocalRdd(this.parts.map((p, i) => [...f(p[Symbol.iterator](), other.parts[i]![Symbol.iterator]())]));
  }
  union(other: LocalRdd<T>): LocalRdd<T> { return new LocalRdd([...this.parts, ...other.parts]); }
  coalesce(n: number): LocalRdd<T> {
    if (n >= this.parts.length) return this;
    const out: T[][] = Array.from({ length: n }, () => []);
    this.parts.forEach((p, i) => out[Math.floor((i * n) / this.parts.length)]!.push(...p));
    return new LocalRdd(out);
  }
  repartition(n: number): LocalRdd<T> {
    const out: T[][] = Array.from({ length: n }, () => []);
    let k = 0;
    for (const p of this.parts) for (const x of p) out[k++ % n]!.push(wire(x));
    return new LocalRdd(out);
  }
  sample(_w: boolean, fraction: number, seed = 1): LocalRdd<T> {
    let s = seed >>> 0 || 1;
    const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
    return new LocalRdd(this.parts.map((p) => p.filter(() => rnd() < fraction)));
  }
  async collect(): Promise<T[]> { return wire(this.parts.flat()); }
  async count(): Promise<number> { return this.parts.flat().length; }
  persist(): this { return this; }
  cache(): this { return this; }
  unpersist(): this { return this; }
  setName(): this { return this; }
}

export class LocalSparkContext implements SqlSparkContext {
  constructor(readonly defaultParallelism = 2) {}
  parallelize<T>(data: T[], numSlices = this.defaultParallelism): RDD<T> {
    const n = Math.max(1, numSlices);
    const parts: T[][] = Array.from({ length: n }, (_, i) => wire(data.slice(Math.floor((i * data.length) / n), Math.floor(((i + 1) * data.length) / n))));
    return new LocalRdd(parts) as unknown as RDD<T>;
  }
  readSplits<S, T>(): RDD<T> {
    throw new Error("readSplits is not available in the local stand-in; use the cluster tests");
  }
  broadcast<T>(value: T): BroadcastLike<T> { return { value: wire(value) }; }
  /** A lazy LocalRdd: transformations chain on the promise of the planned RDD; collect/count run it. */
  deferredRdd<T>(build: () => Promise<RDD<T>>): RDD<T> {
    return deferredLocal(build as unknown as () => Promise<LocalRdd<T>>) as unknown as RDD<T>;
  }
  accumulator<T>(value: T, param?: { zero(initial: T): T; addInPlace(a: T, b: T): T }): { value: T; add(term: T): void } {
    const acc = { value, add(term: T) { acc.value = param ? param.addInPlace(acc.value, term) : ((acc.value as number) + (term as number)) as T; } };
    return acc;
  }
}

const LOCAL_ACTIONS = new Set(["collect", "count"]);

function deferredLocal<T>(build: () => Promise<LocalRdd<T>>): unknown {
  let planned: Promise<LocalRdd<T>> | undefined;
  const once = () => (planned ??= build());
  return new Proxy({}, {
    get(_t, prop) {
      if (prop === "then") return undefined; // not thenable: `await rdd` must not run it
      if (prop === "isDeferredLocal") return true;
      return (...args: unknown[]) => {
        const call = (r: LocalRdd<T>) => (r as unknown as Record<PropertyKey, (...a: unknown[]) => unknown>)[prop]!(...args);
        if (LOCAL_ACTIONS.has(String(prop))) return once().then(call);
        return deferredLocal(async () => call(await once()) as LocalRdd<unknown>);
      };
    },
  });
}

export function localHost(conf: Record<string, string> = {}) {
  return { sparkContext: new LocalSparkContext(), conf: new MapConf(conf) };
}
