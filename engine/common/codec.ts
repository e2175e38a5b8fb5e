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
