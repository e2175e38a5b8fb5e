// In-process write of already-partitioned rows through the same task/job commit protocol the
// cluster uses (tests and small local writes; the DataFrameWriter runs writeTaskFiles in tasks).

import type { StructType } from "../types";
import { abortWrite, commitWrite, prepareWrite, writeTaskFiles } from "./write-files";
import type { DataSourceOptions, FileFormat, Row, SaveMode, WrittenFile } from "./types";

export function writeLocal(
  format: FileFormat,
  path: string,
  schema: StructType,
  partitions: Row[][],
  opts: { mode?: SaveMode | string; partitionBy?: string[]; options?: DataSourceOptions } = {},
): WrittenFile[] {
  const job = prepareWrite(format, path, schema, opts);
  if (job.skip) return [];
  const files: WrittenFile[] = [];
  try {
    partitions.forEach((rows, taskId) => files.push(...writeTaskFiles(job, taskId, rows)));
    commitWrite(job, files);
  } catch (e) {
    abortWrite(job);
    throw e;
  }
  return files;
}
