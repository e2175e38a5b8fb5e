// Column batches: the in-task columnar representation (Spark's ColumnarBatch). Numeric columns
// whose values are all JS numbers (byte, short, int, long within 2^53, float, double) live in a
// Float64Array (in the in-memory cache, byte/short/int columns in an Int32Array: 4 bytes a value,
// as Spark caches them), booleans in a Uint8Array, each with an optional null map (1 = null); anything else
// (strings, bigints, dates, nested values) in a plain array holding exactly the row path's values.
// Reading a value back (`valueAt`) gives the same JS value the row path would hold, so a batch
// can always be turned back into rows (ColumnarToRow) with identical results.

/** The values of a number vector: doubles, or 32-bit integers (a cached integer column). */
export type Numbers = Float64Array | Int32Array;
export type NumVector = { kind: "f64"; values: Numbers; nulls: Uint8Array | null };
export type BoolVector = { kind: "bool"; values: Uint8Array; nulls: Uint8Array | null };
export type AnyVector = { kind: "any"; values: unknown[] };
/**
 * Values of a fixed-width numeric type (a column packer's, e.g. ML's dense vectors) stored side by
 * side: value i is values[i*width .. (i+1)*width). Only the in-memory cache packs columns
 * (cacheBatches); readers of cached batches either read values with valueAt or unpack the column.
 */
export type PackedVector = { kind: "packed"; type: string; width: number; values: Float64Array; nulls: Uint8Array | null };
/**
 * A low-cardinality string column of the in-memory cache, dictionary-encoded (as Spark compresses
 * cached columns): value i is dict[codes[i]] (null is an entry like any other). Only the cache
 * encodes columns so (packedOr with the column's type); its readers use valueAt or unpack it.
 */
export type DictVector = { kind: "dict"; codes: Uint8Array | Uint16Array; dict: unknown[] };
/**
 * A null-free number column of the in-memory cache with long runs of one value, run-length encoded
 * (as Spark's RunLengthEncoding compresses cached columns): run r holds values[r] for rows
 * ends[r-1] (0 for the first) to ends[r] - 1. Only the cache encodes columns so (runLengthOr in
 * cacheBatches); its readers use valueAt or unpack it.
 */
export type RunLengthVector = { kind: "rle"; values: Numbers; ends: Int32Array };
export type ColumnVector = NumVector | BoolVector | AnyVector | PackedVector | DictVector | RunLengthVector;

/** How the values of one SQL type are packed into a Float64Array and read back (a view of it). */
export interface ColumnPacker {
  /** The width and packed values, or null when these values cannot be packed (then the column stays a plain array). */
  pack(values: unknown[], n: number): { width: number; values: Float64Array; nulls: Uint8Array | null } | null;
  /** Value i, reading (not copying) values[i*width .. (i+1)*width). */
  unpack(values: Float64Array, width: number, i: number): unknown;
}
const packers = new Map<string, ColumnPacker>();
/** Register the packer of a type (by DataType.type); the layer owning the type's values does this at load. */
export function registerColumnPacker(type: string, p: ColumnPacker): void { packers.set(type, p); }

function unpackAt(v: PackedVector, i: number): unknown {
  if (v.nulls !== null && v.nulls[i] === 1) return null;
  return packers.get(v.type)!.unpack(v.values, v.width, i);
}

/** A packed, dictionary- or run-length-encoded column as a plain array or typed vector of its values. */
export function unpacked(v: ColumnVector, n: number): ColumnVector {
  if (v.kind === "rle") return runsExpanded(v, n);
  if (v.kind === "dict") {
    const out = new Array<unknown>(n), codes = v.codes, dict = v.dict;
    for (let i = 0; i < n; i++) out[i] = dict[codes[i]!];
    return { kind: "any", values: out };
  }
  if (v.kind !== "packed") return v;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = unpackAt(v, i);
  return { kind: "any", values: out };
}

/** The most distinct strings a cached column is dictionary-encoded with (codes fit a Uint16Array). */
const MAX_DICT = 65535;

/**
 * A column of a cached batch: packed when its type has a packer that accepts the values; a string
 * column with at most half as many distinct values as rows, dictionary-encoded; a byte, short or
 * int column in an Int32Array.
 */
