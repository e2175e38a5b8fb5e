// The map side of a shuffle: route each record to its reduce partition and write ONE data file
// plus an index (Spark's sort-based shuffle). Without an aggregator, records are batched per
// partition into encoded frames; past the memory limit the frames spill to a file laid out by
// partition, and the final file concatenates each partition's spilled and in-memory frames (no
// re-encoding, like Spark's unsafe shuffle merge). With an aggregator, a PartitionedCombiner does
// map-side combine with sorted spills. Commit is atomic: temp files, then rename index last.

import { closeSync, openSync, readSync, renameSync, statSync, writeFileSync } from "node:fs";
import { ExecutionError } from "../common/errors";
import type { EdgeSample } from "../common/job-info";
import type { Aggregator } from "./aggregator";
import { FrameWriter } from "./frame-file";
import { encodePairFrame } from "./pair-frame";
import { PartitionedCombiner } from "./partitioned-combiner";
import { encodeIndex, readShuffleIndex, shuffleDataPath, shuffleIndexPath } from "./shuffle-files";
import { estimateSize } from "./size-estimator";
import { RunStack } from "./run-stack";
import { ensureDir, removeQuietly, tempPath } from "./spill-files";

/** What a finished map task reports to the driver. */
export interface MapStatus {
  shuffleId: number;
  mapId: number;
  /** Bytes per reduce partition (0 = empty block). */
  sizes: number[];
  /** Records per reduce partition. */
  records: number[];
  spillBytes: number;
  /** Records handed to the writer (before map-side combine; equals sum(records) without one). */
  inputRecords: number;
  /** Wall time of the whole write call, ms (includes computing the records it pulls). */
  writeTimeMs: number;
  /**
   * Time in the shuffle writer's own batch work, ms: encoding frames, spilling, sorting and
   * merging combined entries, writing the data file. Per-record routing (partitioner call,
   * appending to a batch) and the upstream pipeline are not included (Spark's shuffle write time
   * also counts only the writer, not the records' computation).
   */
  writerMs: number;
  /** A few records of what the task emitted, by reducer (data on the DAG's edges; set by the task runner). */
  samples?: EdgeSample[];
}

export interface ShuffleWriteOptions {
  dir: string;
  shuffleId: number;
  mapId: number;
  numPartitions: number;
  /** The records: an iterable, or a function that pushes each record (the pipeline's push mode). */
  records: Iterable<readonly [unknown, unknown]> | ((each: (rec: readonly [unknown, unknown]) => void) => void);
  partition: (key: unknown) => number;
  aggregator?: Aggregator<unknown, unknown>;
  /** In-memory budget before spilling (default 64 MiB). */
  memoryLimitBytes?: number;
  /** Sees records until it returns false (data on the DAG's edges samples a few this way). */
  sample?: (rec: readonly [unknown, unknown]) => boolean;
}

const DEFAULT_LIMIT = 64 * 1024 * 1024;
/** Records per frame; big frames keep per-frame overhead (header, encoder setup) negligible. */
const BATCH_RECORDS = 4096;
const RECORD_OVERHEAD = 24;   // two array slots plus a share of the batch array
const COPY_CHUNK = 4 << 20;

