// Parquet reading through hyparquet: schema from the footer, column pruning (only the required
// columns' chunks are fetched), row-group skipping with min/max/null-count statistics for pushed
// filters, and Spark's split rule (a row group belongs to the byte-range split holding its
// midpoint). Every byte fetched is counted so pushdown savings are observable.

import { decimalValue } from "../../common/decimal";
import { setField } from "../../common/fields";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { AsyncBuffer, ColumnChunk, FileMetaData, RowGroup } from "hyparquet";
import { ExecutionError } from "../../common/errors";
import { StructType, type DataType } from "../types";
import { constantVector, numberVector, type ColumnBatch, type ColumnVector } from "../column-batch";
import { outputFields, type ScanColumns } from "./file-format";
import { filterColumns, mightMatch, type ColumnStats } from "./filters";
import { fileUri } from "./file-listing";
import { PROTO_ALIAS, aliasNestedProto, mergeParquetSchemas, parquetToSpark } from "./parquet-schema";
import { FlatScratch, flatEligible, flatLibs, readFlatColumn } from "./parquet-flat";
import { snappyUncompress } from "./snappy";
import type { PartitionedFile, PushedFilter, ReadMetrics, Row } from "./types";

// hyparquet and its decompressors load on first use: executor threads import this folder at
// start-up, and most tasks never touch Parquet. Snappy pages go through snappy.ts (native copies
// of literals; hysnappy's WebAssembly decoder was 3-4x slower on incompressible pages).
type Hyparquet = typeof import("hyparquet");
let libs: Promise<{ hp: Hyparquet; compressors: (typeof import("hyparquet-compressors"))["compressors"] }> | null = null;
function parquetLibs() {
  libs ??= Promise.all([import("hyparquet"), import("hyparquet-compressors")]).then(([hp, c]) => ({ hp, compressors: { ...c.compressors, SNAPPY: snappyUncompress } }));
  return libs;
}

export interface OpenParquet {
  buffer: AsyncBuffer;
  /** Bytes [start, end) read into `into` (at least end - start long); its first end - start bytes. */
  readInto(start: number, end: number, into: Uint8Array): Uint8Array;
  close(): void;
}

/** An AsyncBuffer over a local file that counts the bytes it reads. */
export function openParquetFile(path: string, metrics?: ReadMetrics): OpenParquet {
  const fd = openSync(path, "r");
  const size = fstatSync(fd).size;
  const readInto = (start: number, end: number, into: Uint8Array): Uint8Array => {
    const len = Math.max(0, Math.min(end, size) - start);
    const n = readSync(fd, into, 0, len, start);
    if (metrics) metrics.bytesRead += n;
    return into.subarray(0, n);
  };
  return {
    buffer: {
      byteLength: size,
      slice(start: number, end: number = size): ArrayBuffer {
        const out = new Uint8Array(Math.max(0, Math.min(end, size) - start));
        return readInto(start, end, out).buffer as ArrayBuffer;
      },
    },
    readInto,
    close: () => closeSync(fd),
  };
}

/**
 * The footer only: read the 8-byte tail for its length, then exactly the footer (hyparquet's
 * default first fetch is 512 KB, which for small files is the whole file and hides pushdown).
 */
async function footer(buf: AsyncBuffer): Promise<FileMetaData> {
  const { hp } = await parquetLibs();
  if (buf.byteLength < 12) return aliasNestedProto(await hp.parquetMetadataAsync(buf));
  const tail = new DataView(await buf.slice(buf.byteLength - 8));
  const len = tail.getUint32(0, true);
  return aliasNestedProto(await hp.parquetMetadataAsync(buf, { initialFetchSize: Math.min(buf.byteLength, len + 8) }));
}

export async function readParquetMetadata(path: string, metrics?: ReadMetrics): Promise<FileMetaData> {
  const f = openParquetFile(path, metrics);
  try {
    return await footer(f.buffer);
  } catch (e) {
    throw new ExecutionError("FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER", `Could not read footer for file: ${fileUri(path)}: ${(e as Error).message}`, {
      parameters: { path: fileUri(path) }, context: { file: path }, cause: e,
    });
  } finally {
    f.close();
  }
}