export function packedOr(values: unknown[], numeric: boolean, type: string | undefined): ColumnVector {
  const packed = type === undefined ? null : packers.get(type)?.pack(values, values.length);
  if (packed) return { kind: "packed", type: type!, ...packed };
  if (type === "string") return dictionaryOf(values) ?? vectorOf(values, numeric);
  if (type === "integer" || type === "short" || type === "byte") return int32Vector(values) ?? vectorOf(values, numeric);
  return vectorOf(values, numeric);
}

/** A cached column's runs pay when there are at most a quarter as many as rows (8 bytes a run against 4 or 8 a row). */
const MAX_RUNS_PER_ROW = 0.25;

/**
 * A null-free number vector as runs of equal values when they are few enough, else the vector
 * (the in-memory cache's columns, cacheBatches). Runs are of identical values (-0 apart from 0,
 * NaN with NaN), so reading gives the values back.
 */
export function runLengthOr(v: ColumnVector): ColumnVector {
  if (v.kind !== "f64" || v.nulls !== null) return v;
  const vals = v.values, n = vals.length, limit = Math.floor(n * MAX_RUNS_PER_ROW);
  if (n === 0) return v;
  let runs = 1;
  for (let i = 1; i < n; i++) if (!sameNumber(vals[i]!, vals[i - 1]!) && ++runs > limit) return v;
  const values = vals instanceof Int32Array ? new Int32Array(runs) : new Float64Array(runs), ends = new Int32Array(runs);
  let r = 0;
  for (let i = 1; i < n; i++) if (!sameNumber(vals[i]!, vals[i - 1]!)) { values[r] = vals[i - 1]!; ends[r++] = i; }
  values[r] = vals[n - 1]!;
  ends[r] = n;
  return { kind: "rle", values, ends };
}

const sameNumber = (x: number, y: number): boolean => (x === y ? x !== 0 || 1 / x === 1 / y : x !== x && y !== y);

/** The values of a run-length vector, n of them (all by default), as a number vector of the same array type. */
function runsExpanded(v: RunLengthVector, n = v.ends[v.ends.length - 1] ?? 0): NumVector {
  const out = v.values instanceof Int32Array ? new Int32Array(n) : new Float64Array(n);
  let from = 0;
  for (let r = 0; r < v.ends.length && from < n; r++) {
    const to = Math.min(v.ends[r]!, n);
    out.fill(v.values[r]!, from, to);
    from = to;
  }
  return { kind: "f64", values: out, nulls: null };
}

/** The run holding row i (binary search over the run ends). */
function runOf(v: RunLengthVector, i: number): number {
  let lo = 0, hi = v.ends.length - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (v.ends[mid]! > i) hi = mid; else lo = mid + 1; }
  return lo;
}

/** 32-bit integers (and nulls) in an Int32Array; null when some value is not one. */
function int32Vector(values: unknown[]): NumVector | null {
  const n = values.length, out = new Int32Array(n);
  let nulls: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (typeof x === "number" && (x | 0) === x && !Object.is(x, -0)) out[i] = x;
    else if (x === null || x === undefined) (nulls ??= new Uint8Array(n))[i] = 1;
    else return null;
  }
  return { kind: "f64", values: out, nulls };
}

/** Strings (and nulls) as codes into their distinct values, or null when that would not be smaller. */
function dictionaryOf(values: unknown[]): DictVector | null {
  const n = values.length, limit = Math.min(MAX_DICT, n >> 1);
  const index = new Map<unknown, number>(), dict: unknown[] = [];
  const codes = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const x = values[i] ?? null;
    let c = index.get(x);
    if (c === undefined) {
      if (typeof x !== "string" && x !== null) return null;
      if (dict.length >= limit) return null;
      c = dict.length;
      dict.push(x);
      index.set(x, c);
    }
    codes[i] = c;
  }
  return { kind: "dict", codes: dict.length <= 256 ? Uint8Array.from(codes) : codes, dict };
}

export interface ColumnBatch {
  length: number;
  columns: ColumnVector[];
}

export function valueAt(v: ColumnVector, i: number): unknown {
  if (v.kind === "any") return v.values[i];
  if (v.kind === "rle") return v.values[runOf(v, i)];
  if (v.kind === "dict") return v.dict[v.codes[i]!];
  if (v.kind === "packed") return unpackAt(v, i);
  if (v.nulls !== null && v.nulls[i] === 1) return null;
  return v.kind === "f64" ? v.values[i] : v.values[i] === 1;
}

