// Worker side of df.write: one task writes its partition's rows through the registered data
// source (see datasource-contract.ts). Separate from readwriter.ts so workers load only this.

import { registerShippable } from "../../common/closure";
import { ExecutionError } from "../../common/errors";
import { getDataSource, type WriteJob, type WrittenFile } from "../datasource-contract";

/** Worker side of a write: one task writes its partition's rows through the data source. */
export const writePartition = registerShippable("sql.writePartition", function writePartition(job: WriteJob, taskId: number, rows: Iterable<unknown[]>): WrittenFile[][] {
  const ds = getDataSource(job.format);
  if (!ds?.writeTask) throw new ExecutionError("UNSUPPORTED_DATA_SOURCE_FOR_WRITE", `The data source ${job.format} cannot write.`);
  const out = ds.writeTask(job, taskId, rows);
  if (out instanceof Promise) {
    throw new ExecutionError("INTERNAL_ERROR", `data source ${job.format}: writeTask returned a Promise; tasks are synchronous (see datasource-contract.ts).`);
  }
  return [out];
});

