// FileInputFormat, as Hadoop: the driver cuts every input file into splits of `splitSize` bytes
// (the last may be up to 10% longer rather than leaving a sliver, Hadoop's SPLIT_SLOP), and each
// map task reads its split with a record reader. A line belongs to the split where it starts: a
// reader whose split does not begin at a line start skips to the next line, and it reads past its
// end to finish the last line it started.

import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { AnalysisError } from "../common/errors";
import { listInputFiles } from "../rdd";
import { parseSize } from "../sql/session-types";
import type { InputFormat } from "./types";

export interface FileSplit { path: string; start: number; length: number }

export const DEFAULT_SPLIT_SIZE = 128 * 1024 * 1024;
const SPLIT_SLOP = 1.1;

export function toBytes(v: number | string | undefined, dflt: number, what: string): number {
  if (v === undefined) return dflt;
  const n = typeof v === "number" ? v : parseSize(v);
  if (!Number.isFinite(n) || n <= 0) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${what} must be a positive size (a number of bytes or e.g. "1m"), got ${JSON.stringify(v)}`);
  return Math.floor(n);
}

/** Input files of the given paths (directories are listed; hidden and _ files skipped); missing paths fail. */
export function inputFiles(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    try {
      out.push(...listInputFiles(p));
    } catch (e) {
      if (e instanceof AnalysisError) throw new AnalysisError("PATH_NOT_FOUND", `Input path does not exist: ${p}`, { parameters: { path: p } });
      throw e;
    }
  }
  return out;
}

/** Hadoop's FileInputFormat.getSplits for the given files. wholeFile input never splits a file. */
export function planSplits(files: string[], splitSize: number, format: InputFormat): FileSplit[] {
  const out: FileSplit[] = [];
  for (const path of files) {
    const size = statSync(path).size;
    if (format === "wholeFile" || size === 0) { out.push({ path, start: 0, length: size }); continue; }
    let rest = size;
    while (rest / splitSize > SPLIT_SLOP) {
      out.push({ path, start: size - rest, length: splitSize });
      rest -= splitSize;
    }
    if (rest > 0) out.push({ path, start: size - rest, length: rest });
  }
  return out;
}

const CHUNK = 1 << 20;
const NL = 10;

/**
 * Hadoop's LineRecordReader over one split: calls `each(offset, line)` for every line that starts
 * in [start, start + length). Returns the bytes read (the FileInputFormat BYTES_READ counter).
 */
export function readLines(split: FileSplit, each: (offset: number, line: string) => void): number {
  const fd = openSync(split.path, "r");
  const end = split.start + split.length;
  let bytesRead = 0;
  try {
    let pos = split.start;
    const buf = Buffer.allocUnsafe(CHUNK);
    if (pos > 0) {
      // A line that started in the previous split is that split's: skip to after the next newline,
      // unless the byte before our start is a newline (then a line starts exactly here).
      const one = Buffer.allocUnsafe(1);
      readSync(fd, one, 0, 1, pos - 1);
      if (one[0] !== NL) {
        for (;;) {
          const n = readSync(fd, buf, 0, CHUNK, pos);
          if (n === 0) return bytesRead;
          bytesRead += n;
          const i = buf.subarray(0, n).indexOf(NL);
          if (i >= 0) { pos += i + 1; break; }
          pos += n;
        }
      }
    }
    let carry = Buffer.alloc(0);
    let carryStart = pos;
    // Read lines while they start before `end`; the last one may run past it.
    outer: for (;;) {
      if (carryStart >= end) break;   // a line starting at or after `end` is the next split's
      const n = readSync(fd, buf, 0, CHUNK, pos);
      if (n === 0) {
        if (carry.length > 0) each(carryStart, stripCr(carry.toString("utf8")));
        break;
      }
      bytesRead += n;
      const chunk = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : Buffer.from(buf.subarray(0, n));
      const chunkStart = carryStart;
      pos += n;
      let from = 0;
      for (let i = chunk.indexOf(NL, from); i >= 0; i = chunk.indexOf(NL, from)) {
        if (chunkStart + from >= end) break outer;
        each(chunkStart + from, stripCr(chunk.toString("utf8", from, i)));
        from = i + 1;
      }
      carry = chunk.subarray(from);
      carryStart = chunkStart + from;
    }
  } finally {
    closeSync(fd);
  }
  return bytesRead;
}

function stripCr(s: string): string {
  return s.length > 0 && s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s;
}

/** Read a split with the given format, handing (key, value) records to `each`. Returns bytes read. */
export function readSplit(split: FileSplit, format: InputFormat, each: (key: unknown, value: unknown) => void): number {
  if (format === "wholeFile") {
    const text = readFileSync(split.path, "utf8");
    each(split.path, text);
    return Buffer.byteLength(text);
  }
  if (format === "keyValue") {
    return readLines(split, (_off, line) => {
      const t = line.indexOf("\t");
      each(t < 0 ? line : line.slice(0, t), t < 0 ? "" : line.slice(t + 1));
    });
  }
  return readLines(split, each);
}
