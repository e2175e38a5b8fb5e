// The one binary codec for everything that crosses a process boundary or touches disk: RPC
// messages, shuffle blocks, cached partitions, task results. msgpack (msgpackr) with exact round
// trips for Map, Set, Date, bigint, Decimal, Uint8Array, undefined and nested arrays/objects.

import { Packr, addExtension } from "msgpackr";
import { KeyedRecord, recordFromEntries } from "./fields";
import { Decimal } from "./decimal";

const packr = new Packr({
  // Plain objects travel as msgpackr records, self-described in every message (no structures
  // shared between messages: each frame must decode alone, in any process), so msgpack maps
  // are left for real Maps and decode back to Maps.
  useRecords: true,
  moreTypes: true,
  mapsAsObjects: false,
  int64AsType: "bigint",
  structuredClone: false,
});

// Objects with a "__proto__" field travel as their entries (msgpackr would rename the key).
addExtension({
  Class: KeyedRecord,
  type: 0x2f,
  write: (v: KeyedRecord) => Object.entries(v),
  read: (entries: Array<[string, unknown]>) => recordFromEntries(entries),
});

// Exact decimals travel as [unscaled text, scale].
addExtension({
  Class: Decimal,
  type: 0x32, // 0x30 and 0x31 are ML's DenseVector and SparseVector (engine/ml/linalg.ts)
  write: (v: Decimal) => [v.unscaled.toString(), v.scale],
  read: ([u, s]: [string, number]) => new Decimal(BigInt(u), s),
});

/** Encode any supported value to bytes. */
export function encode(value: unknown): Buffer {
  return packr.pack(value);
}

/** Decode bytes produced by `encode`. */
export function decode<T = unknown>(buf: Uint8Array): T {
  return packr.unpack(buf) as T;
}

/**
 * The bytes in a buffer of their own: a copy when `b` is a view into a larger buffer (decoded
 * fields are views into their frame, and an encoder's output into its reusable buffer). Posting a
 * view to another thread clones its whole underlying buffer, not just the view.
 */
export function ownBytes(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b);
}

// ---- partitions of numeric tuples, column by column ------------------------------------------

/** A 32-bit integer other than -0: what an Int32Array column keeps exactly. */
export function isInt32(x: unknown): x is number {
  return typeof x === "number" && (x | 0) === x && (x !== 0 || 1 / x > 0);
}

/** First byte of a tuple-columns frame: 0xc1 is the one byte msgpack never uses (as storage/pair-frame.ts's shuffle frames). */
const TUPLE_COLUMNS = 0xc1;
const MAX_TUPLE = 8;

/**
 * The number of fields when every record is an array of the same 1..8 numbers, and which fields
 * are all 32-bit integers (bit j set for field j); null otherwise.
 */
function tupleShape(values: readonly unknown[]): { k: number; ints: number } | null {
  const first = values[0];
  if (values.length === 0 || !Array.isArray(first) || first.length === 0 || first.length > MAX_TUPLE) return null;
  const k = first.length;
  let ints = (1 << k) - 1;
  for (let i = 0; i < values.length; i++) {
    const r = values[i];
    if (!Array.isArray(r) || r.length !== k) return null;
    for (let j = 0; j < k; j++) {
      const v = r[j];
      if (typeof v !== "number") return null;
      if ((ints >> j) & 1 && !isInt32(v)) ints &= ~(1 << j);
    }
  }
  return { k, ints };
}

/**
 * Encode a partition's records (an array). Records that are all arrays of the same few numbers
 * (pairs of ids, [key, count] tuples: the common RDD record) are written column by column, an
 * Int32Array or Float64Array per field, which decodes several times faster than msgpack's value
 * by value; anything else is `encode(values)`. Decode with decodeRecords.
 */
export function encodeRecords(values: readonly unknown[]): Buffer {
  const shape = tupleShape(values);
  if (!shape) return encode(values);
  const { k, ints } = shape, n = values.length;
  const head = 8 + k;
  let size = Math.ceil(head / 8) * 8;
  const offsets: number[] = [];
  for (let j = 0; j < k; j++) { offsets.push(size); size += n * ((ints >> j) & 1 ? 4 : 8); size = Math.ceil(size / 8) * 8; }
  const buf = Buffer.alloc(size);
  buf[0] = TUPLE_COLUMNS; buf[1] = k; buf.writeUInt32LE(n, 4);
  for (let j = 0; j < k; j++) {
    const int = (ints >> j) & 1;
    buf[8 + j] = int;
    const col = int ? new Int32Array(buf.buffer, buf.byteOffset + offsets[j]!, n) : new Float64Array(buf.buffer, buf.byteOffset + offsets[j]!, n);
    for (let i = 0; i < n; i++) col[i] = (values[i] as number[])[j]!;
  }
  return buf;
}

/** The fields of a frame `encodeRecords` wrote column by column, one typed array per field; null for any other frame. */
export function decodeTupleColumns(buf: Uint8Array): Array<Int32Array | Float64Array> | null {
  if (buf[0] !== TUPLE_COLUMNS) return null;
  const k = buf[1]!, n = (buf[4]! | (buf[5]! << 8) | (buf[6]! << 16)) + buf[7]! * 2 ** 24;
  let at = Math.ceil((8 + k) / 8) * 8;
  const cols: Array<Int32Array | Float64Array> = [];
  for (let j = 0; j < k; j++) {
    const int = buf[8 + j] === 1, bytes = n * (int ? 4 : 8);
    // A copy: the frame may sit at any byte offset, and typed arrays need theirs aligned.
    const col = int ? new Int32Array(n) : new Float64Array(n);
    new Uint8Array(col.buffer).set(buf.subarray(at, at + bytes));
    cols.push(col);
    at = Math.ceil((at + bytes) / 8) * 8;
  }
  return cols;
}

/** The records `encodeRecords` wrote. */
export function decodeRecords(buf: Uint8Array): unknown[] {
  const cols = decodeTupleColumns(buf);
  if (cols === null) return decode<unknown[]>(buf);
  const k = cols.length, n = cols[0]!.length;
  const out = new Array<unknown>(n);
  if (k === 2) {
    const a = cols[0]!, b = cols[1]!;
    for (let i = 0; i < n; i++) out[i] = [a[i], b[i]];
  } else if (k === 3) {
    const a = cols[0]!, b = cols[1]!, c = cols[2]!;
    for (let i = 0; i < n; i++) out[i] = [a[i], b[i], c[i]];
  } else {
    for (let i = 0; i < n; i++) { const r: number[] = []; for (let j = 0; j < k; j++) r.push(cols[j]![i]!); out[i] = r; }
  }
  return out;
}
