import { existsSync, readdirSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { encode } from "../common/codec";
import { BlockManager, takeTupleColumns } from "./block-manager";
import { StorageLevel } from "./storage-level";
import { removeTempDirs, tempDir } from "../../test/fixtures/storage/test-dirs";

afterAll(removeTempDirs);

const part = (seed: number, n = 100) => Array.from({ length: n }, (_, i) => ({ id: seed * 1000 + i, name: `row-${seed}-${i}` }));
/** Serialized levels hold exactly the encoded bytes, which makes budgets easy to reason about. */
const size = (v: unknown[]) => encode(v).length;

describe("BlockManager", () => {
  it("keeps memory within budget and evicts least recently used first", () => {
    const one = size(part(1));
    const bm = new BlockManager({ dir: tempDir(), memoryBudgetBytes: Math.floor(one * 3.5) });
    for (let r = 1; r <= 3; r++) expect(bm.put(`rdd_${r}_0`, part(r), StorageLevel.MEMORY_ONLY).where).toBe("memory");
    expect(bm.get("rdd_1_0")).toEqual(part(1)); // touch rdd_1: now rdd_2 is least recently used
    const res = bm.put("rdd_4_0", part(4), StorageLevel.MEMORY_ONLY);
    expect(res.where).toBe("memory");
    expect(res.evicted).toEqual([{ blockId: "rdd_2_0", droppedTo: "nothing" }]);
    expect(bm.has("rdd_2_0")).toBe(false);
    expect(bm.get("rdd_2_0")).toBeUndefined();
    expect(bm.memoryUsed).toBeLessThanOrEqual(bm.memoryBudget);
    expect(bm.list().map((b) => b.blockId)).toEqual(["rdd_3_0", "rdd_1_0", "rdd_4_0"]);
    expect(bm.memoryUsed).toBe(bm.list().reduce((s, b) => s + b.bytes, 0));
  });

  it("spills MEMORY_AND_DISK blocks to disk on eviction and reads them back equal", () => {
    const dir = tempDir();
    const one = size(part(1));
    const bm = new BlockManager({ dir, memoryBudgetBytes: Math.floor(one * 2.5) });
    bm.put("rdd_1_0", part(1), StorageLevel.MEMORY_AND_DISK);
    bm.put("rdd_2_0", part(2), StorageLevel.MEMORY_ONLY);
    const res = bm.put("rdd_3_0", part(3), StorageLevel.MEMORY_ONLY);
    expect(res.evicted).toEqual([{ blockId: "rdd_1_0", droppedTo: "disk" }]);
    expect(bm.list().find((b) => b.blockId === "rdd_1_0")?.where).toBe("disk");
    const res2 = bm.put("rdd_4_0", part(4), StorageLevel.MEMORY_ONLY);
    expect(res2.evicted).toEqual([{ blockId: "rdd_2_0", droppedTo: "nothing" }]);
    expect(bm.get("rdd_1_0")).toEqual(part(1));   // from disk; no free room, so stays on disk
    expect(bm.locate("rdd_1_0")).toBe("disk");
    bm.remove("rdd_3_0");                         // now there is room: a disk hit is promoted
    expect(bm.get("rdd_1_0")).toEqual(part(1));
    expect(bm.locate("rdd_1_0")).toBe("memory");
    expect(bm.list().find((b) => b.blockId === "rdd_1_0")?.diskBytes).toBeGreaterThan(0);
  });

  it("puts a block larger than the whole budget on disk only if the level allows", () => {
    const bm = new BlockManager({ dir: tempDir(), memoryBudgetBytes: 100 });
    expect(bm.put("rdd_1_0", part(1), StorageLevel.MEMORY_ONLY)).toEqual({ where: "none", evicted: [], bytes: 0 });
    const r = bm.put("rdd_1_1", part(2), StorageLevel.MEMORY_AND_DISK);
    expect(r.where).toBe("disk");
    expect(r.bytes).toBeGreaterThan(0);
    expect(bm.get("rdd_1_1")).toEqual(part(2));
    expect(bm.memoryUsed).toBe(0);
  });

  it("DISK_ONLY never uses memory; NONE stores nothing", () => {
    const bm = new BlockManager({ dir: tempDir(), memoryBudgetBytes: 1 << 20 });
    expect(bm.put("rdd_5_0", part(5), StorageLevel.DISK_ONLY).where).toBe("disk");
    expect(bm.get("rdd_5_0")).toEqual(part(5));
    expect(bm.get("rdd_5_0")).toEqual(part(5));
    expect(bm.locate("rdd_5_0")).toBe("disk");
    expect(bm.memoryUsed).toBe(0);
    expect(bm.put("rdd_6_0", part(6), StorageLevel.NONE).where).toBe("none");
    expect(bm.has("rdd_6_0")).toBe(false);
  });

  it("a serialized block reads back in order across its encoded chunks, lazily or whole, with its types", () => {
    const bm = new BlockManager({ dir: tempDir(), memoryBudgetBytes: 64 << 20 });
    const rows = Array.from({ length: 10_001 }, (_, i) => [i, new Date(Date.UTC(2026, 0, 1) + i * 1000), BigInt(i) * 2n ** 40n, i % 7 === 0 ? null : `v${i}`]);
    expect(bm.put("rdd_1_0", rows, StorageLevel.MEMORY_ONLY).where).toBe("memory");
    const it = bm.iterator("rdd_1_0")!;
    const read: unknown[] = [];
    for (let r = it.next(); !r.done; r = it.next()) read.push(r.value);
    expect(read).toEqual(rows);
    expect(bm.get("rdd_1_0")).toEqual(rows);
    bm.put("rdd_2_0", [], StorageLevel.MEMORY_ONLY);
    expect(bm.iterator("rdd_2_0")!.next().done).toBe(true);
    expect(bm.get("rdd_2_0")).toEqual([]);
    expect(bm.iterator("rdd_3_0")).toBeUndefined();
  });

  it("a serialized block of numeric tuples (column by column, codec.encodeRecords) reads back the same records, also after spilling to disk", () => {
    const bm = new BlockManager({ dir: tempDir(), memoryBudgetBytes: 64 << 20 });
    // 10,001 pairs across three chunks; the last chunk turns to msgpack (a string in a tuple).
    const pairs: unknown[] = Array.from({ length: 10_001 }, (_, i) => [i * 3, i % 5 === 0 ? -0.5 * i - 0.25 : i]);
    pairs[9_000] = [1, "x"];
    const r = bm.put("rdd_4_0", pairs, StorageLevel.MEMORY_AND_DISK);
    expect(r.where).toBe("memory");
    expect(r.bytes).toBeGreaterThan(10_001 * 4); // the encoded size is what the budget counts
    const it = bm.iterator("rdd_4_0")!;
    const read: unknown[] = [];
    for (let x = it.next(); !x.done; x = it.next()) read.push(x.value);
    expect(read).toEqual(pairs);
    // Evicted to disk by a larger block of another RDD: the records go to the disk format intact.
    const tight = new BlockManager({ dir: tempDir(), memoryBudgetBytes: r.bytes + 1_000 });
    tight.put("rdd_4_0", pairs, StorageLevel.MEMORY_AND_DISK);
    tight.put("rdd_5_0", pairs.slice(0, 9_000), StorageLevel.MEMORY_AND_DISK);
    expect(tight.locate("rdd_4_0")).toBe("disk");
    expect(tight.get("rdd_4_0")).toEqual(pairs);
  });

  it("a reader of a whole serialized block of numeric tuples can take it as columns; other blocks, or a block partly read, stay records", () => {
    const bm = new BlockManager({ dir: tempDir(), memoryBudgetBytes: 64 << 20 });
    const pairs = Array.from({ length: 9_000 }, (_, i) => [i, i * 0.5]);
    bm.put("rdd_1_0", pairs, StorageLevel.MEMORY_ONLY);
    const chunks = takeTupleColumns(bm.iterator("rdd_1_0"))!;
    expect(chunks.map((c) => c[0]!.length)).toEqual([4096, 4096, 808]);
    expect(chunks[0]![0]).toBeInstanceOf(Int32Array);
    expect(chunks[0]![1]).toBeInstanceOf(Float64Array);
    expect(chunks.flatMap((c) => Array.from(c[0]!, (x, i) => [x, c[1]![i]]))).toEqual(pairs);
    // Partly read: null, and the records go on from where they were.
    const it = bm.iterator("rdd_1_0")!;
    it.next();
    expect(takeTupleColumns(it)).toBeNull();
    expect(it.next().value).toEqual([1, 0.5]);
    // Not numeric tuples (the last chunk): null, nothing consumed.
    bm.put("rdd_2_0", [...pairs, ["x", 1]], StorageLevel.MEMORY_ONLY);
    const it2 = bm.iterator("rdd_2_0")!;
    expect(takeTupleColumns(it2)).toBeNull();
    expect(it2.next().value).toEqual([0, 0]);
    // Deserialized blocks and other iterators: null.
    bm.put("rdd_3_0", pairs, StorageLevel.MEMORY_AND_DISK_DESER);
    expect(takeTupleColumns(bm.iterator("rdd_3_0"))).toBeNull();
    expect(takeTupleColumns(pairs[Symbol.iterator]())).toBeNull();
  });

  it("deserialized levels keep the live array and estimate its size", () => {
    const bm = new BlockManager({ dir: tempDir(), memoryBudgetBytes: 1 << 20 });
    const values = part(7);
    const r = bm.put("rdd_7_0", values, StorageLevel.MEMORY_AND_DISK_DESER);
    expect(r.where).toBe("memory");
    expect(bm.get("rdd_7_0")).toBe(values);
    // 100 objects with two fields and a short string each: a few kB, not bytes and not megabytes.
    expect(r.bytes).toBeGreaterThan(100 * 20);
    expect(r.bytes).toBeLessThan(100 * 400);
  });

  it("does not evict a block of the same RDD by default (Spark's rule); plain LRU when asked", () => {
    const one = size(part(1));
    const spark = new BlockManager({ dir: tempDir(), memoryBudgetBytes: Math.floor(one * 2.5) });
    const lru = new BlockManager({ dir: tempDir(), memoryBudgetBytes: Math.floor(one * 2.5), protectSameRdd: false });
    for (const bm of [spark, lru]) for (let p = 0; p < 2; p++) bm.put(`rdd_9_${p}`, part(p), StorageLevel.MEMORY_ONLY);
    expect(spark.put("rdd_9_2", part(2), StorageLevel.MEMORY_ONLY).where).toBe("none");
    expect(spark.list().map((b) => b.blockId)).toEqual(["rdd_9_0", "rdd_9_1"]);
    const r = lru.put("rdd_9_2", part(2), StorageLevel.MEMORY_ONLY);
    expect(r.where).toBe("memory");
    expect(r.evicted).toEqual([{ blockId: "rdd_9_0", droppedTo: "nothing" }]);
  });

  it("removeRdd removes exactly that RDD's blocks, in memory and on disk", () => {
    const bm = new BlockManager({ dir: tempDir(), memoryBudgetBytes: 1 << 20 });
    bm.put("rdd_1_0", part(1), StorageLevel.MEMORY_ONLY);
    bm.put("rdd_1_1", part(2), StorageLevel.DISK_ONLY);
    bm.put("rdd_10_0", part(3), StorageLevel.MEMORY_ONLY);
    expect(bm.removeRdd(1).sort()).toEqual(["rdd_1_0", "rdd_1_1"]);
    expect(bm.list().map((b) => b.blockId)).toEqual(["rdd_10_0"]);
  });

  it("two managers sharing a directory keep separate files for the same block id", () => {
    const dir = tempDir();
    const a = new BlockManager({ dir, memoryBudgetBytes: 0 });
    const b = new BlockManager({ dir, memoryBudgetBytes: 0 });
    a.put("rdd_1_0", part(1), StorageLevel.DISK_ONLY);
    b.put("rdd_1_0", part(2), StorageLevel.DISK_ONLY);
    a.clear();
    expect(b.get("rdd_1_0")).toEqual(part(2));
    expect(readdirSync(dir).length).toBe(1);
  });

  it("clear deletes its disk files", () => {
    const dir = tempDir();
    const bm = new BlockManager({ dir, memoryBudgetBytes: 1 << 20 });
    bm.put("rdd_1_0", part(1), StorageLevel.DISK_ONLY);
    bm.put("rdd_1_1", part(2), StorageLevel.MEMORY_ONLY);
    expect(readdirSync(dir).length).toBe(1);
    bm.clear();
    expect(readdirSync(dir)).toEqual([]);
    expect(bm.list()).toEqual([]);
    expect(bm.memoryUsed).toBe(0);
    expect(existsSync(dir)).toBe(true);
  });
});
