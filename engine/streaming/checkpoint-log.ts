// The checkpoint directory of a streaming query: `metadata` (the query id), `offsets/N` (the
// offset range of batch N, written before it runs), `commits/N` (written after its sink
// committed), `sources/I/N` (a file source's files per batch) and `state/` (see state-store.ts).
// Files follow Spark's HDFSMetadataLog layout: a version line "v1", then JSON lines. Every file is
// written to a temporary name and renamed, so a crash never leaves half a log entry.

import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";

/** Write a file atomically (temporary file + rename). */
export function writeAtomic(path: string, text: string | Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** One numbered log (offsets, commits, sources/0, _spark_metadata): batch id -> lines of JSON. */
export class MetadataLog {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }
  add(batchId: number, lines: string[]): void {
    writeAtomic(join(this.dir, String(batchId)), ["v1", ...lines].join("\n"));
  }
  get(batchId: number): string[] | undefined {
    const p = join(this.dir, String(batchId));
    if (!existsSync(p)) return undefined;
    const [version, ...rest] = readFileSync(p, "utf8").split("\n");
    if (version !== "v1") throw new Error(`unsupported log version '${version}' in ${p}`);
    return rest;
  }
  batchIds(): number[] {
    return readdirSync(this.dir).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  }
  latest(): { batchId: number; lines: string[] } | undefined {
    const ids = this.batchIds();
    const id = ids[ids.length - 1];
    return id === undefined ? undefined : { batchId: id, lines: this.get(id)! };
  }
  /** Drop entries before `batchId` (Spark keeps spark.sql.streaming.minBatchesToRetain). */
  purge(beforeBatchId: number): void {
    for (const id of this.batchIds()) if (id < beforeBatchId) rmSync(join(this.dir, String(id)), { force: true });
  }
}

/** The metadata of a batch stored on the first line of offsets/N (Spark's OffsetSeqMetadata). */
export interface OffsetSeqMetadata {
  batchWatermarkMs: number;
  batchTimestampMs: number;
  conf: Record<string, string>;
}

/** The logs of one checkpoint directory. */
export class CheckpointDir {
  readonly offsets: MetadataLog;
  readonly commits: MetadataLog;
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
    this.offsets = new MetadataLog(join(root, "offsets"));
    this.commits = new MetadataLog(join(root, "commits"));
  }
  sourceLog(i: number): MetadataLog {
    return new MetadataLog(join(this.root, "sources", String(i)));
  }
  get stateDir(): string {
    return join(this.root, "state");
  }
  /** The query id kept for the life of the checkpoint (created on first use). */
  queryId(make: () => string): string {
    const p = join(this.root, "metadata");
    if (existsSync(p)) return (JSON.parse(readFileSync(p, "utf8")) as { id: string }).id;
    const id = make();
    writeAtomic(p, JSON.stringify({ id }));
    return id;
  }
  writeOffsets(batchId: number, meta: OffsetSeqMetadata, offsets: unknown[]): void {
    this.offsets.add(batchId, [JSON.stringify(meta), ...offsets.map((o) => (o === undefined ? "-" : JSON.stringify(o)))]);
  }
  readOffsets(batchId: number): { meta: OffsetSeqMetadata; offsets: unknown[] } | undefined {
    const lines = this.offsets.get(batchId);
    if (!lines) return undefined;
    const [meta, ...rest] = lines;
    return { meta: JSON.parse(meta!) as OffsetSeqMetadata, offsets: rest.map((l) => (l === "-" ? undefined : JSON.parse(l))) };
  }
  writeCommit(batchId: number, nextBatchWatermarkMs: number): void {
    this.commits.add(batchId, [JSON.stringify({ nextBatchWatermarkMs })]);
  }
  readCommit(batchId: number): { nextBatchWatermarkMs: number } | undefined {
    const lines = this.commits.get(batchId);
    return lines ? (JSON.parse(lines[0]!) as { nextBatchWatermarkMs: number }) : undefined;
  }
}
