// The PySpark transformation surface of RDD. Every method only builds a new RDD (lazy); pair
// operations are typed with `this: RDD<[K, V]>` so using them on non-pairs fails to compile.
// Shuffles are created here through ShuffledRDD / CoGroupedRDD with Spark's choices (map-side
// combine for reduceByKey and friends, none for groupByKey, range partitioning for sorts).

import { normalizeKey } from "../common/keys";
import { WorkbenchError } from "../common/errors";
import { RDD } from "./rdd";
import { MapPartitionsRDD } from "./map-partitions-rdd";
import { ShuffledRDD } from "./shuffled-rdd";
import { CoGroupedRDD } from "./cogrouped-rdd";
import { CartesianRDD, CoalescedRDD, UnionRDD, ZippedPartitionsRDD } from "./union-rdd";
import { FunctionPartitioner, HashPartitioner, RangePartitioner, type Partitioner } from "./partitioner";
import { deferUntilJob } from "./deferred";
import { sampleKeysForRange } from "./range-bounds";

type Pair<K, V> = [K, V];

declare module "./rdd" {
  interface RDD<T> {
    map<U>(f: (x: T) => U, preservesPartitioning?: boolean): RDD<U>;
    flatMap<U>(f: (x: T) => Iterable<U>, preservesPartitioning?: boolean): RDD<U>;
    filter(f: (x: T) => unknown): RDD<T>;
    mapPartitions<U>(f: (it: IterableIterator<T>) => Iterable<U>, preservesPartitioning?: boolean): RDD<U>;
    mapPartitionsWithIndex<U>(f: (index: number, it: IterableIterator<T>) => Iterable<U>, preservesPartitioning?: boolean): RDD<U>;
    keyBy<K>(f: (x: T) => K): RDD<[K, T]>;
    glom(): RDD<T[]>;
    distinct(numPartitions?: number): RDD<T>;
    union(other: RDD<T>): RDD<T>;
    intersection(other: RDD<T>, numPartitions?: number): RDD<T>;
    subtract(other: RDD<T>, numPartitions?: number): RDD<T>;
    cartesian<U>(other: RDD<U>): RDD<[T, U]>;
    sample(withReplacement: boolean, fraction: number, seed?: number): RDD<T>;
    groupBy<K>(f: (x: T) => K, numPartitions?: number): RDD<[K, T[]]>;
    sortBy<K>(keyfunc: (x: T) => K, ascending?: boolean, numPartitions?: number): RDD<T>;
    repartition(numPartitions: number): RDD<T>;
    coalesce(numPartitions: number, shuffle?: boolean): RDD<T>;
    zipWithIndex(): RDD<[T, number]>;
    zipWithUniqueId(): RDD<[T, number]>;
    zip<U>(other: RDD<U>): RDD<[T, U]>;
    zipPartitions<U, V>(other: RDD<U>, f: (a: IterableIterator<T>, b: IterableIterator<U>) => Iterable<V>): RDD<V>;

