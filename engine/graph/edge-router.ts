// Routing a partition of edges to the Pregel vertex partitions (an edge cut: each edge goes with
// its source), as column buckets. Integer ids and numeric values (the common graph) take two
// passes over typed arrays: the edges and each one's partition go into growing typed columns,
// then one stable counting sort scatters them into exact-size columns per partition. The first
// id that is not a 32-bit integer, or value that is not a number, moves what was routed so far to
// column builders (any value) and the rest follows edge by edge.

import { isInt32 } from "../common/codec";
import { hashInt32, partitionForKey } from "../common/keys";
import { ColumnBuilder, type Column } from "./columns";
import type { VertexId } from "./graph-data";
import { IdIndex } from "./id-index";

/** An edge's weight, checked: a finite non-negative number, else GRAPH_INVALID_WEIGHT. */
export function checkedWeight(s: unknown, d: unknown, w: unknown): number {
  if (typeof w !== "number" || !Number.isFinite(w) || w < 0) throw new Error(`GRAPH_INVALID_WEIGHT: edge ${JSON.stringify(s)} -> ${JSON.stringify(d)} has weight ${JSON.stringify(w)}`);
  return w;
}

/** The vertex partition of an id (the hash partitioner's, with the integer case inline). */
export function partitionOf(id: VertexId, parts: number): number {
  if (typeof id !== "number" || (id | 0) !== id) return partitionForKey(id, parts);
  // hash mod parts in integer arithmetic: the 32-bit unsigned hash is a double to V8, and a
  // double modulo costs a call until the JIT learns better (the same number as HashPartitioner's).
  const h = hashInt32(id);
  return ((((h >>> 16) % parts) * 65536) + (h & 0xffff)) % parts;
}

/** Edges for one vertex partition (k "e"), and edge targets first seen here (k "x", each once). */
export type RoutedBucket = { k: "e"; src: Column; dst: Column; vals: Column } | { k: "x"; ids: Column };

export class EdgeRouter {
  private typed = true;
  private n = 0;
  private src = new Int32Array(1024);
  private dst = new Int32Array(1024);
  private val = new Float64Array(1024);
  private part = new Int32Array(1024);
  private valsInt = true;
  /** Edge columns per partition once an edge did not fit the typed columns. */
  private builders: Array<{ src: ColumnBuilder; dst: ColumnBuilder; vals: ColumnBuilder }> | null = null;
  private readonly seen = new IdIndex();
  private readonly targets: ColumnBuilder[] = [];

  constructor(private readonly parts: number) {
    for (let q = 0; q < parts; q++) this.targets.push(new ColumnBuilder());
  }

  add(s: VertexId, d: VertexId, v: unknown): void {
    if (this.typed) {
      if (isInt32(s) && isInt32(d) && typeof v === "number") {
        const n = this.n;
        if (n === this.src.length) this.grow();
        this.src[n] = s; this.dst[n] = d; this.val[n] = v;
        if (this.valsInt && !isInt32(v)) this.valsInt = false;
        this.part[n] = partitionOf(s, this.parts);
        this.n = n + 1;
        this.target(d);
        return;
      }
      this.toBuilders();
    }
    const b = this.builders![partitionOf(s, this.parts)]!;
    b.src.push(s); b.dst.push(d); b.vals.push(v);
    this.target(d);
  }

  /**
   * Edges from typed id columns (a cached partition read as its columns), in one loop with no call
   * per edge: the same buckets, in the same order, as add() edge by edge (with `undirected` each
   * edge then its reverse). `val` null: every edge's value is `fill`; `weights`: each value is
   * checked to be a finite non-negative number (GRAPH_INVALID_WEIGHT). False, with nothing added,
   * once an edge did not fit the typed columns or without a number value: add() them one by one.
   */
  addColumns(src: Int32Array, dst: Int32Array, val: Int32Array | Float64Array | null, fill: number | undefined, weights: boolean, undirected: boolean): boolean {
    const m = src.length;
    if (!this.typed || (val === null && typeof fill !== "number")) return false;
    const need = this.n + (undirected ? 2 * m : m);
    if (this.src.length < need) this.grow(need);
    const S = this.src, D = this.dst, V = this.val, P = this.part, parts = this.parts, seen = this.seen;
    let n = this.n, valsInt = this.valsInt;
    for (let i = 0; i < m; i++) {
      const s = src[i]!, d = dst[i]!;
      const v = val === null ? fill! : weights ? checkedWeight(s, d, val[i]!) : val[i]!;
      if (valsInt && !isInt32(v)) valsInt = false;
      S[n] = s; D[n] = d; V[n] = v; P[n] = partitionOf(s, parts); n++;
      if (seen.get(d) < 0) this.newTarget(d);
      if (undirected) {
        S[n] = d; D[n] = s; V[n] = v; P[n] = partitionOf(d, parts); n++;
        if (seen.get(s) < 0) this.newTarget(s);
      }
    }
    this.n = n;
    this.valsInt = valsInt;
    return true;
  }

