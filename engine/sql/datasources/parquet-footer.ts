// Synchronous Parquet footer reading for schema inference on the driver: spark.read.parquet(p)
// returns a DataFrame at once (as in PySpark), so the footer is read with synchronous file I/O
// and parsed with hyparquet's synchronous metadata parser (which works on an ArrayBuffer holding
// the file's tail). Only the 8-byte tail and the footer itself are read; bytes are counted.

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { parquetMetadata, parquetSchema } from "hyparquet/src/metadata.js";
import type { FileMetaData } from "hyparquet";
import { ExecutionError } from "../../common/errors";
import { StructType } from "../types";
import { fileUri } from "./file-listing";
import { aliasNestedProto, mergeParquetSchemas, parquetToSpark } from "./parquet-schema";
import type { ReadMetrics } from "./types";

function readAt(fd: number, start: number, len: number, metrics?: ReadMetrics): ArrayBuffer {
  const out = new ArrayBuffer(Math.max(0, len));
  const n = readSync(fd, new Uint8Array(out), 0, len, start);
  if (metrics) metrics.bytesRead += n;
  return n === len ? out : out.slice(0, n);
}

/** The footer (FileMetaData) of a local Parquet file, read synchronously. */
export function readParquetMetadataSync(path: string, metrics?: ReadMetrics): FileMetaData {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const size = fstatSync(fd).size;
    if (size < 12) throw new Error(`file is too short to be Parquet (${size} bytes)`);
    const tail = new DataView(readAt(fd, size - 8, 8, metrics));
    if (tail.getUint32(4, true) !== 0x31524150) throw new Error("parquet file invalid (footer != PAR1)");
    const len = tail.getUint32(0, true);
    if (len + 8 > size) throw new Error(`parquet metadata length ${len} exceeds the file size ${size}`);
    return aliasNestedProto(parquetMetadata(readAt(fd, size - len - 8, len + 8, metrics)) as FileMetaData);
  } catch (e) {
    throw new ExecutionError("FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER", `Could not read footer for file: ${fileUri(path)}: ${(e as Error).message}`, {
      parameters: { path: fileUri(path) }, context: { file: path }, cause: e,
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Spark schema of Parquet files: the first file's, or all merged with mergeSchema (synchronous). */
export function inferParquetSchemaSync(paths: string[], mergeSchema: boolean, metrics?: ReadMetrics): StructType {
  let acc: StructType | null = null;
  for (const p of mergeSchema ? paths : paths.slice(0, 1)) {
    const md = readParquetMetadataSync(p, metrics);
    const s = parquetToSpark(parquetSchema(md) as Parameters<typeof parquetToSpark>[0]);
    acc = acc ? mergeParquetSchemas(acc, s) : s;
  }
  return acc ?? new StructType([]);
}
