// Per-executor cache of RDD partitions (rdd.persist / cache). A memory store with an LRU budget
// and a disk store in the executor's local directory. Levels with deserialized = false (PySpark's
// defaults) keep encoded bytes in memory (in chunks, decoded as a task reads them): exact sizes,
// decoding on each hit, and cached data that user code cannot mutate; deserialized levels keep the
// live array and use a sampled size estimate.

import { rddBlockPrefix, rddIdOfBlock } from "./block-ids";
import { randomBytes } from "node:crypto";
import { closeSync, openSync, statSync } from "node:fs";
import { join } from "node:path";
import { decodeRecords, decodeTupleColumns, encodeRecords } from "../common/codec";
import { FrameWriter, readFrames } from "./frame-file";
import { estimateArraySize } from "./size-estimator";
import { ensureDir, removeQuietly } from "./spill-files";
import { StorageLevel } from "./storage-level";

export type BlockLocation = "memory" | "disk";

export interface PutResult {
  where: BlockLocation | "none";
  evicted: Array<{ blockId: string; droppedTo: "disk" | "nothing" }>;
  /** Bytes the block takes where it was stored (estimate in memory if deserialized). */
  bytes: number;
}

export interface BlockInfo { blockId: string; where: BlockLocation; bytes: number; level: string; diskBytes?: number }

/** A cached partition in memory: the live array (deserialized levels), or encoded chunks of SER_CHUNK records. */
interface MemoryEntry { values?: unknown[]; chunks?: Buffer[]; size: number; level: StorageLevel }
interface DiskEntry { path: string; size: number; level: StorageLevel }

const DISK_BATCH = 4096;
/**
 * Records per encoded chunk of a serialized block: a hit decodes chunk by chunk as the task reads,
 * so a record the task has used is garbage at once (decoding a whole partition up front kept every
 * record alive for the collector to copy).
 */
const SER_CHUNK = 4096;

function decodeChunks(chunks: Buffer[]): unknown[] {
  const out: unknown[] = [];
  for (const c of chunks) for (const v of decodeRecords(c)) out.push(v);
  return out;
}

/** The records of encoded chunks, each chunk decoded when the reader reaches it. */
class ChunkIterator implements Iterator<unknown> {
  private batch: unknown[] = [];
  private at = 0;
  private next_ = 0;
  constructor(private readonly chunks: Buffer[]) {}

  /**
   * The records not read yet as columns, one typed array per field per chunk, when all of them
   * are numeric tuples stored column by column (codec.encodeRecords), consuming them; else null
   * (nothing consumed). A reader of a whole partition that wants columns skips the records.
   */
  takeTupleColumns(): Array<Array<Int32Array | Float64Array>> | null {
    if (this.at < this.batch.length) return null;
    const out: Array<Array<Int32Array | Float64Array>> = [];
    for (let c = this.next_; c < this.chunks.length; c++) {
      const cols = decodeTupleColumns(this.chunks[c]!);
      if (cols === null || (out.length > 0 && cols.length !== out[0]!.length)) return null;
      out.push(cols);
    }
    this.next_ = this.chunks.length;
    return out;
  }

  next(): IteratorResult<unknown> {
    while (this.at >= this.batch.length) {
      if (this.next_ >= this.chunks.length) return { value: undefined, done: true };
      this.batch = decodeRecords(this.chunks[this.next_++]!);
      this.at = 0;
    }
    return { value: this.batch[this.at++], done: false };
  }
  [Symbol.iterator](): Iterator<unknown> { return this; }
}

/**
 * A partition iterator's remaining records as typed columns per chunk, when it reads a serialized
 * cached block of numeric tuples (see ChunkIterator.takeTupleColumns); null otherwise, with
 * nothing consumed.
 */
export function takeTupleColumns(it: unknown): Array<Array<Int32Array | Float64Array>> | null {
  return it instanceof ChunkIterator ? it.takeTupleColumns() : null;
}

