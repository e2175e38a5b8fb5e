// pyspark.ml.linalg: DenseVector, SparseVector and the Vectors factory. A vector column has the
// SQL type VectorUDT ({ type: "vector" }); its values are these objects, which cross process
// boundaries through a msgpack extension (registered here, so every process that loads the ML
// layer, driver and executor threads alike, encodes and decodes them the same way).

import { addExtension } from "msgpackr";
import { AnalysisError } from "../common/errors";
import { javaDoubleToString as javaDouble } from "../sql/text-format";
import { registerColumnPacker } from "../sql/column-batch";

export type Vector = DenseVector | SparseVector;

/** A dense vector of doubles (pyspark.ml.linalg.DenseVector). */
export class DenseVector {
  readonly values: Float64Array;
  constructor(values: ArrayLike<number>) {
    this.values = values instanceof Float64Array ? values : Float64Array.from(values);
  }
  get size(): number { return this.values.length; }
  toArray(): Float64Array { return this.values; }
  /** Plain numbers (for JSON, tests and tables). */
  toJSON(): number[] { return Array.from(this.values); }
  get(i: number): number { return this.values[i] ?? 0; }
  numNonzeros(): number { let n = 0; for (const v of this.values) if (v !== 0) n++; return n; }
  dot(other: Vector): number { return dot(this, other); }
  norm(p: number): number { return norm(this.values, p); }
  squaredDistance(other: Vector): number { return squaredDistance(this, other); }
  toSparse(): SparseVector {
    const idx: number[] = [], vals: number[] = [];
    this.values.forEach((v, i) => { if (v !== 0) { idx.push(i); vals.push(v); } });
    return new SparseVector(this.size, idx, vals);
  }
  toDense(): DenseVector { return this; }
  equals(o: unknown): boolean { return o instanceof DenseVector || o instanceof SparseVector ? vectorsEqual(this, o) : false; }
  /** Spark's text: [1.0,2.5]. */
  toString(): string { return "[" + Array.from(this.values, javaDouble).join(",") + "]"; }
}

/** A sparse vector: size, strictly increasing indices and their values (pyspark.ml.linalg.SparseVector). */
export class SparseVector {
  readonly indices: Int32Array;
  readonly values: Float64Array;
  constructor(readonly size: number, indices: ArrayLike<number>, values: ArrayLike<number>) {
    this.indices = indices instanceof Int32Array ? indices : Int32Array.from(indices);
    this.values = values instanceof Float64Array ? values : Float64Array.from(values);
    if (this.indices.length !== this.values.length) {
      throw new AnalysisError("INVALID_PARAMETER_VALUE", `Sparse vectors require that the dimension of the indices match the dimension of the values. You provided ${this.indices.length} indices and ${this.values.length} values.`);
    }
    for (let i = 0; i < this.indices.length; i++) {
      const k = this.indices[i]!;
      if (k < 0 || k >= size) throw new AnalysisError("INVALID_PARAMETER_VALUE", `Index ${k} out of bounds for vector of size ${size}`);
      if (i > 0 && k <= this.indices[i - 1]!) throw new AnalysisError("INVALID_PARAMETER_VALUE", `Indices ${this.indices[i - 1]} and ${k} are not strictly increasing`);
    }
  }
  toArray(): Float64Array {
    const out = new Float64Array(this.size);
    for (let i = 0; i < this.indices.length; i++) out[this.indices[i]!] = this.values[i]!;
    return out;
  }
  toJSON(): { size: number; indices: number[]; values: number[] } {
    return { size: this.size, indices: Array.from(this.indices), values: Array.from(this.values) };
  }
  get(i: number): number {
    let lo = 0, hi = this.indices.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, k = this.indices[mid]!;
      if (k === i) return this.values[mid]!;
      if (k < i) lo = mid + 1; else hi = mid - 1;
    }
    return 0;
  }
  numNonzeros(): number { let n = 0; for (const v of this.values) if (v !== 0) n++; return n; }
  dot(other: Vector): number { return dot(this, other); }
  norm(p: number): number { return norm(this.values, p); }
  squaredDistance(other: Vector): number { return squaredDistance(this, other); }
  toDense(): DenseVector { return new DenseVector(this.toArray()); }
  toSparse(): SparseVector { return this; }
  equals(o: unknown): boolean { return o instanceof DenseVector || o instanceof SparseVector ? vectorsEqual(this, o) : false; }
  /** Spark's text: (4,[0,2],[1.0,3.0]). */
  toString(): string {
    return `(${this.size},[${Array.from(this.indices).join(",")}],[${Array.from(this.values, javaDouble).join(",")}])`;
  }
}

