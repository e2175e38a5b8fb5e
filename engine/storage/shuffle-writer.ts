// The map side of a shuffle: route each record to its reduce partition and write ONE data file
// plus an index (Spark's sort-based shuffle). Without an aggregator, records are batched per
// partition into encoded frames; past the memory limit the frames spill to a file laid out by
// partition, and the final file concatenates each partition's spilled and in-memory frames (no
// re-encoding, like Spark's unsafe shuffle merge). With an aggregator, a PartitionedCombiner does
// map-side combine with sorted spills. Commit is atomic: temp files, then rename index last.

import { closeSync, openSync, readSync, renameSync, statSync, writeFileSync } from "node:fs";
import { ExecutionError } from "../common/errors";
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
  /** Wall time of the write, ms (Spark's shuffle write time, incl. spills). */
  writeTimeMs: number;
}

export interface ShuffleWriteOptions {
  dir: string;
  shuffleId: number;
  mapId: number;
  numPartitions: number;
  records: Iterable<readonly [unknown, unknown]>;
  partition: (key: unknown) => number;
  aggregator?: Aggregator<unknown, unknown>;
  /** In-memory budget before spilling (default 64 MiB). */
  memoryLimitBytes?: number;
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
  try {
    const r = opts.aggregator
      ? writeCombined(opts, opts.aggregator, limit, dataTmp, (s) => (spills = s))
      : writeBatched(opts, limit, dataTmp, (s) => (spills = s));
    const offsets = [0];
    for (const s of r.sizes) offsets.push(offsets[offsets.length - 1]! + s);
    writeFileSync(indexTmp, encodeIndex(offsets));
    // A retried or speculative attempt may have committed already: like Spark, keep the existing
    // consistent output (a reader may be using it) and report its sizes.
    const existing = readShuffleIndex(dir, shuffleId, mapId);
    if (existing && existing.length === numPartitions + 1) {
      removeQuietly(dataTmp); removeQuietly(indexTmp);
      const sizes = existing.slice(1).map((o, i) => o - existing[i]!);
      return { shuffleId, mapId, sizes, records: r.records, spillBytes: r.spillBytes, inputRecords: r.inputRecords, writeTimeMs: performance.now() - t0 };
    }
    renameSync(dataTmp, shuffleDataPath(dir, shuffleId, mapId));
    renameSync(indexTmp, shuffleIndexPath(dir, shuffleId, mapId));
    return { shuffleId, mapId, sizes: r.sizes, records: r.records, spillBytes: r.spillBytes, inputRecords: r.inputRecords, writeTimeMs: performance.now() - t0 };
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

/** No aggregator: batch, spill by partition, concatenate. */
function writeBatched(opts: ShuffleWriteOptions, limit: number, dataPath: string, onSpills: (s: RunStack) => void): Written {
  const n = opts.numPartitions;
  const partition = opts.partition;
  const pending: unknown[][] = Array.from({ length: n }, () => []);
  const chunks: Buffer[][] = Array.from({ length: n }, () => []);
  const records = new Array<number>(n).fill(0);
  // Per spill file, the byte range of each partition's frames.
  const offsetsOf = new Map<string, number[]>();
  // Spill files laid out by partition; past 16 of a tier they are folded (per partition, by
  // copying segments) so the final concatenation never opens many files.
  const spills = new RunStack((paths) => {
    const path = tempPath(opts.dir, `shuffle_${opts.shuffleId}_${opts.mapId}.spill`);
    offsetsOf.set(path, concatenateByPartition(paths.map((q) => ({ path: q, offsets: offsetsOf.get(q)! })), path, n));
    for (const q of paths) offsetsOf.delete(q);
    return path;
  });
  onSpills(spills);
  let chunkBytes = 0, pendingCount = 0, spillBytes = 0;
  let seen = 0, sampled = 0, sampledBytes = 0, avgRecord = 64;

  const flushPartition = (p: number) => {
    const batch = pending[p]!;
    if (batch.length === 0) return;
    for (const b of encodePairFrame(batch)) { chunks[p]!.push(b); chunkBytes += b.length; }
    pendingCount -= batch.length / 2;
    pending[p] = [];
  };

  const spill = () => {
    for (let p = 0; p < n; p++) flushPartition(p);
    const path = tempPath(opts.dir, `shuffle_${opts.shuffleId}_${opts.mapId}.spill`);
    const fd = openSync(path, "w");
    const offsets = [0];
    try {
      const w = new FrameWriter(fd);
      for (let p = 0; p < n; p++) {
        for (const c of chunks[p]!) w.writeRaw(c);
        chunks[p] = [];
        offsets.push(w.position);
      }
      w.flush();
    } finally {
      closeSync(fd);
    }
    offsetsOf.set(path, offsets);
    spills.push(path);
    spillBytes += offsets[n]!;
    chunkBytes = 0;
  };

  for (const rec of opts.records) {
    const k = rec[0], v = rec[1];
    const p = n === 1 ? 0 : partition(k);
    if (!(p >= 0 && p < n && Number.isInteger(p))) throw badPartition(p, n);
    const batch = pending[p]!;
    batch.push(k, v);
    records[p]!++;
    pendingCount++;
    // Sample record sizes (every 64th) rather than measure each: a running average is enough
    // to bound memory, and it keeps estimation far cheaper than the encoding itself.
    if ((seen++ & 63) === 0) {
      sampledBytes += estimateSize(k) + estimateSize(v) + RECORD_OVERHEAD;
      avgRecord = sampledBytes / ++sampled;
    }
    if (batch.length >= BATCH_RECORDS * 2) flushPartition(p);
    if (chunkBytes + pendingCount * avgRecord > limit && (chunkBytes > 0 || pendingCount > 0)) spill();
  }
  for (let p = 0; p < n; p++) flushPartition(p);

  const sizes = new Array<number>(n).fill(0);
  const fd = openSync(dataPath, "w");
  const ranges = spills.paths.map((q) => ({ fd: openSync(q, "r"), offsets: offsetsOf.get(q)! }));
  try {
    const w = new FrameWriter(fd);
    for (let p = 0; p < n; p++) {
      const start = w.position;
      for (const r of ranges) copyRange(r.fd, r.offsets[p]!, r.offsets[p + 1]!, w);
      for (const c of chunks[p]!) w.writeRaw(c);
      chunks[p] = [];
      sizes[p] = w.position - start;
    }
    w.flush();
  } finally {
    for (const r of ranges) closeSync(r.fd);
    closeSync(fd);
  }
  return { sizes, records, spillBytes, inputRecords: seen };
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
function writeCombined(opts: ShuffleWriteOptions, agg: Aggregator<unknown, unknown>, limit: number, dataPath: string, onSpills: (s: RunStack) => void): Written {
  const n = opts.numPartitions;
  const comb = new PartitionedCombiner(agg, { dir: opts.dir, memoryLimitBytes: limit, numPartitions: n, partition: opts.partition });
  try {
    let inputRecords = 0;
    const it = opts.records[Symbol.iterator]();
    let r = it.next();
    for (; !r.done && inputRecords < COMBINE_PROBE; r = it.next()) { comb.insert(r.value[0], r.value[1]); inputRecords++; }
    if (!r.done && comb.spillCount === 0 && comb.size > inputRecords * (1 - COMBINE_MIN_REDUCTION)) {
      // Combining does not pay: write what was combined so far, then the rest as single combiners.
      const first = r;
      const records = function* (): Generator<readonly [unknown, unknown]> {
        for (const [, k, c] of comb.entries()) yield [k, c];
        comb.dispose();
        yield [first.value[0], agg.createCombiner(first.value[1])];
        for (let x = it.next(); !x.done; x = it.next()) yield [x.value[0], agg.createCombiner(x.value[1])];
      };
      const combined = comb.size;
      const w = writeBatched({ ...opts, records: records() }, limit, dataPath, onSpills);
      w.inputRecords += inputRecords - combined;
      return w;
    }
    for (; !r.done; r = it.next()) { comb.insert(r.value[0], r.value[1]); inputRecords++; }
    const sizes = new Array<number>(n).fill(0);
    const records = new Array<number>(n).fill(0);
    const fd = openSync(dataPath, "w");
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
    return { sizes, records, spillBytes: comb.spillBytes, inputRecords };
  } finally {
    comb.dispose();
  }
}

/** Size of a committed data file (for tests and metrics). */
export function shuffleDataSize(dir: string, shuffleId: number, mapId: number): number {
  return statSync(shuffleDataPath(dir, shuffleId, mapId)).size;
}