export interface BlockManagerOptions {
  dir: string;
  memoryBudgetBytes: number;
  /**
   * Spark never evicts a block of an RDD to make room for another block of the same RDD: scanning
   * an RDD bigger than memory then keeps the first partitions cached instead of evicting each
   * one just before it is needed again (0% hits under plain LRU). Default true; false = plain LRU.
   */
  protectSameRdd?: boolean;
}

export class BlockManager {
  private readonly dir: string;
  private readonly budget: number;
  private readonly protectSameRdd: boolean;
  /** Map order is LRU order: the first entry is the least recently used. */
  private readonly memory = new Map<string, MemoryEntry>();
  private readonly disk = new Map<string, DiskEntry>();
  private used = 0;
  /** Part of every file name: executor threads may share one directory and cache the same block id. */
  private readonly tag = `${process.pid}-${randomBytes(4).toString("hex")}`;

  constructor(opts: BlockManagerOptions) {
    this.dir = opts.dir;
    this.budget = opts.memoryBudgetBytes;
    this.protectSameRdd = opts.protectSameRdd ?? true;
  }

  get memoryUsed(): number { return this.used; }
  get memoryBudget(): number { return this.budget; }
  get diskUsed(): number { let s = 0; for (const d of this.disk.values()) s += d.size; return s; }

  /** The partition, or undefined on a miss. A hit refreshes LRU order; a disk hit of a level with
   *  memory is promoted to memory when it fits in free memory (never evicting for it). */
  get(blockId: string): unknown[] | undefined {
    const m = this.memory.get(blockId);
    if (m) {
      this.memory.delete(blockId);
      this.memory.set(blockId, m);
      return m.values ?? decodeChunks(m.chunks!);
    }
    const d = this.disk.get(blockId);
    if (!d) return undefined;
    const values: unknown[] = [];
    for (const batch of readFrames(d.path)) for (const v of batch) values.push(v);
    if (d.level.useMemory) {
      const entry = this.memoryEntry(values, d.level);
      if (entry.size <= this.budget - this.used) this.addMemory(blockId, entry);
    }
    return values;
  }

  /** The partition's records, or undefined on a miss: as get(), but a serialized block in memory is decoded as it is read. */
  iterator(blockId: string): Iterator<unknown> | undefined {
    const m = this.memory.get(blockId);
    if (m?.chunks) {
      this.memory.delete(blockId);
      this.memory.set(blockId, m);
      return new ChunkIterator(m.chunks);
    }
    return this.get(blockId)?.[Symbol.iterator]();
  }

  has(blockId: string): boolean {
    return this.memory.has(blockId) || this.disk.has(blockId);
  }

  /** Where a block is (memory wins when it is in both), or undefined. */
  locate(blockId: string): BlockLocation | undefined {
    return this.memory.has(blockId) ? "memory" : this.disk.has(blockId) ? "disk" : undefined;
  }

  /** Store a computed partition; see the module comment for how levels are interpreted. */
  put(blockId: string, values: unknown[], level: StorageLevel): PutResult {
    this.remove(blockId);
    const evicted: PutResult["evicted"] = [];
    if (level.useMemory) {
      const entry = this.memoryEntry(values, level);
      if (entry.size <= this.budget && this.makeRoom(entry.size, blockId, evicted)) {
        this.addMemory(blockId, entry);
        return { where: "memory", evicted, bytes: entry.size };
      }
    }
    if (level.useDisk) {
      const size = this.writeDisk(blockId, values, level);
      return { where: "disk", evicted, bytes: size };
    }
    return { where: "none", evicted, bytes: 0 };
  }

  remove(blockId: string): void {
    const m = this.memory.get(blockId);
    if (m) { this.used -= m.size; this.memory.delete(blockId); }
    const d = this.disk.get(blockId);
    if (d) { removeQuietly(d.path); this.disk.delete(blockId); }
  }