    mapValues<K, V, W>(this: RDD<Pair<K, V>>, f: (v: V) => W): RDD<[K, W]>;
    flatMapValues<K, V, W>(this: RDD<Pair<K, V>>, f: (v: V) => Iterable<W>): RDD<[K, W]>;
    keys<K, V>(this: RDD<Pair<K, V>>): RDD<K>;
    values<K, V>(this: RDD<Pair<K, V>>): RDD<V>;
    partitionBy<K, V>(this: RDD<Pair<K, V>>, numPartitions: number, partitionFunc?: (key: K) => number): RDD<[K, V]>;
    combineByKey<K, V, C>(this: RDD<Pair<K, V>>, createCombiner: (v: V) => C, mergeValue: (c: C, v: V) => C, mergeCombiners: (a: C, b: C) => C, numPartitions?: number, partitionFunc?: (key: K) => number): RDD<[K, C]>;
    reduceByKey<K, V>(this: RDD<Pair<K, V>>, f: (a: V, b: V) => V, numPartitions?: number, partitionFunc?: (key: K) => number): RDD<[K, V]>;
    foldByKey<K, V>(this: RDD<Pair<K, V>>, zeroValue: V, f: (a: V, b: V) => V, numPartitions?: number): RDD<[K, V]>;
    aggregateByKey<K, V, U>(this: RDD<Pair<K, V>>, zeroValue: U, seqFunc: (acc: U, v: V) => U, combFunc: (a: U, b: U) => U, numPartitions?: number): RDD<[K, U]>;
    groupByKey<K, V>(this: RDD<Pair<K, V>>, numPartitions?: number, partitionFunc?: (key: K) => number): RDD<[K, V[]]>;
    sortByKey<K, V>(this: RDD<Pair<K, V>>, ascending?: boolean, numPartitions?: number, keyfunc?: (k: K) => unknown): RDD<[K, V]>;
    cogroup<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, numPartitions?: number): RDD<[K, [V[], W[]]]>;
    groupWith<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>): RDD<[K, [V[], W[]]]>;
    join<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, numPartitions?: number): RDD<[K, [V, W]]>;
    leftOuterJoin<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, numPartitions?: number): RDD<[K, [V, W | null]]>;
    rightOuterJoin<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, numPartitions?: number): RDD<[K, [V | null, W]]>;
    fullOuterJoin<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, numPartitions?: number): RDD<[K, [V | null, W | null]]>;
    subtractByKey<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, numPartitions?: number): RDD<[K, V]>;
  }
}

// Implementations are loosely typed; the declarations above give users the precise types.
const P: any = RDD.prototype;

function narrow<T, U>(self: RDD<T>, op: ConstructorParameters<typeof MapPartitionsRDD>[2], f: ((...a: any[]) => any) | undefined, preserves = false, extra?: unknown, opName?: string): RDD<U> {
  return new MapPartitionsRDD<T, U>(self.context, self, op, f, preserves, extra, opName ?? op);
}

function checkFn(f: unknown, op: string): void {
  if (typeof f !== "function") throw new WorkbenchError("INVALID_ARGUMENT", `${op} expects a function, got ${f === null ? "null" : typeof f}`);
}

function numParts(self: RDD<unknown>, n: number | undefined): number {
  if (n === undefined || n === null) return self.partitioner?.numPartitions ?? Math.max(self.getNumPartitions(), 1);
  if (!Number.isInteger(n) || n <= 0) throw new WorkbenchError("INVALID_ARGUMENT", `numPartitions must be a positive integer, got ${n}`);
  return n;
}

function partitionerFor(n: number, partitionFunc?: (k: any) => number): Partitioner {
  return partitionFunc ? new FunctionPartitioner(n, partitionFunc) : new HashPartitioner(n);
}

P.map = function (this: RDD<any>, f: (x: any) => any, preserves = false) { checkFn(f, "map"); return narrow(this, "map", f, preserves); };
P.flatMap = function (this: RDD<any>, f: (x: any) => any, preserves = false) { checkFn(f, "flatMap"); return narrow(this, "flatMap", f, preserves); };
P.filter = function (this: RDD<any>, f: (x: any) => any) { checkFn(f, "filter"); return narrow(this, "filter", f, true); };
P.mapPartitions = function (this: RDD<any>, f: (x: any) => any, preserves = false) { checkFn(f, "mapPartitions"); return narrow(this, "mapPartitions", f, preserves); };
P.mapPartitionsWithIndex = function (this: RDD<any>, f: (i: number, x: any) => any, preserves = false) { checkFn(f, "mapPartitionsWithIndex"); return narrow(this, "mapPartitionsWithIndex", f, preserves); };
P.keyBy = function (this: RDD<any>, f: (x: any) => any) { checkFn(f, "keyBy"); return narrow(this, "keyBy", f); };
P.glom = function (this: RDD<any>) { return narrow(this, "glom", undefined); };
P.mapValues = function (this: RDD<any>, f: (x: any) => any) { checkFn(f, "mapValues"); return narrow(this, "mapValues", f, true); };
P.flatMapValues = function (this: RDD<any>, f: (x: any) => any) { checkFn(f, "flatMapValues"); return narrow(this, "flatMapValues", f, true); };
P.keys = function (this: RDD<any>) { return narrow(this, "keys", undefined); };
P.values = function (this: RDD<any>) { return narrow(this, "values", undefined); };

