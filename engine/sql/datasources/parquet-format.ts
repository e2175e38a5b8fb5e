// The Parquet file format (spark.read.parquet / df.write.parquet): footers for the schema
// (parquet-footer.ts, synchronous), row and columnar reading with row-group skipping
// (parquet-source.ts), writing with Spark's layout (parquet-writer.ts). Files split by row group.

import type { FileFormat } from "./file-format";
import { registerFileFormat } from "./file-source";
import { inferParquetSchemaSync } from "./parquet-footer";
import { readParquetBatches, readParquetFile } from "./parquet-source";
import { writeParquet } from "./parquet-writer";

export const parquetFormat: FileFormat = {
  name: "parquet",
  inferSchema: (files, o, metrics) => inferParquetSchemaSync(files.map((f) => f.path), o.bool("mergeSchema", false), metrics),
  isSplitable: () => true,
  readsEmptyFiles: true,
  readFile: (file, cols, _o, filters, metrics) => readParquetFile(file, cols, filters, metrics),
  readFileBatches: (file, cols, _o, filters, metrics, reuse) => readParquetBatches(file, cols, filters, metrics, reuse),
  defaultCompression: "snappy",
  fileExtension: (compression) => (compression === "none" ? "" : `.${compression}`) + ".parquet",
  writeFile: writeParquet,
};

registerFileFormat(parquetFormat);
