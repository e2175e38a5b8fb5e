import { describe, expect, it } from "vitest";
import { AnalysisError } from "../common/errors";
import { StorageLevel } from "./storage-level";

describe("StorageLevel", () => {
  it("has PySpark's flags and repr", () => {
    // Values from pyspark/storagelevel.py (repr: useDisk, useMemory, useOffHeap, deserialized, replication).
    expect(String(StorageLevel.MEMORY_AND_DISK)).toBe("StorageLevel(True, True, False, False, 1)");
    expect(String(StorageLevel.MEMORY_ONLY)).toBe("StorageLevel(False, True, False, False, 1)");
    expect(String(StorageLevel.DISK_ONLY_2)).toBe("StorageLevel(True, False, False, False, 2)");
    expect(String(StorageLevel.MEMORY_AND_DISK_DESER)).toBe("StorageLevel(True, True, False, True, 1)");
    expect(String(StorageLevel.NONE)).toBe("StorageLevel(False, False, False, False, 1)");
    expect(StorageLevel.MEMORY_ONLY_2.replication).toBe(2);
    expect(StorageLevel.MEMORY_AND_DISK.description()).toBe("Disk Memory Serialized 1x Replicated");
  });

  it("resolves names and suggests close ones", () => {
    expect(StorageLevel.fromName("memory_and_disk")).toBe(StorageLevel.MEMORY_AND_DISK);
    expect(StorageLevel.fromName("MEMORY_AND_DISK_2").name).toBe("MEMORY_AND_DISK_2");
    expect(() => StorageLevel.fromName("MEMORY_AND_DSK")).toThrow(AnalysisError);
    expect(() => StorageLevel.fromName("MEMORY_AND_DSK")).toThrow(/Did you mean 'MEMORY_AND_DISK'/);
    expect(StorageLevel.fromFlags(true, true, false, false, 1)).toBe(StorageLevel.MEMORY_AND_DISK);
    expect(StorageLevel.fromFlags(true, true, false, true, 3).name).toBe("");
  });
});