/** Spark schema of Parquet files: the first file's, or all merged with mergeSchema. */
export async function inferParquetSchema(paths: string[], mergeSchema: boolean, metrics?: ReadMetrics): Promise<StructType> {
  let acc: StructType | null = null;
  for (const p of mergeSchema ? paths : paths.slice(0, 1)) {
    const md = await readParquetMetadata(p, metrics);
    const s = parquetToSpark((await parquetLibs()).hp.parquetSchema(md));
    acc = acc ? mergeParquetSchemas(acc, s) : s;
  }
  return acc ?? new StructType([]);
}

function chunkStart(c: ColumnChunk): number {
  const md = c.meta_data;
  if (!md) return Number(c.file_offset);
  const dict = md.dictionary_page_offset !== undefined ? Number(md.dictionary_page_offset) : Infinity;
  return Math.min(dict > 0 ? dict : Infinity, Number(md.data_page_offset));
}

function rowGroupSpan(rg: RowGroup): { start: number; size: number } {
  const start = Math.min(...rg.columns.map(chunkStart));
  const size = rg.total_compressed_size !== undefined
    ? Number(rg.total_compressed_size)
    : rg.columns.reduce((a, c) => a + Number(c.meta_data?.total_compressed_size ?? 0), 0);
  return { start, size };
}

/** Row groups whose midpoint lies in the split's byte range (Spark/parquet-mr's rule). */
export function rowGroupsOfSplit(md: FileMetaData, start: number, length: number): number[] {
  const out: number[] = [];
  md.row_groups.forEach((rg, i) => {
    const { start: s, size } = rowGroupSpan(rg);
    const mid = s + size / 2;
    if (mid >= start && mid < start + length) out.push(i);
  });
  return out;
}

function normalizeStat(v: unknown): unknown {
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  return v;
}

/** Statistics of a top-level primitive column in one row group, if the file has trustworthy ones. */
function statsOf(rg: RowGroup, column: string): ColumnStats | undefined {
  const chunk = rg.columns.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === column)
    ?? rg.columns.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0]!.toLowerCase() === column.toLowerCase());
  const md = chunk?.meta_data;
  if (!md?.statistics) return undefined;
  const st = md.statistics;
  // The deprecated min/max fields used signed byte order for strings: only trust them for numbers.
  const legacyOk = md.type !== "BYTE_ARRAY" && md.type !== "FIXED_LEN_BYTE_ARRAY";
  const min = st.min_value ?? (legacyOk ? st.min : undefined);
  const max = st.max_value ?? (legacyOk ? st.max : undefined);
  const bad = (x: unknown) => x === undefined || (typeof x === "number" && Number.isNaN(x)) || x instanceof Uint8Array;
  return {
    min: bad(min) ? undefined : normalizeStat(min),
    max: bad(max) ? undefined : normalizeStat(max),
    nullCount: st.null_count !== undefined ? Number(st.null_count) : undefined,
    numValues: Number(rg.num_rows),
  };
}

/**
 * A page of a column chunk could not be decoded: the file is corrupt, and rereading it cannot
 * help. FAILED_READ_FILE names the file, the row group and the column chunk; the task fails
 * without retries (parameters.deterministic).
 */
function corruptParquet(path: string, rowGroup: number, column: string | undefined, offset: number | undefined, cause: unknown): ExecutionError {
  const where = column !== undefined ? `column chunk '${column}' of row group ${rowGroup}${offset !== undefined ? ` (at byte ${offset})` : ""}` : `row group ${rowGroup}`;
  return new ExecutionError("FAILED_READ_FILE.NO_HINT",
    `Encountered error while reading file ${path}. The ${where} is corrupt: ${cause instanceof Error ? cause.message : String(cause)}`,
    { parameters: { path, rowGroup, column, deterministic: true }, context: { file: path }, cause });
}

/** Find which of `columns` fails to decode in row group `gi` (only on the failure path) and throw for it. */
async function corruptChunk(r: SplitRead, path: string, gi: number, columns: string[], cause: unknown): Promise<never> {
  if (cause instanceof ExecutionError) throw cause;
  const rg = r.md.row_groups[gi]!;
  for (const col of columns.length > 1 ? columns : []) {
    const failed = await r.hp.parquetRead({
      file: r.f.buffer, metadata: rawWideDecimals(r.md), columns: [col], rowStart: r.starts[gi]!, rowEnd: r.starts[gi]! + Number(rg.num_rows),
      compressors: r.compressors, utf8: false,
    }).then(() => undefined, (e: unknown) => e);
    if (failed !== undefined) throw corruptParquet(path, gi, col, chunkOffset(rg, col), failed);
  }
  throw corruptParquet(path, gi, columns.length === 1 ? columns[0] : undefined, columns.length === 1 ? chunkOffset(rg, columns[0]!) : undefined, cause);
}