  /** Remove every block of an RDD ("rdd_<id>_<partition>"); returns the removed ids. */
  removeRdd(rddId: number): string[] {
    const prefix = rddBlockPrefix(rddId);
    const ids = new Set<string>();
    for (const id of this.memory.keys()) if (id.startsWith(prefix)) ids.add(id);
    for (const id of this.disk.keys()) if (id.startsWith(prefix)) ids.add(id);
    for (const id of ids) this.remove(id);
    return [...ids];
  }

  /** Every block, least recently used memory blocks first, then disk-only blocks. */
  list(): BlockInfo[] {
    const out: BlockInfo[] = [];
    for (const [blockId, m] of this.memory) {
      const d = this.disk.get(blockId);
      out.push({ blockId, where: "memory", bytes: m.size, level: m.level.name || m.level.toString(), ...(d ? { diskBytes: d.size } : {}) });
    }
    for (const [blockId, d] of this.disk) {
      if (!this.memory.has(blockId)) out.push({ blockId, where: "disk", bytes: d.size, level: d.level.name || d.level.toString() });
    }
    return out;
  }

  /** Drop everything and delete this manager's disk files. */
  clear(): void {
    for (const d of this.disk.values()) removeQuietly(d.path);
    this.disk.clear();
    this.memory.clear();
    this.used = 0;
  }

  private memoryEntry(values: unknown[], level: StorageLevel): MemoryEntry {
    if (level.deserialized) return { values, size: estimateArraySize(values), level };
    const chunks: Buffer[] = [];
    let size = 0;
    for (let i = 0; i < values.length || i === 0; i += SER_CHUNK) {
      // Copy out of the encoder's shared buffer so a small cached block does not pin a large one.
      const own = Buffer.from(encodeRecords(values.slice(i, i + SER_CHUNK)));
      chunks.push(own);
      size += own.length;
    }
    return { chunks, size, level };
  }

  private addMemory(blockId: string, e: MemoryEntry): void {
    this.memory.set(blockId, e);
    this.used += e.size;
  }

  /** Evict LRU blocks until `size` fits; false (and nothing evicted) when it cannot fit. */
  private makeRoom(size: number, forBlock: string, evicted: PutResult["evicted"]): boolean {
    if (this.used + size <= this.budget) return true;
    const rdd = rddOf(forBlock);
    const victims: string[] = [];
    let freed = 0;
    for (const [id, m] of this.memory) {
      if (this.used - freed + size <= this.budget) break;
      if (this.protectSameRdd && rdd !== undefined && rddOf(id) === rdd) continue;
      victims.push(id);
      freed += m.size;
    }
    if (this.used - freed + size > this.budget) return false;
    for (const id of victims) {
      const m = this.memory.get(id)!;
      this.memory.delete(id);
      this.used -= m.size;
      if (m.level.useDisk) {
        if (!this.disk.has(id)) this.writeDisk(id, m.values ?? decodeChunks(m.chunks!), m.level);
        evicted.push({ blockId: id, droppedTo: "disk" });
      } else {
        evicted.push({ blockId: id, droppedTo: "nothing" });
      }
    }
    return true;
  }

  private writeDisk(blockId: string, values: unknown[], level: StorageLevel): number {
    ensureDir(this.dir);
    const path = join(this.dir, `${blockId.replace(/[^A-Za-z0-9_.-]/g, "_")}.${this.tag}.blk`);
    const fd = openSync(path, "w");
    try {
      const w = new FrameWriter(fd);
      for (let i = 0; i < values.length; i += DISK_BATCH) w.writeBatch(values.slice(i, i + DISK_BATCH));
      w.flush();
    } finally {
      closeSync(fd);
    }
    const size = statSync(path).size;
    this.disk.set(blockId, { path, size, level });
    return size;
  }
}

const rddOf = rddIdOfBlock;
