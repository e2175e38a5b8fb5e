// Fast path of the columnar Parquet scan for flat (top-level, non-repeated) number columns:
// pages are decoded with hyparquet's own page readers and converters (so values are exactly the
// ones hyparquet gives the row path), but definition levels and dictionary indices are applied
// straight into a Float64Array and a null map, skipping hyparquet's generic Dremel assembly and
// the per-value array it builds (most of the scan's time). Any column this does not cover
// returns undefined and goes through parquetRead.

import type { ColumnChunk, FileMetaData, SchemaElement, SchemaTree } from "hyparquet";
import type { DataType } from "../types";
import type { ColumnVector, Numbers } from "../column-batch";
import { MAX_RLE_WIDTH, readRleHybrid, readRleHybridDict, rleAllOnes } from "./rle-hybrid";
import { snappyUncompress } from "./snappy";

type Libs = {
  parquetHeader: typeof import("hyparquet/src/column.js").parquetHeader;
  readDataPage: typeof import("hyparquet/src/datapage.js").readDataPage;
  readDataPageV2: typeof import("hyparquet/src/datapage.js").readDataPageV2;
  decompressPage: typeof import("hyparquet/src/datapage.js").decompressPage;
  readPlain: typeof import("hyparquet/src/plain.js").readPlain;
  convert: typeof import("hyparquet/src/convert.js").convert;
  readRleBitPackedHybrid: typeof import("hyparquet/src/encoding.js").readRleBitPackedHybrid;
  DEFAULT_PARSERS: typeof import("hyparquet/src/convert.js").DEFAULT_PARSERS;
};
let libs: Promise<Libs> | null = null;
export function flatLibs(): Promise<Libs> {
  libs ??= Promise.all([
    import("hyparquet/src/column.js"), import("hyparquet/src/datapage.js"), import("hyparquet/src/plain.js"), import("hyparquet/src/convert.js"),
    import("hyparquet/src/encoding.js"),
  ]).then(([c, d, p, v, e]) => ({
    readRleBitPackedHybrid: e.readRleBitPackedHybrid,
    parquetHeader: c.parquetHeader, readDataPage: d.readDataPage, readDataPageV2: d.readDataPageV2, decompressPage: d.decompressPage,
    readPlain: p.readPlain, convert: v.convert, DEFAULT_PARSERS: v.DEFAULT_PARSERS,
  }));
  return libs;
}

const NUMBER_TYPES = new Set(["byte", "short", "integer", "long", "float", "double"]);
const PHYSICAL = new Set(["INT32", "INT64", "FLOAT", "DOUBLE"]);
/** Spark types whose INT32 values are decoded into an Int32Array. */
const INT32_TYPES = new Set(["integer", "short", "byte"]);

function chunkStart(c: ColumnChunk): number {
  const md = c.meta_data!;
  const dict = md.dictionary_page_offset !== undefined ? Number(md.dictionary_page_offset) : Infinity;
  return Math.min(dict > 0 ? dict : Infinity, Number(md.data_page_offset));
}

/** Whether `name` is a top-level number column this reader can decode. */
export function flatEligible(md: FileMetaData, name: string, dt: DataType): SchemaElement | undefined {
  if (!NUMBER_TYPES.has(dt.type)) return undefined;
  const el = md.schema.find((e, i) => i > 0 && e.name === name && !e.num_children);
  if (!el || !el.type || !PHYSICAL.has(el.type) || el.repetition_type === "REPEATED") return undefined;
  // Top level: the root's direct child (nested leaves share names with top-level ones rarely, but check).
  let i = 1, depthOk = false;
  const root = md.schema[0]!;
  for (let c = 0; c < (root.num_children ?? 0); c++) {
    const e = md.schema[i]!;
    if (e === el) { depthOk = true; break; }
    i += 1 + subtreeSize(md.schema, i);
  }
  return depthOk ? el : undefined;
}

function subtreeSize(schema: SchemaElement[], at: number): number {
  let n = 0, pending = schema[at]!.num_children ?? 0, i = at + 1;
  while (pending > 0) { pending += (schema[i]!.num_children ?? 0) - 1; n++; i++; }
  return n;
}

/**
 * The buffers one file's reader reuses: a column chunk's bytes and a data page's decompressed
 * bytes (each used only while its chunk decodes; a dictionary page gets its own), and, when the
 * consumer is done with a batch before it asks for the next (`reuseValues`: a columnar stage
 * ending in an aggregate, as Spark's vectorized reader reuses its ColumnarBatch), each column's
 * values from one row group to the next. A fresh 8 MB Float64Array a column per row group cost
 * the scan about as much as decoding into it (the pages are mapped and zeroed each time).
 */
export class FlatScratch {
  private bytes = new Uint8Array(0);
  private decompressed = new Uint8Array(0);
  private readonly kept = new Map<string, Numbers>();

