// Vertex id -> dense index, the lookup every Pregel message makes. Integer ids (the common case)
// live in an open-addressing table on typed arrays, several times faster than a Map; other ids
// (strings, fractions, ids past 2^31) fall back to a Map beside it.

import type { VertexId } from "./graph-data";

export class IdIndex {
  private keys: Int32Array;
  private vals: Int32Array;
  private mask: number;
  private used = 0;
  private readonly other = new Map<VertexId, number>();

  constructor(expected = 16) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.keys = new Int32Array(cap);
    this.vals = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  get size(): number { return this.used + this.other.size; }

  /** The index of `id`, or -1. */
  get(id: VertexId): number {
    if (typeof id === "number" && (id | 0) === id) {
      const keys = this.keys, vals = this.vals, mask = this.mask;
      let h = Math.imul(id, 0x9e3779b1) & mask;
      for (;;) {
        const v = vals[h]!;
        if (v < 0) return -1;
        if (keys[h] === id) return v;
        h = (h + 1) & mask;
      }
    }
    return this.other.get(id) ?? -1;
  }

  /** Set the index of an id not in the table yet. */
  add(id: VertexId, index: number): void {
    if (typeof id === "number" && (id | 0) === id) {
      if ((this.used + 1) * 2 > this.keys.length) this.grow();
      this.place(id, index);
      this.used++;
    } else this.other.set(id, index);
  }

  private place(id: number, index: number): void {
    const keys = this.keys, vals = this.vals, mask = this.mask;
    let h = Math.imul(id, 0x9e3779b1) & mask;
    while (vals[h]! >= 0) h = (h + 1) & mask;
    keys[h] = id;
    vals[h] = index;
  }

  private grow(): void {
    const keys = this.keys, vals = this.vals;
    this.keys = new Int32Array(keys.length * 2);
    this.vals = new Int32Array(keys.length * 2).fill(-1);
    this.mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) if (vals[i]! >= 0) this.place(keys[i]!, vals[i]!);
  }
}
