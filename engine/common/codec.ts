// The one binary codec for everything that crosses a process boundary or touches disk: RPC
// messages, shuffle blocks, cached partitions, task results. msgpack (msgpackr) with exact round
// trips for Map, Set, Date, bigint, Uint8Array, undefined and nested arrays/objects.

import { Packr, addExtension } from "msgpackr";

let registered = false;
function registerExtensions(): void {
  if (registered) return;
  registered = true;
  // Maps keep their identity as Maps (plain objects decode as plain objects).
  addExtension({
    Class: Map,
    type: 21,
    write: (m: Map<unknown, unknown>) => [...m.entries()],
    read: (entries: Array<[unknown, unknown]>) => new Map(entries),
  });
}
registerExtensions();

const packr = new Packr({
  useRecords: false,
  moreTypes: true,
  mapsAsObjects: true,
  int64AsType: "bigint",
  structuredClone: false,
});

/** Encode any supported value to bytes. */
export function encode(value: unknown): Buffer {
  return packr.pack(value);
}

/** Decode bytes produced by `encode`. */
export function decode<T = unknown>(buf: Uint8Array): T {
  return packr.unpack(buf) as T;
}
