// Delta Lake (lecture 10): tables that follow the Delta protocol. Importing this package registers
// the "delta" data source (driver and executor threads: see engine/worker-preload.ts).

export * from "./actions";
export { schemaToJson, schemaFromJson, checkWriteSchema } from "./schema";
export { listLog, readCommit, readLastCheckpoint, writeCommitExclusive, commitName, checkpointName, logDir, CommitConflict, type LogListing, type CheckpointRef } from "./log-files";
export { loadSnapshot, loadHeaderSync, readHistory, versionAtTimestamp, firstVersionAtOrAfter, isDeltaTable, checkReadable, clearSnapshotCache, fileKey, type Snapshot, type HistoryEntry } from "./snapshot";
export { writeCheckpoint, checkpointRows, CHECKPOINT_SCHEMA, checkpointInterval } from "./checkpoint";
export { commit, checkConflicts, type CommitRequest, type CommitResult, type IsolationLevel } from "./transaction";
export {
  DeltaConcurrentModificationException, ConcurrentAppendException, ConcurrentDeleteReadException, ConcurrentDeleteDeleteException,
  MetadataChangedException, ProtocolChangedException, ConcurrentTransactionException,
} from "./errors";
export { computeStats, statsLookup, type FileStats } from "./stats";
export { deltaDataSource, lastScan, addFilePath, prunedFiles, snapshotFilesInOrder, FILES_OPTION, FILE_RANGE_OPTION } from "./delta-source";
export { DeltaTable, DeltaMergeBuilder, DeltaOptimizeBuilder, registerDeltaTableName, historyDataFrame, deltaLog, type MergeClause } from "./delta-table";
export { writeDeltaBatch, deltaFilesAddedSince, type DeltaBatchResult } from "./streaming";
export { runOrdered } from "./sql-commands";
import "./sql-ddl"; // CREATE TABLE ... USING delta and INSERT INTO Delta catalog tables
