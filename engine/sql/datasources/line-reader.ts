// Reads the lines of one byte range of a text file the way Hadoop's LineRecordReader does (lines
// end at LF, CR or CRLF), so that a file cut into many splits yields every line exactly once: a
// split owns the lines that START in (start, end] (the first split also owns the line at offset
// 0); it skips the partial line at its start and reads past its end to finish its last line.

import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { gunzipSync } from "node:zlib";

export interface Line {
  text: string;
  /** Byte offset of the line's first byte in the (uncompressed) file. */
  offset: number;
}

const NL = 0x0a;
const CR = 0x0d;
const CHUNK = 1 << 20;

/** Is this file readable only as a whole (compressed)? */
export function isCompressed(path: string): boolean {
  return /\.gz$/i.test(path);
}

/** Whole (uncompressed) bytes of a file. */
export function readWholeFile(path: string): Buffer {
  const raw = readFileSync(path);
  return isCompressed(path) ? gunzipSync(raw) : raw;
}

/** A forward-only window over a file, read in chunks; bytes before the current line are dropped. */
class ChunkedFile {
  private buf: Buffer = Buffer.alloc(0);
  private bufStart = 0;
  bytesRead = 0;
  constructor(private readonly fd: number, readonly size: number) {}

  private get bufEnd(): number {
    return this.bufStart + this.buf.length;
  }

  /** Buffer at least up to `upTo` (or EOF), keeping bytes from `keepFrom` on. */
  private fill(keepFrom: number, upTo: number): void {
    if (keepFrom > this.bufStart) {
      const drop = Math.min(keepFrom - this.bufStart, this.buf.length);
      this.buf = this.buf.subarray(drop);
      this.bufStart += drop;
    }
    if (this.buf.length === 0 && this.bufStart < keepFrom) this.bufStart = keepFrom;
    while (this.bufEnd < upTo && this.bufEnd < this.size) {
      const want = Math.min(Math.max(CHUNK, upTo - this.bufEnd), this.size - this.bufEnd);
      const fresh = Buffer.allocUnsafe(want);
      const n = readSync(this.fd, fresh, 0, want, this.bufEnd);
      if (n <= 0) break;
      this.bytesRead += n;
      this.buf = this.buf.length === 0 ? fresh.subarray(0, n) : Buffer.concat([this.buf, fresh.subarray(0, n)]);
    }
  }

  /**
   * The first line terminator at or after `from` (LF, CR or CRLF, like Hadoop's LineReader):
   * its offset and the offset just past it; null if the file ends first.
   */
  eol(from: number): { at: number; next: number } | null {
    this.fill(from, from + 1);
    let i = from;
    for (;;) {
      const end = this.bufEnd;
      const buf = this.buf, base = this.bufStart;
      for (; i < end; i++) {
        const c = buf[i - base];
        if (c === NL) return { at: i, next: i + 1 };
        if (c === CR) {
          if (i + 1 >= this.bufEnd && this.bufEnd < this.size) this.fill(from, i + 2);
          const nextByte = i + 1 < this.bufEnd ? this.buf[i + 1 - this.bufStart] : undefined;
          return { at: i, next: nextByte === NL ? i + 2 : i + 1 };
        }
      }
      if (this.bufEnd >= this.size) return null;
      this.fill(from, this.bufEnd + CHUNK);
    }
  }

  slice(from: number, to: number): Buffer {
    this.fill(from, to);
    return this.buf.subarray(from - this.bufStart, to - this.bufStart);
  }
}

function lineText(bytes: Buffer, enc: BufferEncoding): string {
  return bytes.toString(enc);
}

/** In-memory version of ChunkedFile.eol. */
function bufferEol(buf: Buffer, from: number): { at: number; next: number } | null {
  for (let i = from; i < buf.length; i++) {
    const c = buf[i];
    if (c === NL) return { at: i, next: i + 1 };
    if (c === CR) return { at: i, next: buf[i + 1] === NL ? i + 2 : i + 1 };
  }
  return null;
}

/**
 * Lines of `path` owned by the byte range [start, start+length). Compressed files are read whole
 * (they are never split). `stats.bytesRead` counts bytes actually read from disk.
 */
export function* readLines(path: string, start: number, length: number, stats?: { bytesRead: number }, enc: BufferEncoding = "utf8"): Generator<Line> {
  if (isCompressed(path)) {
    const all = readWholeFile(path);
    if (stats) stats.bytesRead += all.length;
    yield* linesOfBuffer(all, 0, all.length, enc);
    return;
  }
  const fd = openSync(path, "r");
  try {
    const fileSize = fstatSync(fd).size;
    const f = new ChunkedFile(fd, fileSize);
    const end = Math.min(start + length, fileSize);
    let p = 0;
    if (start > 0) p = f.eol(start)?.next ?? fileSize;
    while (p <= end && p < fileSize) {
      const t = f.eol(p);
      yield { text: lineText(f.slice(p, t ? t.at : fileSize), enc), offset: p };
      p = t ? t.next : fileSize;
    }
    if (stats) stats.bytesRead += f.bytesRead;
  } finally {
    closeSync(fd);
  }
}

/** Lines of an in-memory buffer with the same ownership rule. */
export function* linesOfBuffer(buf: Buffer, start: number, end: number, enc: BufferEncoding = "utf8"): Generator<Line> {
  let p = 0;
  if (start > 0) p = bufferEol(buf, start)?.next ?? buf.length;
  while (p <= end && p < buf.length) {
    const t = bufferEol(buf, p);
    yield { text: lineText(buf.subarray(p, t ? t.at : buf.length), enc), offset: p };
    p = t ? t.next : buf.length;
  }
}

/** 1-based line number of the line starting at byte `offset` (counts terminators before it). */
export function lineNumberAt(path: string, offset: number): number {
  const buf = isCompressed(path) ? readWholeFile(path).subarray(0, offset) : readPrefix(path, offset);
  let n = 1;
  for (let t = bufferEol(buf, 0); t && t.next <= offset; t = bufferEol(buf, t.next)) n++;
  return n;
}

function readPrefix(path: string, len: number): Buffer {
  const fd = openSync(path, "r");
  try {
    const b = Buffer.allocUnsafe(len);
    const n = readSync(fd, b, 0, len, 0);
    return b.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
