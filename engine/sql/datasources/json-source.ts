// JSON lines (and multiLine JSON documents): schema inference that merges records the way
// Spark's JsonInferSchema does (integers -> bigint, widening to double, conflicts -> string,
// nested structs with fields sorted by name, arrays), and typed reading with parse modes.

import { decimalText, toDecimal } from "../../common/decimal";
import { setField } from "../../common/fields";
import { StructType, simpleString, type DataType, type StructField } from "../types";
import { outputFields, valueRows, type ScanColumns } from "./file-format";
import { formatDate, formatTimestampIso } from "./datetime";
import { javaDoubleToString } from "../text-format";
import { parseJson, stringifyJson, JsonNumber, JsonSyntaxError, type JsonParseOptions, type JsonValue } from "./json-text";
import { lineNumberAt, readLines, readWholeFile } from "./line-reader";
import { malformedError, type BadField } from "./malformed";
import { Options, parseMode, textEncoding, type ParseMode } from "./options";
import { dateTimeParsers, type DateTimeParsers } from "./text-convert";
import type { PartitionedFile, ReadMetrics, Row } from "./types";

export interface JsonSettings {
  parse: JsonParseOptions;
  multiLine: boolean;
  mode: ParseMode;
  corruptColumn: string;
  prefersDecimal: boolean;
  primitivesAsString: boolean;
  inferTimestamp: boolean;
  dropFieldIfAllNull: boolean;
  dtp: DateTimeParsers;
  encoding: BufferEncoding;
}

export function jsonSettings(o: Options): JsonSettings {
  return {
    parse: {
      allowSingleQuotes: o.bool("allowSingleQuotes", true),
      allowNonNumericNumbers: o.bool("allowNonNumericNumbers", true),
      allowComments: o.bool("allowComments", false),
      allowUnquotedFieldNames: o.bool("allowUnquotedFieldNames", false),
    },
    multiLine: o.bool("multiLine", false),
    mode: parseMode(o),
    corruptColumn: o.str("columnNameOfCorruptRecord", "_corrupt_record"),
    prefersDecimal: o.bool("prefersDecimal", false),
    primitivesAsString: o.bool("primitivesAsString", false),
    inferTimestamp: o.bool("inferTimestamp", false),
    dropFieldIfAllNull: o.bool("dropFieldIfAllNull", false),
    dtp: dateTimeParsers(o),
    encoding: textEncoding(o),
  };
}

interface JsonRecord {
  value: JsonValue | undefined; // undefined: did not parse
  raw: string;
  error?: string;
  offset?: number;
  line?: number;
}

/** Records of one split: one per line, or per document (a top-level array gives one per element). */
export function* jsonRecords(file: PartitionedFile, s: JsonSettings, metrics?: ReadMetrics): Generator<JsonRecord> {
  const expand = function* (v: JsonValue, raw: string, where: { offset?: number; line?: number }): Generator<JsonRecord> {
    if (Array.isArray(v)) {
      for (const e of v) yield { value: e, raw: stringifyJson(e), ...where };
    } else yield { value: v, raw, ...where };
  };
  if (s.multiLine) {
    const buf = readWholeFile(file.path);
    if (metrics) metrics.bytesRead += buf.length;
    let text = buf.toString(s.encoding);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === "") return;
    try {
      yield* expand(parseJson(text, s.parse), text, { line: 1 });
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      const line = text.slice(0, e.position).split("\n").length;
      yield { value: undefined, raw: text, error: e.message, line };
    }
    return;
  }
  const stats = { bytesRead: 0 };
  for (const ln of readLines(file.path, file.start, file.length, stats, s.encoding)) {
    let t = ln.text;
    if (ln.offset === 0 && t.charCodeAt(0) === 0xfeff) t = t.slice(1);
    if (t.trim() === "") continue;
    try {
      yield* expand(parseJson(t, s.parse), t, { offset: ln.offset });
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      yield { value: undefined, raw: t, error: e.message, offset: ln.offset };
    }
  }
  if (metrics) metrics.bytesRead += stats.bytesRead;
}

const NULL: DataType = { type: "null" };
const STRING: DataType = { type: "string" };

