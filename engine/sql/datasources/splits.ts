// Driver-side split planning, like Spark's FilePartition.getFilePartitions: splittable files are
// cut into ranges of at most maxSplitBytes (min(maxPartitionBytes, max(openCostInBytes,
// totalBytes / parallelism))), then ranges are packed, biggest first, into partitions; each small
// file costs openCostInBytes extra so that thousands of tiny files do not become thousands of tasks.

import { DEFAULT_MAX_PARTITION_BYTES, DEFAULT_OPEN_COST_BYTES, Options } from "./options";
import { isCompressed } from "./line-reader";
import type { ListedFile } from "./file-listing";
import type { FileFormat } from "./file-format";
import type { InputSplit, PartitionedFile } from "./types";

export interface SplitOptions {
  /** Cores of the cluster (sc.defaultParallelism); more cores -> smaller splits. */
  defaultParallelism?: number;
  maxPartitionBytes?: number;
  openCostInBytes?: number;
}

/** Can this file be read as independent byte ranges? */
export function isSplittable(format: FileFormat, path: string, opts: Options): boolean {
  return !isCompressed(path) && format.isSplitable(path, opts);
}

export function maxSplitBytes(files: ListedFile[], o: Options, so: SplitOptions): { maxSplit: number; openCost: number } {
  const maxPartition = so.maxPartitionBytes ?? o.num("maxPartitionBytes", o.num("spark.sql.files.maxPartitionBytes", DEFAULT_MAX_PARTITION_BYTES));
  const openCost = so.openCostInBytes ?? o.num("openCostInBytes", o.num("spark.sql.files.openCostInBytes", DEFAULT_OPEN_COST_BYTES));
  const parallelism = Math.max(1, so.defaultParallelism ?? 1);
  const total = files.reduce((a, f) => a + f.size + openCost, 0);
  const bytesPerCore = Math.floor(total / parallelism);
  return { maxSplit: Math.max(1, Math.min(maxPartition, Math.max(openCost, bytesPerCore))), openCost };
}

export function planSplits(format: FileFormat, files: ListedFile[], options: Options, so: SplitOptions = {}): InputSplit[] {
  const { maxSplit, openCost } = maxSplitBytes(files, options, so);
  const pieces: PartitionedFile[] = [];
  for (const f of files) {
    if (f.size === 0 && !format.readsEmptyFiles) {
      continue; // nothing to read; Spark also drops empty files from the scan
    }
    if (isSplittable(format, f.path, options)) {
      for (let off = 0; off < f.size; off += maxSplit) {
        pieces.push({ path: f.path, start: off, length: Math.min(maxSplit, f.size - off), fileSize: f.size, partitionValues: f.partitionValues });
      }
    } else {
      pieces.push({ path: f.path, start: 0, length: f.size, fileSize: f.size, partitionValues: f.partitionValues });
    }
  }
  pieces.sort((a, b) => b.length - a.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.start - b.start));
  const splits: InputSplit[] = [];
  let current: PartitionedFile[] = [];
  let size = 0;
  const close = () => {
    if (current.length) splits.push({ format: format.name, index: splits.length, files: current });
    current = [];
    size = 0;
  };
  for (const p of pieces) {
    if (size + p.length > maxSplit) close();
    size += p.length + openCost;
    current.push(p);
  }
  close();
  return splits;
}