/** Write one map task's shuffle output and return its MapStatus. */
export function writeShuffleOutput(opts: ShuffleWriteOptions): MapStatus {
  const { dir, shuffleId, mapId, numPartitions } = opts;
  if (!(Number.isInteger(numPartitions) && numPartitions > 0)) {
    throw new ExecutionError("INVALID_PARTITION_NUMBER", `numPartitions must be a positive integer, got ${numPartitions}`,
      { parameters: { numPartitions } });
  }
  ensureDir(dir);
  const limit = opts.memoryLimitBytes ?? DEFAULT_LIMIT;
  const t0 = performance.now();
  const dataTmp = tempPath(dir, `shuffle_${shuffleId}_${mapId}.data`);
  const indexTmp = tempPath(dir, `shuffle_${shuffleId}_${mapId}.index`);
  let spills: RunStack | undefined;
  const clock = { ms: 0 };
  try {
    const sink: RecordSink = opts.aggregator
      ? new CombiningWriter(opts, opts.aggregator, limit, dataTmp, (s) => (spills = s), clock)
      : new BatchedWriter(opts, limit, dataTmp, (s) => (spills = s), clock);
    const recs = opts.records;
    const sample = opts.sample;
    let sampling = sample !== undefined;
    if (typeof recs === "function") {
      recs(sample ? (rec) => { if (sampling) sampling = sample(rec); sink.add(rec[0], rec[1]); } : (rec) => sink.add(rec[0], rec[1]));
    } else {
      for (const rec of recs) {
        if (sampling) sampling = sample!(rec);
        sink.add(rec[0], rec[1]);
      }
    }
    const r = sink.finish();
    const t1 = performance.now();
    const offsets = [0];
    for (const s of r.sizes) offsets.push(offsets[offsets.length - 1]! + s);
    writeFileSync(indexTmp, encodeIndex(offsets));
    // A retried or speculative attempt may have committed already: like Spark, keep the existing
    // consistent output (a reader may be using it) and report its sizes.
    const existing = readShuffleIndex(dir, shuffleId, mapId);
    const base = { shuffleId, mapId, records: r.records, spillBytes: r.spillBytes, inputRecords: r.inputRecords };
    if (existing && existing.length === numPartitions + 1) {
      removeQuietly(dataTmp); removeQuietly(indexTmp);
      const sizes = existing.slice(1).map((o, i) => o - existing[i]!);
      const now = performance.now();
      return { ...base, sizes, writeTimeMs: now - t0, writerMs: clock.ms + now - t1 };
    }
    renameSync(dataTmp, shuffleDataPath(dir, shuffleId, mapId));
    renameSync(indexTmp, shuffleIndexPath(dir, shuffleId, mapId));
    const now = performance.now();
    return { ...base, sizes: r.sizes, writeTimeMs: now - t0, writerMs: clock.ms + now - t1 };
  } catch (e) {
    removeQuietly(dataTmp); removeQuietly(indexTmp);
    throw e;
  } finally {
    spills?.clear();
  }
}

interface Written { sizes: number[]; records: number[]; spillBytes: number; inputRecords: number }

function badPartition(p: unknown, n: number): ExecutionError {
  return new ExecutionError("INVALID_PARTITION_ID",
    `The partitioner returned ${String(p)} for a key; expected an integer in [0, ${n}).`,
    { parameters: { partition: p, numPartitions: n } });
}

interface RecordSink {
  add(k: unknown, v: unknown): void;
  finish(): Written;
}

/** No aggregator: batch, spill by partition, concatenate. */
class BatchedWriter implements RecordSink {
  private readonly n: number;
  private readonly partition: (key: unknown) => number;
  private readonly pending: unknown[][];
  private readonly chunks: Buffer[][];
  private readonly records: number[];
  /** Per spill file, the byte range of each partition's frames. */
  private readonly offsetsOf = new Map<string, number[]>();
  private readonly spills: RunStack;
  private chunkBytes = 0;
  private pendingCount = 0;
  private spillBytes = 0;
  private seen = 0;
  private sampled = 0;
  private sampledBytes = 0;
  private avgRecord = 64;

  constructor(private readonly opts: ShuffleWriteOptions, private readonly limit: number, private readonly dataPath: string,
    onSpills: (s: RunStack) => void, private readonly clock: { ms: number }) {
    const n = (this.n = opts.numPartitions);
    this.partition = opts.partition;
    this.pending = Array.from({ length: n }, () => []);
    this.chunks = Array.from({ length: n }, () => []);
    this.records = new Array<number>(n).fill(0);
    // Spill files laid out by partition; past 16 of a tier they are folded (per partition, by
    // copying segments) so the final concatenation never opens many files.
    this.spills = new RunStack((paths) => {
      const path = tempPath(opts.dir, `shuffle_${opts.shuffleId}_${opts.mapId}.spill`);
      this.offsetsOf.set(path, concatenateByPartition(paths.map((q) => ({ path: q, offsets: this.offsetsOf.get(q)! })), path, n));
      for (const q of paths) this.offsetsOf.delete(q);
      return path;
    });
    onSpills(this.spills);
  }