export function isNullAt(v: ColumnVector, i: number): boolean {
  if (v.kind === "any") { const x = v.values[i]; return x === null || x === undefined; }
  if (v.kind === "dict") return v.dict[v.codes[i]!] === null;
  if (v.kind === "rle") return false;
  return v.nulls !== null && v.nulls[i] === 1;
}

/**
 * A vector over row-path values. `numeric` says the column's type is one whose values are JS
 * numbers (then a Float64Array is used unless some value is not a number, e.g. a bigint long).
 */
export function vectorOf(values: unknown[], numeric: boolean): ColumnVector {
  const n = values.length;
  if (numeric) {
    const v = numberVector(values, n, () => false);
    if (v) return v;
  }
  const copy = new Array<unknown>(n);
  for (let i = 0; i < n; i++) copy[i] = values[i] ?? null;
  return { kind: "any", values: copy };
}

/**
 * Numbers (null/undefined as nulls) in a Float64Array; bigints too where `bigintFits` says the
 * double holds them exactly. null when some value is neither: the caller keeps a plain array.
 */
export function numberVector(values: ArrayLike<unknown>, n: number, bigintFits: (x: bigint) => boolean): ColumnVector | null {
  const out = new Float64Array(n);
  let nulls: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (typeof x === "number") out[i] = x;
    else if (x === null || x === undefined) (nulls ??= new Uint8Array(n))[i] = 1;
    else if (typeof x === "bigint" && bigintFits(x)) out[i] = Number(x);
    else return null;
  }
  return { kind: "f64", values: out, nulls };
}

/** A vector repeating one value (literals, partition columns). */
export function constantVector(value: unknown, n: number): ColumnVector {
  if (typeof value === "number") return { kind: "f64", values: new Float64Array(n).fill(value), nulls: null };
  if (typeof value === "boolean") return { kind: "bool", values: new Uint8Array(n).fill(value ? 1 : 0), nulls: null };
  return { kind: "any", values: new Array<unknown>(n).fill(value ?? null) };
}

/** The rows at positions `idx[0..n)` (filters and join probes). */
export function gather(v: ColumnVector, idx: Int32Array, n: number): ColumnVector {
  if (v.kind === "rle") return gather(runsExpanded(v), idx, n);
  if (v.kind === "dict") {
    const codes = v.codes instanceof Uint8Array ? new Uint8Array(n) : new Uint16Array(n);
    for (let i = 0; i < n; i++) codes[i] = v.codes[idx[i]!]!;
    return { kind: "dict", codes, dict: v.dict };
  }
  if (v.kind === "packed") {
    const w = v.width, out = new Float64Array(n * w);
    let nulls: Uint8Array | null = null;
    for (let i = 0; i < n; i++) {
      const j = idx[i]!;
      out.set(v.values.subarray(j * w, j * w + w), i * w);
      if (v.nulls !== null && v.nulls[j] === 1) (nulls ??= new Uint8Array(n))[i] = 1;
    }
    return { ...v, values: out, nulls };
  }
  if (v.kind === "any") {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = v.values[idx[i]!];
    return { kind: "any", values: out };
  }
  const nulls = v.nulls === null ? null : gatherBytes(v.nulls, idx, n, new Uint8Array(n));
  if (v.kind === "bool") return { kind: "bool", values: gatherBytes(v.values, idx, n, new Uint8Array(n)), nulls };
  return { kind: "f64", values: v.values instanceof Int32Array ? gatherInts(v.values, idx, n, new Int32Array(n)) : gatherNumbers(v.values, idx, n, new Float64Array(n)), nulls };
}

/** Rows [from, b.length) of a batch: typed vectors as views, plain arrays copied. */
export function sliceBatch(b: ColumnBatch, from: number): ColumnBatch {
  const end = b.length;
  const part = (nulls: Uint8Array | null) => (nulls === null ? null : nulls.subarray(from, end));
  return {
    length: end - from,
    columns: b.columns.map((v): ColumnVector => {
      switch (v.kind) {
        case "f64": return { kind: "f64", values: v.values.subarray(from, end), nulls: part(v.nulls) };
        case "bool": return { kind: "bool", values: v.values.subarray(from, end), nulls: part(v.nulls) };
        case "packed": return { ...v, values: v.values.subarray(from * v.width, end * v.width), nulls: part(v.nulls) };
        case "dict": return { kind: "dict", codes: v.codes.subarray(from, end), dict: v.dict };
        case "any": return { kind: "any", values: v.values.slice(from, end) };
        case "rle": return { kind: "f64", values: runsExpanded(v, end).values.subarray(from, end), nulls: null };
      }
    }),
  };
}

