// The text source: one row per line in a column named `value`, or one row per file with
// wholetext (Spark's spark.read.text / wholetext option).

import { setField } from "../../common/fields";
import { textEncoding, type Options } from "./options";
import { readLines, readWholeFile } from "./line-reader";
import type { PartitionedFile, ReadMetrics, Row } from "./types";
import { outputFields, type ScanColumns } from "./csv-source";
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
