// Spark's FileFormat: what one file format (CSV, JSON lines, text, Parquet, ...) knows by itself:
// how to infer a schema from sample files, whether a file can be cut into byte ranges, how to read
// one file (range) as rows, and how to write one file of rows. Everything around it is shared
// (file-source.ts): listing and partition discovery, partition pruning, split planning,
// ignoreMissingFiles/ignoreCorruptFiles, the task and job commit protocol, and the data-source
// seam of the SQL core. A new file format is one file implementing this interface that calls
// `registerFileFormat` (file-source.ts), plus its import in index.ts.

import { AnalysisError } from "../../common/errors";
import { setField } from "../../common/fields";
import type { ColumnBatch } from "../column-batch";
import type { StructField, StructType } from "../types";
import type { Options } from "./options";
import type { PartitionedFile, PushedFilter, ReadMetrics, Row } from "./types";

/** The columns a file read produces. */
export interface ScanColumns {
  /** The data schema of the files (user or inferred), possibly with the corrupt-record column. */
  dataSchema: StructType;
  /** Partition columns appended after the data columns. */
  partitionSchema: StructType;
  /** Output columns in output order (data and partition names); undefined = all. */
  requiredColumns?: string[];
}

/** Output column order: the required columns, else all data then partition columns. */
export function outputFields(cols: ScanColumns): StructField[] {
  const all = [...cols.dataSchema.fields, ...cols.partitionSchema.fields.filter((p) => !cols.dataSchema.field(p.name))];
  if (!cols.requiredColumns) return all;
  return cols.requiredColumns.map((n) => {
    const f = all.find((x) => x.name === n) ?? all.find((x) => x.name.toLowerCase() === n.toLowerCase());
    if (!f) throw new AnalysisError("UNRESOLVED_COLUMN.WITHOUT_SUGGESTION", `A column with name \`${n}\` cannot be resolved in the scan.`, { parameters: { objectName: n } });
    return f;
  });
}

/** The rows (objects by output column name) of a reader's value arrays (readFileValues' form). */
export function* valueRows(cols: ScanColumns, values: Iterable<unknown[]>): Generator<Row> {
  const names = outputFields(cols).map((f) => f.name);
  for (const vals of values) {
    const row: Row = {};
    for (let j = 0; j < names.length; j++) setField(row, names[j]!, vals[j]);
    yield row;
  }
}

export interface FileFormat {
  /** The format name of spark.read.format(...) (lower case). */
  readonly name: string;
  /** A schema that never depends on the files (text's one `value` column): no inference, and a user schema without its columns falls back to it. */
  readonly fixedSchema?: StructType;
  /** Driver side, synchronous: the data schema (without partition columns) of these non-empty files. */
  inferSchema(files: PartitionedFile[], o: Options, metrics: ReadMetrics): StructType;
  /** Can a (not compressed) file be read as independent byte ranges with these options? */
  isSplitable(path: string, o: Options): boolean;
  /** Are empty (0-byte) files read (Parquet: they fail as corrupt) or dropped from the scan (line formats)? */
  readonly readsEmptyFiles?: boolean;
  /** Worker side: the rows of one file (range), with `cols.requiredColumns` filled (partition values from `file`). Filters are advisory. */
  readFile(file: PartitionedFile, cols: ScanColumns, o: Options, filters: PushedFilter[], metrics?: ReadMetrics): Iterable<Row> | Promise<Iterable<Row>>;
  /**
   * Worker side, optional: the same records as arrays of the output columns' values
   * (outputFields order), without a row object each; a columnar stage reads them as batches of
   * BATCH_ROWS (a text format's alternative to readFileBatches).
   */
  readFileValues?(file: PartitionedFile, cols: ScanColumns, o: Options, metrics: ReadMetrics): Iterable<unknown[]>;
  /**
   * Worker side, optional: the same values as column batches (columnar stages). `reuseBuffers`:
   * the consumer is done with a batch when it asks for the next (ReadRequest.reuseBuffers).
   */
  readFileBatches?(file: PartitionedFile, cols: ScanColumns, o: Options, filters: PushedFilter[], metrics: ReadMetrics, reuseBuffers?: boolean): AsyncIterable<ColumnBatch>;
  /** The compression codec when the user names none ("none", "snappy", ...). */
  readonly defaultCompression: string;
  /** The data file's name ending for a codec (".csv.gz", ".snappy.parquet"). */
  fileExtension(compression: string): string;
  /** Driver side, before a write: refuse a data schema the format cannot hold (AnalysisError). */
  checkWriteSchema?(dataSchema: StructType): void;
  /** Worker side, synchronous: write one file of rows (partition columns already removed). */
  writeFile(path: string, rows: Row[], dataSchema: StructType, o: Options, compression: string): void;
}

const formats = new Map<string, FileFormat>();

/** Remember a file format by name (file-source.ts's registerFileFormat also registers its data source). */
export function addFileFormat(f: FileFormat): void {
  formats.set(f.name.toLowerCase(), f);
}

/** The file format of this name; AnalysisError DATA_SOURCE_NOT_FOUND when there is none. */
export function fileFormat(name: string): FileFormat {
  const f = formats.get(name.toLowerCase());
  if (!f) {
    throw new AnalysisError("DATA_SOURCE_NOT_FOUND", `Failed to find the data source: ${name}. Available: ${fileFormatNames().join(", ")}.`, { parameters: { provider: name } });
  }
  return f;
}

/** Names of the registered file formats. */
export function fileFormatNames(): string[] {
  return [...formats.keys()];
}
