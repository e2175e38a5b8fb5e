// CSV: schema inference on the driver and split reading on the workers, with Spark's options
// (header, inferSchema, sep, quote, escape, nullValue, emptyValue, dateFormat, timestampFormat,
// comment, whitespace trimming, multiLine, mode, columnNameOfCorruptRecord).

import { AnalysisError } from "../../common/errors";
import { StructType, simpleString, type DataType } from "../types";
import { parseRecord, type CsvField, type CsvSyntax } from "./csv-tokenizer";
import { lineNumberAt, readLines, readWholeFile } from "./line-reader";
import { malformedError, type BadField } from "./malformed";
import { Options, parseMode, textEncoding, type ParseMode } from "./options";
import {
  FAIL, dateTimeParsers, makeTextConverter, numberSpellings, parseDouble, parseIntegral, parseBoolean,
  type DateTimeParsers, type NumberSpellings, type TextConverter,
} from "./text-convert";
import { outputFields, valueRows, type ScanColumns } from "./file-format";
import type { PartitionedFile, ReadMetrics, Row } from "./types";

export interface CsvSettings {
  syntax: CsvSyntax;
  header: boolean;
  comment: string; // "\u0000" = none
  nullValue: string;
  emptyValue: string;
  multiLine: boolean;
  mode: ParseMode;
  corruptColumn: string;
  sp: NumberSpellings;
  dtp: DateTimeParsers;
  inferDate: boolean;
  hasDateFormat: boolean;
  prefersDecimal: boolean;
  enforceSchema: boolean;
  encoding: BufferEncoding;
}

export function csvSettings(raw: Options): CsvSettings {
  const sep = raw.get("sep") ?? raw.get("delimiter") ?? ",";
  const quote = raw.char("quote", '"');
  return {
    syntax: {
      sep: sep === "\\t" ? "\t" : sep,
      quote,
      escape: raw.char("escape", "\\"),
      ignoreLeadingWhiteSpace: raw.bool("ignoreLeadingWhiteSpace", false),
      ignoreTrailingWhiteSpace: raw.bool("ignoreTrailingWhiteSpace", false),
    },
    header: raw.bool("header", false),
    comment: raw.char("comment", "\u0000"),
    nullValue: raw.str("nullValue", ""),
    emptyValue: raw.str("emptyValue", ""),
    multiLine: raw.bool("multiLine", false),
    mode: parseMode(raw),
    corruptColumn: raw.str("columnNameOfCorruptRecord", "_corrupt_record"),
    sp: numberSpellings(raw),
    dtp: dateTimeParsers(raw),
    // Spark 3.4+ option preferDate (default true; 3.4 previews called it inferDate).
    inferDate: raw.bool("preferDate", raw.bool("inferDate", true)),
    hasDateFormat: raw.has("dateFormat"),
    prefersDecimal: raw.bool("prefersDecimal", false),
    enforceSchema: raw.bool("enforceSchema", true),
    encoding: textEncoding(raw),
  };
}

interface RawRecord {
  fields: CsvField[];
  raw: string;
  /** Byte offset (line mode) or 1-based line number (multiLine) of the record. */
  offset?: number;
  line?: number;
}

/** Records of one file split, comments and blank lines skipped, header dropped at file start. */
export function* csvRecords(file: PartitionedFile, s: CsvSettings, metrics?: ReadMetrics): Generator<RawRecord> {
  const isComment = (t: string) => s.comment !== "\u0000" && t.startsWith(s.comment);
  let headerPending = s.header && file.start === 0;
  if (s.multiLine) {
    const buf = readWholeFile(file.path);
    if (metrics) metrics.bytesRead += buf.length;
    let text = buf.toString(s.encoding);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let pos = 0;
    let line = 1;
    while (pos < text.length) {
      // blank lines and comment lines between records
      if (text[pos] === "\n" || (text[pos] === "\r" && text[pos + 1] === "\n")) {
        pos += text[pos] === "\r" ? 2 : 1;
        line++;
        continue;
      }
      if (isComment(text.slice(pos, pos + s.comment.length))) {
        const nl = text.indexOf("\n", pos);
        pos = nl < 0 ? text.length : nl + 1;
        line++;
        continue;
      }
      const rec = parseRecord(text, pos, s.syntax, true);
      const startLine = line;
      line += rec.newlines + (rec.end > pos && text[rec.end - 1] === "\n" ? 1 : 0);
      pos = rec.end;
      if (headerPending) { headerPending = false; continue; }
      yield { fields: rec.fields, raw: rec.raw, line: startLine };
    }
    return;
  }
  const stats = { bytesRead: 0 };
  for (const ln of readLines(file.path, file.start, file.length, stats, s.encoding)) {
    let t = ln.text;
    if (ln.offset === 0 && t.charCodeAt(0) === 0xfeff) t = t.slice(1);
    if (t.length === 0 || isComment(t)) continue;
    // The header is the file's first record that is not blank or a comment.
    if (headerPending) { headerPending = false; continue; }
    const rec = parseRecord(t, 0, s.syntax, false);
    yield { fields: rec.fields, raw: rec.raw, offset: ln.offset };
  }
  if (metrics) metrics.bytesRead += stats.bytesRead;
}