function inferType(v: JsonValue, s: JsonSettings): DataType {
  if (v === null) return NULL;
  if (typeof v === "string") {
    if (s.primitivesAsString) return STRING;
    if (s.inferTimestamp && s.dtp.timestamp(v)) return { type: "timestamp" };
    return STRING;
  }
  if (typeof v === "boolean") return s.primitivesAsString ? STRING : { type: "boolean" };
  if (v instanceof JsonNumber) {
    if (s.primitivesAsString) return STRING;
    if (v.isIntegral) {
      const b = BigInt(v.text);
      if (b >= -(2n ** 63n) && b < 2n ** 63n) return { type: "long" };
      const digits = v.text.replace("-", "").length;
      return digits <= 38 ? { type: "decimal", precision: digits, scale: 0 } : { type: "double" };
    }
    if (s.prefersDecimal && /^-?\d+\.\d+$/.test(v.text)) {
      const [a, b] = v.text.replace("-", "").split(".") as [string, string];
      const p = Math.max(a.replace(/^0+/, "").length + b.length, b.length);
      if (p <= 38) return { type: "decimal", precision: p, scale: b.length };
    }
    return { type: "double" };
  }
  if (Array.isArray(v)) {
    let el: DataType = NULL;
    for (const e of v) el = mergeJsonTypes(el, inferType(e, s));
    return { type: "array", elementType: el, containsNull: true };
  }
  const fields: StructField[] = Object.keys(v)
    .sort(compareNames)
    .map((k) => ({ name: k, dataType: inferType(v[k]!, s), nullable: true }));
  return { type: "struct", fields };
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Spark's JSON compatibleType. */
export function mergeJsonTypes(a: DataType, b: DataType): DataType {
  if (a.type === "null") return b;
  if (b.type === "null") return a;
  if (a.type === "struct" && b.type === "struct") {
    const byName = new Map<string, StructField>();
    for (const f of a.fields) byName.set(f.name, f);
    for (const f of b.fields) {
      const prev = byName.get(f.name);
      byName.set(f.name, prev ? { name: f.name, dataType: mergeJsonTypes(prev.dataType, f.dataType), nullable: true } : f);
    }
    return { type: "struct", fields: [...byName.values()].sort((x, y) => compareNames(x.name, y.name)) };
  }
  if (a.type === "array" && b.type === "array") {
    return { type: "array", elementType: mergeJsonTypes(a.elementType, b.elementType), containsNull: true };
  }
  if (a.type === b.type && a.type !== "decimal") return a;
  const numeric = (t: DataType) => t.type === "long" || t.type === "double" || t.type === "decimal";
  if (numeric(a) && numeric(b)) {
    if (a.type === "double" || b.type === "double") return { type: "double" };
    if (a.type === "decimal" && b.type === "decimal") {
      const scale = Math.max(a.scale, b.scale);
      const ints = Math.max(a.precision - a.scale, b.precision - b.scale);
      return ints + scale > 38 ? { type: "double" } : { type: "decimal", precision: ints + scale, scale };
    }
    const dec = (a.type === "decimal" ? a : b) as Extract<DataType, { type: "decimal" }>;
    return mergeJsonTypes(dec, { type: "decimal", precision: 20, scale: 0 });
  }
  if ((a.type === "date" && b.type === "timestamp") || (a.type === "timestamp" && b.type === "date")) return { type: "timestamp" };
  return STRING;
}

/** Spark's canonicalizeType: null -> string, empty structs dropped (undefined = drop the field). */
function canonicalize(t: DataType, dropAllNull: boolean): DataType | undefined {
  switch (t.type) {
    case "null": return dropAllNull ? undefined : STRING;
    case "array": {
      const el = canonicalize(t.elementType, dropAllNull);
      return el ? { ...t, elementType: el } : dropAllNull ? undefined : { ...t, elementType: STRING };
    }
    case "struct": {
      const fields = t.fields.flatMap((f) => {
        const c = canonicalize(f.dataType, dropAllNull);
        return c ? [{ ...f, dataType: c }] : [];
      });
      return fields.length ? { type: "struct", fields } : undefined;
    }
    default: return t;
  }
}

export function inferJsonSchema(files: PartitionedFile[], opts: Options, metrics?: ReadMetrics): StructType {
  const s = jsonSettings(opts);
  let acc: DataType = { type: "struct", fields: [] };
  let sawCorrupt = false;
  for (const f of files) {
    for (const rec of jsonRecords({ ...f, start: 0, length: f.fileSize }, s, metrics)) {
      const isObj = rec.value !== undefined && rec.value !== null && typeof rec.value === "object" && !Array.isArray(rec.value) && !(rec.value instanceof JsonNumber);
      if (!isObj) {
        if (s.mode === "FAILFAST") {
          const line = rec.line ?? (rec.offset !== undefined ? lineNumberAt(f.path, rec.offset) : undefined);
          throw malformedError("JSON", f.path, line, { reason: rec.error ?? "not a JSON object", value: rec.raw.slice(0, 200) });
        }
        if (s.mode === "PERMISSIVE") sawCorrupt = true;
        continue;
      }
      acc = mergeJsonTypes(acc, inferType(rec.value!, s));
    }
  }
  const canon = canonicalize(acc, s.dropFieldIfAllNull);
  const fields = canon && canon.type === "struct" ? canon.fields : [];
  if (sawCorrupt && !fields.some((x) => x.name === s.corruptColumn)) {
    fields.push({ name: s.corruptColumn, dataType: STRING, nullable: true });
    fields.sort((x, y) => compareNames(x.name, y.name));
  }
  return new StructType(fields);
}

/** Convert a parsed JSON value to `dt`; FAIL on a type mismatch (path names the bad field). */
function convert(v: JsonValue, dt: DataType, s: JsonSettings, path: string, bad: { field?: BadField }): unknown {
  if (v === null) return null;
  const fail = (): unknown => {
    bad.field ??= { column: path, value: typeof v === "string" ? v : stringifyJson(v), reason: `cannot convert the JSON value to ${simpleString(dt)}` };
    return null;
  };
  switch (dt.type) {
    case "string": return typeof v === "string" ? v : stringifyJson(v);
    case "byte": case "short": case "integer": case "long": {
      if (!(v instanceof JsonNumber) || !v.isIntegral) return fail();
      const b = BigInt(v.text);
      const bits = { byte: 8n, short: 16n, integer: 32n, long: 64n }[dt.type];
      const lim = 1n << (bits - 1n);
      if (b < -lim || b >= lim) return fail();
      const n = Number(b);
      return Number.isSafeInteger(n) ? n : b;
    }
    case "float": case "double": case "decimal":
      if (v instanceof JsonNumber) {
        // Decimals keep every digit of the text (rounded HALF_UP to the scale); too wide fails.
        if (dt.type === "decimal") return toDecimal(v.text, dt.precision, dt.scale) ?? fail();
        return v.toNumber();
      }
      if (typeof v === "string" && (dt.type !== "decimal") && ["NaN", "Infinity", "-Infinity", "+Infinity"].includes(v)) return Number(v);
      return fail();
    case "boolean": return typeof v === "boolean" ? v : fail();
    case "date": {
      if (typeof v !== "string") return fail();
      return s.dtp.date(v) ?? fail();
    }
    case "timestamp": {
      if (v instanceof JsonNumber) return new Date(v.toNumber() * 1000); // Spark reads numbers as seconds
      if (typeof v !== "string") return fail();
      return s.dtp.timestamp(v) ?? fail();
    }
    case "binary": return typeof v === "string" ? new Uint8Array(Buffer.from(v, "base64")) : fail();
    case "array": {
      if (!Array.isArray(v)) return fail();
      return v.map((e, i) => convert(e, dt.elementType, s, `${path}[${i}]`, bad));
    }
    case "map": {
      if (typeof v !== "object" || Array.isArray(v) || v instanceof JsonNumber) return fail();
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) setField(out, k, convert(v[k]!, dt.valueType, s, `${path}.${k}`, bad));
      return out;
    }
    case "struct": {
      if (typeof v !== "object" || Array.isArray(v) || v instanceof JsonNumber) return fail();
      const out: Record<string, unknown> = {};
      for (const f of dt.fields) setField(out, f.name, Object.hasOwn(v, f.name) ? convert(v[f.name]!, f.dataType, s, `${path}.${f.name}`, bad) : null);
      return out;
    }
    case "null": return null;
  }
  return null; // a type JSON does not carry
}