function chunkOffset(rg: RowGroup, column: string): number | undefined {
  const c = rg.columns.find((x) => x.meta_data?.path_in_schema[0] === column);
  return c ? chunkStart(c) : undefined;
}

/** A big-endian two's complement integer (Parquet's FIXED_LEN_BYTE_ARRAY / BYTE_ARRAY decimals). */
function bigEndianSigned(bytes: Uint8Array): bigint {
  let u = 0n;
  for (const b of bytes) u = (u << 8n) | BigInt(b);
  return bytes.length && bytes[0]! >= 0x80 ? u - (1n << BigInt(bytes.length * 8)) : u;
}

const rawCache = new WeakMap<FileMetaData, FileMetaData>();
/**
 * The footer with DECIMAL annotations dropped from wide decimals (precision > 15), so hyparquet
 * hands over their unscaled integers instead of dividing them into doubles (which would lose
 * digits); normalizeValue scales them exactly. Narrow decimals keep hyparquet's exact doubles.
 */
export function rawWideDecimals(md: FileMetaData): FileMetaData {
  let out = rawCache.get(md);
  if (!out) {
    const wide = (e: FileMetaData["schema"][number]) => (e.converted_type === "DECIMAL" || e.logical_type?.type === "DECIMAL") && (e.precision ?? 38) > 15;
    out = md.schema.some(wide)
      ? { ...md, schema: md.schema.map((e) => (wide(e) ? { ...e, converted_type: undefined, logical_type: undefined } : e)) }
      : md;
    rawCache.set(md, out);
  }
  return out;
}

/** Convert hyparquet's values to the engine's representation for `dt`. */
export function normalizeValue(v: unknown, dt: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (dt.type) {
    case "long":
      if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v;
      return v;
    case "decimal":
      // Wide decimals are read raw (rawWideDecimals): the unscaled integer, made exact here.
      if (typeof v === "bigint") return decimalValue(v, dt.scale);
      if (v instanceof Uint8Array) return decimalValue(bigEndianSigned(v), dt.scale);
      return v;
    case "integer": case "short": case "byte": case "float": case "double":
      return typeof v === "bigint" ? Number(v) : v;
    case "string":
      return v instanceof Uint8Array ? Buffer.from(v).toString("utf8") : typeof v === "string" ? v : String(v);
    case "binary":
      return typeof v === "string" ? new TextEncoder().encode(v) : v;
    case "date":
      return v instanceof Date ? v : typeof v === "number" ? new Date(v * 86_400_000) : v;
    case "timestamp":
      return v instanceof Date ? v : typeof v === "bigint" ? new Date(Number(v / 1000n)) : v;
    case "array":
      return Array.isArray(v) ? v.map((e) => normalizeValue(e, dt.elementType)) : v;
    case "map": {
      const o: Record<string, unknown> = {};
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
      for (const [k, x] of entries) setField(o, String(k), normalizeValue(x, dt.valueType));
      return o;
    }
    case "struct": {
      const src = v as Record<string, unknown>;
      const o: Record<string, unknown> = {};
      for (const f of dt.fields) setField(o, f.name, normalizeValue(src[f.name === "__proto__" ? PROTO_ALIAS : f.name], f.dataType));
      return o;
    }
    default:
      return v;
  }
}

interface SplitRead {
  f: OpenParquet;
  md: FileMetaData;
  hp: Hyparquet;
  compressors: (typeof import("hyparquet-compressors"))["compressors"];
  fileSchema: StructType;
  groups: number[];
  usable: PushedFilter[];
  fileCols: { name: string }[];
  starts: number[];
  out: ReturnType<typeof outputFields>;
}