P.sample = function (this: RDD<any>, withReplacement: boolean, fraction: number, seed?: number) {
  if (!(fraction >= 0)) throw new WorkbenchError("INVALID_ARGUMENT", `Fraction must be nonnegative, got ${fraction}`);
  if (!withReplacement && fraction > 1) throw new WorkbenchError("INVALID_ARGUMENT", `Fraction must be in [0, 1] when sampling without replacement, got ${fraction}`);
  return narrow(this, "sample", undefined, true, { withReplacement, fraction, seed: seed ?? Math.floor(Math.random() * 2 ** 31) });
};

P.union = function (this: RDD<any>, other: RDD<any>) { return new UnionRDD(this.context, [this, other]); };

P.cartesian = function (this: RDD<any>, other: RDD<any>) { return new CartesianRDD(this.context, this, other); };

P.zipPartitions = function (this: RDD<any>, other: RDD<any>, f: (a: any, b: any) => any) { checkFn(f, "zipPartitions"); return new ZippedPartitionsRDD(this.context, this, other, f); };

P.zip = function (this: RDD<any>, other: RDD<any>) {
  return new ZippedPartitionsRDD(this.context, this, other, function* (a: IterableIterator<unknown>, b: IterableIterator<unknown>) {
    for (;;) {
      const x = a.next(), y = b.next();
      if (x.done && y.done) return;
      if (x.done || y.done) throw new Error("Can only zip RDDs with same number of elements in each partition");
      yield [x.value, y.value];
    }
  }, "zip");
};

P.combineByKey = function (this: RDD<any>, createCombiner: any, mergeValue: any, mergeCombiners: any, numPartitions?: number, partitionFunc?: any) {
  for (const [f, n] of [[createCombiner, "createCombiner"], [mergeValue, "mergeValue"], [mergeCombiners, "mergeCombiners"]] as const) checkFn(f, `combineByKey(${n})`);
  const n = numParts(this, numPartitions);
  const part = partitionerFor(n, partitionFunc);
  const aggregator = { createCombiner, mergeValue, mergeCombiners };
  if (part.equals(this.partitioner)) {
    // Already partitioned this way: combine within partitions, no shuffle (Spark does the same).
    return narrow(this, "mapPartitions", combineLocally(aggregator), true, undefined, "combineByKey");
  }
  return new ShuffledRDD(this.context, this, part, { aggregator, mapSideCombine: true, op: "combineByKey" });
};

function combineLocally(agg: { createCombiner: any; mergeValue: any; mergeCombiners: any }) {
  const { createCombiner, mergeValue } = agg;
  // Key identity is common/keys' (the shuffle's): bigints, Maps and Dates compare by value.
  const canon = normalizeKey;
  return function (it: Iterable<[unknown, unknown]>) {
    const m = new Map<unknown, [unknown, unknown]>();
    for (const [k, v] of it) {
      const ck = canon(k);
      const e = m.get(ck);
      if (e) e[1] = mergeValue(e[1], v);
      else m.set(ck, [k, createCombiner(v)]);
    }
    return m.values();
  };
}

P.reduceByKey = function (this: RDD<any>, f: any, numPartitions?: number, partitionFunc?: any) {
  checkFn(f, "reduceByKey");
  const r = this.combineByKey((v: unknown) => v, f, f, numPartitions, partitionFunc);
  r.callSite = r.callSite.replace(/^combineByKey/, "reduceByKey");
  return r;
};

P.foldByKey = function (this: RDD<any>, zeroValue: any, f: any, numPartitions?: number) {
  checkFn(f, "foldByKey");
  const zero = structuredClone(zeroValue);
  const r = this.combineByKey((v: unknown) => f(structuredClone(zero), v), f, f, numPartitions);
  r.callSite = r.callSite.replace(/^combineByKey/, "foldByKey");
  return r;
};

