// The on-disk unit shared by shuffle data files, spill runs and disk blocks: a sequence of
// frames, each a u32 little-endian length followed by one msgpack-encoded array (a batch of
// records). Frames are self-contained, so segments can be concatenated without re-encoding.

import { closeSync, openSync, readSync, statSync, writevSync } from "node:fs";
import { decode, encode } from "../common/codec";
import { tempPath } from "./spill-files";

export const FRAME_HEADER = 4;
const FLUSH_BYTES = 1 << 20;
const READ_CHUNK = 1 << 20;

/** Encode one batch (an array) as a frame: header + payload, as two buffers (no copy). */
export function encodeFrame(batch: unknown[]): [Buffer, Buffer] {
  const payload = encode(batch);
  const header = Buffer.allocUnsafe(FRAME_HEADER);
  header.writeUInt32LE(payload.length, 0);
  return [header, payload];
}

/** Decode every frame of a buffer (a whole block) and hand each batch to `each`. */
export function forEachFrame(buf: Uint8Array, each: (batch: unknown[]) => void): void {
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 0;
  while (pos < view.length) {
    if (pos + FRAME_HEADER > view.length) throw corrupt(pos, view.length);
    const len = view.readUInt32LE(pos);
    pos += FRAME_HEADER;
    if (pos + len > view.length) throw corrupt(pos, view.length);
    each(decode<unknown[]>(view.subarray(pos, pos + len)));
    pos += len;
  }
}

function corrupt(pos: number, len: number): Error {
  return new RangeError(`truncated frame at byte ${pos} of ${len}`);
}

/** Appends frames to an open file with buffered vectored writes; tracks the byte position. */
export class FrameWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes written so far (including still-buffered ones). */
  position = 0;

  constructor(private readonly fd: number) {}

  writeBatch(batch: unknown[]): void {
    const [h, p] = encodeFrame(batch);
    this.writeRaw(h);
    this.writeRaw(p);
  }

  /** Append already-encoded bytes (whole frames) as they are. */
  writeRaw(buf: Buffer): void {
    if (buf.length === 0) return;
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    this.position += buf.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    let bufs = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    while (bufs.length > 0) {
      // writev may write partially; continue from where it stopped.
      let n = writevSync(this.fd, bufs.length > 1024 ? bufs.slice(0, 1024) : bufs);
      let i = 0;
      while (i < bufs.length && n >= bufs[i]!.length) { n -= bufs[i]!.length; i++; }
      const rest = bufs.slice(i);
      if (n > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(n);
      bufs = rest;
    }
  }
}

/** Iterate the batches of frames stored in [start, end) of a file, reading it in big chunks. */
export function* readFrames(path: string, start = 0, end = Infinity): Generator<unknown[]> {
  if (end <= start) return;
  const fd = openSync(path, "r");
  try {
    let buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, Number.isFinite(end) ? end - start : READ_CHUNK));
    let filePos = start;          // file offset of buf[bufLen]
    let bufStart = 0, bufLen = 0; // unread bytes are buf[bufStart, bufLen)
    const fill = (need: number): boolean => {
      // Make at least `need` unread bytes available; false at end of region.
      if (bufLen - bufStart >= need) return true;
      // Move the unread tail into a fresh buffer rather than within the old one: the decoder
      // returns binary values as views into its input, so bytes already decoded must stay put.
      if (bufStart > 0 || need > buf.length) {
        const nb = Buffer.allocUnsafe(Math.max(need, Math.min(READ_CHUNK, end - filePos + bufLen - bufStart)));
        buf.copy(nb, 0, bufStart, bufLen);
        bufLen -= bufStart; bufStart = 0; buf = nb;
      }
      while (bufLen < need) {
        const want = Math.min(buf.length - bufLen, end - filePos);
        if (want <= 0) return false;
        const n = readSync(fd, buf, bufLen, want, filePos);
        if (n === 0) return false;
        bufLen += n; filePos += n;
      }
      return true;
    };
    for (;;) {
      if (!fill(FRAME_HEADER)) {
        if (bufLen - bufStart > 0) throw corrupt(filePos, filePos);
        return;
      }
      const len = buf.readUInt32LE(bufStart);
      if (!fill(FRAME_HEADER + len)) throw corrupt(filePos, filePos);
      const batch = decode<unknown[]>(buf.subarray(bufStart + FRAME_HEADER, bufStart + FRAME_HEADER + len));
      bufStart += FRAME_HEADER + len;
      yield batch;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Write one spill run to a new temp file in dir: the items, each appended to the current frame by
 * `put` (one value by default), cut into frames of `frameValues` values. Returns the path and size.
 * The external sorter and the partitioned combiner both spill through it.
 */
export function writeRunFile<T>(dir: string, prefix: string, items: Iterable<T>, frameValues: number, put: (frame: unknown[], item: T) => void = (f, x) => { f.push(x); }): { path: string; bytes: number } {
  const path = tempPath(dir, prefix, ".run");
  const fd = openSync(path, "w");
  try {
    const w = new FrameWriter(fd);
    let frame: unknown[] = [];
    for (const x of items) {
      put(frame, x);
      if (frame.length >= frameValues) { w.writeBatch(frame); frame = []; }
    }
    if (frame.length > 0) w.writeBatch(frame);
    w.flush();
  } finally {
    closeSync(fd);
  }
  return { path, bytes: statSync(path).size };
}
