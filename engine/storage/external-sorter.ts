// Sorting with spill (sortByKey, sort-merge joins): records buffer in memory up to the limit, are
// sorted and spilled as runs, and sorted() merges the runs with the in-memory rest. The sort is
// stable: ties keep insertion order (earlier runs win ties, the in-memory rest comes last).

import { BinaryHeap } from "./binary-heap";
import { readFrames, writeRunFile } from "./frame-file";
import { estimateSize, SizeTracker } from "./size-estimator";
import { RunStack } from "./run-stack";

const SAMPLE = 32;
const SLOT = 8;
const SPILL_BATCH = 2048;

export class ExternalSorter<T> {
  private items: T[] = [];
  private readonly tracker: SizeTracker;
  private readonly runs = new RunStack((rs) => this.writeRun(this.merge(rs, [])));
  private _spillBytes = 0;

  constructor(private readonly compare: (a: T, b: T) => number, private readonly opts: { dir: string; memoryLimitBytes: number }) {
    this.tracker = new SizeTracker(() => this.measure());
  }

  get spillBytes(): number { return this._spillBytes; }
  get spillCount(): number { return this.runs.length; }

  insert(x: T): void {
    this.items.push(x);
    this.tracker.afterUpdate();
    if (this.tracker.estimate > this.opts.memoryLimitBytes) this.spill();
  }

  insertAll(it: Iterable<T>): void {
    for (const x of it) this.insert(x);
  }

  private measure(): number {
    const n = this.items.length;
    if (n === 0) return 0;
    const k = Math.min(SAMPLE, n);
    let s = 0;
    for (let i = 0; i < k; i++) s += estimateSize(this.items[k === n ? i : Math.floor(Math.random() * n)]);
    return (s / k + SLOT) * n;
  }

  private spill(): void {
    const run = this.writeRun(this.items.sort(this.compare));
    this.items = [];
    this.tracker.reset();
    this.runs.push(run);
  }

  private writeRun(items: Iterable<T>): string {
    const { path, bytes } = writeRunFile(this.opts.dir, "spill-sort", items, SPILL_BATCH);
    this._spillBytes += bytes;
    return path;
  }

  /** All inserted records in order. Iterate it once; then dispose(). */
  *sorted(): Generator<T> {
    const mem = this.items.sort(this.compare);
    if (this.runs.length === 0) { for (const x of mem) yield x; return; }
    for (const x of this.merge(this.runs.paths, mem)) yield x;
  }

  /** Stable k-way merge of sorted runs (in insertion order) followed by a sorted in-memory rest. */
  private *merge(runs: readonly string[], mem: T[]): Generator<T, void, undefined> {
    interface Stream { head: T; rank: number; next: () => IteratorResult<T> }
    const heap = new BinaryHeap<Stream>((a, b) => {
      const c = this.compare(a.head, b.head);
      return c < 0 || (c === 0 && a.rank < b.rank);
    });
    const readers = runs.map((p) => runItems<T>(p));
    // Run readers hold open files: close them however the merge ends (done, break, or throw).
    try {
      const sources: Iterator<T>[] = [...readers, mem[Symbol.iterator]()];
      sources.forEach((it, rank) => {
        const r = it.next();
        if (!r.done) heap.push({ head: r.value, rank, next: () => it.next() });
      });
      while (heap.size > 0) {
        const s = heap.pop()!;
        yield s.head;
        const r = s.next();
        if (!r.done) { s.head = r.value; heap.push(s); }
      }
    } finally {
      for (const it of readers) it.return(undefined);
    }
  }

  /** sorted() that disposes the sorter (deleting its runs) when iteration ends or is abandoned. */
  *drain(): Generator<T, void, undefined> {
    try {
      for (const x of this.sorted()) yield x;
    } finally {
      this.dispose();
    }
  }

  dispose(): void {
    this.runs.clear();
    this.items = [];
  }
}

function* runItems<T>(path: string): Generator<T, void, undefined> {
  for (const b of readFrames(path)) for (const x of b as T[]) yield x;
}