P.aggregateByKey = function (this: RDD<any>, zeroValue: any, seqFunc: any, combFunc: any, numPartitions?: number) {
  checkFn(seqFunc, "aggregateByKey"); checkFn(combFunc, "aggregateByKey");
  const zero = structuredClone(zeroValue);
  const r = this.combineByKey((v: unknown) => seqFunc(structuredClone(zero), v), seqFunc, combFunc, numPartitions);
  r.callSite = r.callSite.replace(/^combineByKey/, "aggregateByKey");
  return r;
};

P.groupByKey = function (this: RDD<any>, numPartitions?: number, partitionFunc?: any) {
  const n = numParts(this, numPartitions);
  const part = partitionerFor(n, partitionFunc);
  const aggregator: { createCombiner: any; mergeValue: any; mergeCombiners: any } = {
    createCombiner: (v: unknown) => [v],
    mergeValue: (c: unknown[], v: unknown) => { c.push(v); return c; },
    mergeCombiners: (a: unknown[], b: unknown[]) => { for (const x of b) a.push(x); return a; },
  };
  if (part.equals(this.partitioner)) return narrow(this, "mapPartitions", combineLocally(aggregator), true, undefined, "groupByKey");
  // No map-side combine: it would not shrink the data (Spark disables it for groupByKey too).
  return new ShuffledRDD(this.context, this, part, { aggregator, mapSideCombine: false, op: "groupByKey" });
};

P.partitionBy = function (this: RDD<any>, numPartitions: number, partitionFunc?: any) {
  const part = partitionerFor(numParts(this, numPartitions), partitionFunc);
  if (part.equals(this.partitioner)) return this;
  return new ShuffledRDD(this.context, this, part, { op: "partitionBy" });
};

P.groupBy = function (this: RDD<any>, f: any, numPartitions?: number) {
  checkFn(f, "groupBy");
  return this.keyBy(f).groupByKey(numPartitions);
};

P.distinct = function (this: RDD<any>, numPartitions?: number) {
  const r = this.map((x: unknown) => [x, null] as [unknown, null]).reduceByKey((a: null) => a, numPartitions).map((kv: [unknown, unknown]) => kv[0]);
  return r;
};

P.cogroup = function (this: RDD<any>, other: RDD<any>, numPartitions?: number) {
  const n = numPartitions ?? Math.max(this.partitioner?.numPartitions ?? this.getNumPartitions(), other.partitioner?.numPartitions ?? other.getNumPartitions());
  const part = this.partitioner && this.partitioner.numPartitions === n ? this.partitioner : new HashPartitioner(n);
  return new CoGroupedRDD(this.context, [this, other], part);
};
P.groupWith = function (this: RDD<any>, other: RDD<any>) { return this.cogroup(other); };

P.join = function (this: RDD<any>, other: RDD<any>, numPartitions?: number) {
  return this.cogroup(other, numPartitions).flatMapValues(([vs, ws]: [unknown[], unknown[]]) => {
    const out: unknown[] = [];
    for (const v of vs) for (const w of ws) out.push([v, w]);
    return out;
  });
};
P.leftOuterJoin = function (this: RDD<any>, other: RDD<any>, numPartitions?: number) {
  return this.cogroup(other, numPartitions).flatMapValues(([vs, ws]: [unknown[], unknown[]]) => {
    const out: unknown[] = [];
    for (const v of vs) { if (ws.length === 0) out.push([v, null]); else for (const w of ws) out.push([v, w]); }
    return out;
  });
};
P.rightOuterJoin = function (this: RDD<any>, other: RDD<any>, numPartitions?: number) {
  return this.cogroup(other, numPartitions).flatMapValues(([vs, ws]: [unknown[], unknown[]]) => {
    const out: unknown[] = [];
    for (const w of ws) { if (vs.length === 0) out.push([null, w]); else for (const v of vs) out.push([v, w]); }
    return out;
  });
};
P.fullOuterJoin = function (this: RDD<any>, other: RDD<any>, numPartitions?: number) {
  return this.cogroup(other, numPartitions).flatMapValues(([vs, ws]: [unknown[], unknown[]]) => {
    const out: unknown[] = [];
    if (vs.length === 0) for (const w of ws) out.push([null, w]);
    else if (ws.length === 0) for (const v of vs) out.push([v, null]);
    else for (const v of vs) for (const w of ws) out.push([v, w]);
    return out;
  });
};
P.subtractByKey = function (this: RDD<any>, other: RDD<any>, numPartitions?: number) {
  return this.cogroup(other, numPartitions)
    .filter(([, [vs, ws]]: [unknown, [unknown[], unknown[]]]) => vs.length > 0 && ws.length === 0)
    .flatMapValues(([vs]: [unknown[], unknown[]]) => vs);
};
P.subtract = function (this: RDD<any>, other: RDD<any>, numPartitions?: number) {
  const a = this.map((x: unknown): [unknown, boolean] => [x, true]);
  const b = other.map((x: unknown): [unknown, boolean] => [x, true]);
  return a.subtractByKey(b, numPartitions).keys();
};
P.intersection = function (this: RDD<any>, other: RDD<any>, numPartitions?: number) {
  return this.map((x: unknown): [unknown, null] => [x, null]).cogroup(other.map((x: unknown): [unknown, null] => [x, null]), numPartitions)
    .filter(([, [a, b]]: [unknown, [unknown[], unknown[]]]) => a.length > 0 && b.length > 0)
    .keys();
};

