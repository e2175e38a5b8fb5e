// Versioned key/value state of one stateful operator, split into a fixed number of partitions
// (spark.sql.shuffle.partitions when the checkpoint was created). Version V is the state after
// batch V-1; each commit writes, per partition that changed, a delta file
// `state/<operator>/<partition>/<V>.delta` (msgpack: puts and removes), so any committed version
// can be rebuilt by replaying deltas - which is what happens after a restart or a lost process.

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

export class StateStore {
  private readonly parts: Map<string, StateEntry>[];
  private dirty = new Map<number, Delta>();
  /** The version loaded (state after batch version-1). */
  version = 0;
  numRowsUpdated = 0;
  numRowsRemoved = 0;
  numRowsDroppedByWatermark = 0;

  constructor(readonly dir: string, readonly numPartitions: number) {
    this.parts = Array.from({ length: numPartitions }, () => new Map());
  }

  /** Rebuild `version` from the delta files (version 0 = empty). */
  load(version: number): void {
    for (const p of this.parts) p.clear();
    this.dirty.clear();
    for (let i = 0; i < this.numPartitions; i++) {
      const pdir = join(this.dir, String(i));
      if (!existsSync(pdir)) continue;
      const versions = readdirSync(pdir).map((n) => /^(\d+)\.delta$/.exec(n)).filter((m): m is RegExpExecArray => !!m)
        .map((m) => Number(m[1])).filter((v) => v <= version).sort((a, b) => a - b);
      for (const v of versions) {
        const d = decode<Delta>(readFileSync(join(pdir, `${v}.delta`)));
        for (const [k, val] of d.puts) this.parts[i]!.set(canonical(k), { key: k, value: val });
        for (const k of d.removes) this.parts[i]!.delete(canonical(k));
      }
    }
    this.version = version;
    this.resetMetrics();
  }

  resetMetrics(): void {
    this.numRowsUpdated = 0;
    this.numRowsRemoved = 0;
    this.numRowsDroppedByWatermark = 0;
  }

  partitionOf(key: unknown[]): number {
    return hashKey(key) % this.numPartitions;
  }
  get(key: unknown[]): unknown[] | undefined {
    return this.parts[this.partitionOf(key)]!.get(canonical(key))?.value;
  }
  put(key: unknown[], value: unknown[]): void {
    const p = this.partitionOf(key);
    this.parts[p]!.set(canonical(key), { key, value });
    this.delta(p).puts.push([key, value]);
    this.numRowsUpdated++;
  }
  remove(key: unknown[]): void {
    const p = this.partitionOf(key);
    if (this.parts[p]!.delete(canonical(key))) {
      this.delta(p).removes.push(key);
      this.numRowsRemoved++;
    }
  }
  *entries(): IterableIterator<StateEntry> {
    for (const p of this.parts) yield* p.values();
  }
  get numRowsTotal(): number {
    let n = 0;
    for (const p of this.parts) n += p.size;
    return n;
  }
  /** A rough size of the state (the bytes its delta encoding would take). */
  memoryUsedBytes(): number {
    let n = 0;
    for (const p of this.parts) for (const e of p.values()) n += canonical(e.key).length + canonical(e.value).length + 32;
    return n;
  }

  private delta(p: number): Delta {
    let d = this.dirty.get(p);
    if (!d) { d = { puts: [], removes: [] }; this.dirty.set(p, d); }
    return d;
  }

  /** Write version+1 (removing any leftover files of that version from an attempt that crashed). */
  commit(): number {
    const v = this.version + 1;
    for (let i = 0; i < this.numPartitions; i++) {
      const f = join(this.dir, String(i), `${v}.delta`);
      if (existsSync(f)) rmSync(f);
    }
    for (const [p, d] of this.dirty) {
      const pdir = join(this.dir, String(p));
      mkdirSync(pdir, { recursive: true });
      writeAtomic(join(pdir, `${v}.delta`), encode(d));
    }
    this.dirty.clear();
    this.version = v;
    return v;
  }
}
