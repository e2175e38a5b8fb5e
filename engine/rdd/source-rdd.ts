// RDDs whose partitions come from outside: sc.readSplits (any reader over plain-data splits,
// used by the SQL data sources), text files split by byte ranges at line boundaries like
// Hadoop's LineRecordReader, whole text files, and checkpoint files.

import { closeSync, fstatSync, openSync, readSync, readFileSync, statSync, readdirSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { deserializeFunction } from "../common/closure";
import { AnalysisError } from "../common/errors";
import { RDD } from "./rdd";
import { simplePartitions, type Partition } from "./partition";
import type { RddContext } from "./rdd-context";
import { registerRddKind } from "./rdd-registry";
import type { TaskContext } from "./task-context";
import { readCheckpointPartition } from "./checkpoint-files";

export type SplitReader<S, T> = (split: S, tc: TaskContext) => Iterable<T> | Promise<Iterable<T>>;

export class SourceRDD<S, T> extends RDD<T> {
  readonly kind = "source";
  constructor(ctx: RddContext, readonly splits: S[], readonly read: SplitReader<S, T>, op = "readSplits") {
    super(ctx, [], op);
  }
  protected getPartitions(): Partition[] {
    return this.splits.map((split, index) => ({ index, split }));
  }
  private key(index: number): string {
    return `source:${this.id}:${index}`;
  }
  override async prepare(split: Partition, tc: TaskContext): Promise<void> {
    const out = this.read(split.split as S, tc);
    if (out instanceof Promise) tc.prepared.set(this.key(split.index), await out);
  }
  compute(split: Partition, tc: TaskContext): Iterator<T> {
    const pre = tc.prepared.get(this.key(split.index)) as Iterable<T> | undefined;
    if (pre) {
      tc.prepared.delete(this.key(split.index));
      return pre[Symbol.iterator]();
    }
    return (this.read(split.split as S, tc) as Iterable<T>)[Symbol.iterator]();
  }
  shipArgs(): unknown {
    return { read: this.ship("read", this.read, "readSplits") };
  }
}

/** A byte range of one file. */
export interface FileSplit {
  path: string;
  start: number;
  end: number;
}

const LOCAL_BLOCK_SIZE = 32 * 1024 * 1024;

/** Expand a path (file, directory, glob with *, comma-separated list) to the files it names. */
export function listInputFiles(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split(",").map((p) => p.trim()).filter(Boolean)) {
    const p = resolve(part.replace(/^file:\/\//, ""));
    if (p.includes("*") || p.includes("?")) {
      const dir = p.slice(0, p.lastIndexOf("/"));
      const re = new RegExp("^" + p.slice(p.lastIndexOf("/") + 1).replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$");
      if (existsSync(dir)) for (const f of readdirSync(dir).sort()) if (re.test(f)) out.push(join(dir, f));
      continue;
    }
    if (!existsSync(p)) throw new AnalysisError("PATH_NOT_FOUND", `Path does not exist: file:${p}`, { parameters: { path: p } });
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p).sort()) {
        if (f.startsWith(".") || f.startsWith("_")) continue;
        const full = join(p, f);
        if (statSync(full).isFile()) out.push(full);
      }
    } else out.push(p);
  }
  return out;
}

