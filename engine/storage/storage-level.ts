// Persistence levels with PySpark's names, flags and text, so `rdd.persist(StorageLevel.MEMORY_AND_DISK)`
// and `rdd.getStorageLevel()` read as they do in PySpark. The BlockManager interprets the flags:
// useMemory / useDisk pick the stores, deserialized picks live objects vs encoded bytes in memory.

import { AnalysisError, closestName } from "../common/errors";

export class StorageLevel {
  /** PySpark's name for this combination of flags ("" for a custom level). */
  readonly name: string;

  constructor(
    readonly useDisk: boolean,
    readonly useMemory: boolean,
    readonly useOffHeap: boolean,
    readonly deserialized: boolean,
    readonly replication = 1,
    name = "",
  ) {
    this.name = name;
  }

  // PySpark's constants (pyspark/storagelevel.py): Python always pickles, so the plain levels are
  // serialized (deserialized = false); the *_DESER level keeps live objects, like Scala's MEMORY_ONLY.
  static readonly NONE = new StorageLevel(false, false, false, false, 1, "NONE");
  static readonly DISK_ONLY = new StorageLevel(true, false, false, false, 1, "DISK_ONLY");
  static readonly DISK_ONLY_2 = new StorageLevel(true, false, false, false, 2, "DISK_ONLY_2");
  static readonly DISK_ONLY_3 = new StorageLevel(true, false, false, false, 3, "DISK_ONLY_3");
  static readonly MEMORY_ONLY = new StorageLevel(false, true, false, false, 1, "MEMORY_ONLY");
  static readonly MEMORY_ONLY_2 = new StorageLevel(false, true, false, false, 2, "MEMORY_ONLY_2");
  static readonly MEMORY_AND_DISK = new StorageLevel(true, true, false, false, 1, "MEMORY_AND_DISK");
  static readonly MEMORY_AND_DISK_2 = new StorageLevel(true, true, false, false, 2, "MEMORY_AND_DISK_2");
  static readonly MEMORY_AND_DISK_DESER = new StorageLevel(true, true, false, true, 1, "MEMORY_AND_DISK_DESER");
  /** Off-heap has no meaning in a JS heap; kept so the name resolves, it behaves as MEMORY_AND_DISK. */
  static readonly OFF_HEAP = new StorageLevel(true, true, true, false, 1, "OFF_HEAP");

  static readonly ALL: readonly StorageLevel[] = [
    StorageLevel.NONE, StorageLevel.DISK_ONLY, StorageLevel.DISK_ONLY_2, StorageLevel.DISK_ONLY_3,
    StorageLevel.MEMORY_ONLY, StorageLevel.MEMORY_ONLY_2, StorageLevel.MEMORY_AND_DISK,
    StorageLevel.MEMORY_AND_DISK_2, StorageLevel.MEMORY_AND_DISK_DESER, StorageLevel.OFF_HEAP,
  ];

  /** Look a level up by its PySpark name (case-insensitive); unknown names get a "did you mean". */
  static fromName(name: string): StorageLevel {
    const up = name.trim().toUpperCase();
    const hit = StorageLevel.ALL.find((l) => l.name === up);
    if (hit) return hit;
    const names = StorageLevel.ALL.map((l) => l.name);
    const near = closestName(name, names);
    throw new AnalysisError(
      "INVALID_STORAGE_LEVEL",
      `Unknown storage level '${name}'.${near ? ` Did you mean '${near}'?` : ""} Valid levels: ${names.join(", ")}.`,
      { parameters: { name, validLevels: names, suggestion: near } },
    );
  }

  /** The named constant with the same flags, if any (for levels rebuilt from the wire). */
  static fromFlags(useDisk: boolean, useMemory: boolean, useOffHeap: boolean, deserialized: boolean, replication = 1): StorageLevel {
    const hit = StorageLevel.ALL.find((l) => l.useDisk === useDisk && l.useMemory === useMemory &&
      l.useOffHeap === useOffHeap && l.deserialized === deserialized && l.replication === replication);
    return hit ?? new StorageLevel(useDisk, useMemory, useOffHeap, deserialized, replication);
  }

  equals(o: StorageLevel): boolean {
    return this.useDisk === o.useDisk && this.useMemory === o.useMemory && this.useOffHeap === o.useOffHeap &&
      this.deserialized === o.deserialized && this.replication === o.replication;
  }

  /** Same text as PySpark's repr: StorageLevel(useDisk, useMemory, useOffHeap, deserialized, replication). */
  toString(): string {
    const py = (b: boolean) => (b ? "True" : "False");
    return `StorageLevel(${py(this.useDisk)}, ${py(this.useMemory)}, ${py(this.useOffHeap)}, ${py(this.deserialized)}, ${this.replication})`;
  }

  /** Scala's StorageLevel.toString, as explain() prints it under InMemoryRelation: "StorageLevel(disk, memory, deserialized, 1 replicas)". */
  planString(): string {
    const flags = [this.useDisk && "disk", this.useMemory && "memory", this.useOffHeap && "offheap", this.deserialized && "deserialized"].filter(Boolean);
    return `StorageLevel(${[...flags, `${this.replication} replicas`].join(", ")})`;
  }

  /** PySpark's str(level), e.g. "Disk Memory Serialized 1x Replicated". */
  description(): string {
    const parts: string[] = [];
    if (this.useDisk) parts.push("Disk");
    if (this.useMemory) parts.push("Memory");
    if (this.useOffHeap) parts.push("OffHeap");
    parts.push(this.deserialized ? "Deserialized" : "Serialized");
    parts.push(`${this.replication}x Replicated`);
    return parts.join(" ");
  }

  toJSON(): { name: string; useDisk: boolean; useMemory: boolean; useOffHeap: boolean; deserialized: boolean; replication: number } {
    return { name: this.name, useDisk: this.useDisk, useMemory: this.useMemory, useOffHeap: this.useOffHeap,
      deserialized: this.deserialized, replication: this.replication };
  }
}
