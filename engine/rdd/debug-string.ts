// rdd.toDebugString(): the lineage as Spark prints it. Narrow parents continue the same
// column (" |  "); a shuffle dependency starts a new indented block ("+-(n) ") - each block is
// a stage. Cached RDDs show their storage level.

import { ShuffleDependency } from "./dependency";
import { RDD } from "./rdd";

declare module "./rdd" {
  interface RDD<T> {
    toDebugString(): string;
    /** Class-like display name, e.g. "MapPartitionsRDD". */
    readonly displayName: string;
  }
}

const KIND_NAMES: Record<string, string> = {
  parallelize: "ParallelCollectionRDD", range: "ParallelCollectionRDD", empty: "EmptyRDD", mapPartitions: "MapPartitionsRDD",
  shuffled: "ShuffledRDD", cogroup: "CoGroupedRDD", union: "UnionRDD", coalesce: "CoalescedRDD", cartesian: "CartesianRDD",
  zipPartitions: "ZippedPartitionsRDD2", source: "SourceRDD", textFile: "HadoopRDD", wholeTextFiles: "WholeTextFileRDD",
  checkpoint: "ReliableCheckpointRDD",
};

Object.defineProperty(RDD.prototype, "displayName", {
  get(this: RDD<unknown>) {
    return KIND_NAMES[this.kind] ?? this.kind;
  },
});

function storageText(r: RDD<unknown>): string {
  const l = r.storageLevel;
  if (!l.useMemory && !l.useDisk) return "[]";
  const parts = [l.useDisk && "Disk", l.useMemory && "Memory", l.deserialized ? "Deserialized" : "Serialized"].filter(Boolean);
  return `[${parts.join(" ")} ${l.replication}x Replicated]`;
}

function line(r: RDD<unknown>): string {
  const name = r.name() ? `${r.name()} ` : "";
  return `${name}${r.displayName}[${r.id}] at ${r.callSite} ${storageText(r)}`;
}

// Spark's own algorithm (RDD.debugString): a shuffle parent opens a "+-(n)" block indented
// under its child; narrow parents repeat the current prefix.
function debugChildren(r: RDD<unknown>, prefix: string): string[] {
  const deps = r.dependencies;
  return deps.flatMap((d, i) => debugString(d.rdd, prefix, d instanceof ShuffleDependency, i === deps.length - 1));
}

function shuffleDebugString(r: RDD<unknown>, prefix: string, isLastChild: boolean): string[] {
  const partitionStr = `(${r.getNumPartitions()})`;
  const leftOffset = Math.floor((partitionStr.length - 1) / 2);
  const thisPrefix = prefix.replace(/\|\s+$/, "");
  const nextPrefix = thisPrefix + (isLastChild ? "  " : "| ") + " ".repeat(leftOffset) + "|" + " ".repeat(partitionStr.length - leftOffset);
  return [`${thisPrefix}+-${partitionStr} ${line(r)}`, ...debugChildren(r, nextPrefix)];
}

function debugString(r: RDD<unknown>, prefix: string, isShuffle: boolean, isLastChild: boolean): string[] {
  if (isShuffle) return shuffleDebugString(r, prefix, isLastChild);
  return [prefix + line(r), ...debugChildren(r, prefix)];
}

RDD.prototype.toDebugString = function (this: RDD<unknown>): string {
  const partitionStr = `(${this.getNumPartitions()})`;
  const leftOffset = Math.floor((partitionStr.length - 1) / 2);
  const nextPrefix = " ".repeat(leftOffset) + "|" + " ".repeat(partitionStr.length - leftOffset);
  return [`${partitionStr} ${line(this)}`, ...debugChildren(this, nextPrefix)].join("\n");
};