P.sortByKey = function (this: RDD<any>, ascending = true, numPartitions?: number, keyfunc?: (k: any) => unknown) {
  const n = numParts(this, numPartitions);
  const keyed: RDD<[unknown, unknown]> = keyfunc ? this.map((kv: [unknown, unknown]) => [keyfunc(kv[0]), kv]) : this;
  const part = new RangePartitioner([], ascending, n);
  const sorted = new ShuffledRDD(this.context, keyed, part, { keyOrdering: { ascending }, op: "sortByKey" });
  // Range bounds come from a sample of the keys, taken by a job when the first action runs
  // (Spark takes it eagerly when sortByKey is called; here the API stays synchronous).
  deferUntilJob(sorted, async () => {
    if (n > 1) part.setBounds(await sampleKeysForRange(keyed, n, ascending));
  });
  return keyfunc ? (sorted as RDD<any>).map((kv: [unknown, [unknown, unknown]]) => kv[1], true) : sorted;
};

P.sortBy = function (this: RDD<any>, keyfunc: any, ascending = true, numPartitions?: number) {
  checkFn(keyfunc, "sortBy");
  return this.keyBy(keyfunc).sortByKey(ascending, numPartitions).values();
};

P.coalesce = function (this: RDD<any>, numPartitions: number, shuffle = false) {
  if (!Number.isInteger(numPartitions) || numPartitions <= 0) throw new WorkbenchError("INVALID_ARGUMENT", `Number of partitions (${numPartitions}) must be positive.`);
  if (shuffle) {
    const n = numPartitions;
    const distributed = this.mapPartitionsWithIndex(function* (index: number, it: Iterable<unknown>): Generator<[number, unknown]> {
      let pos = (Math.imul(index + 1, 0x9e3779b1) >>> 0) % n;
      for (const x of it) yield [pos++ % n, x];
    });
    return distributed.partitionBy(n, (k: number) => k).values();
  }
  if (numPartitions >= this.getNumPartitions()) return this;
  return new CoalescedRDD(this.context, this, CoalescedRDD.groupsFor(this.getNumPartitions(), numPartitions));
};
P.repartition = function (this: RDD<any>, numPartitions: number) { return this.coalesce(numPartitions, true); };

P.zipWithIndex = function (this: RDD<any>) {
  const offsets: number[] = [];
  const r = narrow<any, [any, number]>(this, "zipWithIndex", undefined, false, offsets);
  // Partition sizes come from a counting job when the first action runs (Spark runs it eagerly).
  deferUntilJob(r, async () => {
    const counts = await this.context.runJob(this, countIterator, { callSite: r.callSite });
    let acc = 0;
    counts.forEach((c, i) => { offsets[i] = acc; acc += c; });
  });
  return r;
};
P.zipWithUniqueId = function (this: RDD<any>) { return narrow(this, "zipWithUniqueId", undefined, false, this.getNumPartitions()); };

function countIterator(it: Iterator<unknown>): number {
  let n = 0;
  while (!it.next().done) n++;
  return n;
}