  constructor(readonly reuseValues: boolean) {}

  /** A buffer of at least `length` bytes for a column chunk (grown with room to spare). */
  chunk(length: number): Uint8Array {
    if (this.bytes.length < length) this.bytes = new Uint8Array(Math.ceil(length * 1.25));
    return this.bytes;
  }

  /** A buffer of at least `length` bytes for a data page's decompressed bytes. */
  page(length: number): Uint8Array {
    if (this.decompressed.length < length) this.decompressed = new Uint8Array(Math.ceil(length * 1.25));
    return this.decompressed;
  }

  /**
   * The values array of `column` for `n` rows (32-bit integers or doubles): the previous row
   * group's when reused and of the same length.
   */
  values(column: string, n: number, ints: boolean): Numbers {
    if (!this.reuseValues) return ints ? new Int32Array(n) : new Float64Array(n);
    let v = this.kept.get(column);
    if (v?.length !== n || v instanceof Int32Array !== ints) this.kept.set(column, (v = ints ? new Int32Array(n) : new Float64Array(n)));
    return v;
  }
}

/**
 * One row group's column as a vector, or undefined when a value is not a number the engine keeps
 * as a number (a long beyond 2^53 stays a bigint: the generic path handles it).
 */
export function readFlatColumn(
  L: Libs, read: (start: number, end: number, into: Uint8Array) => Uint8Array, md: FileMetaData, chunk: ColumnChunk, el: SchemaElement,
  n: number, dt: DataType, compressors: unknown, scratch: FlatScratch,
): ColumnVector | undefined {
  const cm = chunk.meta_data!;
  const start = chunkStart(chunk), length = Number(cm.total_compressed_size);
  const bytes = read(start, start + length, scratch.chunk(length));
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  const schemaPath = [{ element: md.schema[0]!, children: [], count: 1, path: [] }, { element: el, children: [], count: 1, path: [el.name] }] as unknown as SchemaTree[];
  const decoder = {
    pathInSchema: [el.name], type: el.type!, element: el, schemaPath, codec: cm.codec, parsers: L.DEFAULT_PARSERS,
    compressors: compressors as never, utf8: false,
  };
  // An INT32 column of a Spark int/short/byte (unsigned 8/16-bit ones included) fits 32-bit
  // integers: half the bytes of doubles to write here and to read in the stage (as the cache keeps them).
  const out = scratch.values(el.name, n, el.type === "INT32" && INT32_TYPES.has(dt.type));
  let nulls: Uint8Array | null = null;
  let dict: ArrayLike<unknown> | undefined;
  let row = 0;
  const put = (x: unknown): boolean => {
    if (typeof x === "number") { out[row++] = x; return true; }
    if (typeof x === "bigint") {
      const v = Number(x);
      if (dt.type === "long" && !Number.isSafeInteger(v)) return false;
      out[row++] = v;
      return true;
    }
    return false;
  };
  while (row < n && reader.offset < bytes.byteLength) {
    const header = L.parquetHeader(reader);
    const size = header.compressed_page_size;
    const raw = bytes.subarray(reader.offset, reader.offset + size);
    reader.offset += size;
    if (header.type === "DICTIONARY_PAGE") {
      const page = L.decompressPage(raw, Number(header.uncompressed_page_size), cm.codec, compressors as never);
      const pr = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
      dict = L.convert(L.readPlain(pr, el.type!, header.dictionary_page_header!.num_values, el.type_length), decoder) as ArrayLike<unknown>;
      continue;
    }
    let dp: { definitionLevels: ArrayLike<number> | undefined; dataPage: ArrayLike<unknown> };
    let encoding: string;
    if (header.type === "DATA_PAGE") {
      // A data page is decoded before the next is read: snappy's output goes to a reused buffer.
      const pageSize = Number(header.uncompressed_page_size);
      const page = cm.codec === "SNAPPY" ? snappyUncompress(raw, pageSize, scratch.page(pageSize)) : L.decompressPage(raw, pageSize, cm.codec, compressors as never);
      encoding = header.data_page_header!.encoding;
      const direct = encoding.endsWith("_DICTIONARY") && (dict instanceof Int32Array || dict instanceof Float64Array) ? { dict, out, row, n } : undefined;
      const v1 = readPageV1(L, page, header.data_page_header!.num_values, encoding, el, decoder, direct);
      if (v1?.rowAfter !== undefined) { row = v1.rowAfter; continue; }
      dp = v1 ?? (L.readDataPage(page, header.data_page_header!, decoder) as typeof dp);
    } else if (header.type === "DATA_PAGE_V2") {
      dp = L.readDataPageV2(raw, header, decoder) as typeof dp;
      encoding = header.data_page_header_v2!.encoding;
    } else continue;
    const useDict = dict !== undefined && encoding.endsWith("_DICTIONARY");
    const vals = useDict ? dp.dataPage : (L.convert(dp.dataPage as never, decoder) as ArrayLike<unknown>);
    const defs = dp.definitionLevels;
    const count = defs?.length ? defs.length : vals.length;
    let vi = 0;
    // Typed number arrays (the common case) copy without per-value checks.
    const src = useDict ? dict! : vals;
    if (src instanceof Int32Array || src instanceof Float64Array || src instanceof Float32Array) {
      // `row` and `out` are captured by put(): a separate function keeps the loops in registers.
      if (defs?.length) nulls ??= new Uint8Array(n);
      row = copyNumbers(out, row, n, src, useDict ? (vals as ArrayLike<number>) : undefined, defs, count, nulls);
      continue;
    }
    for (let i = 0; i < count && row < n; i++) {
      if (defs?.length && defs[i] === 0) { (nulls ??= new Uint8Array(n))[row] = 1; out[row++] = 0; continue; }
      const x = useDict ? dict![vals[vi++] as number] : vals[vi++];
      if (!put(x)) return undefined;
    }
  }
  if (row !== n) return undefined;
  return { kind: "f64", values: out, nulls };
}

