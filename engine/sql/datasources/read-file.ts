// Reads one file of a split in any format, with Spark's ignoreCorruptFiles / ignoreMissingFiles
// (option or spark.sql.files.* conf): a file that vanished since planning, or that cannot be
// decoded, is skipped (rows already read from it are kept, as in Spark) instead of failing the task.

import { WorkbenchError } from "../../common/errors";
import type { FileFormat, ScanColumns } from "./file-format";
import type { Options } from "./options";
import type { PartitionedFile, PushedFilter, ReadMetrics, Row } from "./types";

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
    for (const r of await format.readFile(file, cols, o, filters, metrics)) push(r);
  } catch (e) {
    const ignoreMissing = o.bool("ignoreMissingFiles", o.bool("spark.sql.files.ignoreMissingFiles", false));
    const ignoreCorrupt = o.bool("ignoreCorruptFiles", o.bool("spark.sql.files.ignoreCorruptFiles", false));
    if ((ignoreMissing && isMissing(e)) || (ignoreCorrupt && isCorrupt(e))) return;
    throw e;
  }
}