/** Rows of one JSON file split. */
/**
 * The records of a JSON lines file as arrays of the output columns' values (outputFields order),
 * after the parse mode (FAILFAST fails, DROPMALFORMED drops, PERMISSIVE keeps the record's text in
 * the corrupt-record column).
 */
export function* jsonValueArrays(file: PartitionedFile, cols: ScanColumns, opts: Options, metrics?: ReadMetrics): Generator<unknown[]> {
  const s = jsonSettings(opts);
  const out = outputFields(cols);
  const hasCorrupt = cols.dataSchema.fields.some((f) => f.name === s.corruptColumn);
  const isCorrupt = out.map((f) => f.name === s.corruptColumn && hasCorrupt);
  const isData = out.map((f) => !!cols.dataSchema.field(f.name));
  for (const rec of jsonRecords(file, s, metrics)) {
    if (metrics) metrics.rowsRead++;
    const bad: { field?: BadField } = {};
    const values: Record<string, unknown> = {};
    const v = rec.value;
    const isObj = v !== undefined && v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof JsonNumber);
    if (!isObj) bad.field = { reason: rec.error ?? "not a JSON object", value: rec.raw.slice(0, 200) };
    else {
      for (const f of out) {
        if (f.name === s.corruptColumn && hasCorrupt) continue;
        if (!cols.dataSchema.field(f.name)) continue;
        const key = Object.hasOwn(v, f.name) ? f.name : Object.keys(v).find((k) => k.toLowerCase() === f.name.toLowerCase());
        setField(values, f.name, key === undefined ? null : convert(v[key]!, f.dataType, s, f.name, bad));
      }
    }
    if (bad.field) {
      if (s.mode === "FAILFAST") {
        const line = rec.line ?? (rec.offset !== undefined ? lineNumberAt(file.path, rec.offset) : undefined);
        throw malformedError("JSON", file.path, line, bad.field);
      }
      if (s.mode === "DROPMALFORMED") continue;
    }
    const vals = new Array<unknown>(out.length);
    for (let j = 0; j < out.length; j++) {
      const name = out[j]!.name;
      vals[j] = isCorrupt[j] ? (bad.field ? rec.raw : null) : isData[j] ? values[name] ?? null : file.partitionValues[name] ?? null;
    }
    yield vals;
  }
}

