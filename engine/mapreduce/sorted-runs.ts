// Sorted runs of (key, value) records in frame files: writing a partitioned run (one segment per
// reduce partition, an offsets table as the index), reading a segment back, merging k sorted runs
// (a heap, stable by run order), and walking groups of equal keys.

import { closeSync, openSync } from "node:fs";
import { FrameWriter, readFrames } from "../storage/frame-file";

const BATCH = 4096;

/** Writes records partition by partition; `offsets[p]..offsets[p+1]` is partition p's segment. */
export class PartitionedRunWriter {
  private readonly fd: number;
  private readonly w: FrameWriter;
  private flat: unknown[] = [];
  private current = 0;
  readonly offsets: number[] = [0];
  readonly records: number[] = [];

  constructor(readonly path: string, private readonly numPartitions: number) {
    this.fd = openSync(path, "w");
    this.w = new FrameWriter(this.fd);
  }

  /** Records must arrive in partition order. */
  write(partition: number, key: unknown, value: unknown): void {
    while (this.current < partition) this.endPartition();
    this.flat.push(key, value);
    this.records[this.current] = (this.records[this.current] ?? 0) + 1;
    if (this.flat.length >= BATCH * 2) this.flushBatch();
  }

  private flushBatch(): void {
    if (this.flat.length) this.w.writeBatch(this.flat);
    this.flat = [];
  }

  private endPartition(): void {
    this.flushBatch();
    this.records[this.current] ??= 0;
    this.offsets.push(this.w.position);
    this.current++;
  }

  /** Finish every partition and close; returns the offsets (numPartitions + 1 entries). */
  close(): number[] {
    while (this.current < this.numPartitions) this.endPartition();
    this.w.flush();
    closeSync(this.fd);
    return this.offsets;
  }
}

/** The records of one segment [start, end) of a run file. */
export function readSegment(path: string, start: number, end: number): Array<[unknown, unknown]> {
  const out: Array<[unknown, unknown]> = [];
  for (const flat of readFrames(path, start, end)) for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

/** Merge sorted runs into one sorted sequence; equal keys keep run order (then position). */
export function mergeRuns<T extends [unknown, unknown]>(runs: T[][], cmp: (a: unknown, b: unknown) => number): T[] {
  const live = runs.filter((r) => r.length > 0);
  if (live.length === 0) return [];
  if (live.length === 1) return live[0]!;
  const pos = live.map(() => 0);
  // heap of run indexes ordered by their current head
  const heap: number[] = [];
  const less = (a: number, b: number): boolean => {
    const c = cmp(live[a]![pos[a]!]![0], live[b]![pos[b]!]![0]);
    return c < 0 || (c === 0 && a < b);
  };
  const up = (i: number): void => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let i = 0; i < live.length; i++) { heap.push(i); up(heap.length - 1); }
  const out: T[] = [];
  while (heap.length) {
    const r = heap[0]!;
    out.push(live[r]![pos[r]!]!);
    pos[r]!++;
    if (pos[r]! >= live[r]!.length) {
      const last = heap.pop()!;
      if (heap.length) { heap[0] = last; down(0); }
    } else down(0);
  }
  return out;
}

/** Walk consecutive groups: records whose key compares equal (by `group`) to the previous one's. */
export function forEachGroup(
  recs: ReadonlyArray<readonly [unknown, unknown]>,
  group: (a: unknown, b: unknown) => number,
  each: (key: unknown, values: unknown[]) => void,
): number {
  let groups = 0;
  let i = 0;
  while (i < recs.length) {
    const key = recs[i]![0];
    const values = [recs[i]![1]];
    let j = i + 1;
    while (j < recs.length && group(recs[j - 1]![0], recs[j]![0]) === 0) { values.push(recs[j]![1]); j++; }
    groups++;
    each(key, values);
    i = j;
  }
  return groups;
}
