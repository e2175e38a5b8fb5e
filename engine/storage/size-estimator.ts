// Cheap estimates of how many bytes of JS heap values take, for memory budgets (block cache,
// spilling maps and sorters). We chose a structural walk with sampling over encoding: walking a
// small record costs a fraction of msgpack-encoding it, large arrays are sampled (at most
// SAMPLE elements walked), and growing collections are re-measured only at exponentially spaced
// points (SizeTracker, as Spark does). Numbers approximate V8 on 64-bit; they are for budgets, not bills.

const SLOT = 8;           // a pointer / Smi slot in an array or object
const HEADER = 16;        // object / array header
const NUM = 16;           // a heap number (non-Smi double); Smis live in the slot itself
const SAMPLE = 64;        // elements walked per large array

/** Estimated heap bytes of a value, excluding the slot that points to it. */
export function estimateSize(v: unknown, depth = 0): number {
  switch (typeof v) {
    case "number": return Number.isInteger(v) && v >= -0x40000000 && v < 0x40000000 ? 0 : NUM;
    case "string": return HEADER + v.length;
    case "boolean": case "undefined": return 0;
    case "bigint": return HEADER + 8 * Math.ceil((v < 0n ? -v : v).toString(16).length / 16 || 1);
    case "function": case "symbol": return HEADER;
  }
  if (v === null) return 0;
  if (depth > 8) return 64;   // deep structures: a flat guess keeps the walk bounded
  if (Array.isArray(v)) return HEADER + v.length * SLOT + sampledSum(v, depth + 1);
  if (ArrayBuffer.isView(v)) return HEADER + 48 + v.byteLength; // typed arrays and Buffers: their bytes, not a walk of their indices
  if (v instanceof Date) return HEADER + 8;
  if (v instanceof Map) {
    let s = HEADER + 32 + v.size * 3 * SLOT, n = 0;
    for (const [k, x] of v) { s += estimateSize(k, depth + 1) + estimateSize(x, depth + 1); if (++n >= SAMPLE) break; }
    if (n < v.size) s += ((s - (HEADER + 32 + v.size * 3 * SLOT)) / n) * (v.size - n);
    return s;
  }
  if (v instanceof Set) return estimateSize([...v], depth);
  const o = v as Record<string, unknown>;
  let s = HEADER;
  for (const k in o) s += SLOT + estimateSize(o[k], depth + 1);
  return s;
}

/** Sum of element sizes of an array; walks at most SAMPLE evenly spaced elements and extrapolates. */
function sampledSum(a: readonly unknown[], depth: number): number {
  const n = a.length;
  if (n <= SAMPLE) {
    let s = 0;
    for (let i = 0; i < n; i++) s += estimateSize(a[i], depth);
    return s;
  }
  let s = 0;
  const step = n / SAMPLE;
  for (let i = 0; i < SAMPLE; i++) s += estimateSize(a[Math.floor(i * step)], depth);
  return (s / SAMPLE) * n;
}

/** Estimated heap bytes of a partition (an array of records), sampled for large arrays. */
export function estimateArraySize(values: readonly unknown[]): number {
  return estimateSize(values);
}

/**
 * Tracks the estimated size of a growing collection the way Spark's SizeTracker does: measure
 * (with `measure`, which may itself sample) at update counts growing by 10%, and extrapolate
 * between measurements with the bytes-per-update seen between the last two.
 */
export class SizeTracker {
  private updates = 0;
  private nextSample = 1;
  private lastBytes = 0;
  private lastUpdates = 0;
  private bytesPerUpdate = 0;

  constructor(private readonly measure: () => number) {}

  afterUpdate(): void {
    this.updates++;
    if (this.updates >= this.nextSample) this.sample();
  }

  private sample(): void {
    const bytes = this.measure();
    const du = this.updates - this.lastUpdates;
    this.bytesPerUpdate = du > 0 ? Math.max(0, (bytes - this.lastBytes) / du) : 0;
    this.lastBytes = bytes;
    this.lastUpdates = this.updates;
    this.nextSample = Math.ceil(this.updates * 1.1) + 1;
  }

  /** Record `k` updates at once (equivalent to k calls of afterUpdate when k <= headroom()). */
  addUpdates(k: number): void {
    this.updates += k;
    if (this.updates >= this.nextSample) this.sample();
  }

  /**
   * How many updates can follow before a sample is due or the extrapolated estimate passes
   * `limit` (at least 1): lets a hot insert loop count down instead of checking every time.
   */
  headroom(limit: number): number {
    let n = this.nextSample - this.updates;
    if (this.bytesPerUpdate > 0) n = Math.min(n, Math.floor((limit - this.estimate) / this.bytesPerUpdate) + 1);
    return n >= 1 ? n : 1;
  }

  /** Current estimate in bytes. */
  get estimate(): number {
    return this.lastBytes + this.bytesPerUpdate * (this.updates - this.lastUpdates);
  }

  /** Forget everything (after the collection was emptied, e.g. by a spill). */
  reset(): void {
    this.updates = 0; this.nextSample = 1; this.lastBytes = 0; this.lastUpdates = 0; this.bytesPerUpdate = 0;
  }
}