export function readJsonFile(file: PartitionedFile, cols: ScanColumns, opts: Options, metrics?: ReadMetrics): Generator<Row> {
  return valueRows(cols, jsonValueArrays(file, cols, opts, metrics));
}

/** JSON text of one row for writing (Spark omits null fields by default; ignoreNullFields). */
export function rowToJson(
  row: Row, schema: StructType, ignoreNullFields: boolean,
  tsFormat: (d: Date) => string = formatTimestampIso, dateFormat: (d: Date) => string = formatDate,
): string {
  const enc = (v: unknown, dt: DataType): unknown => {
    if (v === null || v === undefined) return null;
    switch (dt.type) {
      case "date": return v instanceof Date ? dateFormat(v) : v;
      case "timestamp": return v instanceof Date ? tsFormat(v) : v;
      case "binary": return v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v;
      case "long": return typeof v === "bigint" ? RAW(v.toString()) : v;
      // Decimals as exact JSON numbers with their scale (1.50), as Spark's JSON writer prints BigDecimal.
      case "decimal": return RAW(decimalText(v, dt.scale));
      // Doubles print like Java (1.0, 1.0E20) so that reading the file back infers double again.
      case "double": case "float": return typeof v === "number" ? (Number.isFinite(v) ? RAW(javaDoubleToString(v)) : String(v)) : v;
      case "array": return (v as unknown[]).map((e) => enc(e, dt.elementType));
      case "map": {
        const o: Record<string, unknown> = {};
        const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
        for (const [k, x] of entries) setField(o, String(k), enc(x, dt.valueType));
        return o;
      }
      case "struct": {
        const o: Record<string, unknown> = {};
        for (const f of dt.fields) {
          const x = (v as Record<string, unknown>)[f.name];
          if (x == null && ignoreNullFields) continue;
          setField(o, f.name, enc(x, f.dataType));
        }
        return o;
      }
      default: return v;
    }
  };
  const o = enc(row, schema.asDataType());
  // bigints do not survive JSON.stringify: emit a marker string, then unquote it into a bare number.
  return JSON.stringify(o, (_k, x) => (x instanceof RawJson ? `${RAW_MARK}${x.text}` : x)).replace(RAW_RE, "$1");
}

class RawJson {
  constructor(readonly text: string) {}
}
const RAW = (t: string) => new RawJson(t);
const RAW_MARK = "__bigdata_raw_number__:";
const RAW_RE = /"__bigdata_raw_number__:(-?[\d.E-]+)"/g;