  add(k: unknown, v: unknown): void {
    const n = this.n;
    const p = n === 1 ? 0 : this.partition(k);
    if (!(p >= 0 && p < n && Number.isInteger(p))) throw badPartition(p, n);
    const batch = this.pending[p]!;
    batch.push(k, v);
    this.records[p]!++;
    this.pendingCount++;
    // Sample record sizes (every 64th) rather than measure each: a running average is enough
    // to bound memory, and it keeps estimation far cheaper than the encoding itself.
    if ((this.seen++ & 63) === 0) {
      this.sampledBytes += estimateSize(k) + estimateSize(v) + RECORD_OVERHEAD;
      this.avgRecord = this.sampledBytes / ++this.sampled;
    }
    if (batch.length >= BATCH_RECORDS * 2) this.flushTimed(p);
    if (this.chunkBytes + this.pendingCount * this.avgRecord > this.limit) this.spill();
  }

  private flushTimed(p: number): void {
    const t = performance.now();
    this.flushPartition(p);
    this.clock.ms += performance.now() - t;
  }

  private flushPartition(p: number): void {
    const batch = this.pending[p]!;
    if (batch.length === 0) return;
    for (const b of encodePairFrame(batch)) { this.chunks[p]!.push(b); this.chunkBytes += b.length; }
    this.pendingCount -= batch.length / 2;
    this.pending[p] = [];
  }

  private spill(): void {
    const t = performance.now();
    const n = this.n;
    for (let p = 0; p < n; p++) this.flushPartition(p);
    const path = tempPath(this.opts.dir, `shuffle_${this.opts.shuffleId}_${this.opts.mapId}.spill`);
    const fd = openSync(path, "w");
    const offsets = [0];
    try {
      const w = new FrameWriter(fd);
      for (let p = 0; p < n; p++) {
        for (const c of this.chunks[p]!) w.writeRaw(c);
        this.chunks[p] = [];
        offsets.push(w.position);
      }
      w.flush();
    } finally {
      closeSync(fd);
    }
    this.offsetsOf.set(path, offsets);
    this.spills.push(path);
    this.spillBytes += offsets[n]!;
    this.chunkBytes = 0;
    this.clock.ms += performance.now() - t;
  }

  finish(): Written {
    const t = performance.now();
    const n = this.n;
    for (let p = 0; p < n; p++) this.flushPartition(p);
    const sizes = new Array<number>(n).fill(0);
    const fd = openSync(this.dataPath, "w");
    const ranges = this.spills.paths.map((q) => ({ fd: openSync(q, "r"), offsets: this.offsetsOf.get(q)! }));
    try {
      const w = new FrameWriter(fd);
      for (let p = 0; p < n; p++) {
        const start = w.position;
        for (const r of ranges) copyRange(r.fd, r.offsets[p]!, r.offsets[p + 1]!, w);
        for (const c of this.chunks[p]!) w.writeRaw(c);
        this.chunks[p] = [];
        sizes[p] = w.position - start;
      }
      w.flush();
    } finally {
      for (const r of ranges) closeSync(r.fd);
      closeSync(fd);
    }
    this.clock.ms += performance.now() - t;
    return { sizes, records: this.records, spillBytes: this.spillBytes, inputRecords: this.seen };
  }
}

/** Write the partition segments of several partition-ordered files into one; returns its offsets. */
function concatenateByPartition(files: Array<{ path: string; offsets: number[] }>, out: string, n: number): number[] {
  const fd = openSync(out, "w");
  const ins = files.map((f) => ({ fd: openSync(f.path, "r"), offsets: f.offsets }));
  try {
    const w = new FrameWriter(fd);
    const offsets = [0];
    for (let p = 0; p < n; p++) {
      for (const f of ins) copyRange(f.fd, f.offsets[p]!, f.offsets[p + 1]!, w);
      offsets.push(w.position);
    }
    w.flush();
    return offsets;
  } finally {
    for (const f of ins) closeSync(f.fd);
    closeSync(fd);
  }
}

function copyRange(fd: number, start: number, end: number, w: FrameWriter): void {
  let pos = start;
  while (pos < end) {
    // A fresh buffer each time: FrameWriter keeps references until it flushes.
    const buf = Buffer.allocUnsafe(Math.min(COPY_CHUNK, end - pos));
    const r = readSync(fd, buf, 0, buf.length, pos);
    if (r === 0) throw new ExecutionError("SHUFFLE_SPILL_CORRUPT", "spill file shorter than recorded");
    w.writeRaw(r === buf.length ? buf : buf.subarray(0, r));
    pos += r;
  }
}

