// Delta as a streaming sink and source, at the level the Structured Streaming engine needs
// (wired up by whichever of the two issues lands second):
// - sink: writeDeltaBatch commits one micro-batch with a `txn` action (appId = query id,
//   version = batch id) in the same commit as its files, so a batch replayed after a failure is
//   skipped: exactly-once, as Delta's streaming sink does;
// - source: deltaFilesAddedSince lists the files each later commit added (dataChange only), the
//   offsets a Delta streaming source reads.

import { randomUUID } from "node:crypto";
import type { DataFrame } from "../sql/api/dataframe";
import type { Action, AddFile } from "./actions";
import { STAGE_OPTION, stagedWrites } from "./delta-source";
import { listLog, readCommit } from "./log-files";
import { isDeltaTable, loadSnapshot, tablePath } from "./snapshot";
import { commit } from "./transaction";

export interface DeltaBatchResult {
  /** Version committed, or undefined when the batch had been committed before (skipped). */
  version?: number;
  skipped: boolean;
}

/**
 * Append one micro-batch exactly once: skipped when the table's txn for `queryId` is already at
 * `batchId` or later. The first batch of a new table creates it (an ordinary write, plus the txn).
 */
export async function writeDeltaBatch(df: DataFrame, path: string, queryId: string, batchId: number, outputMode: "append" | "complete" = "append"): Promise<DeltaBatchResult> {
  const table = tablePath(path);
  if (!isDeltaTable(table)) {
    // Create the table with an empty write, then commit the batch as below.
    await df.limit(0).write.format("delta").mode("append").save(table);
  }
  const snap = await loadSnapshot(table);
  const seen = snap.txns.get(queryId);
  if (seen && seen.version >= batchId) return { skipped: true };
  const id = randomUUID();
  await df.write.format("delta").mode("append").option(STAGE_OPTION, id).save(table);
  const staged = stagedWrites.get(id) ?? { adds: [] as AddFile[], rows: 0, bytes: 0 };
  stagedWrites.delete(id);
  const now = Date.now();
  const actions: Action[] = [{ txn: { appId: queryId, version: batchId, lastUpdated: now } }];
  if (outputMode === "complete") {
    for (const a of snap.files.values()) actions.push({ remove: { path: a.path, deletionTimestamp: now, dataChange: true, extendedFileMetadata: true, partitionValues: a.partitionValues, size: a.size } });
  }
  for (const a of staged.adds) actions.push({ add: a });
  const r = await commit({
    table, readVersion: snap.version, actions, operation: "STREAMING UPDATE",
    operationParameters: { outputMode: outputMode === "append" ? "Append" : "Complete", queryId, epochId: String(batchId) },
    operationMetrics: { numAddedFiles: staged.adds.length, numOutputRows: staged.rows },
    isBlindAppend: outputMode === "append", readWholeTable: outputMode === "complete",
  });
  return { version: r.version, skipped: false };
}

/** The files each commit after `fromVersion` added with dataChange=true (a Delta streaming source's input). */
export function deltaFilesAddedSince(path: string, fromVersion: number): Array<{ version: number; files: AddFile[] }> {
  const table = tablePath(path);
  return listLog(table).commits.filter((v) => v > fromVersion).map((v) => ({
    version: v,
    files: readCommit(table, v).flatMap((a) => ("add" in a && a.add.dataChange !== false ? [a.add] : [])),
  }));
}
