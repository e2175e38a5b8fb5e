// Internal rows (arrays) to the objects collect() returns: keyed by column name in column
// order, nested structs as objects, maps as plain objects when their keys are strings (else Map),
// 64-bit integers as bigint only when they do not fit a double exactly.

import { toDecimal } from "../common/decimal";
import { setField } from "../common/fields";
import { registerShippable } from "../common/closure";
import type { DataType } from "./types";

function convert(v: unknown, dt: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (dt.type) {
    case "array": return (v as unknown[]).map((x) => convert(x, dt.elementType));
    case "struct": {
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of dt.fields) setField(out, f.name, convert(o[f.name], f.dataType));
      return out;
    }
    case "map": {
      if (!(v instanceof Map)) return v;
      if ([...v.keys()].every((k) => typeof k === "string")) {
        const out: Record<string, unknown> = {};
        for (const [k, x] of v) setField(out, k as string, convert(x, dt.valueType));
        return out;
      }
      return new Map([...v].map(([k, x]) => [convert(k, dt.keyType), convert(x, dt.valueType)]));
    }
    case "long": return typeof v === "bigint" && Number.isSafeInteger(Number(v)) ? Number(v) : v;
    default: return v;
  }
}

export const internalToExternal = registerShippable("sql.internalToExternal", function internalToExternal(names: string[], types: DataType[], row: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < names.length; i++) setField(out, names[i]!, convert(row[i], types[i]!));
  return out;
});

/** An external value (from createDataFrame) in the engine's representation for `dt`. */
export function externalToInternal(v: unknown, dt: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (dt.type) {
    case "array": return Array.isArray(v) ? v.map((x) => externalToInternal(x, dt.elementType)) : v;
    case "struct": {
      if (Array.isArray(v)) {
        const out: Record<string, unknown> = {};
        dt.fields.forEach((f, i) => { setField(out, f.name, externalToInternal(v[i], f.dataType)); });
        return out;
      }
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of dt.fields) setField(out, f.name, externalToInternal(o[f.name], f.dataType));
      return out;
    }
    case "map": {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
      return new Map(entries.map(([k, x]) => [k, externalToInternal(x, dt.valueType)]));
    }
    case "long": return typeof v === "bigint" && Number.isSafeInteger(Number(v)) ? Number(v) : v;
    // Numbers, bigints, Decimals and decimal text to the exact form (a value too wide stays as given:
    // the schema check reports it).
    case "decimal": return typeof v === "number" && Number.isInteger(v) ? v : (toDecimal(v, dt.precision, dt.scale) ?? v);
    case "date": return v instanceof Date ? new Date(Date.UTC(v.getUTCFullYear(), v.getUTCMonth(), v.getUTCDate())) : typeof v === "string" ? new Date(v.slice(0, 10) + "T00:00:00Z") : v;
    case "timestamp": return typeof v === "string" || typeof v === "number" ? new Date(v) : v;
    default: return v;
  }
}