/** Footer, row groups of the split, usable filters and the file's columns to read. */
async function openSplit(file: PartitionedFile, cols: ScanColumns, pushedFilters: PushedFilter[], metrics?: ReadMetrics): Promise<SplitRead> {
  const out = outputFields(cols);
  const f = openParquetFile(file.path, metrics);
  try {
    let md: FileMetaData;
    try {
      md = await footer(f.buffer);
    } catch (e) {
      throw new ExecutionError("FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER", `Could not read footer for file: ${fileUri(file.path)}: ${(e as Error).message}`, {
        parameters: { path: fileUri(file.path) }, context: { file: file.path }, cause: e,
      });
    }
    const { hp, compressors } = await parquetLibs();
    const fileSchema = parquetToSpark(hp.parquetSchema(md));
    const groups = file.rowGroups ?? rowGroupsOfSplit(md, file.start, file.length);
    // Only filters over the file's own top-level columns can use statistics.
    // Wide decimals' min/max arrive as rounded doubles (hyparquet): they must not rule groups out.
    const exactStats = (c: string) => { const t = fileSchema.field(c)!.dataType; return t.type !== "decimal" || t.precision <= 15; };
    const usable = pushedFilters.filter((pf) => filterColumns(pf).every((c) => fileSchema.field(c) && !cols.partitionSchema.field(c) && exactStats(c)));
    const dataOut = out.filter((o) => cols.dataSchema.field(o.name) && !(cols.partitionSchema.field(o.name) && !cols.dataSchema.field(o.name)));
    const fileCols = dataOut.map((o) => fileSchema.field(o.name)).filter((x): x is NonNullable<typeof x> => !!x);
    let rowStart = 0;
    const starts: number[] = [];
    for (const rg of md.row_groups) { starts.push(rowStart); rowStart += Number(rg.num_rows); }
    return { f, md, hp, compressors, fileSchema, groups, usable, fileCols, starts, out };
  } catch (e) {
    f.close();
    throw e;
  }
}

/** Whether statistics rule a row group out (counted in the metrics). */
function skipGroup(r: SplitRead, rg: RowGroup, metrics?: ReadMetrics): boolean {
  if (r.usable.length && !r.usable.every((pf) => mightMatch(pf, (c) => statsOf(rg, c)))) {
    if (metrics) metrics.rowGroupsSkipped++;
    return true;
  }
  if (metrics) metrics.rowGroupsRead++;
  return false;
}

/** Rows of one Parquet file split, after pruning and row-group skipping. */
export async function readParquetFile(
  file: PartitionedFile,
  cols: ScanColumns,
  pushedFilters: PushedFilter[] = [],
  metrics?: ReadMetrics,
): Promise<Row[]> {
  const r = await openSplit(file, cols, pushedFilters, metrics);
  const { f, md, hp, compressors, fileSchema, groups, fileCols, starts, out } = r;
  try {
    const rows: Row[] = [];
    for (const gi of groups) {
      const rg = md.row_groups[gi]!;
      if (skipGroup(r, rg, metrics)) continue;
      const n = Number(rg.num_rows);
      let data: Record<string, unknown>[];
      if (fileCols.length === 0) {
        data = Array.from({ length: n }, () => ({}));
      } else {
        data = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
          hp.parquetRead({
            file: f.buffer,
            metadata: rawWideDecimals(md),
            columns: fileCols.map((c) => c.name),
            rowStart: starts[gi]!,
            rowEnd: starts[gi]! + n,
            rowFormat: "object",
            compressors,
            utf8: false,
            onComplete: (r) => resolve(r as Record<string, unknown>[]),
          }).catch(reject);
        }).catch((e: unknown) => corruptChunk(r, file.path, gi, fileCols.map((c) => c.name), e));
      }
      for (const src of data) {
        const row: Row = {};
        for (const o of out) {
          if (cols.dataSchema.field(o.name)) {
            const fc = fileSchema.field(o.name);
            setField(row, o.name, fc ? normalizeValue(src[fc.name], o.dataType) : null);
          } else setField(row, o.name, file.partitionValues[o.name] ?? null);
        }
        rows.push(row);
      }
      if (metrics) metrics.rowsRead += n;
    }
    return rows;
  } finally {
    f.close();
  }
}

const NUMBER_TYPES = new Set(["byte", "short", "integer", "long", "float", "double"]);

/**
 * One column of a row group as a vector holding exactly normalizeValue's values: number types in
 * a Float64Array (a long beyond 2^53 stays a bigint in a plain array), the rest normalized.
 */