/** pyspark.ml.linalg.Vectors. */
export const Vectors = {
  dense(...values: (number | ArrayLike<number>)[]): DenseVector {
    const first = values[0];
    return new DenseVector(values.length === 1 && typeof first !== "number" ? first! : (values as number[]));
  },
  /** sparse(size, indices, values), sparse(size, {index: value}) or sparse(size, [[i, v], ...]). */
  sparse(size: number, a: ArrayLike<number> | Record<number, number> | [number, number][], b?: ArrayLike<number>): SparseVector {
    if (b !== undefined) return new SparseVector(size, a as ArrayLike<number>, b);
    const pairs: [number, number][] = Array.isArray(a) && Array.isArray(a[0]) ? (a as [number, number][]) : Object.entries(a).map(([k, v]) => [Number(k), v as number]);
    pairs.sort((x, y) => x[0] - y[0]);
    return new SparseVector(size, pairs.map((p) => p[0]), pairs.map((p) => p[1]));
  },
  zeros(size: number): DenseVector { return new DenseVector(new Float64Array(size)); },
  squared_distance(a: Vector, b: Vector): number { return squaredDistance(a, b); },
  norm(v: Vector, p: number): number { return v.norm(p); },
};

export function isVector(v: unknown): v is Vector {
  return v instanceof DenseVector || v instanceof SparseVector;
}

/** The values of any vector as a dense Float64Array (no copy for a DenseVector). */
export function denseValues(v: Vector): Float64Array {
  return v instanceof DenseVector ? v.values : v.toArray();
}

export function dot(a: Vector, b: Vector): number {
  if (a.size !== b.size) throw new AnalysisError("VECTOR_SIZE_MISMATCH", `Vector dimensions do not match: Dim(v1)=${a.size} and Dim(v2)=${b.size}.`);
  if (a instanceof SparseVector) {
    let s = 0;
    for (let i = 0; i < a.indices.length; i++) s += a.values[i]! * b.get(a.indices[i]!);
    return s;
  }
  if (b instanceof SparseVector) return dot(b, a);
  let s = 0;
  for (let i = 0; i < a.values.length; i++) s += a.values[i]! * b.values[i]!;
  return s;
}

function norm(values: Float64Array, p: number): number {
  if (p === Infinity) { let m = 0; for (const v of values) m = Math.max(m, Math.abs(v)); return m; }
  let s = 0;
  for (const v of values) s += Math.abs(v) ** p;
  return s ** (1 / p);
}

export function squaredDistance(a: Vector, b: Vector): number {
  if (a.size !== b.size) throw new AnalysisError("VECTOR_SIZE_MISMATCH", `Vector dimensions do not match: Dim(v1)=${a.size} and Dim(v2)=${b.size}.`);
  const x = denseValues(a), y = denseValues(b);
  let s = 0;
  for (let i = 0; i < x.length; i++) { const d = x[i]! - y[i]!; s += d * d; }
  return s;
}

function vectorsEqual(a: Vector, b: Vector): boolean {
  if (a.size !== b.size) return false;
  const x = denseValues(a), y = denseValues(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

// In the in-memory cache, a column of dense vectors of one size is packed into one Float64Array per
// batch; reading it gives DenseVectors whose values are views of it (no copy), side by side.
registerColumnPacker("vector", {
  pack(values, n) {
    let width = -1;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      if (!(v instanceof DenseVector) || (width >= 0 && v.values.length !== width)) return null;
      width = v.values.length;
    }
    if (width <= 0) return null;
    const out = new Float64Array(n * width);
    let nulls: Uint8Array | null = null;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) (nulls ??= new Uint8Array(n))[i] = 1;
      else out.set((v as DenseVector).values, i * width);
    }
    return { width, values: out, nulls };
  },
  unpack: (values, width, i) => new DenseVector(values.subarray(i * width, (i + 1) * width)),
});

// Over the wire: a dense vector as its values, a sparse one as [size, indices, values].
addExtension({
  Class: DenseVector,
  type: 0x30,
  write: (v: DenseVector) => v.values,
  read: (values: Float64Array) => new DenseVector(values),
});
addExtension({
  Class: SparseVector,
  type: 0x31,
  write: (v: SparseVector) => [v.size, v.indices, v.values],
  read: ([size, indices, values]: [number, Int32Array, Float64Array]) => new SparseVector(size, indices, values),
});
