// Parquet files as Spark writes them, through hyparquet-writer: Spark's layout (3-level lists,
// `key_value` maps, INT64 TIMESTAMP_MICROS, INT32 DATE, decimals as INT32/INT64/FIXED), the codecs
// none/snappy/gzip/brotli, row groups of `rowGroupSize` (or `parquet.block.rows`) rows, and
// Spark's schema JSON in the footer (org.apache.spark.sql.parquet.row.metadata).

import { createRequire } from "node:module";
import { brotliCompressSync, gzipSync } from "node:zlib";
import type { CompressionCodec } from "hyparquet";
import { unscaledAt } from "../../common/decimal";
import { AnalysisError } from "../../common/errors";
import { setField } from "../../common/fields";
import { simpleString, type DataType, type StructType } from "../types";
import type { Options } from "./options";
import { sparkToParquet } from "./parquet-schema";
import type { Row } from "./types";

/** Values in the shape hyparquet-writer expects for `dt` (INT64 as bigint, nested recursively). */
function toParquetValue(v: unknown, dt: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (dt.type) {
    case "long": return typeof v === "bigint" ? v : BigInt(Math.trunc(Number(v)));
    case "integer": case "short": case "byte": return typeof v === "bigint" ? Number(v) : v;
    case "float": case "double": return Number(v);
    case "string": return typeof v === "string" ? v : String(v);
    case "date": case "timestamp": return v instanceof Date ? v : new Date(v as string);
    // Up to 15 digits a number is exact (the writer scales it); wider decimals go as their exact
    // unscaled bigint, which the writer takes as is.
    case "decimal": return dt.precision <= 15 ? Number(v) : unscaledAt(v, dt.scale);
    case "array": return (v as unknown[]).map((e) => toParquetValue(e, dt.elementType));
    case "map": {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
      return entries.map(([k, x]) => ({ key: toParquetValue(k, dt.keyType), value: toParquetValue(x, dt.valueType) }));
    }
    case "struct": {
      const src = v as Record<string, unknown>;
      const o: Record<string, unknown> = {};
      for (const f of dt.fields) setField(o, f.name, toParquetValue(src[f.name], f.dataType));
      return o;
    }
    default: return v;
  }
}

// hyparquet-writer loads on the first Parquet write (synchronously: write tasks are synchronous),
// so executor threads do not pay for it at start-up.
type WriterLib = typeof import("hyparquet-writer");
let writerLib: WriterLib | undefined;
function parquetWriter(): WriterLib {
  writerLib ??= createRequire(import.meta.url)("hyparquet-writer") as WriterLib;
  return writerLib;
}

export function writeParquet(file: string, rows: Row[], schema: StructType, o: Options, compression: string): void {
  const { parquetWriteFile } = parquetWriter();
  const codecs: Record<string, CompressionCodec> = { none: "UNCOMPRESSED", snappy: "SNAPPY", gzip: "GZIP", brotli: "BROTLI" };
  const codec = codecs[compression];
  if (!codec) {
    throw new AnalysisError("CODEC_NOT_AVAILABLE", `The codec ${compression} is not available for Parquet writes. Available: ${Object.keys(codecs).join(", ")}.`, { parameters: { codecName: compression } });
  }
  const rowGroupSize = o.has("parquet.block.rows") ? o.num("parquet.block.rows", 100_000) : o.num("rowGroupSize", 100_000);
  parquetWriteFile({
    filename: file,
    // hyparquet-writer bundles its own hyparquet typings; the element shape is the same.
    schema: sparkToParquet(schema) as unknown as NonNullable<Parameters<WriterLib["parquetWriteFile"]>[0]["schema"]>,
    columnData: schema.fields.map((f) => ({ name: f.name, data: rows.map((r) => toParquetValue(r[f.name], f.dataType)) })),
    codec,
    compressors: { GZIP: (b: Uint8Array) => new Uint8Array(gzipSync(b)), BROTLI: (b: Uint8Array) => new Uint8Array(brotliCompressSync(b)) },
    rowGroupSize,
    createdBy: "bigdata-workbench",
    kvMetadata: [{ key: "org.apache.spark.sql.parquet.row.metadata", value: JSON.stringify(sparkSchemaJson(schema)) }],
  });
}

/** Spark's JSON schema string (what Spark stores in Parquet metadata). */
function sparkSchemaJson(schema: StructType): unknown {
  const dt = (t: DataType): unknown => {
    switch (t.type) {
      case "array": return { type: "array", elementType: dt(t.elementType), containsNull: t.containsNull };
      case "map": return { type: "map", keyType: dt(t.keyType), valueType: dt(t.valueType), valueContainsNull: t.valueContainsNull };
      case "struct": return { type: "struct", fields: t.fields.map((f) => ({ name: f.name, type: dt(f.dataType), nullable: f.nullable, metadata: {} })) };
      default: return simpleString(t) === "bigint" ? "long" : simpleString(t) === "int" ? "integer" : simpleString(t);
    }
  };
  return dt(schema.asDataType());
}

