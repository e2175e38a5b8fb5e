// Optimistic concurrency as Delta does it. A transaction remembers the version it read, what it
// read (whole table or a set of files) and what it removes; committing tries to create the next
// log file exclusively. When another writer got there first, the winning commits are checked
// against this transaction (Delta's ConflictChecker): no conflict -> retry at the next version
// (blind appends always go through); a conflict -> one of Delta's exceptions.

import { randomUUID } from "node:crypto";
import { AnalysisError } from "../common/errors";
import { actionsToJsonLines, ENGINE_INFO, type Action, type AddFile, type CommitInfo } from "./actions";
import { checkpointInterval, writeCheckpoint } from "./checkpoint";
import {
  ConcurrentAppendException, ConcurrentDeleteDeleteException, ConcurrentDeleteReadException, ConcurrentTransactionException,
  MetadataChangedException, ProtocolChangedException,
} from "./errors";
import { CommitConflict, readCommit, writeCommitExclusive } from "./log-files";
import { fileKey, loadSnapshot } from "./snapshot";

export type IsolationLevel = "Serializable" | "WriteSerializable";

export interface CommitRequest {
  table: string;
  /** The version this transaction read (-1: creating the table). */
  readVersion: number;
  /** The actions to commit (commitInfo is added here). */
  actions: Action[];
  operation: string;
  operationParameters?: Record<string, unknown>;
  operationMetrics?: Record<string, string | number>;
  /** Only appends, nothing read: never conflicts with other data changes. */
  isBlindAppend: boolean;
  /** The transaction read every file of the table (a scan without a file-level predicate). */
  readWholeTable?: boolean;
  /** Keys (see fileKey) of the files the transaction read. */
  readFiles?: Iterable<string>;
  /**
   * The transaction's read predicate, as a test on a file: would the read have scanned this added
   * file (partition values and stats)? Without one (and without readWholeTable) every file another
   * writer adds counts as read.
   */
  readPredicate?: (add: AddFile) => boolean;
  isolationLevel?: IsolationLevel;
  /** Attempts before giving up on a busy table (default 1000). */
  maxAttempts?: number;
  /** Skip the automatic checkpoint (tests of the log itself). */
  noCheckpoint?: boolean;
}

export interface CommitResult {
  version: number;
  /** Versions committed by others that this commit was retried past. */
  retriedPast: number[];
  checkpointWritten?: string;
}

function dataChangeAdds(actions: Action[]) {
  return actions.flatMap((a) => ("add" in a && a.add.dataChange !== false ? [a.add] : []));
}
function dataChangeRemoves(actions: Action[]) {
  return actions.flatMap((a) => ("remove" in a && a.remove.dataChange !== false ? [a.remove] : []));
}

/** Delta's conflict checks of this transaction against one winning commit. */
export function checkConflicts(req: CommitRequest, winningVersion: number, winning: Action[]): void {
  const ci = (winning.find((a) => "commitInfo" in a) as { commitInfo: CommitInfo } | undefined)?.commitInfo;
  const op = ci?.operation ?? "UNKNOWN";
  const detail = `Conflicting commit: {"version":${winningVersion},"operation":"${op}"}`;
  if (winning.some((a) => "protocol" in a)) {
    const empty = req.readVersion < 0 ? " This happens when multiple writers are writing to an empty directory. Creating the table ahead of time will avoid this conflict." : "";
    throw new ProtocolChangedException(detail + empty, { winningVersion });
  }
  if (winning.some((a) => "metaData" in a)) throw new MetadataChangedException(detail, { winningVersion });
  const ourApps = new Set(req.actions.flatMap((a) => ("txn" in a ? [a.txn.appId] : [])));
  for (const a of winning) if ("txn" in a && ourApps.has(a.txn.appId)) throw new ConcurrentTransactionException(detail, { winningVersion, appId: a.txn.appId });

  const readSomething = req.readWholeTable || req.readFiles !== undefined;
  const isolation = req.isolationLevel ?? "Serializable";
  // WriteSerializable ignores files added by blind appends; Serializable does not.
  const winnerBlind = ci?.isBlindAppend === true;
  // Only added files the read would have scanned conflict (Delta matches them against the read predicates).
  const added = dataChangeAdds(winning).filter((a) => req.readWholeTable || !req.readPredicate || req.readPredicate(a));
  if (readSomething && !req.isBlindAppend && added.length && (isolation === "Serializable" || !winnerBlind)) {
    throw new ConcurrentAppendException(`${detail}. Added: ${added.slice(0, 3).map((a) => a.path).join(", ")}`, { winningVersion, files: added.map((a) => a.path) });
  }
  const removed = dataChangeRemoves(winning);
  const readSet = new Set([...(req.readFiles ?? [])].map(fileKey));
  const readDeleted = removed.filter((r) => req.readWholeTable || readSet.has(fileKey(r.path)));
  if (readDeleted.length) {
    throw new ConcurrentDeleteReadException(`${detail}. File: ${readDeleted[0]!.path}`, { winningVersion, file: readDeleted[0]!.path });
  }
  const ourRemoves = new Set(dataChangeRemoves(req.actions).map((r) => fileKey(r.path)));
  const both = removed.filter((r) => ourRemoves.has(fileKey(r.path)));
  if (both.length) throw new ConcurrentDeleteDeleteException(`${detail}. File: ${both[0]!.path}`, { winningVersion, file: both[0]!.path });
}

/** Commit with retries; returns the version written. Writes a checkpoint every delta.checkpointInterval commits. */
export async function commit(req: CommitRequest): Promise<CommitResult> {
  const txnId = randomUUID();
  let version = req.readVersion + 1;
  const retriedPast: number[] = [];
  const max = req.maxAttempts ?? 1000;
  for (let attempt = 0; attempt < max; attempt++) {
    const commitInfo: CommitInfo = {
      timestamp: Date.now(),
      operation: req.operation,
      operationParameters: req.operationParameters ?? {},
      ...(req.readVersion >= 0 ? { readVersion: req.readVersion } : {}),
      isolationLevel: req.isolationLevel ?? "Serializable",
      isBlindAppend: req.isBlindAppend,
      operationMetrics: Object.fromEntries(Object.entries(req.operationMetrics ?? {}).map(([k, v]) => [k, String(v)])),
      engineInfo: ENGINE_INFO,
      txnId,
    };
    try {
      writeCommitExclusive(req.table, version, actionsToJsonLines([{ commitInfo }, ...req.actions]));
    } catch (e) {
      if (!(e instanceof CommitConflict)) throw e;
      checkConflicts(req, version, readCommit(req.table, version));
      retriedPast.push(version);
      version++;
      continue;
    }
    const result: CommitResult = { version, retriedPast };
    if (!req.noCheckpoint && version > 0) {
      try {
        const snap = await loadSnapshot(req.table, version);
        if (version % checkpointInterval(snap) === 0) result.checkpointWritten = writeCheckpoint(snap).file;
      } catch {
        // A failed checkpoint never fails the commit: readers replay the JSON files instead.
      }
    }
    return result;
  }
  throw new AnalysisError("DELTA_MAX_COMMIT_RETRIES_EXCEEDED", `This commit has failed as it has been tried ${max} times but did not succeed.`, { parameters: { numAttempts: max } });
}
