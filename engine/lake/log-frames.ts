// The transaction log as DataFrames: DESCRIBE HISTORY, and the per-commit view lecture 10 draws.

import { sqlSessionOf, type SqlSessionLike } from "../sql";
import type { DataFrame } from "../sql/api/dataframe";
import type { SqlSession } from "../sql/api/sql-session";
import { listLog } from "./log-files";
import { fileKey, readHistory, tablePath, type HistoryEntry } from "./snapshot";

/** DESCRIBE HISTORY as a DataFrame. */
export function historyDataFrame(session: SqlSession, hist: HistoryEntry[]): DataFrame {
  const str = (o: Record<string, unknown> | undefined) => Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  return session.createDataFrame(hist.map((h) => [
    h.version, new Date(h.timestamp), h.commitInfo.operation ?? null, str(h.commitInfo.operationParameters), h.commitInfo.readVersion ?? null,
    h.commitInfo.isolationLevel ?? null, h.commitInfo.isBlindAppend ?? null, str(h.commitInfo.operationMetrics), h.commitInfo.engineInfo ?? null,
  ]), "version bigint, timestamp timestamp, operation string, operationParameters map<string,string>, readVersion bigint, isolationLevel string, isBlindAppend boolean, operationMetrics map<string,string>, engineInfo string");
}

/**
 * The log as lecture 10 draws it: one row per commit with its operation, the data files it added
 * and removed, and which checkpoint (if any) covers it.
 */
export function deltaLog(spark: SqlSessionLike, path: string): DataFrame {
  const session = sqlSessionOf(spark);
  const table = tablePath(path);
  const cps = listLogCheckpoints(table);
  const hist = readHistory(table).reverse();
  return session.createDataFrame(hist.map((h) => {
    const cover = cps.find((c) => c >= h.version);
    return [
      h.version, h.commitInfo.operation ?? null,
      h.actions.flatMap((a) => ("add" in a ? [fileKey(a.add.path)] : [])),
      h.actions.flatMap((a) => ("remove" in a ? [fileKey(a.remove.path)] : [])),
      cover === undefined ? null : `${String(cover).padStart(20, "0")}.checkpoint.parquet`,
    ];
  }), "version bigint, operation string, added array<string>, removed array<string>, checkpoint string");
}

function listLogCheckpoints(table: string): number[] {
  return listLog(table).checkpoints.map((c) => c.version);
}
