// Versioned key/value state of one stateful operator, split into a fixed number of partitions
// (spark.sql.shuffle.partitions when the checkpoint was created). Version V is the state after
// batch V-1. Each partition is a StatePartition: committing version V writes
// `state/<operator>/<partition>/<V>.delta` (msgpack: puts and removes) when the partition
// changed, and every SNAPSHOT_EVERY versions a full `<V>.snapshot` (Spark's HDFSBackedStateStore:
// spark.sql.streaming.stateStore.minDeltasForSnapshot), so any committed version is rebuilt from
// the latest snapshot at or below it plus the deltas after it - after a restart, on a worker that
// did not run the previous batch of that partition, or after a lost process.
// Every stateful operator keeps its partitions on the workers (./state-tasks.ts,
// ./join-state-task.ts); StateStore reads and writes all partitions of an operator in one
// process (inspecting a checkpoint, tests).

import { mkdirSync, readdirSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { decode, encode } from "../common/codec";
import { canonical, hashKey } from "../common/keys";
import { writeAtomic } from "./checkpoint-log";

export interface StateEntry {
  key: unknown[];
  value: unknown[];
}

interface Delta { puts: [unknown[], unknown[]][]; removes: unknown[][] }

/** A full snapshot is written every this many versions (Spark's minDeltasForSnapshot default). */
export const SNAPSHOT_EVERY = 10;

/** The metrics a state partition (or store) reports for a batch (Spark's StateOperatorProgress). */
export interface StateMetrics { numRowsTotal: number; numRowsUpdated: number; numRowsRemoved: number; memoryUsedBytes: number }

/** Metrics of several partitions (or stores) together. */
export function sumMetrics(ms: StateMetrics[]): StateMetrics {
  const t: StateMetrics = { numRowsTotal: 0, numRowsUpdated: 0, numRowsRemoved: 0, memoryUsedBytes: 0 };
  for (const m of ms) { t.numRowsTotal += m.numRowsTotal; t.numRowsUpdated += m.numRowsUpdated; t.numRowsRemoved += m.numRowsRemoved; t.memoryUsedBytes += m.memoryUsedBytes; }
  return t;
}

/** One partition of an operator's state: a map by key value, versioned by delta and snapshot files. */
export class StatePartition {
  private readonly map = new Map<string, StateEntry>();
  private delta: Delta = { puts: [], removes: [] };
  /** The version loaded or last committed (state after batch version-1). */
  version = 0;
  numRowsUpdated = 0;
  numRowsRemoved = 0;

  constructor(readonly operatorDir: string, readonly partition: number) {}

  private get dir(): string { return join(this.operatorDir, String(this.partition)); }
  /** No changes since the last load or commit. */
  get clean(): boolean { return this.delta.puts.length === 0 && this.delta.removes.length === 0; }

  /** Rebuild `version` from the latest snapshot at or below it and the deltas after it (version 0 = empty). */
  load(version: number): void {
    this.map.clear();
    this.delta = { puts: [], removes: [] };
    if (existsSync(this.dir)) {
      const files = readdirSync(this.dir).map((n) => /^(\d+)\.(delta|snapshot)$/.exec(n)).filter((m): m is RegExpExecArray => !!m)
        .map((m) => ({ v: Number(m[1]), kind: m[2]! })).filter((f) => f.v <= version);
      const snap = Math.max(0, ...files.filter((f) => f.kind === "snapshot").map((f) => f.v));
      if (snap > 0) {
        for (const [k, val] of decode<[unknown[], unknown[]][]>(readFileSync(join(this.dir, `${snap}.snapshot`)))) this.map.set(canonical(k), { key: k, value: val });
      }
      for (const v of files.filter((f) => f.kind === "delta" && f.v > snap).map((f) => f.v).sort((a, b) => a - b)) {
        const d = decode<Delta>(readFileSync(join(this.dir, `${v}.delta`)));
        for (const [k, val] of d.puts) this.map.set(canonical(k), { key: k, value: val });
        for (const k of d.removes) this.map.delete(canonical(k));
      }
    }
    this.version = version;
    this.resetMetrics();
  }

  resetMetrics(): void {
    this.numRowsUpdated = 0;
    this.numRowsRemoved = 0;
  }

  get(key: unknown[]): unknown[] | undefined {
    return this.map.get(canonical(key))?.value;
  }
  put(key: unknown[], value: unknown[]): void {
    this.map.set(canonical(key), { key, value });
    this.delta.puts.push([key, value]);
    this.numRowsUpdated++;
  }
  remove(key: unknown[]): void {
    if (this.map.delete(canonical(key))) {
      this.delta.removes.push(key);
      this.numRowsRemoved++;
    }
  }
  entries(): IterableIterator<StateEntry> {
    return this.map.values();
  }
  get size(): number { return this.map.size; }
  /** A rough size of the state (the bytes its delta encoding would take). */
  memoryUsedBytes(): number {
    let n = 0;
    for (const e of this.map.values()) n += canonical(e.key).length + canonical(e.value).length + 32;
    return n;
  }
  metrics(): StateMetrics {
    return { numRowsTotal: this.size, numRowsUpdated: this.numRowsUpdated, numRowsRemoved: this.numRowsRemoved, memoryUsedBytes: this.memoryUsedBytes() };
  }

  /** Write version+1, replacing any file of that version left by an attempt that crashed. */
  commit(): number {
    const v = this.version + 1;
    for (const ext of ["delta", "snapshot"]) {
      const f = join(this.dir, `${v}.${ext}`);
      if (existsSync(f)) rmSync(f);
    }
    const changed = !this.clean;
    if (changed || (v % SNAPSHOT_EVERY === 0 && this.map.size > 0)) mkdirSync(this.dir, { recursive: true });
    if (changed) writeAtomic(join(this.dir, `${v}.delta`), encode(this.delta));
    if (v % SNAPSHOT_EVERY === 0 && this.map.size > 0) writeAtomic(join(this.dir, `${v}.snapshot`), encode([...this.map.values()].map((e) => [e.key, e.value])));
    this.delta = { puts: [], removes: [] };
    this.version = v;
    return v;
  }
}

/** Hash partition of a state key (the same on the driver and every worker). */
export function statePartitionOf(key: unknown[], numPartitions: number): number {
  return hashKey(key) % numPartitions;
}

/** All partitions of an operator's state in one process (inspecting a checkpoint's state, tests). */
export class StateStore {
  private readonly parts: StatePartition[];
  numRowsDroppedByWatermark = 0;

  constructor(readonly dir: string, readonly numPartitions: number) {
    this.parts = Array.from({ length: numPartitions }, (_, i) => new StatePartition(dir, i));
  }

  /** The version loaded (state after batch version-1). */
  get version(): number { return this.parts[0]!.version; }

  /** Rebuild `version` from the partitions' files (version 0 = empty). */
  load(version: number): void {
    for (const p of this.parts) p.load(version);
    this.resetMetrics();
  }

  resetMetrics(): void {
    for (const p of this.parts) p.resetMetrics();
    this.numRowsDroppedByWatermark = 0;
  }

  partitionOf(key: unknown[]): number {
    return statePartitionOf(key, this.numPartitions);
  }
  get(key: unknown[]): unknown[] | undefined {
    return this.parts[this.partitionOf(key)]!.get(key);
  }
  put(key: unknown[], value: unknown[]): void {
    this.parts[this.partitionOf(key)]!.put(key, value);
  }
  remove(key: unknown[]): void {
    this.parts[this.partitionOf(key)]!.remove(key);
  }
  *entries(): IterableIterator<StateEntry> {
    for (const p of this.parts) yield* p.entries();
  }
  get numRowsTotal(): number { return this.parts.reduce((a, p) => a + p.size, 0); }
  get numRowsUpdated(): number { return this.parts.reduce((a, p) => a + p.numRowsUpdated, 0); }
  get numRowsRemoved(): number { return this.parts.reduce((a, p) => a + p.numRowsRemoved, 0); }
  memoryUsedBytes(): number { return this.parts.reduce((a, p) => a + p.memoryUsedBytes(), 0); }
  metrics(): StateMetrics { return sumMetrics(this.parts.map((p) => p.metrics())); }

  /** Write version+1 of every partition. */
  commit(): number {
    let v = 0;
    for (const p of this.parts) v = p.commit();
    return v;
  }
}