/** The field's text after null handling: null for SQL NULL. */
function fieldValue(f: CsvField, s: CsvSettings): string | null {
  if (!f.quoted && f.text === "") return null;
  const t = f.quoted && f.text === "" ? s.emptyValue : f.text;
  return t === s.nullValue ? null : t;
}

/** Column names from a header record (Spark: blank -> _c<i>, duplicates get their index appended). */
export function headerNames(fields: CsvField[] | null, count: number): string[] {
  const names = Array.from({ length: count }, (_, i) => {
    const t = fields?.[i]?.text.trim();
    return t ? t : `_c${i}`;
  });
  const lower = names.map((n) => n.toLowerCase());
  return names.map((n, i) => (lower.indexOf(lower[i]!) !== lower.lastIndexOf(lower[i]!) ? `${n}${i}` : n));
}

type Inferred = DataType;

function inferField(text: string, s: CsvSettings): Inferred {
  if (parseIntegral(text, 32) !== FAIL) return { type: "integer" };
  if (parseIntegral(text, 64) !== FAIL) return { type: "long" };
  if (/^[+-]?\d+$/.test(text)) {
    const digits = text.replace(/^[+-]/, "").replace(/^0+(?=\d)/, "").length;
    if (digits <= 38) return { type: "decimal", precision: digits, scale: 0 };
  }
  if (s.prefersDecimal && /^[+-]?\d+\.\d+$/.test(text)) {
    const [a, b] = text.replace(/^[+-]/, "").split(".") as [string, string];
    const p = a.replace(/^0+/, "").length + b.length;
    if (p <= 38) return { type: "decimal", precision: Math.max(p, b.length), scale: b.length };
  }
  if (parseDouble(text, s.sp) !== FAIL) return { type: "double" };
  if (s.inferDate && (s.hasDateFormat ? s.dtp.date(text) : /^\s*[+-]?\d{4,6}-\d{1,2}-\d{1,2}\s*$/.test(text) && s.dtp.date(text))) return { type: "date" };
  if (s.dtp.timestamp(text)) return { type: "timestamp" };
  if (parseBoolean(text) !== FAIL) return { type: "boolean" };
  return { type: "string" };
}

const NUM_RANK: Record<string, number> = { integer: 1, long: 2, decimal: 3, double: 4 };

/** Spark's CSV compatibleType: widen numerics, date+timestamp -> timestamp, otherwise string. */
export function mergeCsvTypes(a: DataType, b: DataType): DataType {
  if (a.type === "null") return b;
  if (b.type === "null") return a;
  if (a.type === b.type && a.type !== "decimal") return a;
  const ra = NUM_RANK[a.type], rb = NUM_RANK[b.type];
  if (ra && rb) {
    if (a.type === "decimal" && b.type === "decimal") {
      const scale = Math.max(a.scale, b.scale);
      const intDigits = Math.max(a.precision - a.scale, b.precision - b.scale);
      return intDigits + scale > 38 ? { type: "double" } : { type: "decimal", precision: intDigits + scale, scale };
    }
    if (a.type === "decimal" || b.type === "decimal") {
      const other = a.type === "decimal" ? b : a;
      const dec = (a.type === "decimal" ? a : b) as Extract<DataType, { type: "decimal" }>;
      if (other.type === "double") return { type: "double" };
      const digits = other.type === "integer" ? 10 : 20;
      return mergeCsvTypes(dec, { type: "decimal", precision: digits, scale: 0 });
    }
    return ra > rb ? a : b;
  }
  if ((a.type === "date" && b.type === "timestamp") || (a.type === "timestamp" && b.type === "date")) return { type: "timestamp" };
  return { type: "string" };
}

/** Infer a CSV schema from the files (driver side; Spark runs this as a job over the data). */
export function inferCsvSchema(files: PartitionedFile[], opts: Options, metrics?: ReadMetrics): StructType {
  const s = csvSettings(opts);
  const inferTypes = opts.bool("inferSchema", false);
  let header: CsvField[] | null = null;
  let width = 0;
  let types: DataType[] = [];
  let first = true;
  for (const f of files) {
    const whole: PartitionedFile = { ...f, start: 0, length: f.fileSize };
    const noHeader = { ...s, header: false };
    let firstOfFile = true;
    for (const rec of csvRecords(whole, noHeader, metrics)) {
      if (firstOfFile && s.header) {
        firstOfFile = false;
        if (first) { header = rec.fields; width = Math.max(width, rec.fields.length); first = false; }
        if (!inferTypes) break;
        continue;
      }
      firstOfFile = false;
      if (first) { width = rec.fields.length; first = false; }
      if (!inferTypes) break;
      rec.fields.forEach((fld, i) => {
        if (i >= width) return;
        const v = fieldValue(fld, s);
        const t: DataType = v === null ? { type: "null" } : inferField(v, s);
        types[i] = mergeCsvTypes(types[i] ?? { type: "null" }, t);
      });
    }
    if (!inferTypes && !first) break; // without inference only the first record matters
  }
  const names = headerNames(header, width);
  types = names.map((_, i) => {
    const t = types[i];
    return !inferTypes || !t || t.type === "null" ? { type: "string" } : t;
  });
  return new StructType(names.map((name, i) => ({ name, dataType: types[i]!, nullable: true })));
}

