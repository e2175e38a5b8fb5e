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

/**
 * A record as short text: JSON where it can be (bigints, Dates, Maps and typed arrays readable), cut
 * at 100 characters. Arrays, typed arrays and strings longer than that are cut before they are
 * written (their first 100 elements already make more text than is kept, so the text is the same):
 * a shuffle record can be a whole column bucket (Pregel's), and writing it all to keep 100
 * characters cost a third of the build.
 */
export function recordText(x: unknown): string {
  let t: string;
  try {
    t = JSON.stringify(x, (_k, v: unknown) => {
      if (typeof v === "bigint") return `${v}n`;
      if (typeof v === "string") return v.length > MAX_TEXT ? v.slice(0, MAX_TEXT) : v;
      if (v instanceof Map) return Object.fromEntries(v);
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        const a = v as unknown as ArrayLike<number> & { subarray(s: number, e: number): ArrayLike<number> };
        return Array.from(a.length > MAX_TEXT ? a.subarray(0, MAX_TEXT) : a);
      }
      if (Array.isArray(v) && v.length > MAX_TEXT) return v.slice(0, MAX_TEXT);
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