function writePairs(w: FrameWriter, batch: unknown[]): void {
  for (const b of encodePairFrame(batch)) w.writeRaw(b);
}

/**
 * Records probed before deciding whether map-side combine pays. When nearly every key is new
 * (unique keys), combining only adds a hash map, sorting and spills in front of the same
 * amount of output, so the writer stops combining and streams combiners (createCombiner(v))
 * straight into the batched writer; reducers merge combiners anyway (mergeCombiners), so results
 * are unchanged. Hive (hive.map.aggr.hash.min.reduction) and Presto skip partial aggregation the
 * same way.
 */
const COMBINE_PROBE = 50_000;
const COMBINE_MIN_REDUCTION = 0.5;

/** With an aggregator: combine per key (spilling), then write partitions in order. */
class CombiningWriter implements RecordSink {
  private comb: PartitionedCombiner<unknown, unknown> | undefined;
  /** Set once the probe showed combining does not pay: single combiners stream into it. */
  private batched: BatchedWriter | undefined;
  private inputRecords = 0;
  private combinedAtStop = 0;
  private readonly createCombiner: (v: unknown) => unknown;

  constructor(private readonly opts: ShuffleWriteOptions, agg: Aggregator<unknown, unknown>, private readonly limit: number,
    private readonly dataPath: string, private readonly onSpills: (s: RunStack) => void, private readonly clock: { ms: number }) {
    const n = opts.numPartitions;
    this.comb = new PartitionedCombiner(agg, { dir: opts.dir, memoryLimitBytes: limit, numPartitions: n, partition: opts.partition });
    this.createCombiner = (v) => agg.createCombiner(v);
  }

  add(k: unknown, v: unknown): void {
    const b = this.batched;
    if (b !== undefined) { b.add(k, this.createCombiner(v)); return; }
    const comb = this.comb!;
    if (this.inputRecords === COMBINE_PROBE && comb.spillCount === 0 && comb.size > COMBINE_PROBE * (1 - COMBINE_MIN_REDUCTION)) {
      this.stopCombining(comb);
      this.batched!.add(k, this.createCombiner(v));
      return;
    }
    comb.insert(k, v);
    this.inputRecords++;
  }

  /** Combining does not pay: write what was combined so far, then the rest as single combiners. */
  private stopCombining(comb: PartitionedCombiner<unknown, unknown>): void {
    const b = new BatchedWriter(this.opts, this.limit, this.dataPath, this.onSpills, this.clock);
    this.combinedAtStop = comb.size;
    for (const [, k, c] of comb.entries()) b.add(k, c);
    comb.dispose();
    this.comb = undefined;
    this.batched = b;
  }

  finish(): Written {
    if (this.batched) {
      const w = this.batched.finish();
      // The batched writer saw the probe's combined entries instead of the probe's records.
      w.inputRecords += this.inputRecords - this.combinedAtStop;
      return w;
    }
    const comb = this.comb!;
    const t = performance.now();
    try {
      const n = this.opts.numPartitions;
      const sizes = new Array<number>(n).fill(0);
      const records = new Array<number>(n).fill(0);
      const fd = openSync(this.dataPath, "w");
      try {
        const w = new FrameWriter(fd);
        let cur = 0, start = 0;
        let batch: unknown[] = [];
        const endPartition = () => {
          if (batch.length > 0) { writePairs(w, batch); batch = []; }
          sizes[cur] = w.position - start;
        };
        for (const [p, k, c] of comb.entries()) {
          if (p !== cur) { endPartition(); cur = p; start = w.position; }
          batch.push(k, c);
          records[p]!++;
          if (batch.length >= BATCH_RECORDS * 2) writePairs(w, batch), (batch = []);
        }
        endPartition();
        w.flush();
      } finally {
        closeSync(fd);
      }
      this.clock.ms += performance.now() - t;
      return { sizes, records, spillBytes: comb.spillBytes, inputRecords: this.inputRecords };
    } finally {
      comb.dispose();
    }
  }
}

/** Size of a committed data file (for tests and metrics). */
export function shuffleDataSize(dir: string, shuffleId: number, mapId: number): number {
  return statSync(shuffleDataPath(dir, shuffleId, mapId)).size;
}