/** Where a dictionary page's values may go directly: out[row..n) through dict. */
interface DirectTarget { dict: Int32Array | Float64Array; out: Numbers; row: number; n: number }

/**
 * A v1 data page of a flat column: definition levels (bit width 1) into a Uint8Array and
 * dictionary indices into an Int32Array (hyparquet's readDataPage fills holey JS arrays). Plain
 * values go through hyparquet's readPlain and convert. Undefined for other encodings.
 */
function readPageV1(
  L: Libs, page: Uint8Array, numValues: number, encoding: string, el: SchemaElement, decoder: object, direct?: DirectTarget,
): { definitionLevels: Uint8Array | undefined; dataPage: ArrayLike<unknown>; rowAfter?: number } | undefined {
  const dictionary = encoding === "PLAIN_DICTIONARY" || encoding === "RLE_DICTIONARY";
  if (!dictionary && encoding !== "PLAIN") return undefined;
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const reader = { view, offset: 0 };
  let defs: Uint8Array | undefined;
  let present = numValues;
  if (el.repetition_type === "OPTIONAL") {
    // Definition levels (width 1) after their int32 byte length; a page with no nulls (runs of
    // 1s only, the usual case) is seen from its run headers, without a level per value.
    const length = view.getUint32(0, true);
    reader.offset = 4 + length;
    if (!rleAllOnes(page, 4, 4 + length, numValues)) {
      defs = new Uint8Array(numValues);
      if (!readRleHybrid(page, 4, 4 + length, 1, defs, numValues)) return undefined;
      present = 0;
      for (let i = 0; i < numValues; i++) present += defs[i]!;
      if (present === numValues) defs = undefined;
    }
  }
  if (!dictionary) {
    const vals = L.readPlain(reader, el.type!, present, el.type_length);
    return { definitionLevels: defs, dataPage: L.convert(vals as never, decoder as never) as ArrayLike<unknown> };
  }
  const width = view.getUint8(reader.offset++);
  if (direct && !defs && width && width <= MAX_RLE_WIDTH && present <= direct.n - direct.row) {
    // No nulls on the page: indices decoded straight into the output through the dictionary.
    if (!readRleHybridDict(page, reader.offset, page.byteLength, width, direct.dict, direct.out, direct.row, present)) return undefined;
    return { definitionLevels: undefined, dataPage: [], rowAfter: direct.row + present };
  }
  const idx = new Int32Array(present);
  if (width && present) {
    if (width <= MAX_RLE_WIDTH) { if (!readRleHybrid(page, reader.offset, page.byteLength, width, idx, present)) return undefined; }
    else L.readRleBitPackedHybrid(reader, width, idx, view.byteLength - reader.offset);
  }
  return { definitionLevels: defs, dataPage: idx };
}

/** Copy a page's values (through dictionary indices when given) after `row`; nulls where defs are 0. */
function copyNumbers(
  out: Numbers, row: number, n: number, src: Int32Array | Float64Array | Float32Array, idx: ArrayLike<number> | undefined,
  defs: ArrayLike<number> | undefined, count: number, nulls: Uint8Array | null,
): number {
  let r = row, vi = 0;
  if (!defs?.length) {
    const m = Math.min(count, n - r);
    if (idx) for (let i = 0; i < m; i++) out[r++] = src[idx[i]!]!;
    else for (let i = 0; i < m; i++) out[r++] = src[i]!;
    return r;
  }
  for (let i = 0; i < count && r < n; i++) {
    if (defs[i] === 0) { nulls![r] = 1; out[r++] = 0; continue; }
    out[r++] = idx ? src[idx[vi++]!]! : src[vi++]!;
  }
  return r;
}
