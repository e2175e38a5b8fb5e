// The serialized size of a key or value as the shuffle's msgpack codec stores it, computed without
// encoding (MAP_OUTPUT_BYTES counts these, as Hadoop counts the serialized map output). Exact for
// strings, numbers, booleans, null and arrays of them; objects are estimated (plain map layout).

export function serializedSize(v: unknown): number {
  switch (typeof v) {
    case "string": {
      const n = utf8Length(v);
      return n + (n < 32 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 5);
    }
    case "number":
      if (Number.isInteger(v)) {
        if (v >= 0) return v < 64 ? 1 : v < 256 ? 2 : v < 65536 ? 3 : v < 4294967296 ? 5 : 9;
        return v >= -32 ? 1 : v >= -128 ? 2 : v >= -32768 ? 3 : v >= -2147483648 ? 5 : 9;
      }
      return 9;
    case "boolean": case "undefined": return 1;
    case "bigint": return 9;
  }
  if (v === null) return 1;
  if (Array.isArray(v)) {
    let n = v.length < 16 ? 1 : v.length < 65536 ? 3 : 5;
    for (const x of v) n += serializedSize(x);
    return n;
  }
  if (v instanceof Uint8Array) return v.byteLength + 5;
  if (v instanceof Date) return 15;
  const keys = Object.keys(v as object);
  let n = keys.length < 16 ? 1 : keys.length < 65536 ? 3 : 5;
  for (const k of keys) n += serializedSize(k) + serializedSize((v as Record<string, unknown>)[k]);
  return n;
}

function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) n += c < 0x800 ? 1 : c >= 0xd800 && c <= 0xdbff ? 0 : 2;
  }
  return n;
}