/** src[idx[i]] for i < n into `out` (at least n long); one element type per loop keeps it tight. */
export function gatherNumbers(src: Float64Array, idx: Int32Array, n: number, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) out[i] = src[idx[i]!]!;
  return out;
}

/** As gatherNumbers, for 32-bit integer columns. */
export function gatherInts(src: Int32Array, idx: Int32Array, n: number, out: Int32Array): Int32Array {
  for (let i = 0; i < n; i++) out[i] = src[idx[i]!]!;
  return out;
}

/** As gatherNumbers, for byte columns (booleans, null flags). */
export function gatherBytes(src: Uint8Array, idx: Int32Array, n: number, out: Uint8Array): Uint8Array {
  for (let i = 0; i < n; i++) out[i] = src[idx[i]!]!;
  return out;
}

/**
 * Several batches of the same columns as one (a broadcast build side collected as batches):
 * a column whose parts are all number (or all boolean) vectors stays typed, any other becomes a
 * plain array of the row path's values.
 */
export function concatBatches(batches: ColumnBatch[], width: number): ColumnBatch {
  const n = batches.reduce((a, b) => a + b.length, 0);
  const columns = Array.from({ length: width }, (_, c): ColumnVector => {
    const parts = batches.map((b) => b.columns[c]!);
    const kind = parts.length > 0 && parts.every((v) => v.kind === "f64") ? "f64" : parts.length > 0 && parts.every((v) => v.kind === "bool") ? "bool" : "any";
    if (kind === "any") {
      const values = new Array<unknown>(n);
      let at = 0;
      batches.forEach((b, k) => { for (let i = 0; i < b.length; i++) values[at++] = valueAt(parts[k]!, i); });
      return { kind: "any", values };
    }
    const values = kind === "f64" ? new Float64Array(n) : new Uint8Array(n);
    let nulls: Uint8Array | null = null, at = 0;
    batches.forEach((b, k) => {
      const v = parts[k] as NumVector | BoolVector;
      (values as Float64Array | Uint8Array).set(v.values.subarray(0, b.length) as never, at);
      if (v.nulls !== null) (nulls ??= new Uint8Array(n)).set(v.nulls.subarray(0, b.length), at);
      at += b.length;
    });
    return kind === "f64" ? { kind, values: values as Float64Array, nulls } : { kind, values: values as Uint8Array, nulls };
  });
  return { length: n, columns };
}

/** Rows of a batch (ColumnarToRow). */
export function* batchRows(b: ColumnBatch): Generator<unknown[]> {
  const cols = b.columns, w = cols.length;
  for (let i = 0; i < b.length; i++) {
    const row = new Array<unknown>(w);
    for (let c = 0; c < w; c++) row[c] = valueAt(cols[c]!, i);
    yield row;
  }
}

/** A batch of rows (RowToColumnar); `numeric[c]` as in vectorOf. */
export function rowsToBatch(rows: unknown[][], numeric: boolean[], types?: string[]): ColumnBatch {
  const columns = numeric.map((num, c) => packedOr(rows.map((r) => r[c]), num, types?.[c]));
  return { length: rows.length, columns };
}

/** Rows of a batch made from rows (the in-memory cache's, Spark's spark.sql.inMemoryColumnarStorage.batchSize; also spark.range's and text files'). */
export const BATCH_ROWS = 10_000;

/** Rows (arrays) to column batches of BATCH_ROWS rows (rowsToBatch), as they arrive. */
export function* rowBatches(rows: Iterable<unknown[]>, numeric: boolean[], types?: string[]): Generator<ColumnBatch> {
  let chunk: unknown[][] = [];
  for (const r of rows) {
    chunk.push(r);
    if (chunk.length === BATCH_ROWS) { yield rowsToBatch(chunk, numeric, types); chunk = []; }
  }
  if (chunk.length > 0) yield rowsToBatch(chunk, numeric, types);
}

const NUMERIC_TYPES = new Set(["byte", "short", "integer", "long", "float", "double"]);
/** Types whose row-path values are JS numbers (long only when within 2^53; vectorOf checks). */
export function isNumberType(t: { type: string }): boolean {
  return NUMERIC_TYPES.has(t.type);
}