export function checkCsvSchema(schema: StructType): void {
  for (const f of schema.fields) {
    const t = f.dataType.type;
    if (t === "array" || t === "map" || t === "struct") {
      throw new AnalysisError("UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE",
        `The CSV datasource doesn't support the column \`${f.name}\` of the type "${simpleString(f.dataType).toUpperCase()}".`,
        { parameters: { columnName: f.name, columnType: simpleString(f.dataType), format: "CSV" } });
    }
  }
}

/** Rows of one CSV file split. */
/**
 * The records of a CSV file as arrays of the output columns' values (outputFields order), after
 * the parse mode: a malformed record fails (FAILFAST), is dropped (DROPMALFORMED) or keeps null
 * fields and its text in the corrupt-record column (PERMISSIVE).
 */
export function* csvValueArrays(file: PartitionedFile, cols: ScanColumns, opts: Options, metrics?: ReadMetrics): Generator<unknown[]> {
  const s = csvSettings(opts);
  checkCsvSchema(cols.dataSchema);
  const out = outputFields(cols);
  const dataFields = cols.dataSchema.fields.filter((f) => f.name !== s.corruptColumn);
  const hasCorrupt = cols.dataSchema.fields.some((f) => f.name === s.corruptColumn);
  const outNames = new Set(out.map((f) => f.name));
  const plan: Array<{ name: string; index: number; conv: TextConverter; dt: DataType; nullable: boolean }> = [];
  dataFields.forEach((f, index) => {
    if (outNames.has(f.name)) plan.push({ name: f.name, index, conv: makeTextConverter(f.dataType, s.sp, s.dtp), dt: f.dataType, nullable: f.nullable });
  });
  const partNames = out.filter((f) => cols.partitionSchema.field(f.name) && !cols.dataSchema.field(f.name)).map((f) => f.name);
  // Where each output column's value comes from: the corrupt record, a partition value, or the
  // last parsed field of that name (-1: none, null).
  const CORRUPT = -2, PARTITION = -3;
  const source = out.map((f) => (f.name === s.corruptColumn && hasCorrupt ? CORRUPT : partNames.includes(f.name) ? PARTITION : lastIndexOf(plan, f.name)));
  const partValues = out.map((f) => (partNames.includes(f.name) ? file.partitionValues[f.name] ?? partitionLookup(file.partitionValues, f.name) : null));
  const parsed = new Array<unknown>(plan.length);
  const lineOf = (r: RawRecord) => r.line ?? (r.offset !== undefined ? lineNumberAt(file.path, r.offset) : undefined);

  for (const rec of csvRecords(file, s, metrics)) {
    if (metrics) metrics.rowsRead++;
    let bad: BadField | null = null;
    if (rec.fields.length !== dataFields.length) {
      bad = { reason: `Malformed CSV record: expected ${dataFields.length} fields, found ${rec.fields.length}`, value: rec.raw };
    }
    for (let k = 0; k < plan.length; k++) {
      const p = plan[k]!;
      const fld = rec.fields[p.index];
      const v = fld ? fieldValue(fld, s) : null;
      if (v === null) {
        if (!p.nullable && fld) { bad ??= { column: p.name, value: fld.text, reason: "null value in a non-nullable column" }; }
        parsed[k] = null;
        continue;
      }
      const c = p.conv(v);
      if (c === FAIL) {
        bad ??= { column: p.name, value: v, reason: `cannot parse the value as ${simpleString(p.dt)}` };
        parsed[k] = null;
      } else parsed[k] = c;
    }
    if (bad) {
      if (s.mode === "FAILFAST") throw malformedError("CSV", file.path, lineOf(rec), bad);
      if (s.mode === "DROPMALFORMED") continue;
    }
    const vals = new Array<unknown>(out.length);
    for (let j = 0; j < out.length; j++) {
      const from = source[j]!;
      vals[j] = from >= 0 ? parsed[from] ?? null : from === CORRUPT ? (bad ? rec.raw : null) : from === PARTITION ? partValues[j] : null;
    }
    yield vals;
  }
}

export function readCsvFile(file: PartitionedFile, cols: ScanColumns, opts: Options, metrics?: ReadMetrics): Generator<Row> {
  return valueRows(cols, csvValueArrays(file, cols, opts, metrics));
}

function lastIndexOf(plan: Array<{ name: string }>, name: string): number {
  for (let k = plan.length - 1; k >= 0; k--) if (plan[k]!.name === name) return k;
  return -1;
}

function partitionLookup(pv: Row, name: string): unknown {
  const k = Object.keys(pv).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? null : pv[k];
}
