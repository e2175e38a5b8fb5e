// Key semantics shared by shuffles, joins, caches and sorts: keys compare by value, not identity
// (strings, numbers, booleans, null, bigint, Dates and arrays of these). Hashes are stable across
// processes, so a HashPartitioner places a key in the same partition on every worker.

import { registerShippable } from "./closure/ship-registry";
import { Decimal, compareDecimals, decimalKeyText } from "./decimal";

/** A Map-safe stand-in for a key: primitives stay as they are (fast path); compound keys become a canonical string. */
export type NormalKey = string | number | boolean | bigint | null | undefined;

export const normalizeKey = registerShippable("common.normalizeKey", function normalizeKey(k: unknown): NormalKey {
  switch (typeof k) {
    case "string": case "number": case "boolean": case "bigint": case "undefined":
      return k;
    default:
      if (k === null) return null;
      return "\u0000" + canonical(k);
  }
});

/** Canonical text of a compound value; distinct values give distinct text. */
export function canonical(v: unknown): string {
  if (v === null) return "N";
  switch (typeof v) {
    case "string": return "s" + JSON.stringify(v);
    case "number": return Object.is(v, -0) ? "n0" : "n" + String(v);
    case "bigint": return "b" + v.toString();
    case "boolean": return v ? "T" : "F";
    case "undefined": return "U";
    case "function": return "f" + String(v);
  }
  if (Array.isArray(v)) return "[" + v.map(canonical).join(",") + "]";
  if (v instanceof Decimal) return "D" + decimalKeyText(v);
  if (v instanceof Date) return "d" + v.getTime();
  if (v instanceof Uint8Array) return "x" + Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex");
  if (v instanceof Map) return "M{" + [...v.entries()].map(([a, b]) => canonical(a) + ":" + canonical(b)).sort().join(",") + "}";
  if (v instanceof Set) return "S{" + [...v].map(canonical).sort().join(",") + "}";
  // A struct (a row of a window, a map of fields): fields in name order. Built by concatenation, the
  // quoted field names cached - group-by keys such as window() structs come through here per row.
  const o = v as Record<string, unknown>;
  const names = Object.keys(o);
  for (let i = 1; i < names.length; i++) if (names[i - 1]! > names[i]!) { names.sort(); break; }
  let s = "{";
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    let q = quotedNames.get(name);
    if (q === undefined) { q = JSON.stringify(name) + ":"; if (quotedNames.size < 10_000) quotedNames.set(name, q); }
    s += (i ? "," : "") + q + canonical(o[name]);
  }
  return s + "}";
}
const quotedNames = new Map<string, string>();

/** Value equality for keys. */
export function keysEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b);
  }
  // The same answer as comparing canonical texts, without building them for the common shapes
  // (dates, arrays, plain-object structs such as window() keys).
  if (a instanceof Date) return b instanceof Date && keysEqual(a.getTime(), b.getTime());
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!keysEqual(a[i], b[i])) return false;
    return true;
  }
  if (Object.getPrototypeOf(a) === Object.prototype && Object.getPrototypeOf(b) === Object.prototype) {
    // Counted with for-in rather than Object.keys: no arrays per comparison (window() keys are
    // compared once per streamed row).
    const oa = a as Record<string, unknown>, ob = b as Record<string, unknown>;
    let na = 0, nb = 0;
    for (const n in oa) {
      if (!Object.hasOwn(oa, n)) continue;
      na++;
      if (!Object.hasOwn(ob, n) || !keysEqual(oa[n], ob[n])) return false;
    }
    for (const n in ob) if (Object.hasOwn(ob, n)) nb++;
    return na === nb;
  }
  return canonical(a) === canonical(b);
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Stable non-negative 32-bit hash of a key by value (same on every process). */
/** The hash of an integer in the int32 range (what hashKey gives it): spread, so that consecutive
 *  keys do not land in consecutive partitions only. */
export function hashInt32(k: number): number {
  let x = k | 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  return (x ^ (x >>> 16)) >>> 0;
}

export function hashKey(k: unknown): number {
  switch (typeof k) {
    case "string": return fnv1a(k);
    case "number": {
      if (Number.isInteger(k) && k >= -0x80000000 && k <= 0x7fffffff) return hashInt32(k);
      f64[0] = Object.is(k, -0) ? 0 : k;
      return (Math.imul(u32[0]! ^ u32[1]!, 0x9e3779b1) ^ 0x5bd1e995) >>> 0;
    }
    case "boolean": return k ? 1231 : 1237;
    case "undefined": return 0;
    case "bigint": return fnv1a("b" + k.toString());
  }
  if (k === null) return 0;
  return fnv1a(canonical(k));
}

/** Non-negative modulo, as Spark's HashPartitioner uses. */
export function partitionForKey(k: unknown, numPartitions: number): number {
  return hashKey(k) % numPartitions;
}

const TYPE_RANK: Record<string, number> = { undefined: 0, object: 1, boolean: 2, number: 3, bigint: 3, string: 4 };

/**
 * Natural ordering used by sortByKey, takeOrdered, top and range partitioning: nulls first,
 * then booleans, numbers (and bigints), strings, Dates, arrays (lexicographic).
 */
export function compareKeys(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  const ta = typeof a, tb = typeof b;
  if ((ta === "number" || ta === "bigint") && (tb === "number" || tb === "bigint")) {
    const x = a as number, y = b as number;
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
    if (Number.isNaN(y)) return -1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ta === "string" && tb === "string") return (a as string) < (b as string) ? -1 : 1;
  if ((a instanceof Decimal || ta === "number" || ta === "bigint") && (b instanceof Decimal || tb === "number" || tb === "bigint")) {
    if (Number.isNaN(a)) return 1;
    if (Number.isNaN(b)) return -1;
    return compareDecimals(a, b);
  }
  if (ta !== tb) return (TYPE_RANK[ta] ?? 9) - (TYPE_RANK[tb] ?? 9);
  if (ta === "boolean") return a ? 1 : -1;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = compareKeys(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  const ca = canonical(a), cb = canonical(b);
  return ca < cb ? -1 : ca > cb ? 1 : 0;
}

/** A Map keyed by value: compound keys are normalized, primitives go straight through. */
export class KeyMap<V> {
  private readonly m = new Map<NormalKey, [unknown, V]>();
  get size(): number { return this.m.size; }
  get(k: unknown): V | undefined { return this.m.get(normalizeKey(k))?.[1]; }
  has(k: unknown): boolean { return this.m.has(normalizeKey(k)); }
  set(k: unknown, v: V): this {
    const nk = normalizeKey(k);
    const e = this.m.get(nk);
    if (e) e[1] = v; else this.m.set(nk, [k, v]);
    return this;
  }
  delete(k: unknown): boolean { return this.m.delete(normalizeKey(k)); }
  *entries(): IterableIterator<[unknown, V]> {
    for (const e of this.m.values()) yield [e[0], e[1]];
  }
  [Symbol.iterator](): IterableIterator<[unknown, V]> { return this.entries(); }
}