/** Hadoop-style splits: goal size = total / minPartitions, capped by the local block size. */
export function planFileSplits(files: string[], minPartitions: number): FileSplit[] {
  const sizes = files.map((f) => statSync(f).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const goal = Math.max(1, Math.floor(total / Math.max(1, minPartitions)));
  const splitSize = Math.max(1, Math.min(goal, LOCAL_BLOCK_SIZE));
  const out: FileSplit[] = [];
  files.forEach((path, i) => {
    const size = sizes[i]!;
    if (size === 0) { out.push({ path, start: 0, end: 0 }); return; }
    // As many splits as Hadoop's rule gives (split size, 10% slop), but of equal sizes: Hadoop's
    // last split is a short remainder, which leaves N-1 big tasks for N slots (100 MB on 2 slots
    // ran as 32+32 | 32+4 MB); equal splits keep the slots equally busy.
    const count = size <= splitSize * 1.1 ? 1 : Math.ceil(size / splitSize);
    const each = Math.ceil(size / count);
    for (let start = 0; start < size; start += each) out.push({ path, start, end: Math.min(size, start + each) });
  });
  return out;
}

const LINE_CHUNK = 1 << 20;

/**
 * Lines of a byte range: the split owns every line that starts at an offset p with start < p <= end
 * (plus p = 0 for the first split), so each line is read by exactly one split. A plain object with
 * next() rather than a generator: both the pull (iterator) and push (eachRecord) paths use it.
 */
export class LineReader {
  private fd: number | undefined;
  private readonly size: number;
  private buf = Buffer.allocUnsafe(LINE_CHUNK);
  private bufStart: number; // file offset of buf[0]
  private len: number;      // valid bytes in buf
  private pos = 0;          // index in buf of the next line start
  private bytes = 0;

  constructor(private readonly split: FileSplit, private readonly tc?: TaskContext) {
    this.fd = openSync(split.path, "r");
    try {
      this.size = fstatSync(this.fd).size;
      this.bufStart = split.start;
      this.len = readSync(this.fd, this.buf, 0, LINE_CHUNK, split.start);
      if (split.start !== 0) {
        // Skip to just after the first newline at or after start.
        for (;;) {
          const nl = this.buf.indexOf(10, this.pos);
          if (nl >= 0 && nl < this.len) { this.pos = nl + 1; break; }
          this.pos = this.len;
          if (!this.refill()) { this.close(); break; }
        }
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Keep the unconsumed tail, read more after it; false at the end of the file. */
  private refill(): boolean {
    const tail = this.len - this.pos;
    if (this.bufStart + this.len >= this.size) return false;
    if (tail >= this.buf.length / 2) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, this.pos, this.len);
      this.buf = bigger;
    } else this.buf.copy(this.buf, 0, this.pos, this.len);
    this.bufStart += this.pos;
    this.pos = 0;
    this.len = tail + readSync(this.fd!, this.buf, tail, this.buf.length - tail, this.bufStart + tail);
    return true;
  }

  /** The next line, or undefined when the split has no more (the file is closed then). */
  next(): string | undefined {
    if (this.fd === undefined) return undefined;
    const lineStart = this.bufStart + this.pos;
    if (lineStart > this.split.end || lineStart >= this.size) { this.close(); return undefined; }
    let nl = this.buf.indexOf(10, this.pos);
    while (nl < 0 || nl >= this.len) {
      if (!this.refill()) { nl = -1; break; }
      nl = this.buf.indexOf(10, this.pos);
    }
    const endIdx = nl < 0 || nl >= this.len ? this.len : nl;
    let lineEnd = endIdx;
    if (lineEnd > this.pos && this.buf[lineEnd - 1] === 13) lineEnd--;
    const line = this.buf.toString("utf8", this.pos, lineEnd);
    this.bytes += endIdx - this.pos + 1;
    this.pos = endIdx + 1;
    if (this.tc) this.tc.metrics.recordsRead++;
    if (nl < 0) this.pos = this.len + 1; // the last line had no newline: nothing follows
    return line;
  }

  /** Close the file (idempotent) and report the bytes read. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    if (this.tc) this.tc.metrics.bytesRead += this.bytes;
  }
}


/** The lines of a split as an iterator (closes the file at the end or on return()). */
export function readLines(split: FileSplit, tc?: TaskContext): IterableIterator<string> {
  const r = new LineReader(split, tc);
  const it: IterableIterator<string> = {
    next: () => {
      const line = r.next();
      return line === undefined ? { done: true, value: undefined } : { done: false, value: line };
    },
    return: (value?: unknown) => { r.close(); return { done: true, value } as IteratorResult<string>; },
    [Symbol.iterator]() { return it; },
  };
  return it;
}

export class TextFileRDD extends RDD<string> {
  readonly kind = "textFile";
  constructor(ctx: RddContext, readonly splits: FileSplit[], op = "textFile") {
    super(ctx, [], op);
  }
  protected getPartitions(): Partition[] {
    return this.splits.map((split, index) => ({ index, split }));
  }
  compute(split: Partition, tc: TaskContext): Iterator<string> {
    return readLines(split.split as FileSplit, tc);
  }
  protected override computeEach(split: Partition, tc: TaskContext, each: (x: string) => void): void {
    const r = new LineReader(split.split as FileSplit, tc);
    try {
      for (let line = r.next(); line !== undefined; line = r.next()) each(line);
    } finally {
      r.close();
    }
  }
  shipArgs(): unknown {
    return {};
  }
}

export class WholeTextFilesRDD extends RDD<[string, string]> {
  readonly kind = "wholeTextFiles";
  constructor(ctx: RddContext, readonly groups: string[][]) {
    super(ctx, [], "wholeTextFiles");
  }
  protected getPartitions(): Partition[] {
    return this.groups.map((files, index) => ({ index, files }));
  }
  compute(split: Partition, tc: TaskContext): Iterator<[string, string]> {
    const files = split.files as string[];
    return files.map((f): [string, string] => {
      const text = readFileSync(f, "utf8");
      tc.metrics.recordsRead++;
      tc.metrics.bytesRead += Buffer.byteLength(text);
      return [`file:${f}`, text];
    })[Symbol.iterator]();
  }
  shipArgs(): unknown {
    return {};
  }
}

export class CheckpointRDD<T> extends RDD<T> {
  readonly kind = "checkpoint";
  constructor(ctx: RddContext, readonly dir: string, readonly sourceRddId: number, readonly numPartitions: number) {
    super(ctx, [], "checkpoint");
  }
  protected getPartitions(): Partition[] {
    return simplePartitions(this.numPartitions);
  }
  compute(split: Partition, tc: TaskContext): Iterator<T> {
    const values = readCheckpointPartition(this.dir, this.sourceRddId, split.index) as T[];
    tc.metrics.recordsRead += values.length;
    return values[Symbol.iterator]();
  }
  shipArgs(): unknown {
    return { dir: this.dir, rddId: this.sourceRddId, numPartitions: this.numPartitions };
  }
  override toString(): string {
    return `ReliableCheckpointRDD[${this.id}]`;
  }
}

registerRddKind("source", (ctx, a) => new SourceRDD(ctx, [], deserializeFunction(a.read) as SplitReader<unknown, unknown>));
registerRddKind("textFile", (ctx) => new TextFileRDD(ctx, []));
registerRddKind("wholeTextFiles", (ctx) => new WholeTextFilesRDD(ctx, []));
registerRddKind("checkpoint", (ctx, a: { dir: string; rddId: number; numPartitions: number }) => new CheckpointRDD(ctx, a.dir, a.rddId, a.numPartitions));
