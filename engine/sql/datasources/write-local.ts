// In-process write of already-partitioned rows through the same task/job commit protocol the
// cluster uses (tests and small local writes; the DataFrameWriter runs writeTaskFiles in tasks).

import type { WrittenFile } from "../datasource-contract";
import type { StructType } from "../types";
import { abortWrite, commitWrite, fileWriteJob, prepareWrite, writeTaskFiles } from "./write-files";
import type { Row } from "./types";

export function writeLocal(
  format: string,
  path: string,
  schema: StructType,
  partitions: Row[][],
  opts: Parameters<typeof fileWriteJob>[3] = {},
): WrittenFile[] {
  const job = fileWriteJob(format, path, schema, opts);
  if (prepareWrite(job).skip) return [];
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
