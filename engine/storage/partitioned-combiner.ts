// The spillable combine map behind map-side combine and ExternalAppendOnlyMap. Entries live in a
// value-keyed Map; when the estimated size passes the memory limit the entries are sorted by
// (partition, key hash) and spilled as a run. Reading merges the runs with what is still in
// memory, grouping entries of equal (partition, hash) and combining those whose keys are equal,
// as Spark's ExternalAppendOnlyMap does (hash order needs no total order on keys).

import { ExecutionError } from "../common/errors";
import { hashKey, keysEqual, normalizeKey, type NormalKey } from "../common/keys";
import type { Aggregator } from "./aggregator";
import { BinaryHeap } from "./binary-heap";
import { readFrames, writeRunFile } from "./frame-file";
import { estimateSize, SizeTracker } from "./size-estimator";
import { RunStack } from "./run-stack";

interface Entry { k: unknown; c: unknown; p: number; h: number }

const ENTRY_OVERHEAD = 80;   // Map entry (with table slack) + three array slots, roughly
const SAMPLE = 32;
const SPILL_BATCH = 1024;
/** Entries up to this many are sorted through packed hash * INDEX_SPAN + index keys (2^21: hash * 2^21 < 2^53). */
const INDEX_SPAN = 1 << 21;

export interface CombinerOptions {
  dir: string;
  memoryLimitBytes: number;
  numPartitions: number;
  partition: (key: unknown) => number;
}

export class PartitionedCombiner<V, C> {
  // Entries live in parallel arrays (key, combiner, partition) indexed through the Map: no object
  // per entry, so a large map does not load the garbage collector (young-generation copies of
  // millions of live entry objects were most of a big aggregation's time).
  private index = new Map<NormalKey, number>();
  private keys: unknown[] = [];
  private combs: unknown[] = [];
  private parts: number[] = [];
  private readonly tracker: SizeTracker;
  private readonly runs = new RunStack((rs) => this.writeRun(this.mergeRuns(rs, [][Symbol.iterator]())));
  private _spillBytes = 0;
  private disposed = false;

  private readonly mergeValue: (c: C, v: V) => C;
  private readonly createCombiner: (v: V) => C;
  private readonly mergeCombiners: (a: C, b: C) => C;
  /** Updates since the tracker last heard of them, and how many may pass before it must. */
  private pending = 0;
  private budget = 1;

  constructor(private readonly agg: Aggregator<V, C>, private readonly opts: CombinerOptions) {
    this.tracker = new SizeTracker(() => this.measure());
    // Bound once (the aggregator may be a class instance using `this`), not looked up per record.
    this.mergeValue = agg.mergeValue.bind(agg);
    this.createCombiner = agg.createCombiner.bind(agg);
    this.mergeCombiners = agg.mergeCombiners.bind(agg);
  }

  get spillBytes(): number { return this._spillBytes; }
  get spillCount(): number { return this.runs.length; }
  /** Distinct keys held in memory. */
  get size(): number { return this.keys.length; }

  // The insert paths run once per record: primitive keys skip normalizeKey, and the size check
  // counts down to the next point where the tracker samples or the estimate can pass the limit.
  insert(key: unknown, value: V): void {
    const t = typeof key;
    const nk = t === "string" || t === "number" ? key as NormalKey : normalizeKey(key);
    const i = this.index.get(nk);
    if (i !== undefined) this.combs[i] = this.mergeValue(this.combs[i] as C, value);
    else this.add(nk, key, this.createCombiner(value));
    if (++this.pending >= this.budget) this.afterUpdates();
  }

  insertCombiner(key: unknown, c: C): void {
    const t = typeof key;
    const nk = t === "string" || t === "number" ? key as NormalKey : normalizeKey(key);
    const i = this.index.get(nk);
    if (i !== undefined) this.combs[i] = this.mergeCombiners(this.combs[i] as C, c);
    else this.add(nk, key, c);
    if (++this.pending >= this.budget) this.afterUpdates();
  }

  private add(nk: NormalKey, k: unknown, c: unknown): void {
    const p = this.opts.numPartitions === 1 ? 0 : this.opts.partition(k);
    if (!(Number.isInteger(p) && p >= 0 && p < this.opts.numPartitions)) {
      throw new ExecutionError("INVALID_PARTITION_ID",
        `The partitioner returned ${String(p)} for a key; expected an integer in [0, ${this.opts.numPartitions}).`,
        { parameters: { partition: p, numPartitions: this.opts.numPartitions } });
    }
    this.index.set(nk, this.keys.length);
    this.keys.push(k);
    this.combs.push(c);
    this.parts.push(p);
  }

  private afterUpdates(): void {
    this.tracker.addUpdates(this.pending);
    this.pending = 0;
    if (this.tracker.estimate > this.opts.memoryLimitBytes && this.keys.length > 0) this.spill();
    this.budget = this.tracker.headroom(this.opts.memoryLimitBytes);
  }

  private measure(): number {
    const n = this.keys.length;
    if (n === 0) return 0;
    const k = Math.min(SAMPLE, n);
    let s = 0;
    for (let i = 0; i < k; i++) {
      const j = k === n ? i : Math.floor(Math.random() * n);
      const key = this.keys[j];
      s += estimateSize(key) * (typeof key === "object" && key !== null ? 2 : 1) + estimateSize(this.combs[j]);
    }
    return (s / k + ENTRY_OVERHEAD) * n;
  }

