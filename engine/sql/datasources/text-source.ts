// The text file format: one row per line in a column named `value`, or one row per file with
// wholetext (Spark's spark.read.text / wholetext option); df.write.text writes one string column.

import { setField } from "../../common/fields";
import { textEncoding, type Options } from "./options";
import { readLines, readWholeFile } from "./line-reader";
import { AnalysisError } from "../../common/errors";
import type { PartitionedFile, ReadMetrics, Row } from "./types";
import { outputFields, type FileFormat, type ScanColumns } from "./file-format";
import { registerFileFormat } from "./file-source";
import { LINE_CODECS, linesText, writeLineFile } from "./line-writer";
import { StructType } from "../types";

export const TEXT_SCHEMA = new StructType([{ name: "value", dataType: { type: "string" }, nullable: true }]);

export function* readTextFile(file: PartitionedFile, cols: ScanColumns, opts: Options, metrics?: ReadMetrics): Generator<Row> {
  const out = outputFields(cols);
  const make = (value: string): Row => {
    const row: Row = {};
    for (const f of out) setField(row, f.name, f.name === "value" && cols.dataSchema.field("value") ? value : (file.partitionValues[f.name] ?? null));
    if (metrics) metrics.rowsRead++;
    return row;
  };
  if (opts.bool("wholetext", false)) {
    const buf = readWholeFile(file.path);
    if (metrics) metrics.bytesRead += buf.length;
    yield make(buf.toString(textEncoding(opts)));
    return;
  }
  const stats = { bytesRead: 0 };
  for (const ln of readLines(file.path, file.start, file.length, stats, textEncoding(opts))) yield make(ln.text);
  if (metrics) metrics.bytesRead += stats.bytesRead;
}

export const textFormat: FileFormat = {
  name: "text",
  fixedSchema: TEXT_SCHEMA,
  inferSchema: () => TEXT_SCHEMA,
  isSplitable: (_path, o) => !o.bool("wholetext", false),
  readFile: (file, cols, o, _filters, metrics) => readTextFile(file, cols, o, metrics),
  defaultCompression: "none",
  fileExtension: (compression) => ".txt" + (LINE_CODECS[compression] ?? ""),
  checkWriteSchema(dataSchema) {
    if (dataSchema.length !== 1 || dataSchema.fields[0]!.dataType.type !== "string") {
      throw new AnalysisError("_LEGACY_ERROR_TEMP_1202", `Text data source supports only a single column of string type, and you have ${dataSchema.length} columns: ${dataSchema.simpleString()}.`, {});
    }
  },
  writeFile: (path, rows, schema, o, compression) => writeLineFile(path, linesText(rows.map((r) => String(r[schema.fields[0]!.name] ?? ""))), o, compression, "text"),
};

registerFileFormat(textFormat);
