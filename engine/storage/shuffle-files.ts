// Layout of one map task's shuffle output, as Spark's sort-based shuffle: a data file holding the
// blocks of all reduce partitions back to back, and an index file of numPartitions + 1 u64
// little-endian offsets. A block is a run of frames (see frame-file.ts) of flat [k, v, k, v, ...].

import { closeSync, fstatSync, openSync, readdirSync, readSync } from "node:fs";
import { join } from "node:path";
import { FRAME_HEADER } from "./frame-file";
import { forEachPairInFrame, isPairFrame } from "./pair-frame";
import { decode } from "../common/codec";
import { FetchFailedError } from "./fetch-failed-error";
import { removeQuietly } from "./spill-files";

export function shuffleDataPath(dir: string, shuffleId: number, mapId: number): string {
  return join(dir, `shuffle_${shuffleId}_${mapId}.data`);
}

export function shuffleIndexPath(dir: string, shuffleId: number, mapId: number): string {
  return join(dir, `shuffle_${shuffleId}_${mapId}.index`);
}

/** Offsets of a committed map output, or undefined if it is missing or inconsistent with its data file. */
export function readShuffleIndex(dir: string, shuffleId: number, mapId: number): number[] | undefined {
  let fd: number;
  try { fd = openSync(shuffleIndexPath(dir, shuffleId, mapId), "r"); } catch { return undefined; }
  let buf: Buffer;
  try {
    const size = fstatSync(fd).size;
    if (size < 16 || size % 8 !== 0) return undefined;
    buf = Buffer.allocUnsafe(size);
    if (readSync(fd, buf, 0, size, 0) !== size) return undefined;
  } finally {
    closeSync(fd);
  }
  const offs: number[] = [];
  for (let i = 0; i < buf.length; i += 8) offs.push(Number(buf.readBigUInt64LE(i)));
  let dataSize: number;
  try {
    const dfd = openSync(shuffleDataPath(dir, shuffleId, mapId), "r");
    try { dataSize = fstatSync(dfd).size; } finally { closeSync(dfd); }
  } catch { return undefined; }
  return offs[offs.length - 1] === dataSize ? offs : undefined;
}

export function encodeIndex(offsets: readonly number[]): Buffer {
  const b = Buffer.allocUnsafe(offsets.length * 8);
  offsets.forEach((o, i) => b.writeBigUInt64LE(BigInt(o), i * 8));
  return b;
}

/** Where one reduce partition's block sits in a map output's data file. */
export function locateShuffleBlock(dir: string, shuffleId: number, mapId: number, reduceId: number, address = ""):
  { path: string; offset: number; length: number } {
  const fail = (reason: "missing" | "corrupt", detail: string) =>
    new FetchFailedError({ shuffleId, mapId, reduceId, address, reason, detail });
  let fd: number;
  try { fd = openSync(shuffleIndexPath(dir, shuffleId, mapId), "r"); } catch {
    throw fail("missing", `no map output shuffle_${shuffleId}_${mapId} in ${dir}`);
  }
  const two = Buffer.allocUnsafe(16);
  let n: number, indexSize: number;
  try {
    indexSize = fstatSync(fd).size;
    n = reduceId >= 0 && (reduceId + 2) * 8 <= indexSize ? readSync(fd, two, 0, 16, reduceId * 8) : 0;
  } finally {
    closeSync(fd);
  }
  if (n !== 16) throw fail("corrupt", `reduce partition ${reduceId} out of range (index has ${indexSize / 8 - 1} partitions)`);
  const start = Number(two.readBigUInt64LE(0)), end = Number(two.readBigUInt64LE(8));
  return { path: shuffleDataPath(dir, shuffleId, mapId), offset: start, length: end - start };
}

/** Read one reduce partition's block of one map output from local disk (raw bytes). */
export function readLocalShuffleBlock(dir: string, shuffleId: number, mapId: number, reduceId: number, address = ""): Buffer {
  const loc = locateShuffleBlock(dir, shuffleId, mapId, reduceId, address);
  const buf = Buffer.allocUnsafe(loc.length);
  if (loc.length === 0) return buf;
  let fd: number;
  try { fd = openSync(loc.path, "r"); } catch {
    throw new FetchFailedError({ shuffleId, mapId, reduceId, address, reason: "missing", detail: `data file missing in ${dir}` });
  }
  try {
    let got = 0;
    while (got < loc.length) {
      const r = readSync(fd, buf, got, loc.length - got, loc.offset + got);
      if (r === 0) throw new FetchFailedError({ shuffleId, mapId, reduceId, address, reason: "corrupt", detail: "data file shorter than its index" });
      got += r;
    }
  } finally {
    closeSync(fd);
  }
  return buf;
}

/** Decode a block to its records. */
export function decodeShuffleBlock(buf: Uint8Array): Array<[unknown, unknown]> {
  const out: Array<[unknown, unknown]> = [];
  forEachShuffleRecord(buf, (k, v) => { out.push([k, v]); });
  return out;
}

/**
 * Visit a block's records without building the whole array (for streaming reducers). A block is
 * a run of frames, each a pair frame (pair-frame.ts) or, from older writers, a flat msgpack array.
 * `clock.ms` grows by the time spent decoding (not in `each`).
 */
export function forEachShuffleRecord(buf: Uint8Array, each: (key: unknown, value: unknown) => void, clock?: { ms: number }): void {
  const view = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 0;
  while (pos < view.length) {
    if (pos + FRAME_HEADER > view.length) throw truncated(pos, view.length);
    const len = view.readUInt32LE(pos);
    pos += FRAME_HEADER;
    if (pos + len > view.length) throw truncated(pos, view.length);
    if (isPairFrame(view, pos)) forEachPairInFrame(view, pos, pos + len, each, clock);
    else {
      const t0 = clock ? performance.now() : 0;
      const flat = decode<unknown[]>(view.subarray(pos, pos + len));
      if (clock) clock.ms += performance.now() - t0;
      for (let i = 0; i < flat.length; i += 2) each(flat[i], flat[i + 1]);
    }
    pos += len;
  }
}

function truncated(pos: number, len: number): RangeError {
  return new RangeError(`truncated frame at byte ${pos} of ${len}`);
}

/** Delete every file (committed or half-written) of a shuffle from dir. */
export function removeShuffle(dir: string, shuffleId: number): void {
  let names: string[];
  try { names = readdirSync(dir); } catch { return; }
  const prefix = `shuffle_${shuffleId}_`;
  for (const n of names) if (n.startsWith(prefix)) removeQuietly(join(dir, n));
}