function columnVector(values: ArrayLike<unknown> | undefined, n: number, dt: DataType): ColumnVector {
  if (!values) return constantVector(null, n);
  if (NUMBER_TYPES.has(dt.type)) {
    const v = numberVector(values, n, (x) => dt.type !== "long" || Number.isSafeInteger(Number(x)));
    if (v) return v;
  }
  if (dt.type === "boolean") {
    const out = new Uint8Array(n);
    let nulls: Uint8Array | null = null;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (x === null || x === undefined) (nulls ??= new Uint8Array(n))[i] = 1;
      else out[i] = x ? 1 : 0;
    }
    return { kind: "bool", values: out, nulls };
  }
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = normalizeValue(values[i], dt);
  return { kind: "any", values: out };
}

/** A row group's column chunks (hyparquet's onChunk pieces) joined into one array per column. */
function joinChunks(chunks: { columnData: ArrayLike<unknown>; rowStart: number }[], groupStart: number, n: number): ArrayLike<unknown> {
  if (chunks.length === 1 && chunks[0]!.rowStart === groupStart && chunks[0]!.columnData.length === n) return chunks[0]!.columnData;
  const out = new Array<unknown>(n).fill(null);
  for (const c of chunks) {
    const off = c.rowStart - groupStart;
    for (let i = 0; i < c.columnData.length; i++) {
      const j = off + i;
      if (j >= 0 && j < n) out[j] = c.columnData[i];
    }
  }
  return out;
}

/**
 * The split as column batches (one per row group, columns in output order): the columnar scan.
 * Same pruning, row-group skipping and metrics as readParquetFile, and the same values. With
 * `reuseBuffers` (the consumer is done with a batch when it asks for the next) the number
 * columns of one row group are decoded into the previous one's arrays.
 */
export async function* readParquetBatches(
  file: PartitionedFile,
  cols: ScanColumns,
  pushedFilters: PushedFilter[] = [],
  metrics?: ReadMetrics,
  reuseBuffers = false,
): AsyncGenerator<ColumnBatch> {
  const r = await openSplit(file, cols, pushedFilters, metrics);
  const { f, md, hp, compressors, fileSchema, groups, fileCols, starts, out } = r;
  const scratch = new FlatScratch(reuseBuffers);
  try {
    for (const gi of groups) {
      const rg = md.row_groups[gi]!;
      if (skipGroup(r, rg, metrics)) continue;
      const n = Number(rg.num_rows);
      const chunks = new Map<string, { columnData: ArrayLike<unknown>; rowStart: number }[]>();
      // Flat number columns decode straight into typed arrays; the rest go through parquetRead.
      const flat = new Map<string, ColumnVector>();
      for (const c of fileCols) {
        const dt = out.find((o) => fileSchema.field(o.name) === c)?.dataType;
        const el = dt ? flatEligible(md, c.name, dt) : undefined;
        const chunk = el ? rg.columns.find((x) => x.meta_data?.path_in_schema.length === 1 && x.meta_data.path_in_schema[0] === c.name) : undefined;
        if (!el || !dt || !chunk) continue;
        const libs = await flatLibs();
        let v: ColumnVector | undefined;
        try {
          v = readFlatColumn(libs, f.readInto, md, chunk, el, n, dt, compressors, scratch);
        } catch (e) {
          throw corruptParquet(file.path, gi, c.name, chunkStart(chunk), e);
        }
        if (v) flat.set(c.name, v);
      }
      const rest = fileCols.filter((c) => !flat.has(c.name));
      if (rest.length) {
        await hp.parquetRead({
          file: f.buffer,
          metadata: rawWideDecimals(md),
          columns: rest.map((c) => c.name),
          rowStart: starts[gi]!,
          rowEnd: starts[gi]! + n,
          compressors,
          utf8: false,
          onChunk: (c) => {
            const list = chunks.get(c.columnName) ?? [];
            list.push({ columnData: c.columnData as ArrayLike<unknown>, rowStart: c.rowStart });
            chunks.set(c.columnName, list);
          },
        }).catch((e: unknown) => corruptChunk(r, file.path, gi, rest.map((c) => c.name), e));
      }
      const columns = out.map((o): ColumnVector => {
        if (!cols.dataSchema.field(o.name)) return constantVector(file.partitionValues[o.name] ?? null, n);
        const fc = fileSchema.field(o.name);
        const fv = fc ? flat.get(fc.name) : undefined;
        if (fv) return fv;
        const parts = fc ? chunks.get(fc.name) : undefined;
        return columnVector(parts ? joinChunks(parts, starts[gi]!, n) : undefined, n, o.dataType);
      });
      if (metrics) metrics.rowsRead += n;
      yield { length: n, columns };
    }
  } finally {
    f.close();
  }
}
