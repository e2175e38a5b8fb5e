// Rows made on the client (spark.createDataFrame on a remote session) as Spark Connect's
// LocalRelation: an Arrow IPC stream written with apache-arrow, as PySpark's client sends it.
// Booleans, integers, floating point, strings and binary go as the Arrow types Spark reads;
// every other column (dates, timestamps, decimals, arrays, structs, maps) goes as text and is
// turned back into its type on the server (cast, or from_json for nested values), so no value is
// rounded on the way.

import {
  Binary, Bool, Field, Float32, Float64, Int16, Int32, Int64, Int8, makeData, RecordBatch, Schema, Struct, Table, Utf8, tableToIPC, vectorFromArray,
  type DataType as ArrowType,
} from "apache-arrow";
import { decimalText } from "../common/decimal";
import type { Attr } from "../sql/expressions/expression";
import { simpleString, type DataType } from "../sql/types";

/** How a column crosses: its Arrow type and the value written, or text plus the server-side conversion. */
interface Encoding {
  arrow: ArrowType;
  value: (v: unknown) => unknown;
  /** Set when the column goes as text: "cast" for a scalar, "json" for a nested value. */
  convert?: "cast" | "json";
}

// A timestamp is an instant: its text carries the zone (Z), so the server reads the same instant
// whatever spark.sql.session.timeZone is when the action runs.
const iso = (d: Date) => d.toISOString();

function jsonValue(v: unknown, dt: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (dt.type) {
    case "array": return (v as unknown[]).map((x) => jsonValue(x, dt.elementType));
    case "struct": {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(dt.fields.map((f) => [f.name, jsonValue(o[f.name], f.dataType)]));
    }
    case "map": {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
      return Object.fromEntries(entries.map(([k, x]) => [String(k), jsonValue(x, dt.valueType)]));
    }
    case "date": return (v as Date).toISOString().slice(0, 10);
    case "timestamp": return (v as Date).toISOString();
    case "decimal": return Number(decimalText(v, dt.scale));
    case "long": return typeof v === "bigint" ? Number(v) : v;
    default: return v;
  }
}

function encoding(dt: DataType): Encoding {
  const num = (arrow: ArrowType): Encoding => ({ arrow, value: (v) => (v === null || v === undefined ? null : Number(v)) });
  switch (dt.type) {
    case "boolean": return { arrow: new Bool(), value: (v) => (v === null || v === undefined ? null : Boolean(v)) };
    case "byte": return num(new Int8());
    case "short": return num(new Int16());
    case "integer": return num(new Int32());
    case "float": return num(new Float32());
    case "double": return num(new Float64());
    case "long": return { arrow: new Int64(), value: (v) => (v === null || v === undefined ? null : BigInt(v as number | bigint)) };
    case "string": case "null": return { arrow: new Utf8(), value: (v) => (v === null || v === undefined ? null : String(v)) };
    case "binary": return { arrow: new Binary(), value: (v) => v ?? null };
    case "date": return { arrow: new Utf8(), value: (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v ?? null), convert: "cast" };
    case "timestamp": return { arrow: new Utf8(), value: (v) => (v instanceof Date ? iso(v) : v ?? null), convert: "cast" };
    case "decimal": return { arrow: new Utf8(), value: (v) => (v === null || v === undefined ? null : decimalText(v, dt.scale)), convert: "cast" };
    default: return { arrow: new Utf8(), value: (v) => (v === null || v === undefined ? null : JSON.stringify(jsonValue(v, dt))), convert: "json" };
  }
}

export interface EncodedRows {
  /** The Arrow IPC stream. */
  data: Uint8Array;
  /** Columns sent as text and what turns each back into its type on the server (by position). */
  conversions: ({ kind: "cast" | "json"; type: string } | undefined)[];
}

/** Internal rows of `output` as an Arrow IPC stream. */
export function encodeRows(output: Attr[], rows: unknown[][]): EncodedRows {
  const encs = output.map((a) => encoding(a.dataType));
  const fields = output.map((a, i) => new Field(a.name, encs[i]!.arrow, true));
  // Columns by position (names may repeat), each one chunk of data.
  const children = output.map((_, i) => {
    const v = vectorFromArray(rows.map((r) => encs[i]!.value(r[i])), encs[i]!.arrow as never);
    return v.data[0]!; // vectorFromArray builds one chunk
  });
  const schema = new Schema(fields);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children }));
  return {
    data: tableToIPC(new Table([batch]), "stream"),
    conversions: output.map((a, i) => (encs[i]!.convert ? { kind: encs[i]!.convert!, type: simpleString(a.dataType) } : undefined)),
  };
}
