// Data on the DAG's edges: a map task keeps a few of the records it emits into a shuffle, with the
// reducer each went to and the partitioner's arithmetic for it. Bounded so it costs little: at
// most SAMPLES_PER_MAP records per task, two per reducer, looked for among the first SCAN_LIMIT
// records; each kept as text of at most 100 characters.

import type { EdgeSample } from "../common/job-info";
import type { Partitioner } from "../rdd";

export const SAMPLES_PER_MAP = 16;
const PER_REDUCER = 2;
const SCAN_LIMIT = 10_000;
const MAX_TEXT = 100;

/** A record as short text: JSON where it can be (bigints, Dates, Maps and typed arrays readable), cut at 100 characters. */
export function recordText(x: unknown): string {
  let t: string;
  try {
    t = JSON.stringify(x, (_k, v: unknown) => {
      if (typeof v === "bigint") return `${v}n`;
      if (v instanceof Map) return Object.fromEntries(v);
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      return v;
    }) ?? String(x);
  } catch {
    t = String(x);
  }
  return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT - 1)}…` : t;
}

export class EdgeSampler {
  readonly samples: EdgeSample[] = [];
  private seen = 0;
  private readonly taken: Uint8Array;

  constructor(private readonly partitioner: Partitioner, private readonly mapId: number) {
    this.taken = new Uint8Array(partitioner.numPartitions);
  }

  /** Looks at one emitted record; false once it wants no more (enough samples, or far enough in). */
  offer(rec: readonly [unknown, unknown]): boolean {
    if (this.samples.length >= SAMPLES_PER_MAP || this.seen++ >= SCAN_LIMIT) return false;
    const r = this.partitioner.getPartition(rec[0]);
    if (this.taken[r]! < PER_REDUCER) {
      this.taken[r]!++;
      this.samples.push({ mapId: this.mapId, reduceId: r, record: recordText(rec), how: this.partitioner.explain(rec[0]) });
    }
    return this.samples.length < SAMPLES_PER_MAP;
  }
}
