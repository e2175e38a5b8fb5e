// Field names are data. A row, struct or JSON object may have a field called "__proto__"
// (a CSV header, a JSON key, a SQL alias); assigning it with obj[name] = v would set the object's
// prototype instead and lose the value. setField stores it as an own, enumerable property, and
// marks the object as a KeyedRecord so the codec carries it across processes as entries (msgpack
// decoders rename "__proto__" keys for safety).

import { registerShippable } from "./closure/ship-registry";

/** An object that holds a "__proto__" key as data (otherwise a plain object). */
export class KeyedRecord {}
// Literals shipped inside task closures keep their prototype (and so the codec's handling).
registerShippable("common.KeyedRecord", KeyedRecord);

/** obj[key] = value, safe for any key. */
export function setField(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    if (Object.getPrototypeOf(obj) === Object.prototype) Object.setPrototypeOf(obj, KeyedRecord.prototype);
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/** An object from entries, safe for any key. */
export function recordFromEntries(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) setField(out, k, v);
  return out;
}