  /**
   * The in-memory entries in (partition, hash) order, ties in insertion order, as fresh Entry
   * objects (short-lived: they die young). A counting pass buckets by partition; each bucket is
   * ordered by a native Float64Array sort of hash * 2^21 + index (exact in a double), far
   * cheaper than a comparator sort.
   */
  private *sortedMemory(): Generator<Entry, void, undefined> {
    const { keys, combs, parts } = this;
    const n = keys.length;
    const hs = new Float64Array(n);
    for (let i = 0; i < n; i++) hs[i] = hashKey(keys[i]);
    if (n >= INDEX_SPAN) {
      const order: number[] = [];
      for (let i = 0; i < n; i++) order.push(i);
      order.sort((a, b) => parts[a]! - parts[b]! || hs[a]! - hs[b]! || a - b);
      for (const i of order) yield { k: keys[i], c: combs[i], p: parts[i]!, h: hs[i]! };
      return;
    }
    const numParts = this.opts.numPartitions;
    const next = new Float64Array(numParts + 1);
    for (let i = 0; i < n; i++) next[parts[i]! + 1]++;
    for (let p = 1; p <= numParts; p++) next[p]! += next[p - 1]!;
    const bounds = Float64Array.from(next);
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[next[parts[i]!]!++] = hs[i]! * INDEX_SPAN + i;
    for (let p = 0; p < numParts; p++) if (bounds[p + 1]! - bounds[p]! > 1) packed.subarray(bounds[p]!, bounds[p + 1]!).sort();
    for (let j = 0; j < n; j++) {
      const i = packed[j]! % INDEX_SPAN;
      yield { k: keys[i], c: combs[i], p: parts[i]!, h: hs[i]! };
    }
  }

  private clearMemory(): void {
    this.index = new Map();
    this.keys = [];
    this.combs = [];
    this.parts = [];
  }

  /** Write the in-memory entries as one sorted run and start over empty. */
  private spill(): void {
    const run = this.writeRun(this.sortedMemory());
    this.clearMemory();
    this.tracker.reset();
    this.runs.push(run);
  }

  private writeRun(entries: Iterable<Entry>): string {
    const { path, bytes } = writeRunFile(this.opts.dir, "spill-combine", entries, SPILL_BATCH * 4, (f, e) => { f.push(e.p, e.h, e.k, e.c); });
    this._spillBytes += bytes;
    return path;
  }

  /**
   * All combined entries as [partition, key, combiner], in non-decreasing partition order. Without
   * spills, keys of one partition come in insertion order; after spills, in hash order.
   */
  *entries(): Generator<[number, unknown, C]> {
    const { keys, combs, parts } = this;
    if (this.runs.length === 0) {
      if (this.opts.numPartitions === 1) {
        for (let i = 0; i < keys.length; i++) yield [0, keys[i], combs[i] as C];
        return;
      }
      const buckets: number[][] = Array.from({ length: this.opts.numPartitions }, () => []);
      for (let i = 0; i < keys.length; i++) buckets[parts[i]!]!.push(i);
      for (let p = 0; p < buckets.length; p++) for (const i of buckets[p]!) yield [p, keys[i], combs[i] as C];
      return;
    }
    for (const e of this.mergeRuns(this.runs.paths, this.sortedMemory())) yield [e.p, e.k, e.c as C];
  }

  /** Merge sorted runs (files) and a sorted in-memory list into one (partition, hash)-ordered stream. */
  private *mergeRuns(runs: readonly string[], memory: Iterator<Entry>): Generator<Entry, void, undefined> {
    interface Stream { head: Entry; next: () => Entry | undefined }
    const streams: Stream[] = [];
    const memNext = () => { const r = memory.next(); return r.done ? undefined : r.value; };
    const first = memNext();
    if (first) streams.push({ head: first, next: memNext });
    // Run readers hold open files: close them however the merge ends (done, break, or throw).
    const open: Array<Generator<Entry>> = [];
    try {
      for (const path of runs) {
        const it = runEntries(path);
        open.push(it);
        const next = () => { const r = it.next(); return r.done ? undefined : r.value; };
        const h = next();
        if (h) streams.push({ head: h, next });
      }
      yield* this.mergeStreams(streams);
    } finally {
      for (const it of open) it.return(undefined);
    }
  }

  private *mergeStreams(streams: Array<{ head: Entry; next: () => Entry | undefined }>): Generator<Entry, void, undefined> {
    type Stream = (typeof streams)[number];
    const heap = new BinaryHeap<Stream>((a, b) => a.head.p < b.head.p || (a.head.p === b.head.p && a.head.h < b.head.h));
    for (const s of streams) heap.push(s);
    const group: Entry[] = [];
    while (heap.size > 0) {
      const { p, h } = heap.peek()!.head;
      group.length = 0;
      while (heap.size > 0 && heap.peek()!.head.p === p && heap.peek()!.head.h === h) {
        const s = heap.pop()!;
        group.push(s.head);
        const n = s.next();
        if (n) { s.head = n; heap.push(s); }
      }
      if (group.length === 1) {
        yield group[0]!;
        continue;
      }
      // Same hash: combine entries whose keys are equal; distinct keys that collide stay apart.
      const out: Entry[] = [];
      for (const e of group) {
        const same = out.find((o) => keysEqual(o.k, e.k));
        if (same) same.c = this.agg.mergeCombiners(same.c as C, e.c as C);
        else out.push({ ...e });
      }
      for (const e of out) yield e;
    }
  }

  /** Delete spill files and drop the in-memory entries. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.runs.clear();
    this.clearMemory();
  }
}

function* runEntries(path: string): Generator<Entry> {
  for (const b of readFrames(path)) {
    for (let i = 0; i < b.length; i += 4) {
      yield { p: b[i] as number, h: b[i + 1] as number, k: b[i + 2], c: b[i + 3] };
    }
  }
}
