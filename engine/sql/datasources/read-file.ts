// Reads one file of a split in any format, with Spark's ignoreCorruptFiles / ignoreMissingFiles
// (option or spark.sql.files.* conf): a file that vanished since planning, or that cannot be
// decoded, is skipped (rows already read from it are kept, as in Spark) instead of failing the task.

import { WorkbenchError } from "../../common/errors";
import { readCsvFile, type ScanColumns } from "./csv-source";
import { readJsonFile } from "./json-source";
import { Options } from "./options";
import { readParquetFile } from "./parquet-source";
import { readTextFile } from "./text-source";
import type { FileFormat, PartitionedFile, PushedFilter, ReadMetrics, Row } from "./types";

function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === "ENOENT";
}

function isCorrupt(e: unknown): boolean {
  if (e instanceof WorkbenchError) return e.condition.startsWith("FAILED_READ_FILE");
  const code = (e as NodeJS.ErrnoException)?.code;
  return typeof code === "string" && code.startsWith("Z_"); // zlib: bad gzip data
}

export async function readFileRows(
  format: FileFormat,
  file: PartitionedFile,
  cols: ScanColumns,
  o: Options,
  filters: PushedFilter[],
  metrics: ReadMetrics | undefined,
  push: (r: Row) => void,
): Promise<void> {
  try {
    switch (format) {
      case "csv": for (const r of readCsvFile(file, cols, o, metrics)) push(r); break;
      case "json": for (const r of readJsonFile(file, cols, o, metrics)) push(r); break;
      case "text": for (const r of readTextFile(file, cols, o, metrics)) push(r); break;
      case "parquet": for (const r of await readParquetFile(file, cols, filters, metrics)) push(r); break;
    }
  } catch (e) {
    const ignoreMissing = o.bool("ignoreMissingFiles", o.bool("spark.sql.files.ignoreMissingFiles", false));
    const ignoreCorrupt = o.bool("ignoreCorruptFiles", o.bool("spark.sql.files.ignoreCorruptFiles", false));
    if ((ignoreMissing && isMissing(e)) || (ignoreCorrupt && isCorrupt(e))) return;
    throw e;
  }
}