  /** The buckets, per partition in order: its edges, then its new targets. */
  finish(): Array<[number, RoutedBucket]> {
    const parts = this.parts, out: Array<[number, RoutedBucket]> = [];
    const edges: Array<RoutedBucket | null> = new Array(parts).fill(null);
    if (this.typed) {
      const n = this.n, part = this.part, count = countParts(part, n, parts);
      const src: Int32Array[] = [], dst: Int32Array[] = [], vals: Array<Int32Array | Float64Array> = [];
      for (let q = 0; q < parts; q++) {
        const c = count[q]!;
        src.push(new Int32Array(c)); dst.push(new Int32Array(c)); vals.push(this.valsInt ? new Int32Array(c) : new Float64Array(c));
      }
      scatterEdges(part, n, this.src, this.dst, this.val, src, dst, vals);
      for (let q = 0; q < parts; q++) if (count[q]! > 0) edges[q] = { k: "e", src: src[q]!, dst: dst[q]!, vals: vals[q]! };
    } else {
      this.builders!.forEach((b, q) => { if (b.src.length > 0) edges[q] = { k: "e", src: b.src.finish(), dst: b.dst.finish(), vals: b.vals.finish() }; });
    }
    for (let q = 0; q < parts; q++) {
      if (edges[q]) out.push([q, edges[q]!]);
      if (this.targets[q]!.length > 0) out.push([q, { k: "x", ids: this.targets[q]!.finish() }]);
    }
    return out;
  }

  private target(d: VertexId): void {
    if (this.seen.get(d) < 0) this.newTarget(d);
  }

  private newTarget(d: VertexId): void {
    this.seen.add(d, 0);
    this.targets[partitionOf(d, this.parts)]!.push(d);
  }

  /** Room for at least `need` edges (double the capacity, or more at once). */
  private grow(need = 0): void {
    const cap = Math.max(this.src.length * 2, need);
    const src = new Int32Array(cap), dst = new Int32Array(cap), val = new Float64Array(cap), part = new Int32Array(cap);
    src.set(this.src); dst.set(this.dst); val.set(this.val); part.set(this.part);
    this.src = src; this.dst = dst; this.val = val; this.part = part;
  }

  /** Move the typed edges to column builders (in order), for edges of any ids and values. */
  private toBuilders(): void {
    this.typed = false;
    this.builders = Array.from({ length: this.parts }, () => ({ src: new ColumnBuilder(), dst: new ColumnBuilder(), vals: new ColumnBuilder() }));
    for (let i = 0; i < this.n; i++) {
      const b = this.builders[this.part[i]!]!;
      b.src.push(this.src[i]!); b.dst.push(this.dst[i]!); b.vals.push(this.val[i]!);
    }
  }
}

// finish()'s two loops over every routed edge, each a function of its own (docs/architecture.md: a
// loop run once a task is compiled while it runs, and code after it in the same function, with no
// type feedback yet, deoptimized there).

/** Edges per destination partition. */
function countParts(part: Int32Array, n: number, parts: number): Int32Array {
  const count = new Int32Array(parts);
  for (let i = 0; i < n; i++) count[part[i]!]!++;
  return count;
}

/** Each edge into its partition's columns, in order. */
function scatterEdges(part: Int32Array, n: number, s: Int32Array, d: Int32Array, v: Float64Array, src: Int32Array[], dst: Int32Array[], vals: Array<Int32Array | Float64Array>): void {
  const fill = new Int32Array(src.length);
  for (let i = 0; i < n; i++) {
    const q = part[i]!, at = fill[q]!++;
    src[q]![at] = s[i]!; dst[q]![at] = d[i]!; vals[q]![at] = v[i]!;
  }
}
